// Organization memberships through clerk.organizations and clerk.users.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, useSim } from './harness.mjs';

const env = useSim();
const orgs = () => env.clerk.organizations;

function assertMembershipShape(m) {
  assert.equal(kindOf(m), 'OrganizationMembership', `expected an OrganizationMembership, got ${kindOf(m)}`);
  assert.equal(typeof m.id, 'string');
  assert.ok(m.id.length > 0);
  assert.equal(typeof m.role, 'string');
  assert.match(m.role, /^org:/);
  assert.ok(Array.isArray(m.permissions), 'permissions must be an array');
  assert.equal(typeof m.publicMetadata, 'object');
  assert.notEqual(m.publicMetadata, null);
  assert.equal(typeof m.createdAt, 'number');
  assert.equal(typeof m.updatedAt, 'number');
  assert.equal(kindOf(m.organization), 'Organization');
  assert.match(m.organization.id, /^org_/);
  assert.equal(typeof m.organization.name, 'string');
  assert.equal(typeof m.publicUserData.userId, 'string');
  assert.equal(typeof m.publicUserData.imageUrl, 'string');
  assert.equal(typeof m.publicUserData.hasImage, 'boolean');
}

// ---------------------------------------------------------------------------
// getOrganizationMembershipList

test('getOrganizationMembershipList returns the members with organization and public user data', async () => {
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 3);
  assert.equal(list.data.length, 3);
  for (const m of list.data) {
    assertMembershipShape(m);
    assert.equal(m.organization.id, 'org_acme');
    assert.equal(m.organization.name, 'Acme Corp');
    assert.equal(m.organization.slug, 'acme-corp');
  }
  const byUser = Object.fromEntries(list.data.map((m) => [m.publicUserData.userId, m]));
  assert.deepEqual(Object.keys(byUser).sort(), ['user_alice', 'user_bob', 'user_carol']);
  assert.equal(byUser.user_alice.role, 'org:admin');
  assert.equal(byUser.user_bob.role, 'org:member');
  assert.equal(byUser.user_alice.publicUserData.identifier, 'alice@acme.test');
  assert.equal(byUser.user_alice.publicUserData.firstName, 'Alice');
  assert.equal(byUser.user_alice.publicUserData.lastName, 'Anders');
  assert.equal(byUser.user_carol.publicUserData.identifier, 'carol@globex.test');
  assert.equal(new Set(list.data.map((m) => m.id)).size, 3, 'membership ids are distinct');
});

test('getOrganizationMembershipList role filter', async () => {
  const admins = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:admin'] });
  assert.deepEqual(admins.data.map((m) => m.publicUserData.userId), ['user_alice']);
  assert.equal(admins.totalCount, 1);

  const members = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:member'] });
  assert.deepEqual(members.data.map((m) => m.publicUserData.userId).sort(), ['user_bob', 'user_carol']);
  assert.equal(members.totalCount, 2);
});

test('getOrganizationMembershipList userId filter', async () => {
  const one = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_bob'] });
  assert.deepEqual(one.data.map((m) => m.publicUserData.userId), ['user_bob']);
  assert.equal(one.totalCount, 1);

  const two = await orgs().getOrganizationMembershipList({
    organizationId: 'org_acme',
    userId: ['user_bob', 'user_alice', 'user_dave'],
  });
  assert.equal(two.totalCount, 2, 'user_dave is not a member of org_acme');
});

test('getOrganizationMembershipList query filter searches the member', async () => {
  const byName = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', query: 'Caro' });
  assert.deepEqual(byName.data.map((m) => m.publicUserData.userId), ['user_carol']);
  assert.equal(byName.totalCount, 1);

  const byEmail = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', query: 'acme.test' });
  assert.deepEqual(byEmail.data.map((m) => m.publicUserData.userId).sort(), ['user_alice', 'user_bob']);
});

