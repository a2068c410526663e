// A minimal Express app protected by @clerk/express, used by
// express.test.mjs. It is started as a child process and takes its whole
// Clerk configuration from the environment (CLERK_API_URL, CLERK_SECRET_KEY,
// CLERK_PUBLISHABLE_KEY): no option is passed in code.
//
// GET /me answers what getAuth(req) sees. On start it prints
// "listening http://127.0.0.1:<port>" on stdout.

import { clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

const app = express();
app.use(clerkMiddleware());

app.get('/me', (req, res) => {
  const auth = getAuth(req);
  res.json({
    userId: auth.userId,
    sessionId: auth.sessionId,
    sessionStatus: auth.sessionStatus,
    orgId: auth.orgId ?? null,
    orgSlug: auth.orgSlug ?? null,
    orgRole: auth.orgRole ?? null,
    isAdmin: auth.has({ role: 'org:admin' }),
  });
});

// surface middleware failures as JSON so the test can show them
app.use((err, req, res, _next) => {
  res.status(500).json({ error: String(err?.stack ?? err) });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
