// Organization permissions through clerk.organizationPermissions: the nine
// system permissions every instance starts with, custom permissions and the
// rules on their keys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClerkError, kindOf, rawRequest, useSim, SYSTEM_PERMISSION_KEYS as SYSTEM_KEYS } from './harness.mjs';

const env = useSim();
const perms = () => env.clerk.organizationPermissions;
const roles = () => env.clerk.organizationRoles;


function assertPermissionShape(p) {
  assert.equal(kindOf(p), 'Permission', `expected a Permission, got ${kindOf(p)}`);
  assert.match(p.id, /^perm_/);
  assert.equal(typeof p.name, 'string');
  assert.ok(p.name.length > 0);
  assert.match(p.key, /^org:[a-z0-9_]+:[a-z0-9_]+$/);
  assert.equal(typeof p.description, 'string');
  assert.equal(typeof p.createdAt, 'number');
  assert.equal(typeof p.updatedAt, 'number');
}

async function permissionByKey(key) {
  const list = await perms().getOrganizationPermissionList({ limit: 100 });
  return list.data.find((p) => p.key === key);
}

// The SDK's Permission class drops `type`, so it is read from the wire.
async function wireType(permissionId) {
  const res = await rawRequest(env, 'GET', `/v1/organization_permissions/${permissionId}`);
  assert.equal(res.status, 200, res.text);
  return res.json.type;
}

// ---------------------------------------------------------------------------
// the system catalogue

test('getOrganizationPermissionList starts with the nine system permissions', async () => {
  const list = await perms().getOrganizationPermissionList({ limit: 100 });
  assert.equal(list.totalCount, 9);
  assert.equal(list.data.length, 9);
  for (const p of list.data) assertPermissionShape(p);
  assert.deepEqual(list.data.map((p) => p.key).sort(), SYSTEM_KEYS);
  assert.equal(new Set(list.data.map((p) => p.id)).size, 9, 'permission ids are distinct');
  for (const p of list.data) assert.equal(await wireType(p.id), 'system', `${p.key} must have type "system"`);
});

test('getOrganizationPermissionList pages with limit and offset and filters with query', async () => {
  const page1 = await perms().getOrganizationPermissionList({ limit: 4, orderBy: 'key' });
  const page2 = await perms().getOrganizationPermissionList({ limit: 4, offset: 4, orderBy: 'key' });
  const page3 = await perms().getOrganizationPermissionList({ limit: 4, offset: 8, orderBy: 'key' });
  assert.deepEqual([page1.data.length, page2.data.length, page3.data.length], [4, 4, 1]);
  for (const page of [page1, page2, page3]) assert.equal(page.totalCount, 9, 'totalCount ignores paging');
  assert.deepEqual([...page1.data, ...page2.data, ...page3.data].map((p) => p.key), SYSTEM_KEYS, 'order_by=key sorts by key');

  const billing = await perms().getOrganizationPermissionList({ query: 'billing' });
  assert.deepEqual(billing.data.map((p) => p.key).sort(), ['org:sys_billing:manage', 'org:sys_billing:read']);
  assert.equal(billing.totalCount, 2);

  const one = page1.data[0];
  const byId = await perms().getOrganizationPermissionList({ query: one.id });
  assert.deepEqual(byId.data.map((p) => p.id), [one.id], 'query matches a permission id exactly');
});

test('getOrganizationPermission returns one permission; an unknown id is 404', async () => {
  const read = await permissionByKey('org:sys_memberships:read');
  const got = await perms().getOrganizationPermission(read.id);
  assertPermissionShape(got);
  assert.equal(got.id, read.id);
  assert.equal(got.key, 'org:sys_memberships:read');
  assert.equal(got.name, read.name);

  await expectClerkError(perms().getOrganizationPermission('perm_missing'), { status: 404, code: 'resource_not_found' });
});

test('system permissions cannot be updated or deleted: 403 organization_system_permission_not_modifiable', async () => {
  const manage = await permissionByKey('org:sys_profile:manage');
  await expectClerkError(perms().updateOrganizationPermission({ permissionId: manage.id, name: 'Renamed' }), {
    status: 403,
    code: 'organization_system_permission_not_modifiable',
  });
  await expectClerkError(perms().deleteOrganizationPermission(manage.id), {
    status: 403,
    code: 'organization_system_permission_not_modifiable',
  });
  const after = await perms().getOrganizationPermission(manage.id);
  assert.equal(after.name, manage.name, 'the refused update changed nothing');
  assert.equal((await perms().getOrganizationPermissionList()).totalCount, 9, 'the refused delete removed nothing');
});

// ---------------------------------------------------------------------------
// custom permissions

test('createOrganizationPermission adds a custom permission', async () => {
  const created = await perms().createOrganizationPermission({
    name: 'Read invoices',
    key: 'org:invoices:read',
    description: 'See the invoice list',
  });
  assertPermissionShape(created);
  assert.equal(created.key, 'org:invoices:read');
  assert.equal(created.name, 'Read invoices');
  assert.equal(created.description, 'See the invoice list');
  assert.equal(await wireType(created.id), 'custom');

  const got = await perms().getOrganizationPermission(created.id);
  assert.equal(got.key, 'org:invoices:read');
  const list = await perms().getOrganizationPermissionList({ limit: 100 });
  assert.equal(list.totalCount, 10);
  assert.ok(list.data.some((p) => p.id === created.id));
  const found = await perms().getOrganizationPermissionList({ query: 'invoices' });
  assert.deepEqual(found.data.map((p) => p.id), [created.id]);
});

