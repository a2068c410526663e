// Sessions and session tokens through clerk.sessions, and what the real SDK
// makes of those tokens: authenticateRequest() online (the SDK fetches
// /v1/jwks) and offline (jwtKey), toAuth() and has(). The server runs on the
// wall clock because the SDK checks exp/nbf/iat against the real time.
//
// /__sim/authorize is asked the same questions as the SDK in several tests;
// both must agree.

import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  createClerkClient,
  expectClerkError,
  kindOf,
  rawRequest,
  setClock,
  simNow,
  useSim,
  verifyToken,
} from './harness.mjs';

const env = useSim({ clock: 'wall' });
const sessions = () => env.clerk.sessions;
const orgs = () => env.clerk.organizations;

// A request the way a browser-less client sends it to an app backend.
const APP_URL = 'http://localhost:3000/api/me';
// Nothing listens here: a client pointed at it proves no network call is made.
const DEAD_API_URL = 'http://127.0.0.1:9';

// ---------------------------------------------------------------------------
// helpers

function decodeJwt(jwt) {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, `not a compact JWS: ${jwt}`);
  const part = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: part(parts[0]), payload: part(parts[1]) };
}

async function createSession(userId, activeOrganizationId) {
  const params = { userId };
  if (activeOrganizationId !== undefined) params.activeOrganizationId = activeOrganizationId;
  return sessions().createSession(params);
}

async function mint(sessionId, expiresInSeconds) {
  const token = await sessions().getToken(sessionId, undefined, expiresInSeconds);
  assert.equal(typeof token.jwt, 'string');
  return token.jwt;
}

