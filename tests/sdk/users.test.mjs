// clerk.users: create, get, list, count, update, metadata and delete.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, simNow, useSim } from './harness.mjs';

const env = useSim();
const users = () => env.clerk.users;

function assertUserShape(u) {
  assert.equal(kindOf(u), 'User', `expected a User, got ${kindOf(u)}`);
  assert.match(u.id, /^user_/);
  assert.ok(Array.isArray(u.emailAddresses));
  assert.ok(Array.isArray(u.phoneNumbers));
  assert.ok(Array.isArray(u.web3Wallets));
  assert.ok(Array.isArray(u.externalAccounts));
  assert.equal(typeof u.createdAt, 'number');
  assert.equal(typeof u.updatedAt, 'number');
  assert.equal(typeof u.passwordEnabled, 'boolean');
  assert.equal(typeof u.twoFactorEnabled, 'boolean');
  assert.equal(typeof u.banned, 'boolean');
  assert.equal(typeof u.locked, 'boolean');
  assert.equal(typeof u.imageUrl, 'string');
  assert.equal(typeof u.hasImage, 'boolean');
  assert.equal(typeof u.publicMetadata, 'object');
  assert.notEqual(u.publicMetadata, null);
  for (const e of u.emailAddresses) {
    assert.equal(kindOf(e), 'EmailAddress');
    assert.equal(typeof e.id, 'string');
    assert.equal(typeof e.emailAddress, 'string');
    assert.ok(Array.isArray(e.linkedTo));
  }
}

// ---------------------------------------------------------------------------
// createUser / getUser

test('createUser returns the new user with a verified primary email', async () => {
  const now = await simNow(env);
  const user = await users().createUser({
    emailAddress: ['frank@initech.test'],
    firstName: 'Frank',
    lastName: 'Fisher',
    username: 'frank',
    externalId: 'crm-2001',
    password: 'correct-horse-battery-staple',
    publicMetadata: { plan: 'pro', someKey: { nestedKey: 1 } },
    privateMetadata: { stripeId: 'cus_1' },
    unsafeMetadata: { theme: 'dark' },
  });
  assertUserShape(user);
  assert.equal(user.firstName, 'Frank');
  assert.equal(user.lastName, 'Fisher');
  assert.equal(user.username, 'frank');
  assert.equal(user.externalId, 'crm-2001');
  assert.equal(user.passwordEnabled, true);
  assert.equal(user.createdAt, now);
  assert.equal(user.emailAddresses.length, 1);
  assert.equal(user.emailAddresses[0].emailAddress, 'frank@initech.test');
  assert.equal(user.emailAddresses[0].verification?.status, 'verified');
  assert.equal(user.primaryEmailAddressId, user.emailAddresses[0].id);
  assert.equal(user.primaryEmailAddress?.emailAddress, 'frank@initech.test');
  assert.deepEqual(user.publicMetadata, { plan: 'pro', someKey: { nestedKey: 1 } });
  assert.deepEqual(user.privateMetadata, { stripeId: 'cus_1' });
  assert.deepEqual(user.unsafeMetadata, { theme: 'dark' });

  const fetched = await users().getUser(user.id);
  assert.equal(fetched.id, user.id);
  assert.equal(fetched.primaryEmailAddress?.emailAddress, 'frank@initech.test');
  assert.equal(fetched.username, 'frank');
  assert.equal(await users().getCount(), 6);
});

test('createUser with several emails makes the first one primary', async () => {
  const user = await users().createUser({ emailAddress: ['first@multi.test', 'second@multi.test'] });
  assert.deepEqual(user.emailAddresses.map((e) => e.emailAddress).sort(), ['first@multi.test', 'second@multi.test']);
  assert.equal(user.primaryEmailAddress?.emailAddress, 'first@multi.test');
  assert.equal(user.firstName, null);
  assert.equal(user.username, null);
  assert.equal(user.externalId, null);
});

test('createUser with an email that is taken fails with 422 form_identifier_exists', async () => {
  await expectClerkError(users().createUser({ emailAddress: ['alice@acme.test'] }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'email_address',
  });
  assert.equal(await users().getCount(), 5, 'nothing was created');
});

