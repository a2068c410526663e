// clerk.organizations: list, create, get, update, metadata and delete.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, simNow, useSim } from './harness.mjs';

const env = useSim();

function assertOrganizationShape(org) {
  assert.equal(kindOf(org), 'Organization', `expected an Organization, got ${kindOf(org)}`);
  assert.equal(typeof org.id, 'string');
  assert.match(org.id, /^org_/);
  assert.equal(typeof org.name, 'string');
  assert.equal(typeof org.slug, 'string');
  assert.equal(typeof org.imageUrl, 'string');
  assert.ok(org.imageUrl.length > 0, 'imageUrl should be a placeholder URL when there is no logo');
  assert.equal(org.hasImage, false);
  assert.equal(typeof org.createdAt, 'number');
  assert.equal(typeof org.updatedAt, 'number');
  assert.equal(typeof org.maxAllowedMemberships, 'number');
  assert.equal(typeof org.adminDeleteEnabled, 'boolean');
  assert.equal(typeof org.publicMetadata, 'object');
  assert.notEqual(org.publicMetadata, null);
}

// ---------------------------------------------------------------------------
// getOrganizationList

test('getOrganizationList returns every organization with a total', async () => {
  const list = await env.clerk.organizations.getOrganizationList();
  assert.equal(list.totalCount, 2);
  assert.equal(list.data.length, 2);
  for (const org of list.data) assertOrganizationShape(org);
  assert.deepEqual(list.data.map((o) => o.id).sort(), ['org_acme', 'org_globex']);
  const acme = list.data.find((o) => o.id === 'org_acme');
  assert.equal(acme.name, 'Acme Corp');
  assert.equal(acme.slug, 'acme-corp');
  assert.equal(acme.maxAllowedMemberships, 5);
  assert.equal(acme.createdBy, 'user_alice');
  assert.deepEqual(acme.publicMetadata, { plan: 'team' });
  assert.deepEqual(acme.privateMetadata, { crm_account: 'A-100' });
  const globex = list.data.find((o) => o.id === 'org_globex');
  assert.equal(globex.maxAllowedMemberships, 0, '0 means unlimited and is reported as 0');
});

test('getOrganizationList includeMembersCount adds membersCount', async () => {
  const list = await env.clerk.organizations.getOrganizationList({ includeMembersCount: true });
  const counts = Object.fromEntries(list.data.map((o) => [o.id, o.membersCount]));
  assert.deepEqual(counts, { org_acme: 3, org_globex: 2 });
});

test('getOrganizationList query matches id exactly and name or slug by substring', async () => {
  const byName = await env.clerk.organizations.getOrganizationList({ query: 'glob' });
  assert.deepEqual(byName.data.map((o) => o.id), ['org_globex']);
  assert.equal(byName.totalCount, 1);

  const bySlug = await env.clerk.organizations.getOrganizationList({ query: 'acme-c' });
  assert.deepEqual(bySlug.data.map((o) => o.id), ['org_acme']);

  const byId = await env.clerk.organizations.getOrganizationList({ query: 'org_acme' });
  assert.deepEqual(byId.data.map((o) => o.id), ['org_acme']);

  const none = await env.clerk.organizations.getOrganizationList({ query: 'no-such-org' });
  assert.deepEqual(none.data, []);
  assert.equal(none.totalCount, 0);
});

test('getOrganizationList orderBy +name and -name', async () => {
  await env.clerk.organizations.createOrganization({ name: 'Zeta Labs' });
  await env.clerk.organizations.createOrganization({ name: 'Beta Works' });

  const asc = await env.clerk.organizations.getOrganizationList({ orderBy: '+name' });
  assert.deepEqual(asc.data.map((o) => o.name), ['Acme Corp', 'Beta Works', 'Globex', 'Zeta Labs']);

  const desc = await env.clerk.organizations.getOrganizationList({ orderBy: '-name' });
  assert.deepEqual(desc.data.map((o) => o.name), ['Zeta Labs', 'Globex', 'Beta Works', 'Acme Corp']);
});

