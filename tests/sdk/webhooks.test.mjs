// Webhooks: clerk-sim delivers the instance's events to endpoints on localhost,
// signed the way Clerk (through Svix) signs them. Every delivery received here
// goes through verifyWebhook from @clerk/backend/webhooks, the function apps use,
// and its body is checked against the webhooks document when ../shared/spec has it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rawRequest, useSim, webhookSpecFile } from './harness.mjs';
import { loadWebhookContract } from './openapi.mjs';
import { startReceiver, verifyDelivery } from './webhook-receiver.mjs';

// The server retries quickly so the retry tests take milliseconds.
const env = useSim({ args: ['--webhook-retries', '3', '--webhook-backoff-ms', '20'] });
const orgs = () => env.clerk.organizations;

const contract = loadWebhookContract(webhookSpecFile);
if (!contract) {
  process.stdout.write(`# NOTICE: ${webhookSpecFile} not found; webhook bodies are not checked against the spec\n`);
}

// What an app's webhook route does with a delivery: verify it with the real SDK.
const verify = verifyDelivery;

async function register(url, extra = {}) {
  const res = await rawRequest(env, 'POST', '/__sim/webhooks/endpoints', { body: { url, ...extra } });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function flush(timeoutMs) {
  const res = await rawRequest(env, 'POST', '/__sim/webhooks/flush', {
    body: timeoutMs === undefined ? {} : { timeout_ms: timeoutMs },
  });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function eventLog() {
  const res = await rawRequest(env, 'GET', '/__sim/webhooks/events');
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

let receiver;
before(async () => {
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.close();
});

function takeReceived(r = receiver) {
  return r.received.splice(0, r.received.length);
}

// ---------------------------------------------------------------------------

test('organization, membership, invitation and session actions arrive in order, verified by verifyWebhook', async () => {
  takeReceived();
  const endpoint = await register(receiver.url);
  assert.equal(endpoint.signing_secret, env.webhookSecret, 'an endpoint without its own secret uses the printed one');
  assert.match(env.webhookSecret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);

  const org = await orgs().createOrganization({ name: 'Webhook Works', createdBy: 'user_alice' });
  const bob = await orgs().createOrganizationMembership({ organizationId: org.id, userId: 'user_bob', role: 'org:member' });
  await orgs().updateOrganizationMembership({ organizationId: org.id, userId: 'user_bob', role: 'org:admin' });
  const invitation = await orgs().createOrganizationInvitation({
    organizationId: org.id,
    inviterUserId: 'user_alice',
    emailAddress: 'dave@globex.test',
    role: 'org:member',
  });
  const accepted = await rawRequest(env, 'POST', `/__sim/invitations/${invitation.id}/accept`, { body: {} });
  assert.equal(accepted.status, 200, accepted.text);
  const second = await orgs().createOrganizationInvitation({
    organizationId: org.id,
    inviterUserId: 'user_alice',
    emailAddress: 'someone@example.com',
    role: 'org:member',
  });
  await orgs().revokeOrganizationInvitation({ organizationId: org.id, invitationId: second.id, requestingUserId: 'user_alice' });
  await orgs().deleteOrganizationMembership({ organizationId: org.id, userId: 'user_bob' });
  const session = await env.clerk.sessions.createSession({ userId: 'user_alice', activeOrganizationId: org.id });
  await env.clerk.sessions.revokeSession(session.id);
  await orgs().deleteOrganization(org.id);

  const summary = await flush();
  assert.equal(summary.drained, true);
  assert.equal(summary.failed, 0);
  assert.equal(summary.pending, 0);

  const got = takeReceived();
  const events = [];
  for (const delivery of got) {
    assert.equal(delivery.method, 'POST');
    assert.equal(delivery.url, '/api/webhooks');
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.match(delivery.headers['svix-id'], /^msg_[A-Za-z0-9]{27}$/);
    assert.match(delivery.headers['svix-timestamp'], /^\d+$/);
    events.push(await verify(delivery, env.webhookSecret));
    if (contract) assert.deepEqual(contract.check(JSON.parse(delivery.body)), [], delivery.body);
  }
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'organization.created',
      'organizationMembership.created',
      'organizationMembership.created',
      'organizationMembership.updated',
      'organizationInvitation.created',
      'organizationMembership.created',
      'organizationInvitation.accepted',
      'organizationInvitation.created',
      'organizationInvitation.revoked',
      'organizationMembership.deleted',
      'session.created',
      'session.revoked',
      'organization.deleted',
    ],
  );
  assert.equal(summary.delivered, events.length);

  // svix-id is the event's id in the log, and the log has the same order
  const log = await eventLog();
  assert.deepEqual(
    got.map((d) => d.headers['svix-id']),
    log.map((e) => e.id),
  );

  const [created, creatorMembership, bobMembership, bobUpdated, invited, daveMembership, acceptedEvent] = events;
  for (const e of events) {
    assert.equal(e.object, 'event');
    assert.equal(e.instance_id, 'ins_clerksim_default');
    assert.equal(typeof e.timestamp, 'number');
    assert.equal(typeof e.event_attributes.http_request.user_agent, 'string');
  }
  assert.equal(created.data.id, org.id);
  assert.equal(created.data.slug, org.slug);
  assert.equal(creatorMembership.data.public_user_data.user_id, 'user_alice');
  assert.equal(creatorMembership.data.role, 'org:admin');
  assert.equal(bobMembership.data.id, bob.id);
  assert.equal(bobMembership.data.organization.id, org.id);
  assert.equal(bobMembership.data.role, 'org:member');
  assert.equal(bobUpdated.data.role, 'org:admin');
  assert.equal(invited.data.id, invitation.id);
  assert.equal(invited.data.email_address, 'dave@globex.test');
  assert.equal(daveMembership.data.public_user_data.user_id, 'user_dave');
  assert.equal(acceptedEvent.data.id, invitation.id);
  assert.equal(acceptedEvent.data.user_id, 'user_dave');
  assert.equal(acceptedEvent.data.status, 'accepted');
  const removed = events[9];
  assert.equal(removed.data.object, 'organization_membership', 'a deleted membership is sent whole');
  assert.equal(removed.data.public_user_data.user_id, 'user_bob');
  assert.equal(events[10].data.id, session.id);
  assert.equal(events[10].data.user.id, 'user_alice', 'session events carry the whole user');
  assert.equal(events[11].data.status, 'revoked');
  assert.deepEqual(events[12].data, { object: 'organization', id: org.id, slug: org.slug, deleted: true });
});

test('a signature made with another secret, or over other bytes, is refused by verifyWebhook', async () => {
  takeReceived();
  await register(receiver.url);
  await env.clerk.users.updateUser('user_erin', { firstName: 'Erin2' });
  await flush();
  const [delivery] = takeReceived();
  assert.equal((await verify(delivery, env.webhookSecret)).type, 'user.updated');
  await assert.rejects(verify({ ...delivery, body: delivery.body.replace('Erin2', 'Erin3') }, env.webhookSecret));
  await assert.rejects(verify(delivery, 'whsec_' + Buffer.from('another secret entirely').toString('base64')));
});

test('an endpoint with its own secret and an event filter gets only those events, signed with that secret', async () => {
  takeReceived();
  const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
  const endpoint = await register(receiver.url, { events: ['organizationMembership.created'], secret });
  assert.equal(endpoint.signing_secret, secret);
  assert.deepEqual(endpoint.events, ['organizationMembership.created']);
  await orgs().createOrganizationMembership({ organizationId: 'org_globex', userId: 'user_erin', role: 'org:member' });
  await orgs().updateOrganization('org_globex', { name: 'Globex 2' });
  await flush();
  const got = takeReceived();
  assert.equal(got.length, 1);
  const event = await verify(got[0], secret);
  assert.equal(event.type, 'organizationMembership.created');
  assert.equal(event.data.public_user_data.user_id, 'user_erin');
  await assert.rejects(verify(got[0], env.webhookSecret));
});

test('a receiver that fails twice gets the same delivery again until it succeeds, and later events wait their turn', async () => {
  const flaky = await startReceiver((n) => (n < 2 ? 503 : 200));
  try {
    const endpoint = await register(flaky.url);
    const org = await orgs().createOrganization({ name: 'Flaky', createdBy: 'user_alice' });
    const summary = await flush();
    assert.equal(summary.drained, true);
    assert.equal(summary.delivered, 2);

    const got = takeReceived(flaky);
    assert.deepEqual(got.map((d) => d.status), [503, 503, 200, 200]);
    const [first, second, third, fourth] = got;
    assert.equal(first.headers['svix-id'], second.headers['svix-id']);
    assert.equal(first.headers['svix-id'], third.headers['svix-id']);
    assert.equal(first.body, third.body, 'a retry sends the same bytes');
    assert.equal((await verify(third, env.webhookSecret)).data.id, org.id);
    assert.equal((await verify(fourth, env.webhookSecret)).type, 'organizationMembership.created');

    const res = await rawRequest(env, 'GET', `/__sim/webhooks/deliveries?endpoint_id=${endpoint.id}`);
    assert.equal(res.status, 200, res.text);
    const [d1, d2] = res.json.data;
    assert.equal(d1.event_type, 'organization.created');
    assert.equal(d1.status, 'delivered');
    assert.deepEqual(d1.attempts.map((a) => a.status_code), [503, 503, 200]);
    assert.equal(d1.attempts[0].error, 'the endpoint answered 503');
    assert.equal(d1.attempts[2].error, null);
    assert.equal(d2.attempts.length, 1);
    assert.equal(d1.payload.data.id, org.id);
  } finally {
    await flaky.close();
  }
});

test('an endpoint that never answers 2xx is marked failed after the retries, and the flush says so', async () => {
  const broken = await startReceiver(() => 500);
  try {
    await register(broken.url, { events: ['user.updated'] });
    await env.clerk.users.updateUser('user_erin', { lastName: 'Never' });
    const summary = await flush();
    assert.equal(summary.drained, true);
    assert.equal(summary.failed, 1);
    assert.equal(summary.deliveries[0].status, 'failed');
    assert.equal(summary.deliveries[0].attempts.length, 4, 'the first attempt and 3 retries');
    assert.equal(broken.received.length, 4);
    const failed = await rawRequest(env, 'GET', '/__sim/webhooks/deliveries?status=failed');
    assert.equal(failed.json.total_count, 1);
  } finally {
    await broken.close();
  }
});

test('a flush with a short timeout answers drained: false while a delivery is still retrying', async () => {
  const closed = await startReceiver();
  const url = closed.url;
  await closed.close(); // nothing listens there any more: connections are refused
  await register(url, { events: ['user.updated'] });
  await env.clerk.users.updateUser('user_erin', { firstName: 'Nobody' });
  const quick = await flush(0);
  assert.equal(quick.drained, false);
  assert.equal(quick.pending, 1);
  const done = await flush();
  assert.equal(done.drained, true);
  assert.equal(done.deliveries[0].status, 'failed');
  assert.match(done.deliveries[0].attempts[0].error, /connect/);
});

test('session actions in the browser: signing out ends the session, removing it removes it; each is an event', async () => {
  takeReceived();
  await register(receiver.url, { events: ['session.created', 'session.ended', 'session.removed', 'session.pending'] });
  const one = await env.clerk.sessions.createSession({ userId: 'user_bob', activeOrganizationId: 'org_acme' });
  const two = await env.clerk.sessions.createSession({ userId: 'user_bob', activeOrganizationId: 'org_acme' });
  const ended = await rawRequest(env, 'POST', `/__sim/sessions/${one.id}/end`);
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.json.status, 'ended');
  const removed = await rawRequest(env, 'POST', `/__sim/sessions/${two.id}/remove`);
  assert.equal(removed.json.status, 'removed');
  assert.equal((await env.clerk.sessions.getSession(one.id)).status, 'ended');
  await flush();
  const events = [];
  for (const d of takeReceived()) events.push(await verify(d, env.webhookSecret));
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.data.id}`),
    [`session.created ${one.id}`, `session.created ${two.id}`, `session.ended ${one.id}`, `session.removed ${two.id}`],
  );
  assert.equal(events[2].data.status, 'ended');
  assert.equal(events[2].data.user.id, 'user_bob');
});

test('a session created while an organization must be chosen is followed by session.pending', async () => {
  takeReceived();
  await register(receiver.url, { events: ['session.created', 'session.pending'] });
  const settings = await rawRequest(env, 'PATCH', '/v1/instance/organization_settings', {
    body: { force_organization_selection: true },
  });
  assert.equal(settings.status, 200, settings.text);
  const session = await env.clerk.sessions.createSession({ userId: 'user_erin' });
  await flush();
  const events = [];
  for (const d of takeReceived()) {
    events.push(await verify(d, env.webhookSecret));
    if (contract) assert.deepEqual(contract.check(JSON.parse(d.body)), [], d.body);
  }
  assert.deepEqual(events.map((e) => e.type), ['session.created', 'session.pending']);
  assert.equal(events[1].data.id, session.id);
  assert.equal(events[1].data.status, 'pending');
});

test('endpoints are listed and removed; a reset brings back the fixture and drops what was queued', async () => {
  const endpoint = await register(receiver.url);
  let list = await rawRequest(env, 'GET', '/__sim/webhooks/endpoints');
  assert.equal(list.json.total_count, 1);
  assert.equal(list.json.data[0].id, endpoint.id);
  assert.equal(list.json.signing_secret, env.webhookSecret);
  const del = await rawRequest(env, 'DELETE', `/__sim/webhooks/endpoints/${endpoint.id}`);
  assert.deepEqual(del.json, { object: 'webhook_endpoint', id: endpoint.id, deleted: true });
  const again = await rawRequest(env, 'DELETE', `/__sim/webhooks/endpoints/${endpoint.id}`);
  assert.equal(again.status, 404);
  assert.equal(again.json.errors[0].code, 'resource_not_found');

  await register(receiver.url);
  await env.sim.reset();
  list = await rawRequest(env, 'GET', '/__sim/webhooks/endpoints');
  assert.equal(list.json.total_count, 0, 'the default fixture has no endpoints');
  const deliveries = await rawRequest(env, 'GET', '/__sim/webhooks/deliveries');
  assert.equal(deliveries.json.total_count, 0);
});

test('bad endpoint registrations get Clerk-shaped errors', async () => {
  const cases = [
    [{}, 422, 'form_param_missing', 'url'],
    [{ url: 'https://example.com/hook' }, 422, 'form_param_format_invalid', 'url'],
    [{ url: 'not a url' }, 422, 'form_param_format_invalid', 'url'],
    [{ url: receiver.url, events: ['organization_membership.created'] }, 422, 'form_param_value_invalid', 'events'],
    [{ url: receiver.url, secret: 'whsec_not*base64' }, 422, 'form_param_format_invalid', 'secret'],
    [{ url: receiver.url, events: 'user.created' }, 422, 'form_param_value_invalid', 'events'],
  ];
  for (const [body, status, code, param] of cases) {
    const res = await rawRequest(env, 'POST', '/__sim/webhooks/endpoints', { body });
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.errors[0].code, code, JSON.stringify(body));
    assert.equal(res.json.errors[0].meta.param_name, param, JSON.stringify(body));
  }
  const list = await rawRequest(env, 'GET', '/__sim/webhooks/endpoints');
  assert.equal(list.json.total_count, 0, 'no failed registration left an endpoint behind');
});
