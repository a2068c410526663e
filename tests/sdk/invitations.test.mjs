// Organization invitations through clerk.organizations and clerk.users: create
// (single and bulk) with every refusal, lists with status filters, get, revoke,
// the seat cap with pending invitations counted, expiry on the server clock,
// and acceptance through the control plane.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceClock, expectClerkError, kindOf, rawRequest, simNow, useSim } from './harness.mjs';

const env = useSim();
const orgs = () => env.clerk.organizations;
const DAY_MS = 24 * 60 * 60 * 1000;

function assertInvitationShape(inv) {
  assert.equal(kindOf(inv), 'OrganizationInvitation', `expected an OrganizationInvitation, got ${kindOf(inv)}`);
  assert.match(inv.id, /^orginv_/);
  assert.equal(typeof inv.emailAddress, 'string');
  assert.match(inv.role, /^org:/);
  assert.equal(typeof inv.roleName, 'string');
  assert.ok(inv.roleName.length > 0);
  assert.match(inv.organizationId, /^org_/);
  assert.ok(['pending', 'accepted', 'revoked', 'expired'].includes(inv.status), `status ${inv.status}`);
  assert.equal(typeof inv.createdAt, 'number');
  assert.equal(typeof inv.updatedAt, 'number');
  assert.equal(typeof inv.expiresAt, 'number');
  assert.equal(typeof inv.publicMetadata, 'object');
  assert.notEqual(inv.publicMetadata, null);
  assert.equal(typeof inv.privateMetadata, 'object');
  assert.notEqual(inv.privateMetadata, null);
  assert.ok(inv.url === null || typeof inv.url === 'string');
}

function ticketOf(inv) {
  assert.equal(typeof inv.url, 'string', 'a pending invitation carries its link');
  const ticket = new URL(inv.url).searchParams.get('__clerk_ticket');
  assert.ok(ticket, `no __clerk_ticket in ${inv.url}`);
  return ticket;
}

function invite(emailAddress, extra = {}) {
  return orgs().createOrganizationInvitation({ organizationId: 'org_acme', emailAddress, role: 'org:member', ...extra });
}

function inviteGlobex(emailAddress, extra = {}) {
  return orgs().createOrganizationInvitation({ organizationId: 'org_globex', emailAddress, role: 'org:member', ...extra });
}

async function pendingCount(orgId) {
  const res = await rawRequest(env, 'GET', `/v1/organizations/${orgId}`);
  assert.equal(res.status, 200, res.text);
  return res.json.pending_invitations_count;
}

async function acceptById(id, body = {}) {
  return rawRequest(env, 'POST', `/__sim/invitations/${id}/accept`, { body });
}

async function eventTypes() {
  const res = await rawRequest(env, 'GET', '/__sim/webhooks/events');
  assert.equal(res.status, 200, res.text);
  return res.json.data.map((e) => e.type);
}

async function invitationCount(organizationId) {
  return (await orgs().getOrganizationInvitationList({ organizationId })).totalCount;
}

// ---------------------------------------------------------------------------
// createOrganizationInvitation

test('createOrganizationInvitation returns a pending invitation with a ticket link', async () => {
  const now = await simNow(env);
  const inv = await orgs().createOrganizationInvitation({
    organizationId: 'org_acme',
    emailAddress: 'Frank.Foo@Example.TEST',
    role: 'org:admin',
    inviterUserId: 'user_alice',
    publicMetadata: { team: 'ops' },
    privateMetadata: { ticket: 7 },
    redirectUrl: 'https://app.example.test/join',
  });
  assertInvitationShape(inv);
  assert.equal(inv.emailAddress, 'frank.foo@example.test');
  assert.equal(inv.role, 'org:admin');
  assert.equal(inv.roleName, 'Admin');
  assert.equal(inv.organizationId, 'org_acme');
  assert.equal(inv.status, 'pending');
  assert.equal(inv.createdAt, now);
  assert.equal(inv.updatedAt, now);
  assert.equal(inv.expiresAt, now + 30 * DAY_MS, 'the default lifetime is 30 days');
  assert.deepEqual(inv.publicMetadata, { team: 'ops' });
  assert.deepEqual(inv.privateMetadata, { ticket: 7 });
  assert.ok(inv.url.startsWith('https://app.example.test/join?'), inv.url);
  ticketOf(inv);
  assert.equal(inv.raw.inviter_id, 'user_alice');
  assert.equal(inv.raw.public_inviter_data.user_id, 'user_alice');
  assert.equal(inv.raw.public_inviter_data.identifier, 'alice@acme.test');
  assert.equal(await pendingCount('org_acme'), 1);
  assert.equal(await pendingCount('org_globex'), 0);
  assert.deepEqual(await eventTypes(), ['organizationInvitation.created']);
});

