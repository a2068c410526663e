// Enterprise connections through clerk.enterpriseConnections and the deprecated
// clerk.samlConnections, and a sign-in through the IdP (POST /__sim/sso/sign_in)
// that ends in a session token naming the connection's organization.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClerkError, rawRequest, useSim } from './harness.mjs';

const env = useSim();

const OKTA = {
  name: 'Acme Okta',
  provider: 'saml_okta',
  domains: ['acme.test'],
  organizationId: 'org_acme',
  active: true,
  saml: {
    idpEntityId: 'https://acme.okta.test/entity',
    idpSsoUrl: 'https://acme.okta.test/sso',
    attributeMapping: { emailAddress: 'mail' },
    allowSubdomains: true,
    loginHint: { mode: 'email_address' },
  },
};

async function signIn(body) {
  return rawRequest(env, 'POST', '/__sim/sso/sign_in', { body });
}

function jwtPayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

test('createEnterpriseConnection answers 201 with the SAML side built from the server URL', async () => {
  const res = await rawRequest(env, 'POST', '/v1/enterprise_connections', {
    body: { name: 'Raw', provider: 'saml_custom', domains: ['raw.test'] },
  });
  assert.equal(res.status, 201, res.text);

  const c = await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  assert.match(c.id, /^entconn_/);
  assert.equal(c.name, 'Acme Okta');
  assert.equal(c.provider, 'saml_okta');
  assert.deepEqual(c.domains, ['acme.test']);
  assert.equal(c.organizationId, 'org_acme');
  assert.equal(c.active, true);
  assert.equal(c.disableJitProvisioning, false);
  assert.equal(c.oauthConfig, null);
  const saml = c.samlConnection;
  assert.match(saml.id, /^samlc_/);
  assert.equal(saml.idpSsoUrl, 'https://acme.okta.test/sso');
  assert.equal(saml.acsUrl, `${env.url}/v1/saml/acs/${saml.id}`);
  assert.equal(saml.spEntityId, `${env.url}/saml/${saml.id}`);
  assert.equal(saml.allowSubdomains, true);
  assert.equal(saml.loginHint.mode, 'email_address');
});

test('an OIDC connection carries its OAuth configuration instead', async () => {
  const c = await env.clerk.enterpriseConnections.createEnterpriseConnection({
    name: 'Initech',
    provider: 'oidc_custom',
    domains: ['initech.test'],
    active: true,
    oidc: { clientId: 'client-1', clientSecret: 's3cret', discoveryUrl: 'https://idp.initech.test/.well-known' },
  });
  assert.equal(c.samlConnection, null);
  assert.equal(c.oauthConfig.clientId, 'client-1');
  assert.equal(c.oauthConfig.providerKey, 'oidc_custom');
  const raw = await rawRequest(env, 'GET', `/v1/enterprise_connections/${c.id}`);
  assert.equal(raw.json.protocol, 'oauth');
  assert.equal(raw.json.oauth_config.client_secret, undefined, 'the client secret is never echoed');
});

test('list, get, update and delete', async () => {
  const api = env.clerk.enterpriseConnections;
  const acme = await api.createEnterpriseConnection(OKTA);
  const globex = await api.createEnterpriseConnection({
    name: 'Globex Entra',
    provider: 'saml_microsoft',
    domains: ['globex.test'],
    organizationId: 'org_globex',
  });
  const all = await api.getEnterpriseConnectionList();
  assert.equal(all.totalCount, 2);
  const mine = await api.getEnterpriseConnectionList({ organizationId: 'org_globex' });
  assert.deepEqual(mine.data.map((c) => c.id), [globex.id]);
  const active = await api.getEnterpriseConnectionList({ active: true });
  assert.deepEqual(active.data.map((c) => c.id), [acme.id]);

  assert.equal((await api.getEnterpriseConnection(acme.id)).name, 'Acme Okta');
  const updated = await api.updateEnterpriseConnection(acme.id, {
    name: 'Acme SSO',
    domains: ['acme.test', 'acme-corp.test'],
    disableJitProvisioning: true,
    saml: { forceAuthn: true },
  });
  assert.equal(updated.name, 'Acme SSO');
  assert.deepEqual(updated.domains, ['acme.test', 'acme-corp.test']);
  assert.equal(updated.disableJitProvisioning, true);
  assert.equal(updated.samlConnection.forceAuthn, true);

  const deleted = await api.deleteEnterpriseConnection(acme.id);
  assert.equal(deleted.id, acme.id);
  await expectClerkError(api.getEnterpriseConnection(acme.id), { status: 404, code: 'resource_not_found' });
});

test('bad connections answer Clerk errors', async () => {
  const api = env.clerk.enterpriseConnections;
  await expectClerkError(api.createEnterpriseConnection({ ...OKTA, provider: 'saml_nope' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'provider',
  });
  await expectClerkError(api.createEnterpriseConnection({ ...OKTA, saml: undefined }), {
    status: 422,
    code: 'saml_connection_cant_be_activated',
  });
  const res = await rawRequest(env, 'POST', '/v1/enterprise_connections', {
    body: { name: 'x', provider: 'saml_custom', domains: ['x.test'], saml: { login_hint: 'email_address' } },
  });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.errors[0].meta.param_name, 'saml.login_hint');
  await api.createEnterpriseConnection(OKTA);
  await expectClerkError(api.createEnterpriseConnection({ ...OKTA, name: 'Second', organizationId: 'org_globex' }), {
    status: 409,
    code: 'conflict',
    paramName: 'domains',
  });
});

