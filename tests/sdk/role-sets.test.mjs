// Role sets through clerk.roleSets: the initial set, custom sets, adding and
// replacing roles (members are remapped), replacing a whole set (its
// organizations move), and organizations choosing a set with role_set_key.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, rawRequest, useSim } from './harness.mjs';

const env = useSim();
const sets = () => env.clerk.roleSets;
const roles = () => env.clerk.organizationRoles;
const orgs = () => env.clerk.organizations;

function assertItemShape(item) {
  // role_set_item is not mapped by the SDK's deserializer but by RoleSet.fromJSON
  assert.equal(kindOf(item), 'RoleSetItem', `expected a RoleSetItem, got ${kindOf(item)}`);
  assert.match(item.id, /^role_/);
  assert.match(item.key, /^org:/);
  assert.equal(typeof item.name, 'string');
  assert.equal(typeof item.createdAt, 'number');
  assert.equal(typeof item.updatedAt, 'number');
}

function assertRoleSetShape(s) {
  assert.equal(kindOf(s), 'RoleSet', `expected a RoleSet, got ${kindOf(s)}`);
  assert.equal(typeof s.id, 'string');
  assert.ok(s.id.length > 0);
  assert.match(s.key, /^role_set:[a-z0-9_]+$/);
  assert.equal(typeof s.name, 'string');
  assert.ok(s.type === 'initial' || s.type === 'custom', `type ${s.type}`);
  assert.ok(Array.isArray(s.roles));
  for (const item of s.roles) assertItemShape(item);
  assertItemShape(s.defaultRole);
  assertItemShape(s.creatorRole);
  assert.ok(s.roles.some((r) => r.key === s.defaultRole.key), 'the default role is one of the set roles');
  assert.ok(s.roles.some((r) => r.key === s.creatorRole.key), 'the creator role is one of the set roles');
  assert.equal(s.roleSetMigration, null, 'no migration is left running');
  assert.equal(typeof s.createdAt, 'number');
  assert.equal(typeof s.updatedAt, 'number');
}

const roleKeys = (s) => s.roles.map((r) => r.key).sort();

async function customRole(key, extra = {}) {
  return roles().createOrganizationRole({ name: key.slice(4), key, ...extra });
}

// A custom set holding org:admin (creator), org:member and org:support (default).
async function supportSet() {
  await customRole('org:support');
  return sets().createRoleSet({
    name: 'Support',
    key: 'role_set:support',
    description: 'For support desks',
    roles: ['org:admin', 'org:member', 'org:support'],
    defaultRoleKey: 'org:support',
    creatorRoleKey: 'org:admin',
  });
}

