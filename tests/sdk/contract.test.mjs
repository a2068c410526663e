// Cross-cutting behaviour: the response checker itself, authentication,
// the Clerk-API-Version header and the instance organization settings.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';
import {
  checkedCount,
  contractActive,
  expectClerkError,
  kindOf,
  makeClient,
  rawRequest,
  specFile,
  useSim,
} from './harness.mjs';
import { forgetOrigin, loadContract, takeViolations, watchOrigin } from './openapi.mjs';

const env = useSim();

test('SDK responses pass through the OpenAPI checker', async (t) => {
  if (!contractActive()) return t.skip('OpenAPI spec not available');
  const before = checkedCount();
  await env.clerk.users.getUser('user_alice');
  await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.equal(checkedCount() - before, 2, 'the fetch guard did not see the SDK requests');
  return undefined;
});

test('the fetch guard records a broken response the SDK received', async (t) => {
  if (!contractActive()) return t.skip('OpenAPI spec not available');
  // A throwaway server that answers GET /v1/users/{id} with an incomplete user.
  const stub = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ object: 'user', id: 'user_stub', email_addresses: [] }));
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${stub.address().port}`;
  watchOrigin(url);
  try {
    const user = await makeClient(url, 'sk_test_stub').users.getUser('user_stub');
    assert.equal(user.id, 'user_stub', 'the SDK accepts the body, so only the checker can catch it');
    const found = takeViolations();
    assert.equal(found.length, 1);
    assert.equal(found[0].request, 'GET /v1/users/user_stub');
    assert.match(found[0].operation, /GetUser/);
    assert.ok(found[0].errors.some((e) => e.params?.missingProperty === 'username'));
  } finally {
    forgetOrigin(url);
    await new Promise((r) => stub.close(r));
  }
  return undefined;
});

test('the OpenAPI checker rejects responses that break the contract', { skip: !existsSync(specFile) }, () => {
  const contract = loadContract(specFile);
  const ok = contract.check({
    method: 'GET',
    path: '/v1/users/count',
    status: 200,
    contentType: 'application/json',
    bodyText: '{"object":"total_count","total_count":3}',
  });
  assert.deepEqual(ok.problems, []);
  assert.match(ok.operation, /GetUsersCount/, '/users/count must win over /users/{user_id}');

  const badType = contract.check({
    method: 'GET',
    path: '/v1/users/count',
    status: 200,
    contentType: 'application/json; charset=utf-8',
    bodyText: '{"object":"total_count","total_count":"3"}',
  });
  assert.equal(badType.problems.length, 2);

  const badError = contract.check({
    method: 'GET',
    path: '/v1/organizations/org_x',
    status: 404,
    contentType: 'application/json',
    bodyText: '{"errors":[{"code":"resource_not_found","message":"not found"}]}',
  });
  assert.equal(badError.problems.length, 1, 'long_message is required in ClerkError');

  const unlistedError = contract.check({
    method: 'DELETE',
    path: '/v1/organizations/org_x',
    status: 418,
    contentType: 'application/json',
    bodyText: '{"errors":[{"code":"x","message":"m","long_message":"l"}]}',
  });
  assert.deepEqual(unlistedError.problems, [], 'unlisted error statuses fall back to ClerkErrors');

  const closedDeleted = contract.check({
    method: 'DELETE',
    path: '/v1/organizations/org_x',
    status: 200,
    contentType: 'application/json',
    bodyText: '{"object":"organization","id":"org_x","deleted":true,"bogus":1}',
  });
  assert.equal(closedDeleted.problems.length, 1, 'DeletedObject is closed');
});

test('the OpenAPI checker lets organization_settings carry the two keys the clerk CLI needs, and no others', { skip: !existsSync(specFile) }, () => {
  const contract = loadContract(specFile);
  const settings = {
    object: 'organization_settings',
    enabled: true,
    max_allowed_memberships: 5,
    max_allowed_roles: 10,
    max_allowed_domains: 10,
    creator_role: 'org:admin',
    admin_delete_enabled: true,
    domains_enabled: false,
    domains_enrollment_modes: ['manual_invitation'],
    domains_default_role: 'org:member',
  };
  const check = (body) =>
    contract.check({
      method: 'PATCH',
      path: '/v1/instance/organization_settings',
      status: 200,
      contentType: 'application/json',
      bodyText: JSON.stringify(body),
    }).problems;
  assert.deepEqual(check(settings), []);
  assert.deepEqual(
    check({ ...settings, force_organization_selection: false, organization_creation_defaults: { enabled: true } }),
    [],
  );
  assert.equal(check({ ...settings, some_other_key: 1 }).length, 1, 'the schema stays closed for anything else');
  assert.equal(check({ ...settings, force_organization_selection: 'yes' }).length, 1, 'the tolerated keys are typed');
});

test('the OpenAPI checker wants the {data, total_count} envelope for GET /v1/sessions only with paginated=true', { skip: !existsSync(specFile) }, () => {
  const contract = loadContract(specFile);
  const session = {
    object: 'session',
    id: 'sess_1',
    user_id: 'user_1',
    client_id: 'client_1',
    status: 'active',
    last_active_at: 1,
    expire_at: 2,
    abandon_at: 3,
    updated_at: 1,
    created_at: 1,
  };
  const check = (query, body) =>
    contract.check({
      method: 'GET',
      path: '/v1/sessions',
      query,
      status: 200,
      contentType: 'application/json',
      bodyText: JSON.stringify(body),
    }).problems;
  assert.deepEqual(check('?user_id=user_1', [session]), []);
  assert.equal(check('?user_id=user_1', { data: [session], total_count: 1 }).length, 1, 'no envelope without paginated');
  assert.deepEqual(check('?user_id=user_1&paginated=true', { data: [session], total_count: 1 }), []);
  assert.equal(check('?user_id=user_1&paginated=true', [session]).length, 1, 'paginated=true needs the envelope');
  assert.equal(check('?paginated=true', { data: [{ ...session, status: 'bogus' }], total_count: 1 }).length, 1, 'items are still checked');
  assert.equal(check('?paginated=true', { data: [session], total_count: 1, extra: 1 }).length, 1, 'the envelope is closed');
});

test('a wrong secret key is rejected with 401 clerk_key_invalid', async () => {
  const stranger = makeClient(env.url, 'sk_test_not_the_right_key');
  await expectClerkError(stranger.users.getUser('user_alice'), { status: 401, code: 'clerk_key_invalid' });
  await expectClerkError(stranger.organizations.getOrganizationList(), { status: 401, code: 'clerk_key_invalid' });
});

test('instance.getOrganizationSettings returns the instance defaults', async () => {
  const settings = await env.clerk.instance.getOrganizationSettings();
  assert.equal(kindOf(settings), 'OrganizationSettings');
  assert.equal(settings.enabled, true);
  assert.equal(settings.maxAllowedMemberships, 5);
  assert.equal(typeof settings.adminDeleteEnabled, 'boolean');
  assert.equal(settings.domainsEnabled, false);
  assert.equal(settings.slugDisabled, false);
  assert.equal(settings.creatorRole, 'org:admin');
  assert.ok(Array.isArray(settings.domainsEnrollmentModes));
  assert.equal(settings.domainsDefaultRole, 'org:member');
});

test('Clerk-API-Version 2025-11-10 lets PATCH /organizations/{id} replace metadata', async () => {
  const res = await rawRequest(env, 'PATCH', '/v1/organizations/org_acme', {
    headers: { 'Clerk-API-Version': '2025-11-10' },
    body: { name: 'Acme Holdings', public_metadata: { tier: 'gold' } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.json.object, 'organization');
  assert.equal(res.json.name, 'Acme Holdings');
  assert.deepEqual(res.json.public_metadata, { tier: 'gold' }, 'metadata is replaced, not merged');
  assert.deepEqual(res.json.private_metadata, { crm_account: 'A-100' }, 'private metadata was not sent, so it stays');

  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.deepEqual(org.publicMetadata, { tier: 'gold' });
});

test('the default API version rejects metadata on PATCH /organizations/{id} with 422 form_param_unknown', async () => {
  for (const headers of [{}, { 'Clerk-API-Version': '2026-05-12' }]) {
    const res = await rawRequest(env, 'PATCH', '/v1/organizations/org_acme', {
      headers,
      body: { name: 'Acme Holdings', public_metadata: { tier: 'gold' } },
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.json.errors[0].code, 'form_param_unknown');
    assert.equal(res.json.errors[0].meta?.param_name, 'public_metadata');
    assert.equal(typeof res.json.clerk_trace_id, 'string');
  }
  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.equal(org.name, 'Acme Corp', 'a rejected request must not change anything');
  assert.deepEqual(org.publicMetadata, { plan: 'team' });
});

test('an unknown Clerk-API-Version is rejected with 400 api_version_invalid', async () => {
  const res = await rawRequest(env, 'GET', '/v1/organizations/org_acme', {
    headers: { 'Clerk-API-Version': '1999-01-01' },
  });
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.errors[0].code, 'api_version_invalid');
});

test('Clerk-API-Version 2025-04-10 behaves like 2025-11-10', async () => {
  const res = await rawRequest(env, 'PATCH', '/v1/organizations/org_globex', {
    headers: { 'Clerk-API-Version': '2025-04-10' },
    body: { private_metadata: { region: 'us' } },
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.private_metadata, { region: 'us' });
});

test('Clerk-API-Version 2025-11-10 lets PATCH /users/{id} replace all three metadata fields', async () => {
  const res = await rawRequest(env, 'PATCH', '/v1/users/user_erin', {
    headers: { 'Clerk-API-Version': '2025-11-10' },
    body: { first_name: 'Erika', private_metadata: { crm: 1 }, unsafe_metadata: { theme: 'dark' } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.first_name, 'Erika');
  assert.deepEqual(res.json.private_metadata, { crm: 1 }, 'signup_source is gone: replace, not merge');
  assert.deepEqual(res.json.unsafe_metadata, { theme: 'dark' });

  const rejected = await rawRequest(env, 'PATCH', '/v1/users/user_erin', {
    body: { first_name: 'Erin', public_metadata: { a: 1 } },
  });
  assert.equal(rejected.status, 422, rejected.text);
  assert.equal(rejected.json.errors[0].code, 'form_param_unknown');
  assert.equal(rejected.json.errors[0].meta?.param_name, 'public_metadata');
  const erin = await env.clerk.users.getUser('user_erin');
  assert.equal(erin.firstName, 'Erika', 'the rejected request changed nothing');
});

test('a request without an Authorization header is rejected with 401', async () => {
  const res = await fetch(`${env.url}/v1/users/user_alice`, { headers: { 'Content-Type': 'application/json' } });
  const body = await res.json();
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('content-type'), 'application/json');
  // A missing header is "not authenticated"; a header of the wrong shape is a format error.
  assert.equal(body.errors[0].code, 'authentication_invalid');
});