test('createOrganizationInvitation without an inviter and with expiresInDays', async () => {
  const inv = await invite('gina@example.test', { expiresInDays: 7 });
  assert.equal(inv.raw.inviter_id, null);
  assert.equal(inv.raw.public_inviter_data, null);
  assert.equal(inv.expiresAt, inv.createdAt + 7 * DAY_MS);
  const year = await invite('hal@example.test', { expiresInDays: 365 });
  assert.equal(year.expiresAt, year.createdAt + 365 * DAY_MS);
});

test('an invalid email address fails with 422 form_param_format_invalid', async () => {
  await expectClerkError(invite('not-an-email'), { status: 422, code: 'form_param_format_invalid', paramName: 'email_address' });
  assert.equal(await invitationCount('org_acme'), 0);
});

test('an unknown role fails with 404 resource_not_found naming role', async () => {
  await expectClerkError(invite('frank@example.test', { role: 'org:wizard' }), {
    status: 404,
    code: 'resource_not_found',
    paramName: 'role',
  });
});

test("a role outside the organization's role set fails with 422 naming role", async () => {
  await env.clerk.organizationRoles.createOrganizationRole({ name: 'Stray', key: 'org:stray' });
  await expectClerkError(invite('frank@example.test', { role: 'org:stray' }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'role',
  });
  assert.equal(await invitationCount('org_acme'), 0);
});

test('an inviter who is not a member fails with 403 not_a_member_in_organization', async () => {
  await expectClerkError(invite('frank@example.test', { inviterUserId: 'user_dave' }), {
    status: 403,
    code: 'not_a_member_in_organization',
  });
  assert.equal(await invitationCount('org_acme'), 0);
});

test('an inviter without org:sys_memberships:manage fails with 403 missing_organization_permission', async () => {
  await expectClerkError(invite('frank@example.test', { inviterUserId: 'user_bob' }), {
    status: 403,
    code: 'missing_organization_permission',
  });
  // the SDK keeps only the meta keys it knows, so the missing permission is read from the raw body
  const raw = await rawRequest(env, 'POST', '/v1/organizations/org_acme/invitations', {
    body: { email_address: 'frank@example.test', role: 'org:member', inviter_user_id: 'user_bob' },
  });
  assert.equal(raw.status, 403, raw.text);
  assert.deepEqual(raw.json.errors[0].meta?.permissions, ['org:sys_memberships:manage']);
  assert.equal(await invitationCount('org_acme'), 0);
});

test('a redirectUrl that is not an absolute URL fails with 422 form_param_type_invalid', async () => {
  for (const redirectUrl of ['not a url', '/join']) {
    await expectClerkError(invite('frank@example.test', { redirectUrl }), {
      status: 422,
      code: 'form_param_type_invalid',
      paramName: 'redirect_url',
    });
  }
  assert.equal(await invitationCount('org_acme'), 0);
});

test('expiresInDays outside 1..365 fails with 422 form_param_value_invalid', async () => {
  for (const expiresInDays of [0, 366, -5]) {
    await expectClerkError(invite('frank@example.test', { expiresInDays }), {
      status: 422,
      code: 'form_param_value_invalid',
      paramName: 'expires_in_days',
    });
  }
  assert.equal(await invitationCount('org_acme'), 0);
});