test('getOrganizationList orderBy -created_at puts the newest first (also the default)', async () => {
  await advanceClock(env, 1_000);
  await env.clerk.organizations.createOrganization({ name: 'Older Org' });
  await advanceClock(env, 1_000);
  await env.clerk.organizations.createOrganization({ name: 'Newer Org' });

  const desc = await env.clerk.organizations.getOrganizationList({ orderBy: '-created_at' });
  assert.deepEqual(desc.data.slice(0, 2).map((o) => o.name), ['Newer Org', 'Older Org']);
  assert.ok(desc.data[0].createdAt > desc.data[1].createdAt);
  assert.ok(desc.data[1].createdAt > desc.data[2].createdAt);

  const byDefault = await env.clerk.organizations.getOrganizationList();
  assert.deepEqual(byDefault.data.slice(0, 2).map((o) => o.name), ['Newer Org', 'Older Org']);

  const asc = await env.clerk.organizations.getOrganizationList({ orderBy: '+created_at' });
  assert.deepEqual(asc.data.slice(2).map((o) => o.name), ['Older Org', 'Newer Org']);
});

test('getOrganizationList organizationId filter restricts to the given ids', async () => {
  const one = await env.clerk.organizations.getOrganizationList({ organizationId: ['org_globex'] });
  assert.deepEqual(one.data.map((o) => o.id), ['org_globex']);
  assert.equal(one.totalCount, 1);

  const both = await env.clerk.organizations.getOrganizationList({
    organizationId: ['org_globex', 'org_acme', 'org_missing'],
  });
  assert.equal(both.totalCount, 2, 'unknown ids are ignored');
});

test('getOrganizationList limit and offset page through results; totalCount ignores paging', async () => {
  const first = await env.clerk.organizations.getOrganizationList({ orderBy: '+name', limit: 1 });
  assert.deepEqual(first.data.map((o) => o.id), ['org_acme']);
  assert.equal(first.totalCount, 2);

  const second = await env.clerk.organizations.getOrganizationList({ orderBy: '+name', limit: 1, offset: 1 });
  assert.deepEqual(second.data.map((o) => o.id), ['org_globex']);
  assert.equal(second.totalCount, 2);

  const past = await env.clerk.organizations.getOrganizationList({ limit: 10, offset: 5 });
  assert.deepEqual(past.data, []);
  assert.equal(past.totalCount, 2);
});

// ---------------------------------------------------------------------------
// createOrganization

test('createOrganization with a slug returns the new organization with instance defaults', async () => {
  const now = await simNow(env);
  const org = await env.clerk.organizations.createOrganization({ name: 'Initech', slug: 'initech' });
  assertOrganizationShape(org);
  assert.equal(org.name, 'Initech');
  assert.equal(org.slug, 'initech');
  assert.equal(org.createdAt, now);
  assert.equal(org.updatedAt, now);
  assert.equal(org.maxAllowedMemberships, 5, 'defaults to the instance max_allowed_memberships');
  assert.deepEqual(org.publicMetadata, {});
  assert.deepEqual(org.privateMetadata, {});

  const fetched = await env.clerk.organizations.getOrganization({ organizationId: org.id });
  assert.equal(fetched.slug, 'initech');
  assert.equal(fetched.name, 'Initech');
  const list = await env.clerk.organizations.getOrganizationList();
  assert.equal(list.totalCount, 3);
});

test('createOrganization without a slug generates a unique one from the name', async () => {
  const a = await env.clerk.organizations.createOrganization({ name: 'Hooli XYZ' });
  const b = await env.clerk.organizations.createOrganization({ name: 'Hooli XYZ' });
  for (const org of [a, b]) {
    assertOrganizationShape(org);
    assert.match(org.slug, /^[a-z0-9-]+$/);
    assert.ok(org.slug.startsWith('hooli-xyz'), `slug ${org.slug} should derive from the name`);
  }
  assert.notEqual(a.slug, b.slug, 'generated slugs must be unique');
  assert.notEqual(a.id, b.id);
  const bySlug = await env.clerk.organizations.getOrganization({ slug: b.slug });
  assert.equal(bySlug.id, b.id);
});

test('createOrganization with createdBy makes the creator an admin member', async () => {
  const org = await env.clerk.organizations.createOrganization({ name: 'Dave Co', createdBy: 'user_dave' });
  assert.equal(org.createdBy, 'user_dave');
  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(members.totalCount, 1);
  assert.equal(members.data[0].role, 'org:admin');
  assert.equal(members.data[0].publicUserData.userId, 'user_dave');
  assert.equal(members.data[0].organization.id, org.id);

  const daves = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_dave' });
  assert.ok(daves.data.some((m) => m.organization.id === org.id && m.role === 'org:admin'));
});

test('createOrganization without createdBy creates an organization with no members', async () => {
  const org = await env.clerk.organizations.createOrganization({ name: 'Empty Inc' });
  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(members.totalCount, 0);
  assert.deepEqual(members.data, []);
});