// The SDK's OrganizationSettings class drops initial_role_set_key.
async function rawSettings() {
  const res = await rawRequest(env, 'GET', '/v1/instance/organization_settings');
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function memberRoles(organizationId) {
  const list = await orgs().getOrganizationMembershipList({ organizationId });
  return Object.fromEntries(list.data.map((m) => [m.publicUserData.userId, m.role]));
}

// ---------------------------------------------------------------------------
// the initial set

test('getRoleSetList starts with the initial set role_set:default', async () => {
  const list = await sets().getRoleSetList();
  assert.equal(list.totalCount, 1);
  assert.equal(list.data.length, 1);
  const [initial] = list.data;
  assertRoleSetShape(initial);
  assert.equal(initial.key, 'role_set:default');
  assert.equal(initial.type, 'initial');
  assert.deepEqual(roleKeys(initial), ['org:admin', 'org:member']);
  assert.equal(initial.creatorRole.key, 'org:admin');
  assert.equal(initial.defaultRole.key, 'org:member');
  for (const item of initial.roles) assert.equal(item.hasMembers, true, `${item.key} is held in the fixture`);
  assert.equal((await rawSettings()).initial_role_set_key, 'role_set:default');
});

test('getRoleSet finds a set by key and by id; an unknown one is 404', async () => {
  const byKey = await sets().getRoleSet('role_set:default');
  assertRoleSetShape(byKey);
  const byId = await sets().getRoleSet(byKey.id);
  assert.equal(byId.key, 'role_set:default');
  assert.equal(byId.id, byKey.id);
  await expectClerkError(sets().getRoleSet('role_set:missing'), { status: 404, code: 'resource_not_found' });
  await expectClerkError(sets().getRoleSet('rs_missing'), { status: 404, code: 'resource_not_found' });
});

test('organizations use the initial set unless told otherwise', async () => {
  const acme = await orgs().getOrganization({ organizationId: 'org_acme' });
  assert.equal(acme.raw.role_set_key, 'role_set:default');
  const created = await orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' });
  assert.equal(created.raw.role_set_key, 'role_set:default');
  assert.deepEqual(await memberRoles(created.id), { user_erin: 'org:admin' }, 'the creator gets the set creator role');
});

// ---------------------------------------------------------------------------
// custom sets

test('createRoleSet makes a custom set', async () => {
  const set = await supportSet();
  assertRoleSetShape(set);
  assert.equal(set.key, 'role_set:support');
  assert.equal(set.name, 'Support');
  assert.equal(set.description, 'For support desks');
  assert.equal(set.type, 'custom');
  assert.deepEqual(roleKeys(set), ['org:admin', 'org:member', 'org:support']);
  assert.equal(set.defaultRole.key, 'org:support');
  assert.equal(set.creatorRole.key, 'org:admin');

  const list = await sets().getRoleSetList();
  assert.equal(list.totalCount, 2);
  assert.deepEqual(list.data.map((s) => s.key).sort(), ['role_set:default', 'role_set:support']);
  const found = await sets().getRoleSetList({ query: 'supp' });
  assert.deepEqual(found.data.map((s) => s.key), ['role_set:support']);
  const initial = await sets().getRoleSet('role_set:default');
  assert.equal(initial.type, 'initial', 'a custom set leaves the initial one alone');
});

test('getRoleSetList lists the newest set first by default', async () => {
  await advanceClock(env, 1000);
  await sets().createRoleSet({
    name: 'Alpha',
    key: 'role_set:alpha',
    roles: ['org:admin', 'org:member'],
    defaultRoleKey: 'org:member',
    creatorRoleKey: 'org:admin',
  });
  await advanceClock(env, 1000);
  await sets().createRoleSet({
    name: 'Beta',
    key: 'role_set:beta',
    roles: ['org:admin', 'org:member'],
    defaultRoleKey: 'org:member',
    creatorRoleKey: 'org:admin',
  });
  const list = await sets().getRoleSetList();
  assert.deepEqual(list.data.map((s) => s.key), ['role_set:beta', 'role_set:alpha', 'role_set:default']);
  const byName = await sets().getRoleSetList({ orderBy: 'name' });
  assert.deepEqual(byName.data.map((s) => s.name), ['Alpha', 'Beta', 'Default']);
  const page = await sets().getRoleSetList({ limit: 1, offset: 1 });
  assert.deepEqual(page.data.map((s) => s.key), ['role_set:alpha']);
  assert.equal(page.totalCount, 3);
});

test('createRoleSet derives the key from the name when none is given', async () => {
  const set = await sets().createRoleSet({
    name: 'Field Team',
    roles: ['org:admin', 'org:member'],
    defaultRoleKey: 'org:member',
    creatorRoleKey: 'org:admin',
  });
  assert.match(set.key, /^role_set:[a-z0-9_]+$/);
  assert.match(set.key, /field/);
  assert.equal((await sets().getRoleSet(set.key)).id, set.id);
});

test('createRoleSet validates its roles, default and creator role and key', async () => {
  await customRole('org:support');
  const base = { name: 'Bad', key: 'role_set:bad', roles: ['org:admin', 'org:support'], defaultRoleKey: 'org:support', creatorRoleKey: 'org:admin' };
  await expectClerkError(sets().createRoleSet({ ...base, defaultRoleKey: 'org:member' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'default_role_key',
  });
  await expectClerkError(sets().createRoleSet({ ...base, creatorRoleKey: 'org:member' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'creator_role_key',
  });
  await expectClerkError(sets().createRoleSet({ ...base, creatorRoleKey: 'org:support' }), {
    status: 422,
    code: 'organization_missing_creator_role_permissions',
  });
  await expectClerkError(sets().createRoleSet({ ...base, roles: ['org:admin', 'org:support', 'org:nobody'] }), {
    status: 404,
    code: 'resource_not_found',
  });
  await expectClerkError(sets().createRoleSet({ ...base, roles: [] }), { status: 422, paramName: 'roles' });
  await expectClerkError(sets().createRoleSet({ ...base, key: 'bad' }), { status: 422, paramName: 'key' });
  await expectClerkError(sets().createRoleSet({ ...base, key: 'role_set:default' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'key',
  });
  assert.equal((await sets().getRoleSetList()).totalCount, 1, 'nothing was created');
});

test('updateRoleSet changes name, description, default and creator roles', async () => {
  const set = await supportSet();
  const updated = await sets().updateRoleSet({
    roleSetKeyOrId: set.id,
    name: 'Support desk',
    description: 'Tier one',
    defaultRoleKey: 'org:member',
  });
  assertRoleSetShape(updated);
  assert.equal(updated.name, 'Support desk');
  assert.equal(updated.description, 'Tier one');
  assert.equal(updated.defaultRole.key, 'org:member');
  assert.equal(updated.creatorRole.key, 'org:admin');
  assert.equal((await sets().getRoleSet('role_set:support')).name, 'Support desk');

  await customRole('org:outsider');
  await expectClerkError(sets().updateRoleSet({ roleSetKeyOrId: 'role_set:support', defaultRoleKey: 'org:outsider' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'default_role_key',
  });
  await expectClerkError(sets().updateRoleSet({ roleSetKeyOrId: 'role_set:support', creatorRoleKey: 'org:support' }), {
    status: 422,
    code: 'organization_missing_creator_role_permissions',
  });
  await expectClerkError(sets().updateRoleSet({ roleSetKeyOrId: 'role_set:missing', name: 'x' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('updateRoleSet type initial makes the set the one new organizations get', async () => {
  await supportSet();
  const promoted = await sets().updateRoleSet({ roleSetKeyOrId: 'role_set:support', type: 'initial' });
  assert.equal(promoted.type, 'initial');
  const old = await sets().getRoleSet('role_set:default');
  assert.equal(old.type, 'custom', 'the previous initial set is demoted');
  assert.equal((await rawSettings()).initial_role_set_key, 'role_set:support');

  const created = await orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' });
  assert.equal(created.raw.role_set_key, 'role_set:support');
  const acme = await orgs().getOrganization({ organizationId: 'org_acme' });
  assert.equal(acme.raw.role_set_key, 'role_set:default', 'existing organizations keep their set');

  await orgs().createOrganizationMembership({ organizationId: created.id, userId: 'user_dave', role: 'org:support' });
  await roles().createOrganizationRole({ name: 'Only default', key: 'org:only_default', includeInInitialRoleSet: true });
  assert.ok(roleKeys(await sets().getRoleSet('role_set:support')).includes('org:only_default'), 'include_in_initial_role_set follows the new initial set');
  assert.ok(!roleKeys(await sets().getRoleSet('role_set:default')).includes('org:only_default'));
});

test('addRolesToRoleSet adds roles and may move the default role', async () => {
  await customRole('org:support');
  await customRole('org:auditor');
  const updated = await sets().addRolesToRoleSet({
    roleSetKeyOrId: 'role_set:default',
    roleKeys: ['org:support', 'org:auditor'],
    defaultRoleKey: 'org:support',
  });
  assertRoleSetShape(updated);
  assert.deepEqual(roleKeys(updated), ['org:admin', 'org:auditor', 'org:member', 'org:support']);
  assert.equal(updated.defaultRole.key, 'org:support');
  assert.equal(updated.creatorRole.key, 'org:admin');

  const m = await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:auditor' });
  assert.equal(m.role, 'org:auditor', 'a role added to the set can be given to members');

  await expectClerkError(sets().addRolesToRoleSet({ roleSetKeyOrId: 'role_set:default', roleKeys: ['org:nobody'] }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('replaceRoleInRoleSet removes a role and remaps its members', async () => {
  await customRole('org:support');
  await sets().addRolesToRoleSet({ roleSetKeyOrId: 'role_set:default', roleKeys: ['org:support'] });
  assert.deepEqual(await memberRoles('org_acme'), { user_alice: 'org:admin', user_bob: 'org:member', user_carol: 'org:member' });

  const updated = await sets().replaceRoleInRoleSet({
    roleSetKeyOrId: 'role_set:default',
    roleKey: 'org:member',
    toRoleKey: 'org:support',
  });
  assertRoleSetShape(updated);
  assert.deepEqual(roleKeys(updated), ['org:admin', 'org:support']);
  assert.equal(updated.defaultRole.key, 'org:support', 'the replacement takes over as default role');

  assert.deepEqual(await memberRoles('org_acme'), { user_alice: 'org:admin', user_bob: 'org:support', user_carol: 'org:support' });
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:admin', user_dave: 'org:support' });
  const bob = (await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_bob'] })).data[0];
  assert.deepEqual(bob.permissions, [], 'bob now has the (empty) permissions of org:support');

  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' }),
    { status: 422, code: 'form_param_value_invalid', paramName: 'role' },
  );
});

test('replaceRoleInRoleSet refuses a role that is not in the set', async () => {
  await customRole('org:support');
  await expectClerkError(
    sets().replaceRoleInRoleSet({ roleSetKeyOrId: 'role_set:default', roleKey: 'org:support', toRoleKey: 'org:member' }),
    { status: 422, paramName: 'role_key' },
  );
  await expectClerkError(
    sets().replaceRoleInRoleSet({ roleSetKeyOrId: 'role_set:missing', roleKey: 'org:member', toRoleKey: 'org:admin' }),
    { status: 404, code: 'resource_not_found' },
  );
  assert.deepEqual(roleKeys(await sets().getRoleSet('role_set:default')), ['org:admin', 'org:member']);
  assert.deepEqual(await memberRoles('org_acme'), { user_alice: 'org:admin', user_bob: 'org:member', user_carol: 'org:member' });
});

test('replaceRoleInRoleSet moves the creator duty with the role', async () => {
  const creatorIds = (await env.clerk.organizationPermissions.getOrganizationPermissionList({ limit: 100 })).data
    .filter((p) => p.key.startsWith('org:sys_'))
    .map((p) => p.id);
  await customRole('org:owner', { permissions: creatorIds });
  await sets().addRolesToRoleSet({ roleSetKeyOrId: 'role_set:default', roleKeys: ['org:owner'] });
  const updated = await sets().replaceRoleInRoleSet({
    roleSetKeyOrId: 'role_set:default',
    roleKey: 'org:admin',
    toRoleKey: 'org:owner',
  });
  assert.equal(updated.creatorRole.key, 'org:owner');
  assert.deepEqual(roleKeys(updated), ['org:member', 'org:owner']);
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:owner', user_dave: 'org:member' });
  const created = await orgs().createOrganization({ name: 'Initech', createdBy: 'user_erin' });
  assert.deepEqual(await memberRoles(created.id), { user_erin: 'org:owner' });
});

// ---------------------------------------------------------------------------
// organizations and their set

test('an organization created with roleSetKey uses that set; memberships must use its roles', async () => {
  await supportSet();
  const org = await orgs().createOrganization({ name: 'Helpdesk', createdBy: 'user_erin', roleSetKey: 'role_set:support' });
  assert.equal(org.raw.role_set_key, 'role_set:support');
  assert.deepEqual(await memberRoles(org.id), { user_erin: 'org:admin' });
  const m = await orgs().createOrganizationMembership({ organizationId: org.id, userId: 'user_dave', role: 'org:support' });
  assert.equal(m.role, 'org:support');

  await roles().createOrganizationRole({ name: 'Auditor', key: 'org:auditor', includeInInitialRoleSet: true });
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: org.id, userId: 'user_bob', role: 'org:auditor' }),
    { status: 422, code: 'form_param_value_invalid', paramName: 'role' },
  );
  // an unknown set is refused and names the parameter
  const before = (await orgs().getOrganizationList()).totalCount;
  const err = await expectClerkError(orgs().createOrganization({ name: 'Nowhere', roleSetKey: 'role_set:missing' }), {
    paramName: 'role_set_key',
  });
  assert.ok([404, 422].includes(err.status), `status ${err.status}`);
  assert.equal((await orgs().getOrganizationList()).totalCount, before, 'no organization was created');
});

test('updateOrganization with roleSetKey switches the set when every held role exists there', async () => {
  await supportSet();
  const moved = await orgs().updateOrganization('org_globex', { roleSetKey: 'role_set:support' });
  assert.equal(moved.raw.role_set_key, 'role_set:support');
  assert.equal((await orgs().getOrganization({ organizationId: 'org_globex' })).raw.role_set_key, 'role_set:support');
  await orgs().updateOrganizationMembership({ organizationId: 'org_globex', userId: 'user_dave', role: 'org:support' });
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:admin', user_dave: 'org:support' });
});

test('updateOrganization refuses a set that lacks a role its members hold', async () => {
  await customRole('org:support');
  await sets().createRoleSet({
    name: 'Narrow',
    key: 'role_set:narrow',
    roles: ['org:admin', 'org:support'],
    defaultRoleKey: 'org:support',
    creatorRoleKey: 'org:admin',
  });
  // user_dave holds org:member in org_globex
  await expectClerkError(orgs().updateOrganization('org_globex', { roleSetKey: 'role_set:narrow' }), {
    status: 422,
    code: 'organization_role_on_set_assigned_to_user',
  });
  assert.equal((await orgs().getOrganization({ organizationId: 'org_globex' })).raw.role_set_key, 'role_set:default');
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:admin', user_dave: 'org:member' });
});

// ---------------------------------------------------------------------------
// replacing a whole set

test('replaceRoleSet moves organizations to the destination set using the reassignment mappings', async () => {
  await supportSet();
  await orgs().updateOrganization('org_globex', { roleSetKey: 'role_set:support' });
  await orgs().updateOrganizationMembership({ organizationId: 'org_globex', userId: 'user_dave', role: 'org:support' });
  await orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin', role: 'org:member' });

  // org:support is held in org_globex and does not exist in role_set:default
  const err = await expectClerkError(
    sets().replaceRoleSet({ roleSetKeyOrId: 'role_set:support', destRoleSetKey: 'role_set:default' }),
    { status: 422, code: 'organization_role_set_reassignment_mappings_missing' },
  );
  assert.match(err.errors[0].longMessage, /org:support/);
  assert.equal((await orgs().getOrganization({ organizationId: 'org_globex' })).raw.role_set_key, 'role_set:support');
  assert.equal((await sets().getRoleSet('role_set:support')).key, 'role_set:support', 'the refused replace kept the set');

  const deleted = await sets().replaceRoleSet({
    roleSetKeyOrId: 'role_set:support',
    destRoleSetKey: 'role_set:default',
    reassignmentMappings: { 'org:support': 'org:member' },
  });
  assert.equal(kindOf(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'role_set');
  assert.equal(deleted.deleted, true);
  assert.equal(typeof deleted.id, 'string');

  const globex = await orgs().getOrganization({ organizationId: 'org_globex' });
  assert.equal(globex.raw.role_set_key, 'role_set:default');
  assert.deepEqual(await memberRoles('org_globex'), {
    user_carol: 'org:admin',
    user_dave: 'org:member',
    user_erin: 'org:member',
  });
  await expectClerkError(sets().getRoleSet('role_set:support'), { status: 404, code: 'resource_not_found' });
  assert.equal((await sets().getRoleSetList()).totalCount, 1);
});

test('replaceRoleSet refuses mappings to roles outside the destination and an unknown destination', async () => {
  await supportSet();
  await customRole('org:auditor');
  await orgs().updateOrganization('org_globex', { roleSetKey: 'role_set:support' });
  await orgs().updateOrganizationMembership({ organizationId: 'org_globex', userId: 'user_dave', role: 'org:support' });

  await expectClerkError(
    sets().replaceRoleSet({
      roleSetKeyOrId: 'role_set:support',
      destRoleSetKey: 'role_set:default',
      reassignmentMappings: { 'org:support': 'org:auditor' },
    }),
    { status: 422, code: 'organization_role_set_reassignment_mappings_invalid' },
  );
  await expectClerkError(
    sets().replaceRoleSet({
      roleSetKeyOrId: 'role_set:support',
      destRoleSetKey: 'role_set:missing',
      reassignmentMappings: { 'org:support': 'org:member' },
    }),
    { status: 404, code: 'resource_not_found' },
  );
  assert.equal((await orgs().getOrganization({ organizationId: 'org_globex' })).raw.role_set_key, 'role_set:support');
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:admin', user_dave: 'org:support' });
});

test('replaceRoleSet needs no mappings when every held role exists in the destination', async () => {
  const set = await supportSet();
  await orgs().updateOrganization('org_globex', { roleSetKey: 'role_set:support' });
  const deleted = await sets().replaceRoleSet({ roleSetKeyOrId: set.id, destRoleSetKey: 'role_set:default' });
  assert.equal(deleted.deleted, true);
  assert.equal((await orgs().getOrganization({ organizationId: 'org_globex' })).raw.role_set_key, 'role_set:default');
  assert.deepEqual(await memberRoles('org_globex'), { user_carol: 'org:admin', user_dave: 'org:member' });
});

test('the initial role set cannot be replaced: 403 cannot_delete_initial_role_set', async () => {
  await supportSet();
  await expectClerkError(
    sets().replaceRoleSet({ roleSetKeyOrId: 'role_set:default', destRoleSetKey: 'role_set:support' }),
    { status: 403, code: 'cannot_delete_initial_role_set' },
  );
  assert.equal((await sets().getRoleSet('role_set:default')).type, 'initial');
  assert.equal((await orgs().getOrganization({ organizationId: 'org_acme' })).raw.role_set_key, 'role_set:default');
});