test('getOrganizationMembershipList emailAddress filter', async () => {
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', emailAddress: ['bob@acme.test'] });
  assert.deepEqual(list.data.map((m) => m.publicUserData.userId), ['user_bob']);
  assert.equal(list.totalCount, 1);

  const none = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', emailAddress: ['dave@globex.test'] });
  assert.equal(none.totalCount, 0);
  assert.deepEqual(none.data, []);
});

test('getOrganizationMembershipList limit and offset; totalCount ignores paging', async () => {
  const page1 = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', limit: 2 });
  assert.equal(page1.data.length, 2);
  assert.equal(page1.totalCount, 3);
  const page2 = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', limit: 2, offset: 2 });
  assert.equal(page2.data.length, 1);
  assert.equal(page2.totalCount, 3);
  const seen = new Set([...page1.data, ...page2.data].map((m) => m.publicUserData.userId));
  assert.equal(seen.size, 3, 'the two pages together cover every member exactly once');
});

test('getOrganizationMembershipList for an unknown organization fails with 404', async () => {
  await expectClerkError(orgs().getOrganizationMembershipList({ organizationId: 'org_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

// ---------------------------------------------------------------------------
// getInstanceOrganizationMembershipList

test('getInstanceOrganizationMembershipList lists memberships across organizations', async () => {
  const all = await orgs().getInstanceOrganizationMembershipList({});
  assert.equal(all.totalCount, 5);
  assert.equal(all.data.length, 5);
  for (const m of all.data) assertMembershipShape(m);
  const pairs = all.data.map((m) => `${m.organization.id}/${m.publicUserData.userId}`).sort();
  assert.deepEqual(pairs, [
    'org_acme/user_alice',
    'org_acme/user_bob',
    'org_acme/user_carol',
    'org_globex/user_carol',
    'org_globex/user_dave',
  ]);

  const page = await orgs().getInstanceOrganizationMembershipList({ limit: 2, offset: 1 });
  assert.equal(page.data.length, 2);
  assert.equal(page.totalCount, 5);
});

// ---------------------------------------------------------------------------
// createOrganizationMembership

test('createOrganizationMembership adds a user and returns the full membership', async () => {
  const m = await orgs().createOrganizationMembership({
    organizationId: 'org_globex',
    userId: 'user_erin',
    role: 'org:member',
  });
  assertMembershipShape(m);
  assert.equal(m.role, 'org:member');
  assert.equal(m.organization.id, 'org_globex');
  assert.equal(m.publicUserData.userId, 'user_erin');
  assert.equal(m.publicUserData.identifier, 'erin@example.test');
  assert.equal(m.publicUserData.firstName, 'Erin');

  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_globex' });
  assert.equal(list.totalCount, 3);
  assert.ok(list.data.some((x) => x.id === m.id && x.publicUserData.userId === 'user_erin'));

  const erins = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_erin' });
  assert.deepEqual(erins.data.map((x) => x.organization.id), ['org_globex']);
});

test('createOrganizationMembership as admin', async () => {
  const m = await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:admin' });
  assert.equal(m.role, 'org:admin');
  const admins = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:admin'] });
  assert.deepEqual(admins.data.map((x) => x.publicUserData.userId).sort(), ['user_alice', 'user_dave']);
});

test('createOrganizationMembership for an existing member fails with 400 already_a_member_in_organization', async () => {
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_dave', role: 'org:member' }),
    { status: 400, code: 'already_a_member_in_organization' },
  );
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_globex' });
  assert.equal(list.totalCount, 2);
});

test('createOrganizationMembership beyond the seat cap fails with 403 organization_membership_quota_exceeded', async () => {
  // org_acme allows 5 members and has 3.
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:member' });
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' });
  const frank = await env.clerk.users.createUser({ emailAddress: ['frank@acme.test'] });
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: frank.id, role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 5);
});

test('raising maxAllowedMemberships makes room for more members', async () => {
  await orgs().updateOrganization('org_acme', { maxAllowedMemberships: 3 });
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
  await orgs().updateOrganization('org_acme', { maxAllowedMemberships: 4 });
  const m = await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:member' });
  assert.equal(m.publicUserData.userId, 'user_dave');
});

test('createOrganizationMembership for an unknown organization, user or role fails with 404', async () => {
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_missing', userId: 'user_erin', role: 'org:member' }),
    { status: 404, code: 'resource_not_found' },
  );
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_nobody', role: 'org:member' }),
    { status: 404, code: 'resource_not_found' },
  );
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin', role: 'org:overlord' }),
    { status: 404, code: 'resource_not_found', paramName: 'role' },
  );
});

