// A minimal Express app protected by @clerk/express, used by
// express.test.mjs. It is started as a child process and takes its whole
// Clerk configuration from the environment (CLERK_API_URL, CLERK_SECRET_KEY,
// CLERK_PUBLISHABLE_KEY): no option is passed in code.
//
// GET /me answers what getAuth(req) sees. POST /api/webhooks is the README's
// webhook route: it verifies each delivery with verifyWebhook (secret from
// CLERK_WEBHOOK_SIGNING_SECRET) and keeps the app's own copy of the
// organizations, which GET /synced/organizations shows. On start it prints
// "listening http://127.0.0.1:<port>" on stdout.

import { clerkMiddleware, getAuth } from '@clerk/express';
import { verifyWebhook } from '@clerk/express/webhooks';
import express from 'express';

const app = express();
const organizations = new Map(); // the app's database
const seen = new Set(); // svix-id of every event handled, for idempotency

app.post('/api/webhooks', express.raw({ type: 'application/json' }), async (req, res) => {
  let evt;
  try {
    evt = await verifyWebhook(req);
  } catch (err) {
    return res.status(400).send('Webhook verification failed');
  }
  const id = req.headers['svix-id'];
  if (!seen.has(id)) {
    seen.add(id);
    if (evt.type === 'organization.created' || evt.type === 'organization.updated') {
      organizations.set(evt.data.id, { name: evt.data.name, slug: evt.data.slug });
    } else if (evt.type === 'organization.deleted') {
      organizations.delete(evt.data.id);
    }
  }
  return res.status(200).send('ok');
});

app.get('/synced/organizations', (req, res) => {
  res.json(Object.fromEntries(organizations));
});

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