test('a custom permission key may not use the reserved org:sys_ prefix: 422 form_param_value_invalid on key', async () => {
  await expectClerkError(perms().createOrganizationPermission({ name: 'Sneaky', key: 'org:sys_invoices:read' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'key',
  });
  assert.equal((await perms().getOrganizationPermissionList()).totalCount, 9);
});

test('a permission key must have the form org:<feature>:<action> in lowercase letters, digits and _', async () => {
  for (const key of ['invoices:read', 'org:invoices', 'org:Invoices:read', 'org:invoices:read:all', 'org:in-voices:read']) {
    await expectClerkError(perms().createOrganizationPermission({ name: 'Bad key', key }), {
      status: 422,
      paramName: 'key',
    });
  }
  const ok = await perms().createOrganizationPermission({ name: 'Export v2', key: 'org:export_v2:run_2' });
  assert.equal(ok.key, 'org:export_v2:run_2');
  assert.equal((await perms().getOrganizationPermissionList()).totalCount, 10, 'only the valid key was stored');
});

test('a duplicate permission key is rejected with 422 form_identifier_exists', async () => {
  await perms().createOrganizationPermission({ name: 'Read invoices', key: 'org:invoices:read' });
  await expectClerkError(perms().createOrganizationPermission({ name: 'Read invoices again', key: 'org:invoices:read' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'key',
  });
  await expectClerkError(perms().createOrganizationPermission({ name: 'Shadow', key: 'org:sys_profile:manage' }), {
    status: 422,
  });
  assert.equal((await perms().getOrganizationPermissionList()).totalCount, 10);
});

test('updateOrganizationPermission changes a custom permission', async () => {
  const created = await perms().createOrganizationPermission({ name: 'Read invoices', key: 'org:invoices:read' });
  const updated = await perms().updateOrganizationPermission({
    permissionId: created.id,
    name: 'View invoices',
    key: 'org:invoices:view',
    description: 'Open any invoice',
  });
  assertPermissionShape(updated);
  assert.equal(updated.id, created.id);
  assert.equal(updated.name, 'View invoices');
  assert.equal(updated.key, 'org:invoices:view');
  assert.equal(updated.description, 'Open any invoice');
  const got = await perms().getOrganizationPermission(created.id);
  assert.equal(got.key, 'org:invoices:view');

  await expectClerkError(perms().updateOrganizationPermission({ permissionId: created.id, key: 'org:sys_invoices:view' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'key',
  });
  await expectClerkError(perms().updateOrganizationPermission({ permissionId: 'perm_missing', name: 'x' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('deleteOrganizationPermission removes a custom permission and answers a DeletedObject', async () => {
  const created = await perms().createOrganizationPermission({ name: 'Read invoices', key: 'org:invoices:read' });
  const deleted = await perms().deleteOrganizationPermission(created.id);
  assert.equal(kindOf(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'permission');
  assert.equal(deleted.id, created.id);
  assert.equal(deleted.deleted, true);
  await expectClerkError(perms().getOrganizationPermission(created.id), { status: 404, code: 'resource_not_found' });
  await expectClerkError(perms().deleteOrganizationPermission(created.id), { status: 404, code: 'resource_not_found' });
  assert.equal((await perms().getOrganizationPermissionList()).totalCount, 9);
});

test('deleting a permission removes it from every role that held it', async () => {
  const invoices = await perms().createOrganizationPermission({ name: 'Read invoices', key: 'org:invoices:read' });
  const reports = await perms().createOrganizationPermission({ name: 'Read reports', key: 'org:reports:read' });
  const billing = await roles().createOrganizationRole({
    name: 'Billing',
    key: 'org:billing',
    permissions: [invoices.id, reports.id],
    includeInInitialRoleSet: true,
  });
  const member = (await roles().getOrganizationRoleList({ query: 'org:member' })).data.find((r) => r.key === 'org:member');
  await roles().assignPermissionToOrganizationRole({ organizationRoleId: member.id, permissionId: invoices.id });
  const erin = await env.clerk.organizations.createOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_erin',
    role: 'org:billing',
  });
  assert.deepEqual([...erin.permissions].sort(), ['org:invoices:read', 'org:reports:read']);

  await perms().deleteOrganizationPermission(invoices.id);

  const billingAfter = await roles().getOrganizationRole(billing.id);
  assert.deepEqual(billingAfter.permissions.map((p) => p.key), ['org:reports:read']);
  const memberAfter = await roles().getOrganizationRole(member.id);
  assert.ok(!memberAfter.permissions.some((p) => p.key === 'org:invoices:read'), 'org:member lost it too');
  assert.deepEqual(memberAfter.permissions.map((p) => p.key).sort(), ['org:sys_billing:read', 'org:sys_memberships:read']);

  const list = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_erin'] });
  assert.deepEqual(list.data[0].permissions, ['org:reports:read'], "the member's permissions follow the role");
});