test('a second pending invitation for the same address fails with 400 organization_invitation_not_unique', async () => {
  const first = await invite('frank@example.test');
  await expectClerkError(invite('FRANK@example.test', { role: 'org:admin' }), {
    status: 400,
    code: 'organization_invitation_not_unique',
  });
  assert.equal(await invitationCount('org_acme'), 1);
  // once the first is revoked the address may be invited again
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: first.id });
  const second = await invite('frank@example.test');
  assert.notEqual(second.id, first.id);
  assert.equal(second.status, 'pending');
});

test("a member's address fails with 400 already_a_member_in_organization", async () => {
  await expectClerkError(invite('Bob@Acme.test'), { status: 400, code: 'already_a_member_in_organization' });
  assert.equal(await invitationCount('org_acme'), 0);
  // dave is in globex only
  const dave = await invite('dave@globex.test');
  assert.equal(dave.status, 'pending');
});

test('an unknown organization fails with 404', async () => {
  await expectClerkError(
    orgs().createOrganizationInvitation({ organizationId: 'org_missing', emailAddress: 'x@example.test', role: 'org:member' }),
    { status: 404, code: 'resource_not_found' },
  );
});

// ---------------------------------------------------------------------------
// the seat cap

test('pending invitations hold seats: cap 5 with 3 members takes 2 invitations', async () => {
  await invite('one@example.test');
  const two = await invite('two@example.test');
  assert.equal(await pendingCount('org_acme'), 2);
  await expectClerkError(invite('three@example.test'), { status: 403, code: 'organization_membership_quota_exceeded' });
  await expectClerkError(
    orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
  // revoking one frees its seat
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: two.id });
  assert.equal(await pendingCount('org_acme'), 1);
  const m = await orgs().createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' });
  assert.equal(m.publicUserData.userId, 'user_erin');
  await expectClerkError(invite('three@example.test'), { status: 403, code: 'organization_membership_quota_exceeded' });
});

test('an organization with no cap takes any number of invitations', async () => {
  for (let i = 0; i < 8; i += 1) {
    await orgs().createOrganizationInvitation({ organizationId: 'org_globex', emailAddress: `g${i}@example.test`, role: 'org:member' });
  }
  assert.equal(await pendingCount('org_globex'), 8);
});

// ---------------------------------------------------------------------------
// createOrganizationInvitationBulk

test('createOrganizationInvitationBulk creates every item and answers data and totalCount', async () => {
  const res = await orgs().createOrganizationInvitationBulk('org_globex', [
    { emailAddress: 'one@example.test', role: 'org:member' },
    { emailAddress: 'Two@Example.test', role: 'org:admin', inviterUserId: 'user_carol', publicMetadata: { n: 2 } },
  ]);
  assert.equal(res.totalCount, 2);
  assert.equal(res.data.length, 2);
  for (const inv of res.data) assertInvitationShape(inv);
  assert.deepEqual(res.data.map((i) => i.emailAddress), ['one@example.test', 'two@example.test']);
  assert.equal(res.data[1].role, 'org:admin');
  assert.equal(res.data[1].raw.inviter_id, 'user_carol');
  assert.deepEqual(res.data[1].publicMetadata, { n: 2 });
  assert.equal(await invitationCount('org_globex'), 2);
  assert.deepEqual(await eventTypes(), ['organizationInvitation.created', 'organizationInvitation.created']);
});

test('bulk takes at most 10: 11 fail with 400 bulk_size_exceeded', async () => {
  const items = Array.from({ length: 11 }, (_, i) => ({ emailAddress: `g${i}@example.test`, role: 'org:member' }));
  await expectClerkError(orgs().createOrganizationInvitationBulk('org_globex', items), {
    status: 400,
    code: 'bulk_size_exceeded',
  });
  assert.equal(await invitationCount('org_globex'), 0);
  const ten = await orgs().createOrganizationInvitationBulk('org_globex', items.slice(0, 10));
  assert.equal(ten.totalCount, 10);
});