// ---------------------------------------------------------------------------
// updateOrganizationMembership

test('updateOrganizationMembership changes the role', async () => {
  const promoted = await orgs().updateOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_bob',
    role: 'org:admin',
  });
  assertMembershipShape(promoted);
  assert.equal(promoted.role, 'org:admin');
  assert.equal(promoted.publicUserData.userId, 'user_bob');
  assert.equal(promoted.organization.id, 'org_acme');

  // with a second admin in place, the first one may step down
  const demoted = await orgs().updateOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_alice',
    role: 'org:member',
  });
  assert.equal(demoted.role, 'org:member');

  const admins = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:admin'] });
  assert.deepEqual(admins.data.map((m) => m.publicUserData.userId), ['user_bob']);
});

test('demoting the last admin fails with 400 organization_minimum_permissions_needed', async () => {
  await expectClerkError(
    orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_alice', role: 'org:member' }),
    { status: 400, code: 'organization_minimum_permissions_needed' },
  );
  const admins = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', role: ['org:admin'] });
  assert.deepEqual(admins.data.map((m) => m.publicUserData.userId), ['user_alice'], 'the role did not change');
});

test('updateOrganizationMembership for a non-member fails with 404', async () => {
  await expectClerkError(
    orgs().updateOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:admin' }),
    { status: 404, code: 'resource_not_found' },
  );
});

// ---------------------------------------------------------------------------
// updateOrganizationMembershipMetadata

test('updateOrganizationMembershipMetadata deep-merges and null deletes nested keys', async () => {
  const first = await orgs().updateOrganizationMembershipMetadata({
    organizationId: 'org_acme',
    userId: 'user_bob',
    publicMetadata: { team: 'core', flags: { beta: true, canary: true } },
    privateMetadata: { reviewNote: 'solid' },
  });
  assertMembershipShape(first);
  assert.deepEqual(first.publicMetadata, { team: 'core', flags: { beta: true, canary: true } });
  assert.deepEqual(first.privateMetadata, { reviewNote: 'solid' });

  const second = await orgs().updateOrganizationMembershipMetadata({
    organizationId: 'org_acme',
    userId: 'user_bob',
    publicMetadata: { flags: { canary: null }, desk: 12 },
  });
  assert.deepEqual(second.publicMetadata, { team: 'core', flags: { beta: true }, desk: 12 });
  assert.deepEqual(second.privateMetadata, { reviewNote: 'solid' }, 'private metadata was not sent, so it stays');

  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['user_bob'] });
  assert.deepEqual(list.data[0].publicMetadata, { team: 'core', flags: { beta: true }, desk: 12 });
});

test('updateOrganizationMembershipMetadata for a non-member fails with 404', async () => {
  await expectClerkError(
    orgs().updateOrganizationMembershipMetadata({
      organizationId: 'org_acme',
      userId: 'user_erin',
      publicMetadata: { a: 1 },
    }),
    { status: 404, code: 'resource_not_found' },
  );
});

// ---------------------------------------------------------------------------
// deleteOrganizationMembership