// Session tasks are not kept by the SDK's Session class, so they are read from the wire.
async function wireSession(sessionId) {
  const res = await rawRequest(env, 'GET', `/v1/sessions/${sessionId}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function setActiveOrganization(sessionId, organizationId) {
  return rawRequest(env, 'POST', `/__sim/sessions/${sessionId}/active_organization`, {
    body: { organization_id: organizationId },
  });
}

async function forceOrganizationSelection(value) {
  const res = await rawRequest(env, 'PATCH', '/v1/instance/organization_settings', {
    body: { force_organization_selection: value },
  });
  assert.equal(res.status, 200, res.text);
}

// authenticateRequest with the JWT as a Bearer header. Online mode talks to
// clerk-sim for the JWKS; offline mode gets the PEM and an unreachable apiUrl.
async function authenticate(jwt, { offline = false, ...options } = {}) {
  const client = createClerkClient({
    secretKey: env.secretKey,
    publishableKey: env.publishableKey,
    apiUrl: offline ? DEAD_API_URL : env.url,
    telemetry: { disabled: true },
  });
  const request = new Request(APP_URL, { headers: { Authorization: `Bearer ${jwt}` } });
  return client.authenticateRequest(request, offline ? { jwtKey: env.jwtKey, ...options } : options);
}

async function simAuthorize(body) {
  const res = await rawRequest(env, 'POST', '/__sim/authorize', { body });
  assert.equal(res.status, 200, `POST /__sim/authorize ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
  return res.json;
}

// The SDK's auth object in the shape /__sim/authorize answers with.
function sdkAuthAsWire(auth) {
  return {
    user_id: auth.userId ?? null,
    session_id: auth.sessionId ?? null,
    session_status: auth.sessionStatus ?? null,
    org_id: auth.orgId ?? null,
    org_slug: auth.orgSlug ?? null,
    org_role: auth.orgRole ?? null,
    // without an active org (or signed out) the SDK has no list at all; the
    // server may say [] or null, both mean "nothing granted"
    org_permissions: auth.orgPermissions ?? [],
  };
}

function simAuthNormalised(auth) {
  return { ...auth, org_permissions: auth.org_permissions ?? [] };
}

// Asks the SDK auth object and /__sim/authorize (with the token) the same
// checks and asserts identical answers and auth fields.
async function assertSimAgrees(jwt, sdkAuth, checks, { treatPendingAsSignedOut } = {}) {
  for (const check of checks) {
    const body = { token: jwt, check };
    if (treatPendingAsSignedOut !== undefined) body.treat_pending_as_signed_out = treatPendingAsSignedOut;
    const sim = await simAuthorize(body);
    assert.equal(
      sim.allowed,
      sdkAuth.has(check),
      `has(${JSON.stringify(check)}): SDK says ${sdkAuth.has(check)}, /__sim/authorize says ${sim.allowed}`,
    );
    assert.deepEqual(simAuthNormalised(sim.auth), sdkAuthAsWire(sdkAuth), `auth object for ${JSON.stringify(check)}`);
  }
}

function assertSessionShape(s) {
  assert.equal(kindOf(s), 'Session', `expected a Session, got ${kindOf(s)}`);
  assert.match(s.id, /^sess_/);
  assert.match(s.clientId, /^client_/);
  assert.match(s.userId, /^user_/);
  for (const k of ['lastActiveAt', 'expireAt', 'abandonAt', 'createdAt', 'updatedAt']) {
    assert.equal(typeof s[k], 'number', `${k} must be a number`);
  }
  assert.ok(s.expireAt > s.createdAt, 'expireAt lies after createdAt');
  assert.ok(s.abandonAt >= s.expireAt, 'abandonAt is not before expireAt');
}

// ---------------------------------------------------------------------------
// startup banner and keys

test('serve prints CLERK_API_URL, CLERK_PUBLISHABLE_KEY and a one-line CLERK_JWT_KEY that matches /v1/jwks', async () => {
  assert.equal(env.sim.apiUrl, env.url);
  const port = new URL(env.url).port;
  assert.match(env.publishableKey, /^pk_test_[A-Za-z0-9+/]+={0,2}$/);
  const decoded = Buffer.from(env.publishableKey.slice('pk_test_'.length), 'base64').toString('utf8');
  assert.equal(decoded, `127.0.0.1:${port}$`);

  assert.match(env.jwtKey, /^-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=]+-----END PUBLIC KEY-----$/);
  const body = env.jwtKey.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '');
  const pem = `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`;
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  assert.equal(jwk.kty, 'RSA');
  assert.equal(jwk.e, 'AQAB');
  assert.equal(Buffer.from(jwk.n, 'base64url').length, 256, 'RSA-2048, the only size the SDK can use as jwtKey');

  const jwks = await rawRequest(env, 'GET', '/v1/jwks');
  assert.equal(jwks.status, 200, jwks.text);
  assert.equal(jwks.json.keys.length, 1);
  const [key] = jwks.json.keys;
  assert.deepEqual(
    { kty: key.kty, alg: key.alg, use: key.use, e: key.e, n: key.n },
    { kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB', n: jwk.n },
  );
  assert.equal(typeof key.kid, 'string');
  assert.ok(key.kid.length > 0);
});

// ---------------------------------------------------------------------------
// clerk.sessions

test('createSession with an active organization gives an active session without tasks', async () => {
  const s = await createSession('user_alice', 'org_acme');
  assertSessionShape(s);
  assert.equal(s.userId, 'user_alice');
  assert.equal(s.status, 'active');
  assert.equal(s.lastActiveOrganizationId, 'org_acme');
  const wire = await wireSession(s.id);
  assert.ok(wire.tasks === null || (Array.isArray(wire.tasks) && wire.tasks.length === 0), `tasks: ${JSON.stringify(wire.tasks)}`);
});

test('createSession without an organization is pending with the choose-organization task', async () => {
  const s = await createSession('user_alice');
  assertSessionShape(s);
  assert.equal(s.status, 'pending');
  assert.equal(s.lastActiveOrganizationId, null);
  const wire = await wireSession(s.id);
  assert.deepEqual(wire.tasks, [{ key: 'choose-organization' }]);
});

test('with force_organization_selection off a session without an organization is active', async () => {
  await forceOrganizationSelection(false);
  const s = await createSession('user_erin');
  assert.equal(s.status, 'active');
  const wire = await wireSession(s.id);
  assert.ok(wire.tasks === null || (Array.isArray(wire.tasks) && wire.tasks.length === 0), `tasks: ${JSON.stringify(wire.tasks)}`);

  const { payload } = decodeJwt(await mint(s.id));
  assert.equal(payload.sts, 'active');
  assert.equal(payload.o, undefined, 'no active organization, no o claim');
});