test('bulk is all or nothing: one bad item creates nothing', async () => {
  const before = await rawRequest(env, 'GET', '/__sim/state');
  const cases = [
    [{ emailAddress: 'nope', role: 'org:member' }, 422, 'form_param_format_invalid'],
    [{ emailAddress: 'x@example.test', role: 'org:wizard' }, 404, 'resource_not_found'],
    [{ emailAddress: 'x@example.test', role: 'org:member', inviterUserId: 'user_dave' }, 403, 'missing_organization_permission'],
    [{ emailAddress: 'x@example.test', role: 'org:member', inviterUserId: 'user_erin' }, 403, 'not_a_member_in_organization'],
    [{ emailAddress: 'dave@globex.test', role: 'org:member' }, 400, 'already_a_member_in_organization'],
    [{ emailAddress: 'one@example.test', role: 'org:member' }, 400, 'organization_invitation_not_unique'],
    [{ emailAddress: 'x@example.test', role: 'org:member', expiresInDays: 400 }, 422, 'form_param_value_invalid'],
  ];
  for (const [bad, status, code] of cases) {
    const items = [{ emailAddress: 'one@example.test', role: 'org:member' }, bad, { emailAddress: 'three@example.test', role: 'org:member' }];
    await expectClerkError(orgs().createOrganizationInvitationBulk('org_globex', items), { status, code });
    assert.equal(await invitationCount('org_globex'), 0, `${code}: nothing may be created`);
  }
  const after = await rawRequest(env, 'GET', '/__sim/state');
  assert.equal(after.text, before.text, 'the state is unchanged');
  assert.deepEqual(await eventTypes(), []);
});

test('bulk beyond the seat cap fails with 403 and creates nothing', async () => {
  const items = ['a', 'b', 'c'].map((n) => ({ emailAddress: `${n}@example.test`, role: 'org:member' }));
  await expectClerkError(orgs().createOrganizationInvitationBulk('org_acme', items), {
    status: 403,
    code: 'organization_membership_quota_exceeded',
  });
  assert.equal(await invitationCount('org_acme'), 0);
  const two = await orgs().createOrganizationInvitationBulk('org_acme', items.slice(0, 2));
  assert.equal(two.totalCount, 2);
  assert.equal(await pendingCount('org_acme'), 2);
});

// ---------------------------------------------------------------------------
// lists and get

test('getOrganizationInvitationList filters by an array of statuses', async () => {
  const a = await inviteGlobex('a@example.test');
  await advanceClock(env, 1000);
  const b = await inviteGlobex('erin@example.test');
  await advanceClock(env, 1000);
  const c = await inviteGlobex('c@example.test');
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_globex', invitationId: a.id });
  const accepted = await acceptById(b.id);
  assert.equal(accepted.status, 200, accepted.text);

  const all = await orgs().getOrganizationInvitationList({ organizationId: 'org_globex' });
  assert.equal(all.totalCount, 3);
  for (const inv of all.data) assertInvitationShape(inv);
  assert.deepEqual(all.data.map((i) => i.id), [c.id, b.id, a.id], 'newest first');

  const byStatus = async (status) =>
    (await orgs().getOrganizationInvitationList({ organizationId: 'org_globex', status })).data.map((i) => i.id);
  assert.deepEqual(await byStatus(['pending']), [c.id]);
  assert.deepEqual(await byStatus(['accepted']), [b.id]);
  assert.deepEqual(await byStatus(['revoked']), [a.id]);
  assert.deepEqual(await byStatus(['revoked', 'accepted']), [b.id, a.id]);
  assert.deepEqual(await byStatus(['pending', 'revoked', 'accepted']), [c.id, b.id, a.id]);
  assert.deepEqual(await byStatus(['expired']), []);

  const page = await orgs().getOrganizationInvitationList({ organizationId: 'org_globex', limit: 1, offset: 1 });
  assert.deepEqual(page.data.map((i) => i.id), [b.id]);
  assert.equal(page.totalCount, 3);

  const revoked = all.data.find((i) => i.id === a.id);
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.url, null, 'only a pending invitation has a link');
});