test('deleteOrganizationMembership returns the removed membership', async () => {
  const removed = await orgs().deleteOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob' });
  assertMembershipShape(removed);
  assert.equal(removed.publicUserData.userId, 'user_bob');
  assert.equal(removed.organization.id, 'org_acme');
  assert.equal(removed.role, 'org:member');

  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 2);
  assert.ok(!list.data.some((m) => m.publicUserData.userId === 'user_bob'));
  const bobs = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_bob' });
  assert.equal(bobs.totalCount, 0);

  await expectClerkError(orgs().deleteOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('removing the last admin while others remain fails with 400 organization_minimum_permissions_needed', async () => {
  await expectClerkError(orgs().deleteOrganizationMembership({ organizationId: 'org_acme', userId: 'user_alice' }), {
    status: 400,
    code: 'organization_minimum_permissions_needed',
  });
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 3, 'nobody was removed');
});

test('removing the very last member leaves an empty organization', async () => {
  const org = await orgs().createOrganization({ name: 'Solo', createdBy: 'user_erin' });
  const removed = await orgs().deleteOrganizationMembership({ organizationId: org.id, userId: 'user_erin' });
  assert.equal(removed.role, 'org:admin');
  const still = await orgs().getOrganization({ organizationId: org.id });
  assert.equal(still.id, org.id);
  const list = await orgs().getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(list.totalCount, 0);
});

// ---------------------------------------------------------------------------
// users.getOrganizationMembershipList

test('users.getOrganizationMembershipList lists one user\'s memberships', async () => {
  const carols = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_carol' });
  assert.equal(carols.totalCount, 2);
  for (const m of carols.data) {
    assertMembershipShape(m);
    assert.equal(m.publicUserData.userId, 'user_carol');
    assert.equal(m.publicUserData.identifier, 'carol@globex.test');
  }
  const roles = Object.fromEntries(carols.data.map((m) => [m.organization.id, m.role]));
  assert.deepEqual(roles, { org_acme: 'org:member', org_globex: 'org:admin' });

  const page = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_carol', limit: 1 });
  assert.equal(page.data.length, 1);
  assert.equal(page.totalCount, 2);

  const erins = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_erin' });
  assert.equal(erins.totalCount, 0);
  assert.deepEqual(erins.data, []);
});

// ---------------------------------------------------------------------------
// ordering, exclusion and check order

test('getOrganizationMembershipList userId with a - prefix excludes that user', async () => {
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', userId: ['-user_bob'] });
  assert.deepEqual(list.data.map((m) => m.publicUserData.userId).sort(), ['user_alice', 'user_carol']);
  assert.equal(list.totalCount, 2);
});

test('getOrganizationMembershipList orderBy first_name', async () => {
  const asc = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', orderBy: '+first_name' });
  assert.deepEqual(asc.data.map((m) => m.publicUserData.firstName), ['Alice', 'Bob', 'Carol']);
  const desc = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme', orderBy: '-first_name' });
  assert.deepEqual(desc.data.map((m) => m.publicUserData.firstName), ['Carol', 'Bob', 'Alice']);
});

test('membership lists default to newest first', async () => {
  await advanceClock(env, 1_000);
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:member' });
  await advanceClock(env, 1_000);
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' });

  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.deepEqual(list.data.slice(0, 2).map((m) => m.publicUserData.userId), ['user_erin', 'user_dave']);

  const all = await orgs().getInstanceOrganizationMembershipList({});
  assert.deepEqual(all.data.slice(0, 2).map((m) => m.publicUserData.userId), ['user_erin', 'user_dave']);

  const oldestFirst = await orgs().getInstanceOrganizationMembershipList({ orderBy: '+created_at' });
  assert.deepEqual(oldestFirst.data.slice(-2).map((m) => m.publicUserData.userId), ['user_dave', 'user_erin']);
});

test('a full organization reports the quota before noticing an existing member', async () => {
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_dave', role: 'org:member' });
  await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' });
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_bob', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
});

test('setting the last admin to the role it already has is allowed', async () => {
  const same = await orgs().updateOrganizationMembership({
    organizationId: 'org_acme',
    userId: 'user_alice',
    role: 'org:admin',
  });
  assert.equal(same.role, 'org:admin');
});