test('createSession accepts the organization slug and refuses unknown users and non-members', async () => {
  const bySlug = await createSession('user_carol', 'globex');
  assert.equal(bySlug.lastActiveOrganizationId, 'org_globex');
  assert.equal(bySlug.status, 'active');

  await expectClerkError(createSession('user_nobody'), { status: 404, code: 'resource_not_found' });
  await expectClerkError(createSession('user_erin', 'org_acme'), { status: 403, code: 'not_a_member_in_organization' });
});

test('getSession returns the session; an unknown id is 404', async () => {
  const created = await createSession('user_bob', 'org_acme');
  const got = await sessions().getSession(created.id);
  assertSessionShape(got);
  assert.deepEqual({ ...got }, { ...created });
  await expectClerkError(sessions().getSession('sess_missing'), { status: 404, code: 'resource_not_found' });
});

test('getSessionList({userId}) returns the envelope, newest first; without paginated it is a bare array', async () => {
  const first = await createSession('user_carol', 'org_acme');
  const second = await createSession('user_carol', 'org_globex');
  await createSession('user_bob', 'org_acme');

  const list = await sessions().getSessionList({ userId: 'user_carol' });
  assert.equal(list.totalCount, 2);
  assert.deepEqual(list.data.map((s) => s.id), [second.id, first.id]);
  for (const s of list.data) assertSessionShape(s);

  const bare = await rawRequest(env, 'GET', '/v1/sessions?user_id=user_carol');
  assert.equal(bare.status, 200, bare.text);
  assert.ok(Array.isArray(bare.json), `expected a bare array, got ${bare.text.slice(0, 200)}`);
  assert.deepEqual(bare.json.map((s) => s.id), [second.id, first.id]);

  const paged = await sessions().getSessionList({ userId: 'user_carol', limit: 1, offset: 1 });
  assert.deepEqual(paged.data.map((s) => s.id), [first.id]);
  assert.equal(paged.totalCount, 2);

  const byClient = await sessions().getSessionList({ clientId: first.clientId });
  assert.ok(byClient.data.some((s) => s.id === first.id), 'client_id filters too');
  assert.ok(byClient.data.every((s) => s.clientId === first.clientId));
});

test('getSessionList without user_id or client_id is 400 missing_query_parameter', async () => {
  await expectClerkError(sessions().getSessionList({}), { status: 400, code: 'missing_query_parameter' });
});

test('revokeSession marks the session revoked; a revoked session cannot mint tokens', async () => {
  const s = await createSession('user_alice', 'org_acme');
  const revoked = await sessions().revokeSession(s.id);
  assertSessionShape(revoked);
  assert.equal(revoked.id, s.id);
  assert.equal(revoked.status, 'revoked');
  assert.equal((await sessions().getSession(s.id)).status, 'revoked');
  await expectClerkError(sessions().getToken(s.id), { status: 404, code: 'resource_not_found' });
  await expectClerkError(sessions().revokeSession('sess_missing'), { status: 404, code: 'resource_not_found' });
});

// ---------------------------------------------------------------------------
// session tokens