test('getOrganizationInvitationList for an unknown organization fails with 404', async () => {
  await expectClerkError(orgs().getOrganizationInvitationList({ organizationId: 'org_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('getOrganizationInvitation returns one; another organization cannot see it', async () => {
  const created = await invite('frank@example.test', { publicMetadata: { k: 1 } });
  const got = await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: created.id });
  assertInvitationShape(got);
  assert.equal(got.id, created.id);
  assert.equal(got.emailAddress, 'frank@example.test');
  assert.equal(got.status, 'pending');
  assert.deepEqual(got.publicMetadata, { k: 1 });
  assert.equal(got.url, created.url);
  await expectClerkError(orgs().getOrganizationInvitation({ organizationId: 'org_globex', invitationId: created.id }), {
    status: 404,
    code: 'resource_not_found',
  });
  await expectClerkError(orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: 'orginv_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('users.getOrganizationInvitationList lists invitations to the user with public organization data', async () => {
  const acme = await invite('erin@example.test');
  await advanceClock(env, 1000);
  const globex = await orgs().createOrganizationInvitation({
    organizationId: 'org_globex',
    emailAddress: 'erin@example.test',
    role: 'org:member',
  });
  await invite('someone@example.test');
  const list = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_erin' });
  assert.equal(list.totalCount, 2);
  for (const inv of list.data) assertInvitationShape(inv);
  assert.deepEqual(list.data.map((i) => i.id).sort(), [acme.id, globex.id].sort());
  const fromGlobex = list.data.find((i) => i.id === globex.id);
  assert.equal(fromGlobex.publicOrganizationData.id, 'org_globex');
  assert.equal(fromGlobex.publicOrganizationData.name, 'Globex');
  assert.equal(fromGlobex.publicOrganizationData.slug, 'globex');

  await orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: acme.id });
  const pending = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_erin', status: 'pending' });
  assert.deepEqual(pending.data.map((i) => i.id), [globex.id]);
  const revoked = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_erin', status: 'revoked' });
  assert.deepEqual(revoked.data.map((i) => i.id), [acme.id]);

  const bob = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_bob' });
  assert.equal(bob.totalCount, 0);
  await expectClerkError(env.clerk.users.getOrganizationInvitationList({ userId: 'user_missing' }), {
    status: 404,
    code: 'resource_not_found',
  });
});

test('GET /v1/organization_invitations lists across organizations with query and status', async () => {
  await invite('alpha@one.test');
  await advanceClock(env, 1000);
  const g = await orgs().createOrganizationInvitation({ organizationId: 'org_globex', emailAddress: 'beta@two.test', role: 'org:member' });
  const all = await rawRequest(env, 'GET', '/v1/organization_invitations');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.total_count, 2);
  assert.deepEqual(all.json.data.map((i) => i.email_address), ['beta@two.test', 'alpha@one.test']);
  assert.equal(all.json.data[0].public_organization_data.id, 'org_globex');
  const q = await rawRequest(env, 'GET', '/v1/organization_invitations?query=one.test');
  assert.deepEqual(q.json.data.map((i) => i.email_address), ['alpha@one.test']);
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_globex', invitationId: g.id });
  const revoked = await rawRequest(env, 'GET', '/v1/organization_invitations?status=revoked');
  assert.deepEqual(revoked.json.data.map((i) => i.id), [g.id]);
});

// ---------------------------------------------------------------------------
// revokeOrganizationInvitation

test('revokeOrganizationInvitation revokes a pending invitation once', async () => {
  const inv = await invite('frank@example.test');
  await advanceClock(env, 5000);
  const revoked = await orgs().revokeOrganizationInvitation({
    organizationId: 'org_acme',
    invitationId: inv.id,
    requestingUserId: 'user_alice',
  });
  assertInvitationShape(revoked);
  assert.equal(revoked.id, inv.id);
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.updatedAt, inv.createdAt + 5000);
  assert.equal(revoked.url, null);
  assert.equal(await pendingCount('org_acme'), 0);
  await expectClerkError(orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id }), {
    status: 404,
    code: 'organization_invitation_not_pending',
  });
  await expectClerkError(
    orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: 'orginv_missing' }),
    { status: 404, code: 'organization_invitation_not_pending' },
  );
  assert.deepEqual(await eventTypes(), ['organizationInvitation.created', 'organizationInvitation.revoked']);
});

