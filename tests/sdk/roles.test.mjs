// Organization roles through clerk.organizationRoles: the default roles,
// custom roles, their permissions, the quota, the delete guards and how a
// role's permissions reach the memberships that hold it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, rawRequest, useSim, SYSTEM_PERMISSION_KEYS as SYSTEM_KEYS } from './harness.mjs';

const env = useSim();
const roles = () => env.clerk.organizationRoles;
const perms = () => env.clerk.organizationPermissions;
const orgs = () => env.clerk.organizations;

const MEMBER_KEYS = ['org:sys_billing:read', 'org:sys_memberships:read'];
// what a creator role must hold
const CREATOR_KEYS = ['org:sys_memberships:manage', 'org:sys_memberships:read', 'org:sys_profile:delete'];

function assertRoleShape(r) {
  assert.equal(kindOf(r), 'Role', `expected a Role, got ${kindOf(r)}`);
  assert.match(r.id, /^role_/);
  assert.equal(typeof r.name, 'string');
  assert.match(r.key, /^org:[a-z0-9_]+$/);
  assert.ok(r.description === null || typeof r.description === 'string');
  assert.equal(typeof r.isCreatorEligible, 'boolean');
  assert.ok(Array.isArray(r.permissions));
  for (const p of r.permissions) assert.equal(kindOf(p), 'Permission');
  assert.equal(typeof r.createdAt, 'number');
  assert.equal(typeof r.updatedAt, 'number');
}

const keysOf = (role) => role.permissions.map((p) => p.key).sort();

async function roleByKey(key) {
  const list = await roles().getOrganizationRoleList({ limit: 100 });
  const found = list.data.find((r) => r.key === key);
  assert.ok(found, `role ${key} not found`);
  return found;
}

async function permissionIds(keys) {
  const list = await perms().getOrganizationPermissionList({ limit: 100 });
  return keys.map((key) => {
    const p = list.data.find((x) => x.key === key);
    assert.ok(p, `permission ${key} not found`);
    return p.id;
  });
}

async function createPermission(key) {
  return perms().createOrganizationPermission({ name: key.split(':').slice(1).join(' '), key });
}

async function defaultSetKeys() {
  const set = await env.clerk.roleSets.getRoleSet('role_set:default');
  return set.roles.map((r) => r.key).sort();
}

// ---------------------------------------------------------------------------
// the default roles

test('getOrganizationRoleList starts with org:admin and org:member', async () => {
  const list = await roles().getOrganizationRoleList();
  assert.equal(list.totalCount, 2);
  for (const r of list.data) assertRoleShape(r);
  const byKey = Object.fromEntries(list.data.map((r) => [r.key, r]));
  assert.deepEqual(Object.keys(byKey).sort(), ['org:admin', 'org:member']);
  assert.equal(byKey['org:admin'].name, 'Admin');
  assert.equal(byKey['org:member'].name, 'Member');
  assert.deepEqual(keysOf(byKey['org:admin']), SYSTEM_KEYS, 'org:admin holds every system permission');
  assert.deepEqual(keysOf(byKey['org:member']), MEMBER_KEYS, 'org:member reads members and billing');
  assert.equal(byKey['org:admin'].isCreatorEligible, true);
  assert.equal(byKey['org:member'].isCreatorEligible, false);
});

test('getOrganizationRoleList filters with query, sorts with orderBy and pages', async () => {
  await roles().createOrganizationRole({ name: 'Auditor', key: 'org:auditor' });
  const byKey = await roles().getOrganizationRoleList({ orderBy: 'key' });
  assert.deepEqual(byKey.data.map((r) => r.key), ['org:admin', 'org:auditor', 'org:member']);
  const desc = await roles().getOrganizationRoleList({ orderBy: '-key' });
  assert.deepEqual(desc.data.map((r) => r.key), ['org:member', 'org:auditor', 'org:admin']);
  const page = await roles().getOrganizationRoleList({ orderBy: 'key', limit: 1, offset: 1 });
  assert.deepEqual(page.data.map((r) => r.key), ['org:auditor']);
  assert.equal(page.totalCount, 3);
  const found = await roles().getOrganizationRoleList({ query: 'audit' });
  assert.deepEqual(found.data.map((r) => r.key), ['org:auditor']);
  assert.equal(found.totalCount, 1);
});

