// An Express app with Clerk organizations, done the way Clerk's docs recommend:
// every /orgs/:slug route checks that the URL's organization is the session's
// active one, admin pages check the role, the post editor checks a custom
// permission (whose feature the organization's plan must hold), analytics need the
// plan's feature, and writes go to the session's organization, never to one named in
// the request. BUGS=slug-guard,admin-check,org-scope,sys-permission switches on
// the classic mistakes, one by one, so clerk-sim check-app can be seen to find them.
//
// Configuration comes from the environment, as in any Clerk app: CLERK_API_URL,
// CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY. PORT (default 3000; 0 picks one). On
// start it prints "listening http://127.0.0.1:<port>".

import { clerkMiddleware, getAuth } from '@clerk/express';
import express from 'express';

const bugs = new Set((process.env.BUGS ?? '').split(',').filter(Boolean));
const app = express();
app.use(express.json());
app.use(clerkMiddleware());

const posts = new Map(); // organization id -> posts

app.get('/', (req, res) => res.json({ ok: true }));

// Signed in, and the organization in the URL is the one the session has active.
function organizationRoute(req, res, next) {
  const auth = getAuth(req);
  if (!auth.userId) return res.status(401).json({ error: 'sign in first' });
  if (!bugs.has('slug-guard') && auth.orgSlug !== req.params.slug) {
    return res.status(404).json({ error: 'no such organization for this session' });
  }
  req.clerkAuth = auth;
  return next();
}

app.get('/orgs/:slug/dashboard', organizationRoute, (req, res) => {
  res.json({ organization: req.clerkAuth.orgId, role: req.clerkAuth.orgRole });
});

app.get('/orgs/:slug/settings', organizationRoute, (req, res) => {
  if (!bugs.has('admin-check') && !req.clerkAuth.has({ role: 'org:admin' })) {
    return res.status(403).json({ error: 'admins only' });
  }
  return res.json({ organization: req.clerkAuth.orgId, settings: {} });
});

app.get('/orgs/:slug/billing', organizationRoute, (req, res) => {
  // System permissions never reach the server's has(); the role is what to check.
  const allowed = bugs.has('sys-permission')
    ? req.clerkAuth.has({ permission: 'org:sys_billing:manage' })
    : req.clerkAuth.has({ role: 'org:admin' });
  if (!allowed) return res.status(403).json({ error: 'admins only' });
  return res.json({ organization: req.clerkAuth.orgId, plan: 'free' });
});

app.get('/orgs/:slug/analytics', organizationRoute, (req, res) => {
  if (!req.clerkAuth.has({ feature: 'analytics' })) return res.status(403).json({ error: 'on the Pro plan only' });
  return res.json({ organization: req.clerkAuth.orgId, visits: 0 });
});

app.get('/orgs/:slug/posts', organizationRoute, (req, res) => {
  res.json(posts.get(req.clerkAuth.orgId) ?? []);
});

app.post('/orgs/:slug/posts', organizationRoute, (req, res) => {
  if (!req.clerkAuth.has({ permission: 'org:posts:edit' })) return res.status(403).json({ error: 'editors only' });
  const organizationId = bugs.has('org-scope') ? (req.body?.organization_id ?? req.clerkAuth.orgId) : req.clerkAuth.orgId;
  const post = { ...req.body, organization_id: organizationId, author: req.clerkAuth.userId };
  posts.set(organizationId, [...(posts.get(organizationId) ?? []), post]);
  return res.status(201).json(post);
});

app.post('/orgs/:slug/invitations', organizationRoute, (req, res) => {
  if (!req.clerkAuth.has({ role: 'org:admin' })) return res.status(403).json({ error: 'admins only' });
  return res.status(201).json({ invited: req.body?.email_address ?? null });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