test('createOrganization with an unknown createdBy fails with 400 organization_creator_not_found', async () => {
  await expectClerkError(
    env.clerk.organizations.createOrganization({ name: 'Ghost Org', createdBy: 'user_nobody' }),
    { status: 400, code: 'organization_creator_not_found' },
  );
  const list = await env.clerk.organizations.getOrganizationList();
  assert.equal(list.totalCount, 2, 'nothing was created');
});

test('createOrganization maxAllowedMemberships is stored and enforced', async () => {
  const org = await env.clerk.organizations.createOrganization({
    name: 'Tiny Team',
    createdBy: 'user_erin',
    maxAllowedMemberships: 2,
  });
  assert.equal(org.maxAllowedMemberships, 2);
  await env.clerk.organizations.createOrganizationMembership({
    organizationId: org.id,
    userId: 'user_bob',
    role: 'org:member',
  });
  await expectClerkError(
    env.clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: 'user_dave', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
});

test('createOrganization maxAllowedMemberships 0 means unlimited', async () => {
  const org = await env.clerk.organizations.createOrganization({ name: 'Open House', maxAllowedMemberships: 0 });
  assert.equal(org.maxAllowedMemberships, 0);
  for (const userId of ['user_alice', 'user_bob', 'user_carol', 'user_dave', 'user_erin']) {
    await env.clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId, role: 'org:member' });
  }
  const extra = await env.clerk.users.createUser({ emailAddress: ['sixth@example.test'] });
  await env.clerk.organizations.createOrganizationMembership({ organizationId: org.id, userId: extra.id, role: 'org:member' });
  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(members.totalCount, 6);
});

test('createOrganization stores metadata as given, inner keys untouched', async () => {
  const org = await env.clerk.organizations.createOrganization({
    name: 'Meta Org',
    publicMetadata: { tier: 'gold', someKey: { nestedKey: 1 } },
    privateMetadata: { billingRef: 'B-9' },
  });
  assert.deepEqual(org.publicMetadata, { tier: 'gold', someKey: { nestedKey: 1 } });
  assert.deepEqual(org.privateMetadata, { billingRef: 'B-9' });
  const fetched = await env.clerk.organizations.getOrganization({ organizationId: org.id });
  assert.deepEqual(fetched.publicMetadata, { tier: 'gold', someKey: { nestedKey: 1 } });
  assert.deepEqual(fetched.privateMetadata, { billingRef: 'B-9' });
});