test('getToken mints an RS256 v2 session token for the session', async () => {
  const s = await createSession('user_alice', 'org_acme');
  const before = Math.floor((await simNow(env)) / 1000);
  const jwt = await mint(s.id);
  const { header, payload } = decodeJwt(jwt);

  const jwks = await rawRequest(env, 'GET', '/v1/jwks');
  assert.deepEqual(header, { alg: 'RS256', kid: jwks.json.keys[0].kid, typ: 'JWT' });

  assert.equal(payload.sub, 'user_alice');
  assert.equal(payload.sid, s.id);
  assert.equal(payload.azp, 'http://localhost:3000');
  assert.equal(payload.v, 2);
  assert.equal(payload.sts, 'active');
  const pkHost = Buffer.from(env.publishableKey.slice('pk_test_'.length), 'base64').toString('utf8').replace(/\$$/, '');
  assert.equal(payload.iss.replace(/^https?:\/\//, ''), pkHost, 'iss names the publishable key host');
  assert.ok(Math.abs(payload.iat - before) <= 2, `iat ${payload.iat} is the server's now (${before})`);
  assert.equal(payload.exp - payload.iat, 60, 'default lifetime is 60 s');
  assert.ok(payload.nbf <= payload.iat);
  assert.ok(Array.isArray(payload.fva) && payload.fva.length === 2, `fva: ${JSON.stringify(payload.fva)}`);
  assert.equal(payload.o.id, 'org_acme');
  assert.equal(payload.o.slg, 'acme-corp');
  assert.equal(payload.o.rol, 'admin', 'rol carries no org: prefix');
  if (payload.fea !== undefined) {
    for (const item of payload.fea.split(',')) assert.match(item.trim(), /^(o|u|ou|uo):.+/, `fea element ${item}`);
  }
  // admins hold every system permission, none of which may be in a token
  assert.doesNotMatch(payload.fea ?? '', /sys_/);
  assert.doesNotMatch(payload.o.per ?? '', /sys_|manage|delete|read/);
});

test('getToken expires_in_seconds sets the lifetime within 30..315360000; templates are 404', async () => {
  const s = await createSession('user_alice', 'org_acme');
  const long = decodeJwt(await mint(s.id, 3600)).payload;
  assert.equal(long.exp - long.iat, 3600);
  const shortest = decodeJwt(await mint(s.id, 30)).payload;
  assert.equal(shortest.exp - shortest.iat, 30);
  const longest = decodeJwt(await mint(s.id, 315360000)).payload;
  assert.equal(longest.exp - longest.iat, 315360000);

  for (const bad of [29, 315360001]) {
    const err = await expectClerkError(sessions().getToken(s.id, undefined, bad), { paramName: 'expires_in_seconds' });
    assert.ok([400, 422].includes(err.status), `expires_in_seconds=${bad} answered ${err.status}`);
  }
  await expectClerkError(sessions().getToken(s.id, 'custom_hasura'), { status: 404, code: 'resource_not_found' });
  await expectClerkError(sessions().getToken('sess_missing'), { status: 404, code: 'resource_not_found' });
});

// ---------------------------------------------------------------------------
// authenticateRequest, online and offline

for (const mode of ['online', 'offline']) {
  test(`authenticateRequest (${mode}) accepts an admin's token: toAuth() and has()`, async () => {
    const s = await createSession('user_alice', 'org_acme');
    const jwt = await mint(s.id);
    const state = await authenticate(jwt, { offline: mode === 'offline' });
    assert.equal(state.status, 'signed-in', `reason=${state.reason} message=${state.message}`);
    assert.equal(state.isSignedIn, true);
    assert.equal(state.token, jwt);

    const auth = state.toAuth();
    assert.equal(auth.tokenType, 'session_token');
    assert.equal(auth.userId, 'user_alice');
    assert.equal(auth.sessionId, s.id);
    assert.equal(auth.sessionStatus, 'active');
    assert.equal(auth.orgId, 'org_acme');
    assert.equal(auth.orgSlug, 'acme-corp');
    assert.equal(auth.orgRole, 'org:admin');
    assert.deepEqual(auth.orgPermissions, [], 'system permissions are not in tokens');
    assert.equal(auth.isAuthenticated, true);

    assert.equal(auth.has({ role: 'admin' }), true);
    assert.equal(auth.has({ role: 'org:admin' }), true);
    assert.equal(auth.has({ role: 'org:member' }), false);
    assert.equal(auth.has({ permission: 'org:sys_memberships:manage' }), false);
    assert.equal(auth.has({ permission: 'org:sys_profile:manage' }), false);

    await assertSimAgrees(jwt, auth, [
      { role: 'admin' },
      { role: 'org:admin' },
      { role: 'org:member' },
      { permission: 'org:sys_memberships:manage' },
      { role: 'org:admin', permission: 'org:sys_profile:delete' },
      {},
    ]);
  });
}

test('offline verification makes no network call and online verification needs the server', async () => {
  const s = await createSession('user_bob', 'org_acme');
  const jwt = await mint(s.id);
  // offline: apiUrl points at a closed port, so success means no call was made
  const offline = await authenticate(jwt, { offline: true });
  assert.equal(offline.status, 'signed-in', `reason=${offline.reason}`);
  // a different key than the server's must reject the token
  const otherKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).publicKey;
  const wrongKey = await authenticate(jwt, { offline: true, jwtKey: otherKey });
  assert.equal(wrongKey.status, 'signed-out');
  assert.equal(wrongKey.reason, 'token-invalid-signature');
  // online with the JWKS cache skipped still verifies against /v1/jwks
  const online = await authenticate(jwt, { skipJwksCache: true });
  assert.equal(online.status, 'signed-in', `reason=${online.reason} message=${online.message}`);
  assert.equal(online.toAuth().orgRole, 'org:member');
});

test('a custom permission given through a custom role shows in orgPermissions and has()', async () => {
  const perm = await env.clerk.organizationPermissions.createOrganizationPermission({
    name: 'Publish posts',
    key: 'org:posts:publish',
  });
  await env.clerk.organizationRoles.createOrganizationRole({
    name: 'Editor',
    key: 'org:editor',
    permissions: [perm.id],
    includeInInitialRoleSet: true,
  });
  await orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob', role: 'org:editor' });

  const s = await createSession('user_bob');
  assert.equal(s.status, 'pending');
  const activated = await setActiveOrganization(s.id, 'org_acme');
  assert.equal(activated.status, 200, activated.text);
  assert.equal(activated.json.status, 'active');
  assert.equal(activated.json.last_active_organization_id, 'org_acme');

  const jwt = await mint(s.id);
  const { payload } = decodeJwt(jwt);
  assert.equal(payload.o.rol, 'editor');
  assert.ok(payload.fea.split(',').map((x) => x.trim()).includes('o:posts'), `fea: ${payload.fea}`);

  for (const mode of ['online', 'offline']) {
    const auth = (await authenticate(jwt, { offline: mode === 'offline' })).toAuth();
    assert.equal(auth.orgRole, 'org:editor', mode);
    assert.deepEqual(auth.orgPermissions, ['org:posts:publish'], mode);
    assert.equal(auth.has({ permission: 'org:posts:publish' }), true, mode);
    assert.equal(auth.has({ permission: 'posts:publish' }), true, `${mode}: the org: prefix is optional`);
    assert.equal(auth.has({ permission: 'org:posts:delete' }), false, mode);
    assert.equal(auth.has({ role: 'editor', permission: 'org:posts:publish' }), true, mode);
    assert.equal(auth.has({ role: 'admin', permission: 'org:posts:publish' }), false, mode);
    assert.equal(auth.has({ permission: 'org:sys_memberships:read' }), false, `${mode}: system permissions stay out`);
  }

  const auth = (await authenticate(jwt, { offline: true })).toAuth();
  await assertSimAgrees(jwt, auth, [
    { permission: 'org:posts:publish' },
    { permission: 'posts:publish' },
    { permission: 'org:posts:delete' },
    { permission: 'org:sys_memberships:read' },
    { role: 'org:editor' },
    { role: 'editor', permission: 'org:posts:publish' },
    { feature: 'o:posts' },
  ]);
});

test('a pending session is signed out by toAuth() unless treatPendingAsSignedOut is false', async () => {
  const s = await createSession('user_bob');
  const jwt = await mint(s.id);
  const { payload } = decodeJwt(jwt);
  assert.equal(payload.sts, 'pending');
  assert.equal(payload.o, undefined, 'a pending session has no o claim');

  const state = await authenticate(jwt, { offline: true });
  assert.equal(state.status, 'signed-in', 'the request state itself is signed in');
  const signedOut = state.toAuth();
  assert.equal(signedOut.userId, null);
  assert.equal(signedOut.sessionId, null);
  assert.equal(signedOut.sessionStatus, 'pending');
  assert.equal(signedOut.isAuthenticated, false);
  assert.equal(signedOut.has({ reverification: 'lax' }), false);

  const full = state.toAuth({ treatPendingAsSignedOut: false });
  assert.equal(full.userId, 'user_bob');
  assert.equal(full.sessionId, s.id);
  assert.equal(full.sessionStatus, 'pending');
  assert.equal(full.orgId, undefined);
  assert.equal(full.has({ role: 'org:member' }), false);

  const checks = [{ role: 'org:member' }, { reverification: 'lax' }, { reverification: 'strict_mfa' }, {}];
  await assertSimAgrees(jwt, signedOut, checks);
  await assertSimAgrees(jwt, signedOut, checks, { treatPendingAsSignedOut: true });
  await assertSimAgrees(jwt, full, checks, { treatPendingAsSignedOut: false });

  // the same through the session id
  const bySession = await simAuthorize({ session_id: s.id, check: { role: 'org:member' } });
  assert.equal(bySession.allowed, false);
  assert.equal(bySession.auth.user_id, null);
  assert.equal(bySession.auth.session_status, 'pending');
  const bySessionFull = await simAuthorize({ session_id: s.id, check: {}, treat_pending_as_signed_out: false });
  assert.equal(bySessionFull.auth.user_id, 'user_bob');
  assert.equal(bySessionFull.auth.session_id, s.id);
});

test('an expired token is rejected with token-expired', async () => {
  const s = await createSession('user_alice', 'org_acme');
  // mint two minutes in the past: exp is a minute ago, well beyond the 5 s skew
  await setClock(env, Date.now() - 120_000);
  const jwt = await mint(s.id);
  const { payload } = decodeJwt(jwt);
  assert.ok(payload.exp * 1000 < Date.now() - 30_000, `exp ${payload.exp} should lie in the past`);

  for (const mode of ['online', 'offline']) {
    const state = await authenticate(jwt, { offline: mode === 'offline' });
    assert.equal(state.status, 'signed-out', mode);
    assert.equal(state.isSignedIn, false, mode);
    // authenticateRequest adds why no refresh was tried: a Bearer token has no refresh cookie
    assert.equal(state.reason, 'session-token-expired-refresh-non-eligible-no-refresh-cookie', mode);
    assert.equal(state.toAuth().userId, null, mode);
  }
  // verifyToken reports the plain verification reason
  for (const options of [{ jwtKey: env.jwtKey }, { secretKey: env.secretKey, apiUrl: env.url }]) {
    await assert.rejects(verifyToken(jwt, options), (err) => {
      assert.equal(err.reason, 'token-expired', err.message);
      return true;
    });
  }

  // back on real time, the server must refuse the token too
  await setClock(env, Date.now());
  const res = await rawRequest(env, 'POST', '/__sim/authorize', { body: { token: jwt, check: { role: 'admin' } } });
  assert.equal(res.status, 401, res.text);
  assert.equal(res.json.errors[0].code, 'authentication_invalid');

  // a fresh token for the same session is fine again
  const fresh = await authenticate(await mint(s.id), { offline: true });
  assert.equal(fresh.status, 'signed-in', `reason=${fresh.reason}`);
});

test('claims are a snapshot: an old token keeps the old role, a new one carries the new role', async () => {
  const s = await createSession('user_bob', 'org_acme');
  const stale = await mint(s.id);
  await orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob', role: 'org:admin' });
  const fresh = await mint(s.id);

  const staleAuth = (await authenticate(stale, { offline: true })).toAuth();
  assert.equal(staleAuth.orgRole, 'org:member');
  assert.equal(staleAuth.has({ role: 'org:admin' }), false);
  assert.equal(staleAuth.has({ role: 'member' }), true);

  const freshAuth = (await authenticate(fresh, { offline: true })).toAuth();
  assert.equal(freshAuth.orgRole, 'org:admin');
  assert.equal(freshAuth.has({ role: 'org:admin' }), true);
  assert.equal(freshAuth.has({ role: 'member' }), false);

  await assertSimAgrees(stale, staleAuth, [{ role: 'org:admin' }, { role: 'member' }]);
  await assertSimAgrees(fresh, freshAuth, [{ role: 'org:admin' }, { role: 'member' }]);
  // by session id the server answers from the current state
  const current = await simAuthorize({ session_id: s.id, check: { role: 'org:admin' } });
  assert.equal(current.allowed, true);
  assert.equal(current.auth.org_role, 'org:admin');
});

test('switching the active organization with the control route changes the next token', async () => {
  const s = await createSession('user_carol', 'org_acme');
  const first = (await authenticate(await mint(s.id), { offline: true })).toAuth();
  assert.deepEqual([first.orgId, first.orgSlug, first.orgRole], ['org_acme', 'acme-corp', 'org:member']);
  assert.equal(first.has({ role: 'admin' }), false);

  const bySlug = await setActiveOrganization(s.id, 'globex');
  assert.equal(bySlug.status, 200, bySlug.text);
  assert.equal(bySlug.json.object, 'session');
  assert.equal(bySlug.json.last_active_organization_id, 'org_globex');
  const switchedJwt = await mint(s.id);
  const switched = (await authenticate(switchedJwt, { offline: true })).toAuth();
  assert.deepEqual([switched.orgId, switched.orgSlug, switched.orgRole], ['org_globex', 'globex', 'org:admin']);
  assert.equal(switched.has({ role: 'admin' }), true);
  await assertSimAgrees(switchedJwt, switched, [{ role: 'admin' }, { role: 'org:member' }]);
  assert.equal((await sessions().getSession(s.id)).lastActiveOrganizationId, 'org_globex');

  const byId = await setActiveOrganization(s.id, 'org_acme');
  assert.equal(byId.status, 200, byId.text);
  assert.equal((await authenticate(await mint(s.id), { offline: true })).toAuth().orgId, 'org_acme');

  // not a member: refused, nothing changes
  const dave = await createSession('user_dave', 'org_globex');
  const refused = await setActiveOrganization(dave.id, 'org_acme');
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json.errors[0].code, 'not_a_member_in_organization');
  assert.equal((await sessions().getSession(dave.id)).lastActiveOrganizationId, 'org_globex');

  // null clears it and the session is pending again
  const cleared = await setActiveOrganization(s.id, null);
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.last_active_organization_id, null);
  assert.equal(cleared.json.status, 'pending');
  assert.deepEqual(cleared.json.tasks, [{ key: 'choose-organization' }]);
  const { payload } = decodeJwt(await mint(s.id));
  assert.equal(payload.sts, 'pending');
  assert.equal(payload.o, undefined);

  const unknownSession = await setActiveOrganization('sess_missing', 'org_acme');
  assert.equal(unknownSession.status, 404, unknownSession.text);
});

