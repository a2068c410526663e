// Instance-level settings: clerk.instance.get, the organization settings
// (read, PATCH, the organizations switch) and the Platform API config route
// that carries the same organization settings.

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { expectClerkError, kindOf, rawRequest, useSim } from './harness.mjs';

const env = useSim();
const instance = () => env.clerk.instance;
const orgs = () => env.clerk.organizations;

async function rawSettings() {
  const res = await rawRequest(env, 'GET', '/v1/instance/organization_settings');
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function roleByKey(key) {
  const list = await env.clerk.organizationRoles.getOrganizationRoleList({ limit: 100 });
  const found = list.data.find((r) => r.key === key);
  assert.ok(found, `role ${key} not found`);
  return found;
}

// ---------------------------------------------------------------------------
// GET /v1/instance

test('instance.get returns the development instance', async () => {
  const got = await instance().get();
  assert.equal(kindOf(got), 'Instance');
  assert.equal(got.id, 'ins_clerksim_default');
  assert.equal(got.environmentType, 'development');
  assert.equal(got.allowedOrigins, null);
  const res = await rawRequest(env, 'GET', '/v1/instance');
  assert.equal(res.status, 200);
  assert.equal(res.json.object, 'instance');
  assert.equal(res.json.id, 'ins_clerksim_default');
});

// ---------------------------------------------------------------------------
// organization settings

test('getOrganizationSettings reports the role defaults and quotas', async () => {
  const s = await instance().getOrganizationSettings();
  assert.equal(kindOf(s), 'OrganizationSettings');
  assert.equal(s.enabled, true);
  assert.equal(s.creatorRole, 'org:admin');
  assert.equal(s.domainsDefaultRole, 'org:member');
  assert.equal(s.maxAllowedRoles, 10);
  assert.deepEqual(s.domainsEnrollmentModes, ['manual_invitation']);
  const raw = await rawSettings();
  assert.equal(raw.object, 'organization_settings');
  assert.equal(raw.initial_role_set_key, 'role_set:default');
  assert.equal(typeof raw.max_allowed_domains, 'number');
});

test('updateOrganizationSettings changes only what it is given and answers the full settings', async () => {
  const before = await rawSettings();
  const s = await instance().updateOrganizationSettings({ maxAllowedMemberships: 7, adminDeleteEnabled: false });
  assert.equal(kindOf(s), 'OrganizationSettings');
  assert.equal(s.maxAllowedMemberships, 7);
  assert.equal(s.adminDeleteEnabled, false);
  assert.equal(s.enabled, true);
  assert.equal(s.creatorRole, 'org:admin');
  assert.equal(s.domainsDefaultRole, 'org:member');
  assert.equal(s.maxAllowedRoles, 10);

  const after = await rawSettings();
  assert.deepEqual(after, { ...before, max_allowed_memberships: 7, admin_delete_enabled: false }, 'nothing else moved');
});

test('new organizations take max_allowed_memberships and admin_delete_enabled from the settings; old ones keep theirs', async () => {
  await instance().updateOrganizationSettings({ maxAllowedMemberships: 7, adminDeleteEnabled: false });
  const created = await orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' });
  assert.equal(created.maxAllowedMemberships, 7);
  assert.equal(created.adminDeleteEnabled, false);
  const acme = await orgs().getOrganization({ organizationId: 'org_acme' });
  assert.equal(acme.maxAllowedMemberships, 5);
  assert.equal(acme.adminDeleteEnabled, true);
});

test('max_allowed_memberships must be between 0 and 2147483647', async () => {
  await expectClerkError(instance().updateOrganizationSettings({ maxAllowedMemberships: -1 }), {
    status: 422,
    paramName: 'max_allowed_memberships',
  });
  await expectClerkError(instance().updateOrganizationSettings({ maxAllowedMemberships: 2 ** 31 }), {
    status: 422,
    code: 'form_param_value_too_large',
    paramName: 'max_allowed_memberships',
  });
  assert.equal((await instance().updateOrganizationSettings({ maxAllowedMemberships: 0 })).maxAllowedMemberships, 0, '0 means unlimited');
  await instance().updateOrganizationSettings({ maxAllowedMemberships: 5 });
  assert.equal((await instance().getOrganizationSettings()).maxAllowedMemberships, 5);
});

test('turning domains on needs a default role: one given, or one the instance still has', async () => {
  // The clerk CLI turns domains on without a role id; the instance's default role serves.
  const on = await instance().updateOrganizationSettings({ domainsEnabled: true });
  assert.equal(on.domainsEnabled, true);
  assert.equal(on.domainsDefaultRole, 'org:member');
  // Turning domains off forgets the default role, so the next switch-on must name one.
  const off = await instance().updateOrganizationSettings({ domainsEnabled: false });
  assert.equal(off.domainsDefaultRole, '');
  await expectClerkError(instance().updateOrganizationSettings({ domainsEnabled: true }), {
    status: 422,
    code: 'form_conditional_param_missing',
    paramName: 'domains_default_role_id',
  });
  assert.equal((await instance().getOrganizationSettings()).domainsEnabled, false, 'the refused PATCH changed nothing');

  const guest = await env.clerk.organizationRoles.createOrganizationRole({
    name: 'Guest',
    key: 'org:guest',
    includeInInitialRoleSet: true,
  });
  const s = await instance().updateOrganizationSettings({ domainsEnabled: true, domainsDefaultRoleId: guest.id });
  assert.equal(s.domainsEnabled, true);
  assert.equal(s.domainsDefaultRole, 'org:guest', 'the request takes a role id, the response reports its key');
  assert.equal((await instance().getOrganizationSettings()).domainsDefaultRole, 'org:guest');
});

test('domains_enrollment_modes always keeps manual_invitation and refuses unknown modes', async () => {
  const s = await instance().updateOrganizationSettings({ domainsEnrollmentModes: ['automatic_invitation'] });
  assert.deepEqual([...s.domainsEnrollmentModes].sort(), ['automatic_invitation', 'manual_invitation']);
  const both = await instance().updateOrganizationSettings({
    domainsEnrollmentModes: ['automatic_suggestion', 'automatic_invitation'],
  });
  assert.deepEqual([...both.domainsEnrollmentModes].sort(), ['automatic_invitation', 'automatic_suggestion', 'manual_invitation']);
  const none = await instance().updateOrganizationSettings({ domainsEnrollmentModes: [] });
  assert.deepEqual(none.domainsEnrollmentModes, ['manual_invitation']);
  await expectClerkError(instance().updateOrganizationSettings({ domainsEnrollmentModes: ['by_carrier_pigeon'] }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'domains_enrollment_modes',
  });
  assert.deepEqual((await instance().getOrganizationSettings()).domainsEnrollmentModes, ['manual_invitation']);
});

test('creator_role_id must name a creator-eligible role: 422 organization_missing_creator_role_permissions', async () => {
  const member = await roleByKey('org:member');
  await expectClerkError(instance().updateOrganizationSettings({ creatorRoleId: member.id }), {
    status: 422,
    code: 'organization_missing_creator_role_permissions',
  });
  await expectClerkError(instance().updateOrganizationSettings({ creatorRoleId: 'role_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
  assert.equal((await instance().getOrganizationSettings()).creatorRole, 'org:admin');
});

test('an eligible creator role becomes the role organization creators get', async () => {
  const all = await env.clerk.organizationPermissions.getOrganizationPermissionList({ limit: 100 });
  const owner = await env.clerk.organizationRoles.createOrganizationRole({
    name: 'Owner',
    key: 'org:owner',
    permissions: all.data.map((p) => p.id),
    includeInInitialRoleSet: true,
  });
  assert.equal(owner.isCreatorEligible, true);
  const s = await instance().updateOrganizationSettings({ creatorRoleId: owner.id });
  assert.equal(s.creatorRole, 'org:owner');
  assert.equal((await env.clerk.roleSets.getRoleSet('role_set:default')).creatorRole.key, 'org:owner');

  const created = await orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' });
  const members = await orgs().getOrganizationMembershipList({ organizationId: created.id });
  assert.deepEqual(members.data.map((m) => [m.publicUserData.userId, m.role]), [['user_erin', 'org:owner']]);
});

test('slug_disabled turns organization slugs off', async () => {
  // slugDisabled is not in the SDK's parameter type; the SDK still sends it as slug_disabled
  const s = await instance().updateOrganizationSettings({ slugDisabled: true });
  assert.equal(s.slugDisabled, true);
  await expectClerkError(orgs().createOrganization({ name: 'Sluggy', slug: 'sluggy' }), {
    status: 403,
    code: 'organization_slugs_disabled',
  });
  const off = await instance().updateOrganizationSettings({ slugDisabled: false });
  assert.equal(off.slugDisabled, false);
  const created = await orgs().createOrganization({ name: 'Sluggy', slug: 'sluggy' });
  assert.equal(created.slug, 'sluggy');
});

test('force_organization_selection and organization_creation_defaults are stored and echoed', async () => {
  const body = {
    force_organization_selection: false,
    organization_creation_defaults: { enabled: true, automatic_organization_creation: { enabled: true } },
  };
  const res = await rawRequest(env, 'PATCH', '/v1/instance/organization_settings', { body });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.object, 'organization_settings');
  assert.equal(res.json.force_organization_selection, false);
  assert.equal(res.json.organization_creation_defaults.enabled, true);
  assert.deepEqual(res.json.organization_creation_defaults.automatic_organization_creation, { enabled: true });
  const again = await rawSettings();
  assert.equal(again.force_organization_selection, false);
  assert.equal(again.organization_creation_defaults.enabled, true);
});

// ---------------------------------------------------------------------------
// the organizations switch

test('enabled:false turns every organization route off with 403 organization_not_enabled_in_instance; enabled:true restores them', async () => {
  const off = await instance().updateOrganizationSettings({ enabled: false });
  assert.equal(off.enabled, false);
  assert.equal((await instance().getOrganizationSettings()).enabled, false, 'the settings stay readable');

  const gated = {
    getOrganizationList: () => orgs().getOrganizationList(),
    getOrganization: () => orgs().getOrganization({ organizationId: 'org_acme' }),
    createOrganization: () => orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' }),
    getOrganizationMembershipList: () => orgs().getOrganizationMembershipList({ organizationId: 'org_acme' }),
    createOrganizationMembership: () =>
      orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' }),
    getInstanceOrganizationMembershipList: () => orgs().getInstanceOrganizationMembershipList({}),
    usersGetOrganizationMembershipList: () => env.clerk.users.getOrganizationMembershipList({ userId: 'user_alice' }),
    getOrganizationRoleList: () => env.clerk.organizationRoles.getOrganizationRoleList(),
    createOrganizationRole: () => env.clerk.organizationRoles.createOrganizationRole({ name: 'X', key: 'org:x' }),
    getOrganizationPermissionList: () => env.clerk.organizationPermissions.getOrganizationPermissionList(),
    getRoleSetList: () => env.clerk.roleSets.getRoleSetList(),
    getRoleSet: () => env.clerk.roleSets.getRoleSet('role_set:default'),
  };
  for (const [name, call] of Object.entries(gated)) {
    try {
      await expectClerkError(call(), { status: 403, code: 'organization_not_enabled_in_instance' });
    } catch (e) {
      e.message = `${name}: ${e.message}`;
      throw e;
    }
  }
  const user = await env.clerk.users.getUser('user_alice');
  assert.equal(user.id, 'user_alice', 'user routes are not affected');

  const on = await instance().updateOrganizationSettings({ enabled: true });
  assert.equal(on.enabled, true);
  const list = await orgs().getOrganizationList();
  assert.equal(list.totalCount, 2, 'nothing was created or lost while organizations were off');
  assert.deepEqual(list.data.map((o) => o.id).sort(), ['org_acme', 'org_globex']);
  assert.equal((await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' })).totalCount, 3);
  assert.equal((await env.clerk.organizationRoles.getOrganizationRoleList()).totalCount, 2);
});

// ---------------------------------------------------------------------------
// Platform API config (GET/PATCH …/config)
//
// These routes belong to the Platform API, which the BAPI document does not
// describe, so they are called with node:http and checked here by hand rather
// than by the OpenAPI fetch guard.

const CONFIG_PATH = '/v1/platform/applications/app_clerksim/instances/development/config';

function platformRequest(method, path, { body, headers = {}, secretKey = env.secretKey } = {}) {
  const url = new URL(path, env.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        headers: {
          Authorization: `Bearer ${secretKey}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, contentType: res.headers['content-type'], text, json });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function withoutObject(settings) {
  const { object, ...rest } = settings;
  return rest;
}

test('Platform config GET reports config_version and the organization settings', async () => {
  const res = await platformRequest('GET', CONFIG_PATH);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.contentType, 'application/json');
  assert.equal(typeof res.json.config_version, 'string');
  assert.match(res.json.config_version, /^\d+$/);
  assert.deepEqual(withoutObject(res.json.organization_settings), withoutObject(await rawSettings()));
});

test('Platform config PATCH applies organization settings and answers before and after', async () => {
  const start = await platformRequest('GET', CONFIG_PATH);
  const res = await platformRequest('PATCH', CONFIG_PATH, {
    body: { organization_settings: { max_allowed_memberships: 9, enabled: false } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.contentType, 'application/json');
  assert.equal(res.json.dry_run, false);
  assert.equal(typeof res.json.config_version, 'string');
  assert.notEqual(res.json.config_version, start.json.config_version, 'a real change bumps config_version');
  assert.equal(res.json.before.organization_settings.max_allowed_memberships, 5);
  assert.equal(res.json.before.organization_settings.enabled, true);
  assert.equal(res.json.after.organization_settings.max_allowed_memberships, 9);
  assert.equal(res.json.after.organization_settings.enabled, false);

  const s = await instance().getOrganizationSettings();
  assert.equal(s.maxAllowedMemberships, 9, 'the BAPI settings see the change');
  assert.equal(s.enabled, false);
  const now = await platformRequest('GET', CONFIG_PATH);
  assert.equal(now.json.config_version, res.json.config_version);
});

test('Platform config PATCH with dry_run=true previews without changing anything', async () => {
  const start = await platformRequest('GET', CONFIG_PATH);
  const res = await platformRequest('PATCH', `${CONFIG_PATH}?dry_run=true`, {
    body: { organization_settings: { enabled: false } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.dry_run, true);
  assert.equal(res.json.before.organization_settings.enabled, true);
  assert.equal(res.json.after.organization_settings.enabled, false);
  assert.equal(res.json.config_version, start.json.config_version);
  assert.equal((await instance().getOrganizationSettings()).enabled, true, 'nothing was applied');
  const now = await platformRequest('GET', CONFIG_PATH);
  assert.equal(now.json.config_version, start.json.config_version);
});

test('Platform config PATCH with a stale If-Match is 409 conflict; the current version is accepted', async () => {
  const start = await platformRequest('GET', CONFIG_PATH);
  const first = await platformRequest('PATCH', CONFIG_PATH, {
    headers: { 'If-Match': start.json.config_version },
    body: { organization_settings: { max_allowed_memberships: 8 } },
  });
  assert.equal(first.status, 200, first.text);

  const stale = await platformRequest('PATCH', CONFIG_PATH, {
    headers: { 'If-Match': start.json.config_version },
    body: { organization_settings: { max_allowed_memberships: 3 } },
  });
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.json.errors[0].code, 'conflict');
  assert.equal((await instance().getOrganizationSettings()).maxAllowedMemberships, 8, 'the stale PATCH was not applied');
});

test('Platform config PATCH applies the same rules as the BAPI settings PATCH', async () => {
  const member = await roleByKey('org:member');
  const res = await platformRequest('PATCH', CONFIG_PATH, {
    body: { organization_settings: { creator_role_id: member.id } },
  });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.errors[0].code, 'organization_missing_creator_role_permissions');
  await platformRequest('PATCH', CONFIG_PATH, { body: { organization_settings: { domains_enabled: true } } });
  await platformRequest('PATCH', CONFIG_PATH, { body: { organization_settings: { domains_enabled: false } } });
  const domains = await platformRequest('PATCH', CONFIG_PATH, { body: { organization_settings: { domains_enabled: true } } });
  assert.equal(domains.status, 422, domains.text);
  assert.equal(domains.json.errors[0].code, 'form_conditional_param_missing');
  assert.equal((await instance().getOrganizationSettings()).creatorRole, 'org:admin');
});

test('Platform config refuses a wrong secret key with 401', async () => {
  const res = await platformRequest('GET', CONFIG_PATH, { secretKey: 'sk_test_not_the_right_key' });
  assert.equal(res.status, 401, res.text);
  assert.equal(res.json.errors[0].code, 'clerk_key_invalid');
});