test('createOrganization with a taken slug fails with 422 form_identifier_exists on slug', async () => {
  await expectClerkError(env.clerk.organizations.createOrganization({ name: 'Copycat', slug: 'acme-corp' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'slug',
  });
  const list = await env.clerk.organizations.getOrganizationList();
  assert.equal(list.totalCount, 2, 'nothing was created');
});

// ---------------------------------------------------------------------------
// getOrganization

test('getOrganization by organizationId', async () => {
  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assertOrganizationShape(org);
  assert.equal(org.id, 'org_acme');
  assert.equal(org.name, 'Acme Corp');
  assert.equal(org.slug, 'acme-corp');
  assert.equal(org.createdBy, 'user_alice');
  assert.equal(org.membersCount, undefined, 'members count is only sent when asked for');
});

test('getOrganization by slug', async () => {
  const org = await env.clerk.organizations.getOrganization({ slug: 'acme-corp' });
  assert.equal(org.id, 'org_acme');
  const globex = await env.clerk.organizations.getOrganization({ slug: 'globex' });
  assert.equal(globex.id, 'org_globex');
});

test('getOrganization includeMembersCount', async () => {
  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme', includeMembersCount: true });
  assert.equal(org.membersCount, 3);
});

test('getOrganization for an unknown id or slug fails with 404 resource_not_found', async () => {
  await expectClerkError(env.clerk.organizations.getOrganization({ organizationId: 'org_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
  await expectClerkError(env.clerk.organizations.getOrganization({ slug: 'no-such-slug' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

// ---------------------------------------------------------------------------
// updateOrganization

test('updateOrganization changes name, slug, maxAllowedMemberships and adminDeleteEnabled', async () => {
  const updated = await env.clerk.organizations.updateOrganization('org_acme', {
    name: 'Acme Holdings',
    slug: 'acme-holdings',
    maxAllowedMemberships: 10,
    adminDeleteEnabled: false,
  });
  assertOrganizationShape(updated);
  assert.equal(updated.id, 'org_acme');
  assert.equal(updated.name, 'Acme Holdings');
  assert.equal(updated.slug, 'acme-holdings');
  assert.equal(updated.maxAllowedMemberships, 10);
  assert.equal(updated.adminDeleteEnabled, false);
  assert.deepEqual(updated.publicMetadata, { plan: 'team' }, 'metadata is untouched');

  const bySlug = await env.clerk.organizations.getOrganization({ slug: 'acme-holdings' });
  assert.equal(bySlug.id, 'org_acme');
  assert.equal(bySlug.adminDeleteEnabled, false);
  await expectClerkError(env.clerk.organizations.getOrganization({ slug: 'acme-corp' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('updateOrganization changes only the fields that were sent', async () => {
  const updated = await env.clerk.organizations.updateOrganization('org_globex', { name: 'Globex Corporation' });
  assert.equal(updated.name, 'Globex Corporation');
  assert.equal(updated.slug, 'globex');
  assert.equal(updated.maxAllowedMemberships, 0);
});

test('updateOrganization to a taken slug fails with 422 form_identifier_exists on slug', async () => {
  await expectClerkError(env.clerk.organizations.updateOrganization('org_acme', { slug: 'globex' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'slug',
  });
  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.equal(org.slug, 'acme-corp');
});

test('updateOrganization of an unknown organization fails with 404 resource_not_found', async () => {
  await expectClerkError(env.clerk.organizations.updateOrganization('org_missing', { name: 'X' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('updateOrganization with publicMetadata replaces the public metadata', async () => {
  // The SDK sends the plain fields with PATCH and the metadata with PUT /metadata.
  const updated = await env.clerk.organizations.updateOrganization('org_acme', {
    name: 'Acme Renamed',
    publicMetadata: { tier: 'enterprise' },
  });
  assert.equal(updated.name, 'Acme Renamed');
  assert.deepEqual(updated.publicMetadata, { tier: 'enterprise' });
  assert.deepEqual(updated.privateMetadata, { crm_account: 'A-100' }, 'private metadata was not sent');

  const onlyMeta = await env.clerk.organizations.updateOrganization('org_globex', {
    publicMetadata: { region: 'eu' },
  });
  assert.equal(onlyMeta.name, 'Globex');
  assert.deepEqual(onlyMeta.publicMetadata, { region: 'eu' });
});

// ---------------------------------------------------------------------------
// metadata

test('updateOrganizationMetadata deep-merges and null deletes nested keys', async () => {
  const first = await env.clerk.organizations.updateOrganizationMetadata('org_acme', {
    publicMetadata: { features: { sso: true, audit: true }, seats: 5 },
    privateMetadata: { billing: { contactEmail: 'ops@acme.test' } },
  });
  assert.deepEqual(first.publicMetadata, { plan: 'team', features: { sso: true, audit: true }, seats: 5 });
  assert.deepEqual(first.privateMetadata, { crm_account: 'A-100', billing: { contactEmail: 'ops@acme.test' } });

  const second = await env.clerk.organizations.updateOrganizationMetadata('org_acme', {
    publicMetadata: { features: { audit: null, exports: ['csv'] }, plan: null },
  });
  assert.deepEqual(second.publicMetadata, { features: { sso: true, exports: ['csv'] }, seats: 5 });
  assert.deepEqual(
    second.privateMetadata,
    { crm_account: 'A-100', billing: { contactEmail: 'ops@acme.test' } },
    'private metadata was not sent, so it stays',
  );

  const fetched = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.deepEqual(fetched.publicMetadata, { features: { sso: true, exports: ['csv'] }, seats: 5 });
});

test('updateOrganizationMetadata of an unknown organization fails with 404', async () => {
  await expectClerkError(
    env.clerk.organizations.updateOrganizationMetadata('org_missing', { publicMetadata: { a: 1 } }),
    { status: 404, code: 'resource_not_found' },
  );
});

test('replaceOrganizationMetadata replaces each field that is sent', async () => {
  const replaced = await env.clerk.organizations.replaceOrganizationMetadata('org_acme', {
    publicMetadata: { onlyKey: { deep: true } },
  });
  assert.deepEqual(replaced.publicMetadata, { onlyKey: { deep: true } });
  assert.deepEqual(replaced.privateMetadata, { crm_account: 'A-100' });

  const cleared = await env.clerk.organizations.replaceOrganizationMetadata('org_acme', { privateMetadata: {} });
  assert.deepEqual(cleared.privateMetadata, {});
  assert.deepEqual(cleared.publicMetadata, { onlyKey: { deep: true } });

  const fetched = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.deepEqual(fetched.publicMetadata, { onlyKey: { deep: true } });
  assert.deepEqual(fetched.privateMetadata, {});
});

// ---------------------------------------------------------------------------
// deleteOrganization

test('deleteOrganization returns a DeletedObject and removes the organization and its memberships', async () => {
  const deleted = await env.clerk.organizations.deleteOrganization('org_globex');
  assert.equal(kindOf(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'organization');
  assert.equal(deleted.id, 'org_globex');
  assert.equal(deleted.deleted, true);

  await expectClerkError(env.clerk.organizations.getOrganization({ organizationId: 'org_globex' }), {
    status: 404,
    code: 'resource_not_found',
  });
  const list = await env.clerk.organizations.getOrganizationList();
  assert.deepEqual(list.data.map((o) => o.id), ['org_acme']);

  const carols = await env.clerk.users.getOrganizationMembershipList({ userId: 'user_carol' });
  assert.deepEqual(carols.data.map((m) => m.organization.id), ['org_acme']);
  assert.equal(carols.totalCount, 1);
  const all = await env.clerk.organizations.getInstanceOrganizationMembershipList({});
  assert.equal(all.totalCount, 3);

  // the slug is free again
  const reborn = await env.clerk.organizations.createOrganization({ name: 'Globex Again', slug: 'globex' });
  assert.equal(reborn.slug, 'globex');
});

test('deleteOrganization of an unknown organization fails with 404', async () => {
  await expectClerkError(env.clerk.organizations.deleteOrganization('org_missing'), {
    status: 404,
    code: 'resource_not_found',
  });
});

// ---------------------------------------------------------------------------
// query encoding, ordering and bookkeeping

test('getOrganizationList query with a space is form-decoded', async () => {
  const list = await env.clerk.organizations.getOrganizationList({ query: 'Acme Corp' });
  assert.deepEqual(list.data.map((o) => o.id), ['org_acme']);
});

test('getOrganizationList orderBy members_count', async () => {
  const desc = await env.clerk.organizations.getOrganizationList({ orderBy: '-members_count' });
  assert.deepEqual(desc.data.map((o) => o.id), ['org_acme', 'org_globex']);
  const asc = await env.clerk.organizations.getOrganizationList({ orderBy: '+members_count' });
  assert.deepEqual(asc.data.map((o) => o.id), ['org_globex', 'org_acme']);
});

test('getOrganizationList organizationId with a - prefix excludes that organization', async () => {
  const list = await env.clerk.organizations.getOrganizationList({ organizationId: ['-org_acme'] });
  assert.deepEqual(list.data.map((o) => o.id), ['org_globex']);
  assert.equal(list.totalCount, 1);
});

test('membersCount follows membership changes', async () => {
  await env.clerk.organizations.createOrganizationMembership({
    organizationId: 'org_globex',
    userId: 'user_erin',
    role: 'org:member',
  });
  const org = await env.clerk.organizations.getOrganization({ slug: 'globex', includeMembersCount: true });
  assert.equal(org.membersCount, 3);
});

test('updates move updatedAt to the current time and leave createdAt alone', async () => {
  const before = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  const later = await advanceClock(env, 60_000);
  const renamed = await env.clerk.organizations.updateOrganization('org_acme', { name: 'Acme Two' });
  assert.equal(renamed.createdAt, before.createdAt);
  assert.equal(renamed.updatedAt, later);

  const evenLater = await advanceClock(env, 60_000);
  const merged = await env.clerk.organizations.updateOrganizationMetadata('org_acme', { publicMetadata: { a: 1 } });
  assert.equal(merged.updatedAt, evenLater);
  assert.equal(merged.createdAt, before.createdAt);
});

test('createOrganization with a malformed slug fails with 422 on slug', async () => {
  await expectClerkError(env.clerk.organizations.createOrganization({ name: 'Bad Slug', slug: 'Bad Slug!' }), {
    status: 422,
    code: 'form_param_format_invalid',
    paramName: 'slug',
  });
});

test('updateOrganization maxAllowedMemberships 0 lifts the cap', async () => {
  const updated = await env.clerk.organizations.updateOrganization('org_acme', { maxAllowedMemberships: 0 });
  assert.equal(updated.maxAllowedMemberships, 0);
  for (const userId of ['user_dave', 'user_erin']) {
    await env.clerk.organizations.createOrganizationMembership({ organizationId: 'org_acme', userId, role: 'org:member' });
  }
  const extra = await env.clerk.users.createUser({ emailAddress: ['sixth@acme.test'] });
  await env.clerk.organizations.createOrganizationMembership({ organizationId: 'org_acme', userId: extra.id, role: 'org:member' });
  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(members.totalCount, 6);
});