test('getOrganizationRoleList lists the newest role first by default and refuses a bad limit', async () => {
  await advanceClock(env, 1000);
  await roles().createOrganizationRole({ name: 'First', key: 'org:first' });
  await advanceClock(env, 1000);
  await roles().createOrganizationRole({ name: 'Second', key: 'org:second' });
  const list = await roles().getOrganizationRoleList();
  assert.deepEqual(list.data.slice(0, 2).map((r) => r.key), ['org:second', 'org:first']);
  const oldest = await roles().getOrganizationRoleList({ orderBy: 'created_at' });
  assert.deepEqual(oldest.data.slice(2).map((r) => r.key), ['org:first', 'org:second']);
  await expectClerkError(roles().getOrganizationRoleList({ limit: 501 }), { status: 422, paramName: 'limit' });
  // the SDK leaves limit=0 out of the query, so that one goes on the wire by hand
  const zero = await rawRequest(env, 'GET', '/v1/organization_roles?limit=0');
  assert.equal(zero.status, 422, zero.text);
  assert.equal(zero.json.errors[0].meta?.param_name, 'limit');
});

test('getOrganizationRole returns one role; an unknown id is 404', async () => {
  const admin = await roleByKey('org:admin');
  const got = await roles().getOrganizationRole(admin.id);
  assertRoleShape(got);
  assert.equal(got.id, admin.id);
  assert.equal(got.key, 'org:admin');
  assert.deepEqual(keysOf(got), SYSTEM_KEYS);
  await expectClerkError(roles().getOrganizationRole('role_missing'), { status: 404, code: 'resource_not_found' });
});

// ---------------------------------------------------------------------------
// custom roles

test('a custom role in the initial role set gives a new member exactly its permissions', async () => {
  const invoices = await createPermission('org:invoices:read');
  const reports = await createPermission('org:reports:read');
  const [billingRead] = await permissionIds(['org:sys_billing:read']);
  const role = await roles().createOrganizationRole({
    name: 'Billing clerk',
    key: 'org:billing_clerk',
    description: 'Handles invoices',
    permissions: [invoices.id, reports.id, billingRead],
    includeInInitialRoleSet: true,
  });
  assertRoleShape(role);
  assert.equal(role.key, 'org:billing_clerk');
  assert.equal(role.name, 'Billing clerk');
  assert.equal(role.description, 'Handles invoices');
  assert.deepEqual(keysOf(role), ['org:invoices:read', 'org:reports:read', 'org:sys_billing:read']);
  assert.equal(role.isCreatorEligible, false);
  assert.deepEqual(await defaultSetKeys(), ['org:admin', 'org:billing_clerk', 'org:member']);

  const membership = await orgs().createOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_erin',
    role: 'org:billing_clerk',
  });
  assert.equal(membership.role, 'org:billing_clerk');
  assert.deepEqual([...membership.permissions].sort(), keysOf(role));
  assert.equal(membership.raw.role_name, 'Billing clerk', 'role_name is the role\'s display name');

  const listed = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:billing_clerk'] });
  assert.deepEqual(listed.data.map((m) => m.publicUserData.userId), ['user_erin']);
  assert.deepEqual([...listed.data[0].permissions].sort(), keysOf(role));
});

test('a member with a default role carries that role\'s permissions', async () => {
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  const byUser = Object.fromEntries(list.data.map((m) => [m.publicUserData.userId, m]));
  assert.deepEqual([...byUser.user_alice.permissions].sort(), SYSTEM_KEYS);
  assert.deepEqual([...byUser.user_bob.permissions].sort(), MEMBER_KEYS);
});

test('a custom role outside the organization\'s role set cannot be given to a member: 422 on role', async () => {
  const role = await roles().createOrganizationRole({ name: 'Outsider', key: 'org:outsider' });
  assert.deepEqual(await defaultSetKeys(), ['org:admin', 'org:member'], 'not included unless asked');
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: role.key }),
    { status: 422, code: 'form_param_value_invalid', paramName: 'role' },
  );
  await expectClerkError(
    orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob', role: role.key }),
    { status: 422, code: 'form_param_value_invalid', paramName: 'role' },
  );
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 3, 'erin was not added');
  assert.equal(list.data.find((m) => m.publicUserData.userId === 'user_bob').role, 'org:member', 'bob kept his role');
});