test('revokeOrganizationInvitation checks the requesting user like an inviter', async () => {
  const inv = await invite('frank@example.test');
  await expectClerkError(
    orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id, requestingUserId: 'user_dave' }),
    { status: 403, code: 'not_a_member_in_organization' },
  );
  await expectClerkError(
    orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id, requestingUserId: 'user_bob' }),
    { status: 403, code: 'missing_organization_permission' },
  );
  const still = await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id });
  assert.equal(still.status, 'pending');
});

test('an accepted invitation cannot be revoked', async () => {
  const inv = await invite('erin@example.test');
  assert.equal((await acceptById(inv.id)).status, 200);
  await expectClerkError(orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id }), {
    status: 404,
    code: 'organization_invitation_not_pending',
  });
});

// ---------------------------------------------------------------------------
// acceptance (control plane), then the SDK sees the member

test('accepting for an existing user makes a membership with the invitation role and metadata', async () => {
  const inv = await invite('erin@example.test', {
    role: 'org:admin',
    publicMetadata: { team: 'ops' },
    privateMetadata: { ticket: 7 },
  });
  const res = await acceptById(inv.id);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.invitation.id, inv.id);
  assert.equal(res.json.invitation.status, 'accepted');
  assert.equal(res.json.membership.object, 'organization_membership');
  assert.equal(res.json.membership.role, 'org:admin');
  assert.equal(res.json.user.id, 'user_erin');

  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 4);
  const erin = list.data.find((m) => m.publicUserData.userId === 'user_erin');
  assert.ok(erin, 'erin is a member now');
  assert.equal(erin.role, 'org:admin');
  assert.deepEqual(erin.publicMetadata, { team: 'ops' });
  assert.deepEqual(erin.privateMetadata, { ticket: 7 });

  const got = await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id });
  assert.equal(got.status, 'accepted');
  assert.equal(got.url, null);
  assert.equal(await pendingCount('org_acme'), 0);
  const erinsInvitations = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_erin', status: 'accepted' });
  assert.deepEqual(erinsInvitations.data.map((i) => i.id), [inv.id]);
  assert.deepEqual(await eventTypes(), [
    'organizationInvitation.created',
    'organizationMembership.created',
    'organizationInvitation.accepted',
  ]);
});

test('accepting by ticket for an unknown address signs up a new user', async () => {
  const inv = await orgs().createOrganizationInvitation({
    organizationId: 'org_globex',
    emailAddress: 'Newcomer@Example.test',
    role: 'org:member',
  });
  const res = await rawRequest(env, 'POST', '/__sim/tickets/accept', { body: { ticket: ticketOf(inv) } });
  assert.equal(res.status, 200, res.text);
  const userId = res.json.user.id;
  assert.match(userId, /^user_/);
  const user = await env.clerk.users.getUser(userId);
  assert.deepEqual(user.emailAddresses.map((e) => e.emailAddress), ['newcomer@example.test']);
  const memberships = await env.clerk.users.getOrganizationMembershipList({ userId });
  assert.deepEqual(memberships.data.map((m) => [m.organization.id, m.role]), [['org_globex', 'org:member']]);
  assert.deepEqual(await eventTypes(), [
    'organizationInvitation.created',
    'user.created',
    'organizationMembership.created',
    'organizationInvitation.accepted',
  ]);
  const again = await rawRequest(env, 'POST', '/__sim/tickets/accept', { body: { ticket: ticketOf(inv) } });
  assert.equal(again.status, 400, again.text);
  assert.equal(again.json.errors[0].code, 'organization_invitation_already_accepted');
});

test('accepting used invitations is refused', async () => {
  const revoked = await invite('frank@example.test');
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: revoked.id });
  const r = await acceptById(revoked.id);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.errors[0].code, 'organization_invitation_revoked_code');

  const used = await invite('erin@example.test');
  assert.equal((await acceptById(used.id)).status, 200);
  const u = await acceptById(used.id);
  assert.equal(u.status, 400, u.text);
  assert.equal(u.json.errors[0].code, 'organization_invitation_already_accepted');
  assert.equal((await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' })).totalCount, 4);
});

