// @clerk/express against clerk-sim: express-app.mjs runs as a child process
// whose only Clerk configuration is CLERK_API_URL, CLERK_SECRET_KEY and
// CLERK_PUBLISHABLE_KEY taken from clerk-sim's banner. No CLERK_JWT_KEY is
// given, so the middleware has to fetch the JWKS from CLERK_API_URL. Tokens
// are minted with clerk.sessions and sent as Bearer headers.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rawRequest, setClock, useSim } from './harness.mjs';

const env = useSim({ clock: 'wall' });
const here = dirname(fileURLToPath(import.meta.url));
const APP_START_TIMEOUT_MS = 15_000;

const app = { child: null, url: null, stderr: '', starting: null };

// The app needs the server's banner values, so it is started on first use
// (file-level before() hooks are not ordered reliably on every Node version).
function ensureApp() {
  app.starting ??= startApp();
  return app.starting;
}

async function startApp() {
  // nothing Clerk-related leaks in from the environment running the tests
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLERK_')));
  Object.assign(childEnv, {
    CLERK_API_URL: env.sim.apiUrl,
    CLERK_SECRET_KEY: env.secretKey,
    CLERK_PUBLISHABLE_KEY: env.publishableKey,
    CLERK_WEBHOOK_SIGNING_SECRET: env.webhookSecret,
    // keeps the app from reporting usage to Clerk; not part of its configuration
    CLERK_TELEMETRY_DISABLED: '1',
  });
  app.child = spawn(process.execPath, [join(here, 'express-app.mjs')], {
    cwd: here,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.child.stderr.setEncoding('utf8');
  app.child.stderr.on('data', (chunk) => {
    app.stderr += chunk;
  });
  const lines = createInterface({ input: app.child.stdout });
  app.url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`express app did not start; stderr: ${app.stderr}`)), APP_START_TIMEOUT_MS);
    lines.on('line', (line) => {
      const m = /^listening (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    app.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`express app exited with ${code}; stderr: ${app.stderr}`));
    });
  });
}

after(async () => {
  const { child } = app;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
});

async function mintFor(userId, organizationId) {
  const params = { userId };
  if (organizationId) params.activeOrganizationId = organizationId;
  const session = await env.clerk.sessions.createSession(params);
  const { jwt } = await env.clerk.sessions.getToken(session.id);
  return { session, jwt };
}

async function me(jwt) {
  await ensureApp();
  const headers = jwt === undefined ? {} : { Authorization: `Bearer ${jwt}` };
  const res = await fetch(`${app.url}/me`, { headers, redirect: 'manual' });
  const text = await res.text();
  assert.equal(res.status, 200, `GET /me answered ${res.status}: ${text}\napp stderr: ${app.stderr}`);
  return JSON.parse(text);
}

test('an admin token: getAuth() gives the user, the organization and has({role}) true', async () => {
  const { session, jwt } = await mintFor('user_alice', 'org_acme');
  assert.deepEqual(await me(jwt), {
    userId: 'user_alice',
    sessionId: session.id,
    sessionStatus: 'active',
    orgId: 'org_acme',
    orgSlug: 'acme-corp',
    orgRole: 'org:admin',
    isAdmin: true,
  });
});

test('other users and organizations: the admin of globex, and a plain member of acme', async () => {
  const { session, jwt } = await mintFor('user_carol', 'org_globex');
  assert.deepEqual(await me(jwt), {
    userId: 'user_carol',
    sessionId: session.id,
    sessionStatus: 'active',
    orgId: 'org_globex',
    orgSlug: 'globex',
    orgRole: 'org:admin',
    isAdmin: true,
  });
  const member = await mintFor('user_bob', 'org_acme');
  const got = await me(member.jwt);
  assert.equal(got.userId, 'user_bob');
  assert.equal(got.orgId, 'org_acme');
  assert.equal(got.orgRole, 'org:member');
  assert.equal(got.isAdmin, false);
});

test('a role change shows in the next token the app sees', async () => {
  const { session, jwt } = await mintFor('user_bob', 'org_acme');
  await env.clerk.organizations.updateOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_bob',
    role: 'org:admin',
  });
  assert.equal((await me(jwt)).isAdmin, false, 'the old token keeps the old role');
  const { jwt: fresh } = await env.clerk.sessions.getToken(session.id);
  const got = await me(fresh);
  assert.equal(got.orgRole, 'org:admin');
  assert.equal(got.isAdmin, true);
});

test('a pending session is signed out for getAuth()', async () => {
  const { jwt } = await mintFor('user_erin');
  const got = await me(jwt);
  assert.equal(got.userId, null);
  assert.equal(got.sessionStatus, 'pending');
  assert.equal(got.orgId, null);
  assert.equal(got.isAdmin, false);
});

test('no token, a forged token and an expired token are all signed out', async () => {
  const signedOut = { userId: null, orgId: null, orgSlug: null, orgRole: null, isAdmin: false };
  const pick = (o) => ({ userId: o.userId, orgId: o.orgId, orgSlug: o.orgSlug, orgRole: o.orgRole, isAdmin: o.isAdmin });

  assert.deepEqual(pick(await me()), signedOut);

  const { jwt } = await mintFor('user_alice', 'org_acme');
  const [h, p, s] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'user_bob' })).toString('base64url');
  assert.deepEqual(pick(await me(`${h}.${forgedPayload}.${s}`)), signedOut, 'a changed payload breaks the signature');

  await setClock(env, Date.now() - 120_000);
  const old = await mintFor('user_alice', 'org_acme');
  assert.deepEqual(pick(await me(old.jwt)), signedOut, 'exp lies a minute in the past');
});

test("the app's webhook route verifies clerk-sim's deliveries and keeps its own copy of the organizations", async () => {
  await ensureApp();
  const registered = await rawRequest(env, 'POST', '/__sim/webhooks/endpoints', {
    body: { url: `${app.url}/api/webhooks`, events: ['organization.created', 'organization.updated', 'organization.deleted'] },
  });
  assert.equal(registered.status, 200, registered.text);
  const org = await env.clerk.organizations.createOrganization({ name: 'Synced Ltd', createdBy: 'user_alice' });
  await env.clerk.organizations.updateOrganization(org.id, { name: 'Synced Limited' });
  await env.clerk.organizations.deleteOrganization('org_globex');
  const flushed = await rawRequest(env, 'POST', '/__sim/webhooks/flush');
  assert.equal(flushed.json.drained, true);
  assert.equal(flushed.json.delivered, 3, 'the route answered 200 to every delivery');
  assert.equal(flushed.json.failed, 0);

  const synced = await (await fetch(`${app.url}/synced/organizations`)).json();
  assert.deepEqual(synced[org.id], { name: 'Synced Limited', slug: org.slug });
  assert.equal(synced.org_globex, undefined);

  // Anything not signed with the instance's secret is turned away.
  const [delivery] = flushed.json.deliveries;
  const forged = await fetch(`${app.url}/api/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'svix-id': delivery.event_id,
      'svix-timestamp': String(Math.floor(Date.now() / 1000)),
      'svix-signature': 'v1,' + Buffer.alloc(32).toString('base64'),
    },
    body: JSON.stringify(delivery.payload),
  });
  assert.equal(forged.status, 400);
});