test('an unknown role on a membership is 404', async () => {
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:nobody' }),
    { status: 404, code: 'resource_not_found' },
  );
  await expectClerkError(
    orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob', role: 'org:nobody' }),
    { status: 404, code: 'resource_not_found' },
  );
});

test('createOrganizationRole validates the key and refuses duplicates', async () => {
  for (const key of ['auditor', 'org:Auditor', 'org:audi-tor', 'org:', 'org:a:b']) {
    await expectClerkError(roles().createOrganizationRole({ name: 'Auditor', key }), { status: 422, paramName: 'key' });
  }
  await expectClerkError(roles().createOrganizationRole({ name: 'Admin again', key: 'org:admin' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'key',
  });
  await roles().createOrganizationRole({ name: 'Auditor', key: 'org:auditor' });
  await expectClerkError(roles().createOrganizationRole({ name: 'Auditor 2', key: 'org:auditor' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'key',
  });
  await expectClerkError(
    roles().createOrganizationRole({ name: 'Ghost', key: 'org:ghost', permissions: ['perm_missing'] }),
    { status: 404, code: 'resource_not_found' },
  );
  assert.equal((await roles().getOrganizationRoleList()).totalCount, 3, 'only org:auditor was added');
});

test('at most 10 custom roles besides org:admin and org:member: 403 organization_instance_roles_quota_exceeded', async () => {
  const settings = await env.clerk.instance.getOrganizationSettings();
  assert.equal(settings.maxAllowedRoles, 10);
  for (let i = 1; i <= 10; i += 1) {
    await roles().createOrganizationRole({ name: `Custom ${i}`, key: `org:custom_${i}` });
  }
  assert.equal((await roles().getOrganizationRoleList({ limit: 100 })).totalCount, 12);
  await expectClerkError(roles().createOrganizationRole({ name: 'One too many', key: 'org:custom_11' }), {
    status: 403,
    code: 'organization_instance_roles_quota_exceeded',
  });
  assert.equal((await roles().getOrganizationRoleList({ limit: 100 })).totalCount, 12);

  // deleting one frees a slot
  await roles().deleteOrganizationRole((await roleByKey('org:custom_1')).id);
  const again = await roles().createOrganizationRole({ name: 'Custom 11', key: 'org:custom_11' });
  assert.equal(again.key, 'org:custom_11');
});

test('updateOrganizationRole changes name, key and description, and permissions replace the whole set', async () => {
  const invoices = await createPermission('org:invoices:read');
  const reports = await createPermission('org:reports:read');
  const role = await roles().createOrganizationRole({
    name: 'Analyst',
    key: 'org:analyst',
    permissions: [invoices.id],
    includeInInitialRoleSet: true,
  });
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:analyst' });

  const renamed = await roles().updateOrganizationRole({
    organizationRoleId: role.id,
    name: 'Senior analyst',
    description: 'Reads reports',
  });
  assertRoleShape(renamed);
  assert.equal(renamed.name, 'Senior analyst');
  assert.equal(renamed.description, 'Reads reports');
  assert.equal(renamed.key, 'org:analyst');
  assert.deepEqual(keysOf(renamed), ['org:invoices:read'], 'permissions not sent, so kept');

  const replaced = await roles().updateOrganizationRole({ organizationRoleId: role.id, permissions: [reports.id] });
  assert.deepEqual(keysOf(replaced), ['org:reports:read']);
  const member = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_erin'] });
  assert.deepEqual(member.data[0].permissions, ['org:reports:read'], 'the member sees the new permission set');

  const rekeyed = await roles().updateOrganizationRole({ organizationRoleId: role.id, key: 'org:senior_analyst' });
  assert.equal(rekeyed.key, 'org:senior_analyst');
  const after = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_erin'] });
  assert.equal(after.data[0].role, 'org:senior_analyst', 'the member holds the role under its new key');

  assert.ok(rekeyed.updatedAt >= rekeyed.createdAt);
  assert.ok(
    (await env.clerk.roleSets.getRoleSet('role_set:default')).roles.some((r) => r.key === 'org:senior_analyst'),
    'the role set lists the role under its new key',
  );

  await expectClerkError(roles().updateOrganizationRole({ organizationRoleId: role.id, key: 'org:admin' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'key',
  });
  await expectClerkError(roles().updateOrganizationRole({ organizationRoleId: 'role_missing', name: 'x' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

// ---------------------------------------------------------------------------
// assigning and removing permissions

test('assignPermissionToOrganizationRole and removePermissionFromOrganizationRole', async () => {
  const invoices = await createPermission('org:invoices:read');
  const role = await roles().createOrganizationRole({ name: 'Viewer', key: 'org:viewer' });
  assert.deepEqual(role.permissions, []);

  const withOne = await roles().assignPermissionToOrganizationRole({ organizationRoleId: role.id, permissionId: invoices.id });
  assertRoleShape(withOne);
  assert.deepEqual(keysOf(withOne), ['org:invoices:read']);
  assert.deepEqual(keysOf(await roles().getOrganizationRole(role.id)), ['org:invoices:read']);

  await expectClerkError(
    roles().assignPermissionToOrganizationRole({ organizationRoleId: role.id, permissionId: invoices.id }),
    { status: 409, code: 'organization_role_permission_association_exists' },
  );

  const withNone = await roles().removePermissionFromOrganizationRole({ organizationRoleId: role.id, permissionId: invoices.id });
  assertRoleShape(withNone);
  assert.deepEqual(withNone.permissions, []);

  await expectClerkError(
    roles().removePermissionFromOrganizationRole({ organizationRoleId: role.id, permissionId: invoices.id }),
    { status: 404, code: 'organization_role_permission_association_not_found' },
  );
  await expectClerkError(
    roles().assignPermissionToOrganizationRole({ organizationRoleId: role.id, permissionId: 'perm_missing' }),
    { status: 404, code: 'resource_not_found' },
  );
  await expectClerkError(
    roles().assignPermissionToOrganizationRole({ organizationRoleId: 'role_missing', permissionId: invoices.id }),
    { status: 404, code: 'resource_not_found' },
  );
});

test('a permission added to org:member reaches every member that holds it', async () => {
  const invoices = await createPermission('org:invoices:read');
  const member = await roleByKey('org:member');
  await roles().assignPermissionToOrganizationRole({ organizationRoleId: member.id, permissionId: invoices.id });
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:member'] });
  assert.equal(list.data.length, 2);
  for (const m of list.data) assert.deepEqual([...m.permissions].sort(), ['org:invoices:read', ...MEMBER_KEYS]);
});

test('isCreatorEligible follows the three permissions a creator role needs', async () => {
  const creatorIds = await permissionIds(CREATOR_KEYS);
  const eligible = await roles().createOrganizationRole({ name: 'Owner', key: 'org:owner', permissions: creatorIds });
  assert.equal(eligible.isCreatorEligible, true);

  const partial = await roles().createOrganizationRole({
    name: 'Almost owner',
    key: 'org:almost_owner',
    permissions: creatorIds.slice(0, 2),
  });
  assert.equal(partial.isCreatorEligible, false);
  const completed = await roles().assignPermissionToOrganizationRole({
    organizationRoleId: partial.id,
    permissionId: creatorIds[2],
  });
  assert.equal(completed.isCreatorEligible, true);
  const reduced = await roles().removePermissionFromOrganizationRole({
    organizationRoleId: eligible.id,
    permissionId: creatorIds[0],
  });
  assert.equal(reduced.isCreatorEligible, false);
});

// ---------------------------------------------------------------------------
// deleting roles

test('deleteOrganizationRole removes an unused custom role and answers a DeletedObject', async () => {
  const role = await roles().createOrganizationRole({ name: 'Temp', key: 'org:temp', includeInInitialRoleSet: true });
  const deleted = await roles().deleteOrganizationRole(role.id);
  assert.equal(kindOf(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'role');
  assert.equal(deleted.id, role.id);
  assert.equal(deleted.deleted, true);
  await expectClerkError(roles().getOrganizationRole(role.id), { status: 404, code: 'resource_not_found' });
  assert.equal((await roles().getOrganizationRoleList()).totalCount, 2);
  assert.deepEqual(await defaultSetKeys(), ['org:admin', 'org:member'], 'the role left the role set too');
  await expectClerkError(roles().deleteOrganizationRole(role.id), { status: 404, code: 'resource_not_found' });
});

test('the creator and default roles of a role set cannot be deleted: 422 organization_role_default_creator_role', async () => {
  for (const key of ['org:admin', 'org:member']) {
    const role = await roleByKey(key);
    await expectClerkError(roles().deleteOrganizationRole(role.id), {
      status: 422,
      code: 'organization_role_default_creator_role',
    });
  }
  // a custom role that becomes a set's default role is guarded the same way
  const helper = await roles().createOrganizationRole({ name: 'Helper', key: 'org:helper', includeInInitialRoleSet: true });
  await env.clerk.roleSets.updateRoleSet({ roleSetKeyOrId: 'role_set:default', defaultRoleKey: 'org:helper' });
  await expectClerkError(roles().deleteOrganizationRole(helper.id), {
    status: 422,
    code: 'organization_role_default_creator_role',
  });
  assert.equal((await roles().getOrganizationRoleList()).totalCount, 3);
});

test('a role held by a member cannot be deleted: 422 organization_role_assigned_members', async () => {
  const role = await roles().createOrganizationRole({ name: 'Support', key: 'org:support', includeInInitialRoleSet: true });
  await orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin', role: 'org:support' });
  await expectClerkError(roles().deleteOrganizationRole(role.id), {
    status: 422,
    code: 'organization_role_assigned_members',
  });
  // once nobody holds it, it can go
  await orgs().deleteOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin' });
  const deleted = await roles().deleteOrganizationRole(role.id);
  assert.equal(deleted.deleted, true);
});

test('updateOrganizationRole moves updatedAt forward', async () => {
  const role = await roles().createOrganizationRole({ name: 'Clock', key: 'org:clock' });
  await advanceClock(env, 5000);
  const updated = await roles().updateOrganizationRole({ organizationRoleId: role.id, name: 'Clock 2' });
  assert.equal(updated.createdAt, role.createdAt);
  assert.equal(updated.updatedAt, role.updatedAt + 5000);
});

test('a new key for the domains default role shows in the organization settings', async () => {
  const role = await roles().createOrganizationRole({ name: 'Guest', key: 'org:guest', includeInInitialRoleSet: true });
  await env.clerk.instance.updateOrganizationSettings({ domainsEnabled: true, domainsDefaultRoleId: role.id });
  await roles().updateOrganizationRole({ organizationRoleId: role.id, key: 'org:visitor' });
  assert.equal((await env.clerk.instance.getOrganizationSettings()).domainsDefaultRole, 'org:visitor');
});

test('a new permission key shows in the roles and memberships that hold it', async () => {
  const invoices = await createPermission('org:invoices:read');
  await roles().createOrganizationRole({
    name: 'Billing',
    key: 'org:billing',
    permissions: [invoices.id],
    includeInInitialRoleSet: true,
  });
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:billing' });
  await perms().updateOrganizationPermission({ permissionId: invoices.id, key: 'org:invoices:view' });
  assert.deepEqual(keysOf(await roleByKey('org:billing')), ['org:invoices:view']);
  const erin = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_erin'] });
  assert.deepEqual(erin.data[0].permissions, ['org:invoices:view']);
});

test('the domains default role cannot be deleted: 422 organization_role_domain_default_role', async () => {
  const role = await roles().createOrganizationRole({ name: 'Guest', key: 'org:guest', includeInInitialRoleSet: true });
  const settings = await env.clerk.instance.updateOrganizationSettings({
    domainsEnabled: true,
    domainsDefaultRoleId: role.id,
  });
  assert.equal(settings.domainsDefaultRole, 'org:guest');
  await expectClerkError(roles().deleteOrganizationRole(role.id), {
    status: 422,
    code: 'organization_role_domain_default_role',
  });
  await roles().getOrganizationRole(role.id);
});