test('removing the membership clears the active organization from the session and the next token', async () => {
  const s = await createSession('user_bob', 'org_acme');
  const before = decodeJwt(await mint(s.id)).payload;
  assert.equal(before.o.id, 'org_acme');

  await orgs().deleteOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob' });
  const session = await sessions().getSession(s.id);
  assert.equal(session.lastActiveOrganizationId, null);
  assert.equal(session.status, 'pending');

  const jwt = await mint(s.id);
  const { payload } = decodeJwt(jwt);
  assert.equal(payload.o, undefined);
  assert.equal(payload.sts, 'pending');
  const auth = (await authenticate(jwt, { offline: true })).toAuth({ treatPendingAsSignedOut: false });
  assert.equal(auth.userId, 'user_bob');
  assert.equal(auth.orgId, undefined);
  assert.equal(auth.has({ role: 'org:member' }), false);
  await assertSimAgrees(jwt, auth, [{ role: 'org:member' }], { treatPendingAsSignedOut: false });
});

test('deleting the organization clears it from every session that had it active', async () => {
  await forceOrganizationSelection(false);
  const carol = await createSession('user_carol', 'org_globex');
  const dave = await createSession('user_dave', 'org_globex');
  await orgs().deleteOrganization('org_globex');
  for (const s of [carol, dave]) {
    const after = await sessions().getSession(s.id);
    assert.equal(after.lastActiveOrganizationId, null);
    assert.equal(after.status, 'active', 'without forced selection the session stays active');
    const { payload } = decodeJwt(await mint(s.id));
    assert.equal(payload.o, undefined);
    assert.equal(payload.sts, 'active');
  }
});