test('samlConnections.getSamlConnectionList sees SAML connections only', async () => {
  const acme = await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  await env.clerk.enterpriseConnections.createEnterpriseConnection({
    name: 'Initech',
    provider: 'oidc_custom',
    domains: ['initech.test'],
  });
  const list = await env.clerk.samlConnections.getSamlConnectionList();
  assert.equal(list.totalCount, 1);
  const saml = list.data[0];
  assert.equal(saml.id, acme.samlConnection.id);
  assert.equal(saml.provider, 'saml_okta');
  assert.equal(saml.domain, 'acme.test');
  assert.equal(saml.organizationId, 'org_acme');
  const byOrg = await env.clerk.samlConnections.getSamlConnectionList({ organizationId: ['org_globex'] });
  assert.equal(byOrg.totalCount, 0);
  const one = await env.clerk.samlConnections.getSamlConnection(saml.id);
  assert.equal(one.acsUrl, acme.samlConnection.acsUrl);
});

test('sign-in through the IdP: a new user, an enterprise account, a membership and a token in the organization', async () => {
  const conn = await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  const res = await signIn({ email_address: 'zoe@acme.test', first_name: 'Zoe', provider_user_id: '00u-zoe' });
  assert.equal(res.status, 200, res.text);
  const { user, session, membership } = res.json;
  assert.equal(membership.organization.id, 'org_acme');
  assert.equal(membership.role, 'org:member');
  assert.equal(session.last_active_organization_id, 'org_acme');

  const fetched = await env.clerk.users.getUser(user.id);
  assert.equal(fetched.firstName, 'Zoe');
  assert.equal(fetched.enterpriseAccounts.length, 1);
  const account = fetched.enterpriseAccounts[0];
  assert.equal(account.provider, 'saml_okta');
  assert.equal(account.protocol, 'saml');
  assert.equal(account.enterpriseConnectionId, conn.id);
  assert.equal(account.enterpriseConnection.provider, 'saml_okta');
  assert.equal(account.enterpriseConnection.protocol, 'saml');
  assert.equal(account.providerUserId, '00u-zoe');
  assert.equal(account.emailAddress, 'zoe@acme.test');
  assert.equal(account.verification.status, 'verified');
  // The SDK's EmailAddress drops matches_sso_connection; the wire carries it.
  const raw = await rawRequest(env, 'GET', `/v1/users/${user.id}`);
  assert.equal(raw.json.email_addresses[0].matches_sso_connection, true);

  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.ok(members.data.some((m) => m.publicUserData.userId === user.id));

  const token = await env.clerk.sessions.getToken(session.id);
  const claims = jwtPayload(token.jwt);
  assert.equal(claims.sub, user.id);
  assert.equal(claims.sid, session.id);
  assert.equal(claims.o.id, conn.organizationId);
});

test('subdomains match when the connection allows them', async () => {
  await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  const res = await signIn({ email_address: 'ann@eng.acme.test' });
  assert.equal(res.status, 200, res.text);
  const none = await signIn({ email_address: 'ann@nowhere.test' });
  assert.equal(none.status, 422);
  assert.equal(none.json.errors[0].code, 'enterprise_sso_sign_in_connection_missing');
});

test('with JIT provisioning off, unknown users are refused and known users still sign in', async () => {
  await env.clerk.enterpriseConnections.createEnterpriseConnection({ ...OKTA, disableJitProvisioning: true });
  const refused = await signIn({ email_address: 'newcomer@acme.test' });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.errors[0].code, 'saml_jit_provisioning_disabled');
  assert.equal(refused.json.errors[0].meta.email_address, 'newcomer@acme.test');
  const users = await env.clerk.users.getUserList({ emailAddress: ['newcomer@acme.test'] });
  assert.equal(users.totalCount, 0);
  const bob = await signIn({ email_address: 'bob@acme.test' });
  assert.equal(bob.status, 200, bob.text);
  assert.equal(bob.json.user.id, 'user_bob');
});

test('a removed SSO member is added back on the next sign-in', async () => {
  await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  const first = await signIn({ email_address: 'zoe@acme.test' });
  const userId = first.json.user.id;
  await env.clerk.organizations.deleteOrganizationMembership({ organizationId: 'org_acme', userId });
  const again = await signIn({ email_address: 'zoe@acme.test' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.user.id, userId);
  assert.equal(again.json.membership.role, 'org:member');
  const user = await env.clerk.users.getUser(userId);
  assert.equal(user.enterpriseAccounts.length, 1, 'the enterprise account is reused');
});

test('after the connection is deleted the account stays, its connection null', async () => {
  const conn = await env.clerk.enterpriseConnections.createEnterpriseConnection(OKTA);
  const res = await signIn({ email_address: 'bob@acme.test' });
  await env.clerk.enterpriseConnections.deleteEnterpriseConnection(conn.id);
  const bob = await env.clerk.users.getUser(res.json.user.id);
  assert.equal(bob.enterpriseAccounts.length, 1);
  assert.equal(bob.enterpriseAccounts[0].enterpriseConnection, null);
  assert.equal(bob.enterpriseAccounts[0].enterpriseConnectionId, conn.id);
  const raw = await rawRequest(env, 'GET', `/v1/users/${bob.id}`);
  assert.equal(raw.json.email_addresses[0].matches_sso_connection, false);
});