test('accepting after the invitee already joined marks the invitation accepted without a second membership', async () => {
  // bapi.md c.6: a membership is created on acceptance unless the user is already a member
  const inv = await inviteGlobex('erin@example.test', { role: 'org:admin' });
  await orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin', role: 'org:member' });
  const res = await acceptById(inv.id);
  assert.equal(res.status, 200, `POST /__sim/invitations/${inv.id}/accept answered ${res.status}: ${res.text}`);
  const got = await orgs().getOrganizationInvitation({ organizationId: 'org_globex', invitationId: inv.id });
  assert.equal(got.status, 'accepted');
  const list = await orgs().getOrganizationMembershipList({ organizationId: 'org_globex' });
  assert.equal(list.totalCount, 3);
  assert.equal(list.data.find((m) => m.publicUserData.userId === 'user_erin').role, 'org:member');
  assert.equal(await pendingCount('org_globex'), 0);
});

// ---------------------------------------------------------------------------
// expiry

test('31 days on the clock turn a pending invitation expired everywhere', async () => {
  const inv = await invite('erin@example.test');
  const other = await invite('frank@example.test', { expiresInDays: 60 });
  assert.equal(await pendingCount('org_acme'), 2);
  await advanceClock(env, 31 * DAY_MS);

  const got = await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id });
  assert.equal(got.status, 'expired');
  assert.equal(got.url, null);
  const expired = await orgs().getOrganizationInvitationList({ organizationId: 'org_acme', status: ['expired'] });
  assert.deepEqual(expired.data.map((i) => i.id), [inv.id]);
  const pending = await orgs().getOrganizationInvitationList({ organizationId: 'org_acme', status: ['pending'] });
  assert.deepEqual(pending.data.map((i) => i.id), [other.id]);
  const erins = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_erin' });
  assert.deepEqual(erins.data.map((i) => i.status), ['expired']);
  assert.equal(await pendingCount('org_acme'), 1);

  await expectClerkError(orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id }), {
    status: 404,
    code: 'organization_invitation_not_pending',
  });
  const accept = await acceptById(inv.id);
  assert.equal(accept.status, 404, accept.text);
  assert.equal(accept.json.errors[0].code, 'organization_invitation_not_pending');
  assert.equal((await orgs().getOrganizationMembershipList({ organizationId: 'org_acme' })).totalCount, 3);

  // the expired one no longer holds a seat or blocks the address
  const fresh = await invite('erin@example.test');
  assert.equal(fresh.status, 'pending');
});

test('an invitation is still pending one millisecond before expiresAt', async () => {
  const inv = await invite('frank@example.test', { expiresInDays: 1 });
  await advanceClock(env, DAY_MS - 1);
  assert.equal((await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id })).status, 'pending');
  await advanceClock(env, 1);
  assert.equal((await orgs().getOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id })).status, 'expired');
});

// ---------------------------------------------------------------------------
// effects on roles and organizations

test('a role offered by a pending invitation cannot be deleted: 422 organization_role_exists_in_invitations', async () => {
  const role = await env.clerk.organizationRoles.createOrganizationRole({
    name: 'Guest',
    key: 'org:guest',
    includeInInitialRoleSet: true,
  });
  const inv = await invite('frank@example.test', { role: 'org:guest' });
  assert.equal(inv.roleName, 'Guest');
  await expectClerkError(env.clerk.organizationRoles.deleteOrganizationRole(role.id), {
    status: 422,
    code: 'organization_role_exists_in_invitations',
  });
  await orgs().revokeOrganizationInvitation({ organizationId: 'org_acme', invitationId: inv.id });
  const deleted = await env.clerk.organizationRoles.deleteOrganizationRole(role.id);
  assert.equal(deleted.deleted, true);
});

test('deleting an organization removes its invitations', async () => {
  await orgs().createOrganizationInvitation({ organizationId: 'org_globex', emailAddress: 'x@example.test', role: 'org:member' });
  const kept = await invite('y@example.test');
  await orgs().deleteOrganization('org_globex');
  const all = await rawRequest(env, 'GET', '/v1/organization_invitations');
  assert.deepEqual(all.json.data.map((i) => i.id), [kept.id]);
});