test('createUser with a username that is taken fails with 422 form_identifier_exists', async () => {
  await expectClerkError(users().createUser({ emailAddress: ['new@acme.test'], username: 'bob' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'username',
  });
});

test('getUser returns a fixture user', async () => {
  const alice = await users().getUser('user_alice');
  assertUserShape(alice);
  assert.equal(alice.id, 'user_alice');
  assert.equal(alice.firstName, 'Alice');
  assert.equal(alice.lastName, 'Anders');
  assert.equal(alice.username, 'alice');
  assert.equal(alice.emailAddresses[0].emailAddress, 'alice@acme.test');
  assert.equal(alice.primaryEmailAddress?.emailAddress, 'alice@acme.test');
  assert.deepEqual(alice.publicMetadata, { title: 'Head of Engineering' });

  const carol = await users().getUser('user_carol');
  assert.equal(carol.externalId, 'crm-1003');
  const dave = await users().getUser('user_dave');
  assert.equal(dave.phoneNumbers[0].phoneNumber, '+15555550104');
  const erin = await users().getUser('user_erin');
  assert.deepEqual(erin.privateMetadata, { signup_source: 'waitlist' });
});

test('getUser for an unknown id fails with 404 resource_not_found', async () => {
  await expectClerkError(users().getUser('user_nobody'), { status: 404, code: 'resource_not_found' });
});

// ---------------------------------------------------------------------------
// getUserList / getCount

test('getUserList returns users and the total from /users/count', async () => {
  const list = await users().getUserList();
  assert.equal(list.totalCount, 5);
  assert.equal(list.data.length, 5);
  for (const u of list.data) assertUserShape(u);
  assert.deepEqual(list.data.map((u) => u.id).sort(), ['user_alice', 'user_bob', 'user_carol', 'user_dave', 'user_erin']);
});

test('getUserList emailAddress filter', async () => {
  const list = await users().getUserList({ emailAddress: ['bob@acme.test'] });
  assert.deepEqual(list.data.map((u) => u.id), ['user_bob']);
  assert.equal(list.totalCount, 1);

  const two = await users().getUserList({ emailAddress: ['bob@acme.test', 'erin@example.test', 'nobody@x.test'] });
  assert.deepEqual(two.data.map((u) => u.id).sort(), ['user_bob', 'user_erin']);
  assert.equal(two.totalCount, 2);
});

test('getUserList query filter', async () => {
  const list = await users().getUserList({ query: 'globex' });
  assert.deepEqual(list.data.map((u) => u.id).sort(), ['user_carol', 'user_dave']);
  assert.equal(list.totalCount, 2);

  const byName = await users().getUserList({ query: 'Evans' });
  assert.deepEqual(byName.data.map((u) => u.id), ['user_erin']);
  assert.equal(byName.totalCount, 1);
});

test('getUserList orderBy first_name ascending and descending', async () => {
  const asc = await users().getUserList({ orderBy: '+first_name' });
  assert.deepEqual(asc.data.map((u) => u.firstName), ['Alice', 'Bob', 'Carol', 'Dave', 'Erin']);
  const desc = await users().getUserList({ orderBy: '-first_name' });
  assert.deepEqual(desc.data.map((u) => u.firstName), ['Erin', 'Dave', 'Carol', 'Bob', 'Alice']);
});

test('getUserList limit and offset; totalCount ignores paging', async () => {
  const page = await users().getUserList({ orderBy: '+first_name', limit: 2, offset: 1 });
  assert.deepEqual(page.data.map((u) => u.id), ['user_bob', 'user_carol']);
  assert.equal(page.totalCount, 5);
});

test('getCount counts all users and honours filters', async () => {
  assert.equal(await users().getCount(), 5);
  assert.equal(await users().getCount({ query: 'acme' }), 2);
  assert.equal(await users().getCount({ emailAddress: ['carol@globex.test'] }), 1);
  await users().createUser({ emailAddress: ['gina@acme.test'] });
  assert.equal(await users().getCount(), 6);
  assert.equal(await users().getCount({ query: 'acme' }), 3);
});

// ---------------------------------------------------------------------------
// updateUser

test('updateUser changes the fields that were sent', async () => {
  const updated = await users().updateUser('user_bob', { firstName: 'Robert', username: 'rob', externalId: 'crm-42' });
  assertUserShape(updated);
  assert.equal(updated.firstName, 'Robert');
  assert.equal(updated.lastName, 'Baker', 'fields not sent stay the same');
  assert.equal(updated.username, 'rob');
  assert.equal(updated.externalId, 'crm-42');

  const fetched = await users().getUser('user_bob');
  assert.equal(fetched.firstName, 'Robert');
  assert.equal(fetched.username, 'rob');

  const members = await env.clerk.organizations.getOrganizationMembershipList({
    organizationId: 'org_acme',
    userId: ['user_bob'],
  });
  assert.equal(members.data[0].publicUserData.firstName, 'Robert', 'membership public data follows the user');
});

test('updateUser to a taken username fails with 422 form_identifier_exists', async () => {
  await expectClerkError(users().updateUser('user_bob', { username: 'alice' }), {
    status: 422,
    code: 'form_identifier_exists',
    paramName: 'username',
  });
});

test('updateUser of an unknown user fails with 404 resource_not_found', async () => {
  await expectClerkError(users().updateUser('user_nobody', { firstName: 'X' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('updateUser with publicMetadata replaces the public metadata', async () => {
  // The SDK sends the plain fields with PATCH and the metadata with PUT /metadata.
  const updated = await users().updateUser('user_alice', { lastName: 'Anderson', publicMetadata: { title: 'CTO' } });
  assert.equal(updated.lastName, 'Anderson');
  assert.deepEqual(updated.publicMetadata, { title: 'CTO' });

  const replaced = await users().updateUser('user_erin', { publicMetadata: { cohort: 7 } });
  assert.deepEqual(replaced.publicMetadata, { cohort: 7 });
  assert.deepEqual(replaced.privateMetadata, { signup_source: 'waitlist' }, 'private metadata was not sent');
});

// ---------------------------------------------------------------------------
// metadata

test('updateUserMetadata deep-merges and null deletes nested keys', async () => {
  const first = await users().updateUserMetadata('user_erin', {
    privateMetadata: { crm: { id: 17, tier: 'a' } },
    publicMetadata: { badges: { early: true } },
    unsafeMetadata: { theme: 'light' },
  });
  assert.deepEqual(first.privateMetadata, { signup_source: 'waitlist', crm: { id: 17, tier: 'a' } });
  assert.deepEqual(first.publicMetadata, { badges: { early: true } });
  assert.deepEqual(first.unsafeMetadata, { theme: 'light' });

  const second = await users().updateUserMetadata('user_erin', {
    privateMetadata: { crm: { tier: null }, signup_source: null },
  });
  assert.deepEqual(second.privateMetadata, { crm: { id: 17 } });
  assert.deepEqual(second.publicMetadata, { badges: { early: true } }, 'public metadata was not sent, so it stays');
  assert.deepEqual(second.unsafeMetadata, { theme: 'light' });

  const fetched = await users().getUser('user_erin');
  assert.deepEqual(fetched.privateMetadata, { crm: { id: 17 } });
});

test('replaceUserMetadata replaces each field that is sent', async () => {
  const replaced = await users().replaceUserMetadata('user_alice', { publicMetadata: { x: 1 } });
  assert.deepEqual(replaced.publicMetadata, { x: 1 });
  assert.deepEqual(replaced.privateMetadata, {});

  const erin = await users().replaceUserMetadata('user_erin', { privateMetadata: { fresh: true } });
  assert.deepEqual(erin.privateMetadata, { fresh: true });

  const fetched = await users().getUser('user_alice');
  assert.deepEqual(fetched.publicMetadata, { x: 1 });
});

test('user metadata calls on an unknown user fail with 404', async () => {
  await expectClerkError(users().updateUserMetadata('user_nobody', { publicMetadata: { a: 1 } }), {
    status: 404,
    code: 'resource_not_found',
  });
  await expectClerkError(users().replaceUserMetadata('user_nobody', { publicMetadata: { a: 1 } }), {
    status: 404,
    code: 'resource_not_found',
  });
});

// ---------------------------------------------------------------------------
// deleteUser

test('deleteUser returns a DeletedObject and removes the user and their memberships', async () => {
  const deleted = await users().deleteUser('user_bob');
  assert.equal(kindOf(deleted), 'DeletedObject');
  assert.equal(deleted.object, 'user');
  assert.equal(deleted.id, 'user_bob');
  assert.equal(deleted.deleted, true);

  await expectClerkError(users().getUser('user_bob'), { status: 404, code: 'resource_not_found' });
  assert.equal(await users().getCount(), 4);
  const list = await users().getUserList();
  assert.ok(!list.data.some((u) => u.id === 'user_bob'));

  const members = await env.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(members.totalCount, 2);
  assert.ok(!members.data.some((m) => m.publicUserData.userId === 'user_bob'));

  // the email address can be used again
  const again = await users().createUser({ emailAddress: ['bob@acme.test'] });
  assert.equal(again.primaryEmailAddress?.emailAddress, 'bob@acme.test');
  assert.notEqual(again.id, 'user_bob');

  await expectClerkError(users().deleteUser('user_bob'), { status: 404, code: 'resource_not_found' });
});

// ---------------------------------------------------------------------------
// more filters, identifiers and validation

test('getUserList emailAddress with a + is sent form-encoded and still matches', async () => {
  const plus = await users().createUser({ emailAddress: ['alice+billing@acme.test'] });
  const list = await users().getUserList({ emailAddress: ['alice+billing@acme.test'] });
  assert.deepEqual(list.data.map((u) => u.id), [plus.id]);
  assert.equal(list.totalCount, 1);
});

test('getUserList organizationId filter returns the members of an organization', async () => {
  const list = await users().getUserList({ organizationId: ['org_globex'] });
  assert.deepEqual(list.data.map((u) => u.id).sort(), ['user_carol', 'user_dave']);
  assert.equal(list.totalCount, 2);
  assert.equal(await users().getCount({ organizationId: ['org_acme'] }), 3);
});

test('getUserList userId, username and externalId filters', async () => {
  const byId = await users().getUserList({ userId: ['user_dave', 'user_erin'] });
  assert.deepEqual(byId.data.map((u) => u.id).sort(), ['user_dave', 'user_erin']);
  assert.equal(byId.totalCount, 2);

  const byUsername = await users().getUserList({ username: ['alice'] });
  assert.deepEqual(byUsername.data.map((u) => u.id), ['user_alice']);

  const byExternal = await users().getUserList({ externalId: ['crm-1003'] });
  assert.deepEqual(byExternal.data.map((u) => u.id), ['user_carol']);
  assert.equal(byExternal.totalCount, 1);
});

test('getUserList defaults to newest first', async () => {
  await advanceClock(env, 1_000);
  const newest = await users().createUser({ emailAddress: ['newest@example.test'] });
  const list = await users().getUserList();
  assert.equal(list.data[0].id, newest.id);
  const oldestFirst = await users().getUserList({ orderBy: '+created_at' });
  assert.equal(oldestFirst.data.at(-1).id, newest.id);
});

test('createUser with a phone number sets the primary phone', async () => {
  const user = await users().createUser({ emailAddress: ['phone@example.test'], phoneNumber: ['+15555550199'] });
  assert.equal(user.phoneNumbers.length, 1);
  assert.equal(user.phoneNumbers[0].phoneNumber, '+15555550199');
  assert.equal(user.primaryPhoneNumberId, user.phoneNumbers[0].id);
  assert.equal(user.primaryPhoneNumber?.phoneNumber, '+15555550199');
});

test('updateUser primaryEmailAddressID switches the primary email', async () => {
  const user = await users().createUser({ emailAddress: ['one@switch.test', 'two@switch.test'] });
  const second = user.emailAddresses.find((e) => e.emailAddress === 'two@switch.test');
  const updated = await users().updateUser(user.id, { primaryEmailAddressID: second.id });
  assert.equal(updated.primaryEmailAddressId, second.id);
  assert.equal(updated.primaryEmailAddress?.emailAddress, 'two@switch.test');
});

test('updateUser username null removes the username', async () => {
  const updated = await users().updateUser('user_alice', { username: null });
  assert.equal(updated.username, null);
  const bob = await users().updateUser('user_bob', { username: 'alice' });
  assert.equal(bob.username, 'alice', 'the freed username can be taken');
});

test('createUser with a malformed email fails with 422 form_param_format_invalid', async () => {
  await expectClerkError(users().createUser({ emailAddress: ['not-an-email'] }), {
    status: 422,
    code: 'form_param_format_invalid',
    paramName: 'email_address',
  });
});

test('createUser with a short password fails with 422 form_password_length_too_short', async () => {
  await expectClerkError(users().createUser({ emailAddress: ['short@example.test'], password: 'abc' }), {
    status: 422,
    code: 'form_password_length_too_short',
    paramName: 'password',
  });
});
