// Billing through clerk.billing and what the real SDK's has() makes of the tokens
// once an organization is on a plan. The server runs fixtures/billing.json: org
// and user billing on, org plans free (default), pro (features posts and
// analytics, 14-day trial) and team (the same features, 3 seats), user plans free
// and plus (exports). Members hold org:posts:read, admins also org:posts:edit and
// org:analytics:read. The wall clock is used because the SDK checks token times.

import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  createClerkClient,
  expectClerkError,
  kindOf,
  rawRequest,
  repoRoot,
  simNow,
  useSim,
  webhookSpecFile,
} from './harness.mjs';
import { loadWebhookContract } from './openapi.mjs';
import { startReceiver, verifyDelivery } from './webhook-receiver.mjs';

const env = useSim({ clock: 'wall', fixture: resolve(repoRoot, 'fixtures', 'billing.json') });
const billing = () => env.clerk.billing;
const DAY = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------
// helpers

async function subscribe(kind, id, body) {
  const res = await rawRequest(env, 'POST', `/__sim/${kind}/${id}/billing/subscribe`, { body });
  assert.equal(res.status, 200, `subscribe ${id} ${JSON.stringify(body)}: ${res.status} ${res.text}`);
  return res.json;
}

async function billingSettings(body) {
  const res = await rawRequest(env, 'POST', '/__sim/billing/settings', { body });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function money(amount) {
  return { amount, amountFormatted: `$${(amount / 100).toFixed(2)}`, currency: 'USD', currencySymbol: '$' };
}

// The one item that gives the payer its plan now.
function currentItem(subscription) {
  const running = subscription.subscriptionItems.filter((i) => i.status === 'active' || i.status === 'canceled');
  assert.equal(running.length, 1, `items: ${JSON.stringify(subscription.subscriptionItems.map((i) => i.status))}`);
  return running[0];
}

async function mint(sessionId) {
  return (await env.clerk.sessions.getToken(sessionId)).jwt;
}

async function authenticate(jwt) {
  const client = createClerkClient({
    secretKey: env.secretKey,
    publishableKey: env.publishableKey,
    apiUrl: env.url,
    telemetry: { disabled: true },
  });
  const request = new Request('http://localhost:3000/api/posts', { headers: { Authorization: `Bearer ${jwt}` } });
  const state = await client.authenticateRequest(request);
  assert.equal(state.status, 'signed-in', `reason=${state.reason} message=${state.message}`);
  return state.toAuth();
}

async function simAllows(jwt, check) {
  const res = await rawRequest(env, 'POST', '/__sim/authorize', { body: { token: jwt, check } });
  assert.equal(res.status, 200, res.text);
  return res.json.allowed;
}

// has() of the SDK and /__sim/authorize, asked the same checks, give these answers.
async function assertAnswers(jwt, expected) {
  const auth = await authenticate(jwt);
  for (const [check, want] of expected) {
    assert.equal(auth.has(check), want, `SDK has(${JSON.stringify(check)})`);
    assert.equal(await simAllows(jwt, check), want, `/__sim/authorize ${JSON.stringify(check)}`);
  }
}

function decodePayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

// ---------------------------------------------------------------------------
// plans

test('getPlanList lists the plans of a payer type as BillingPlan objects, newest first', async () => {
  const orgPlans = await billing().getPlanList({ payerType: 'org' });
  assert.equal(orgPlans.totalCount, 3);
  assert.deepEqual(orgPlans.data.map((p) => p.slug), ['team', 'pro', 'free']);
  for (const p of orgPlans.data) {
    assert.equal(kindOf(p), 'BillingPlan');
    assert.match(p.id, /^cplan_/);
    assert.equal(p.forPayerType, 'org');
    assert.equal(p.isRecurring, true);
  }
  const [team, pro, free] = orgPlans.data;
  assert.deepEqual(pro.fee, money(4999));
  assert.deepEqual(pro.annualMonthlyFee, money(3999));
  assert.deepEqual(pro.annualFee, money(3999 * 12));
  assert.equal(pro.hasBaseFee, true);
  assert.equal(pro.isDefault, false);
  assert.equal(pro.freeTrialEnabled, true);
  assert.equal(pro.freeTrialDays, 14);
  assert.deepEqual(pro.features.map((f) => [kindOf(f), f.slug, f.name]), [
    ['Feature', 'posts', 'Posts'],
    ['Feature', 'analytics', 'Analytics'],
  ]);
  assert.equal(free.isDefault, true);
  assert.deepEqual(free.fee, money(0));
  assert.equal(free.hasBaseFee, false);
  assert.deepEqual(free.features, []);
  assert.equal(team.freeTrialEnabled, false);
  assert.equal(team.freeTrialDays, null);

  const userPlans = await billing().getPlanList({ payerType: 'user' });
  assert.deepEqual(userPlans.data.map((p) => [p.slug, p.forPayerType]), [
    ['plus', 'user'],
    ['free', 'user'],
  ]);
  const page = await billing().getPlanList({ limit: 2, offset: 1 });
  assert.equal(page.totalCount, 5);
  assert.equal(page.data.length, 2);
});

test('the seat limit of a plan is a seats unit price', async () => {
  const res = await rawRequest(env, 'GET', '/v1/billing/plans?payer_type=org');
  assert.equal(res.status, 200, res.text);
  const team = res.json.data.find((p) => p.slug === 'team');
  assert.deepEqual(team.unit_prices, [
    {
      name: 'seats',
      block_size: 1,
      tiers: [{ starts_at_block: 1, ends_after_block: 3, fee_per_block: { amount: 0, amount_formatted: '$0.00', currency: 'USD', currency_symbol: '$' } }],
    },
  ]);
  assert.equal(res.json.data.find((p) => p.slug === 'pro').unit_prices, undefined);
});

// ---------------------------------------------------------------------------
// subscriptions

test('getOrganizationBillingSubscription: an organization starts on the free plan and moves to pro', async () => {
  const before = await billing().getOrganizationBillingSubscription('org_acme');
  assert.equal(kindOf(before), 'BillingSubscription');
  assert.match(before.id, /^csub_/);
  assert.match(before.payerId, /^cpayer_/);
  assert.equal(before.status, 'active');
  assert.equal(before.eligibleForFreeTrial, true);
  assert.equal(before.nextPayment, null, 'the free plan charges nothing');
  const free = currentItem(before);
  assert.equal(kindOf(free), 'BillingSubscriptionItem');
  assert.equal(free.plan.slug, 'free');
  assert.equal(free.periodEnd, null);
  assert.equal(free.payerId, before.payerId);

  const now = await simNow(env);
  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  const after = await billing().getOrganizationBillingSubscription('org_acme');
  assert.equal(after.id, before.id, 'one subscription per payer');
  const pro = currentItem(after);
  assert.match(pro.id, /^csubi_/);
  assert.notEqual(pro.id, free.id);
  assert.equal(pro.status, 'active');
  assert.equal(pro.plan.slug, 'pro');
  assert.equal(pro.planId, pro.plan.id);
  assert.equal(pro.planPeriod, 'month');
  assert.equal(pro.isFreeTrial, false);
  assert.ok(pro.periodStart >= now && pro.periodStart < now + 60_000, `periodStart ${pro.periodStart} is now (${now})`);
  const days = (pro.periodEnd - pro.periodStart) / DAY;
  assert.ok(days >= 28 && days <= 31, `a month-long period, got ${days} days`);
  assert.deepEqual(pro.nextPayment.amount, money(4999));
  assert.equal(pro.nextPayment.date, pro.periodEnd);
  assert.equal(after.nextPayment.date, pro.periodEnd);
  assert.equal(pro.canceledAt, null);
  assert.equal(pro.endedAt, null);

  const ended = await rawRequest(env, 'GET', '/v1/billing/subscription_items?status=ended&include_free=true&payer_type=org');
  assert.deepEqual(ended.json.data.map((i) => [i.id, i.plan.slug, i.payer.organization_id]), [[free.id, 'free', 'org_acme']]);
});

test('annual billing charges twelve annual-rate months a year later', async () => {
  await subscribe('organizations', 'org_globex', { plan: 'pro', period: 'annual' });
  const item = currentItem(await billing().getOrganizationBillingSubscription('org_globex'));
  assert.equal(item.planPeriod, 'annual');
  const days = (item.periodEnd - item.periodStart) / DAY;
  assert.ok(days === 365 || days === 366, `a year-long period, got ${days} days`);
  assert.deepEqual(item.nextPayment.amount, money(3999 * 12));
});

test('getUserBillingSubscription follows the user payer; billing_not_enabled when user billing is off', async () => {
  const before = await billing().getUserBillingSubscription('user_erin');
  assert.equal(currentItem(before).plan.slug, 'free');
  await subscribe('users', 'user_erin', { plan: 'plus' });
  const after = await billing().getUserBillingSubscription('user_erin');
  const plus = currentItem(after);
  assert.equal(plus.plan.slug, 'plus');
  assert.equal(plus.plan.forPayerType, 'user');
  assert.deepEqual(plus.plan.features.map((f) => f.slug), ['exports']);

  await expectClerkError(billing().getUserBillingSubscription('user_nobody'), { status: 404, code: 'resource_not_found' });
  await billingSettings({ users: false });
  await expectClerkError(billing().getUserBillingSubscription('user_erin'), { status: 403, code: 'billing_not_enabled' });
  assert.equal((await billing().getOrganizationBillingSubscription('org_acme')).status, 'active');
  await billingSettings({ organizations: false });
  await expectClerkError(billing().getOrganizationBillingSubscription('org_acme'), {
    status: 403,
    code: 'billing_not_enabled',
  });
});

test('subscribe answers Clerk errors for unknown plans, bad periods and too many seats', async () => {
  const cases = [
    [{ plan: 'gold' }, 404, 'plan_not_found'],
    [{ plan: 'plus' }, 404, 'plan_not_found'],
    [{ plan: 'pro', period: 'weekly' }, 422, 'form_param_value_invalid'],
    [{ plan: 'team', period: 'annual' }, 422, 'form_param_value_invalid'],
    [{ plan: 'team', seats: 9 }, 422, 'form_param_value_invalid'],
    [{ plan: 'team', free_trial: true }, 403, 'plan_free_trials_disabled'],
    [{}, 422, 'form_param_missing'],
  ];
  for (const [body, status, code] of cases) {
    const res = await rawRequest(env, 'POST', '/__sim/organizations/org_globex/billing/subscribe', { body });
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.errors[0].code, code, JSON.stringify(body));
  }
  assert.equal(currentItem(await billing().getOrganizationBillingSubscription('org_globex')).plan.slug, 'free');
});

// ---------------------------------------------------------------------------
// cancel and free trials

test('cancelSubscriptionItem cancels at the period end; canceling twice is 400', async () => {
  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  const pro = currentItem(await billing().getOrganizationBillingSubscription('org_acme'));
  const canceled = await billing().cancelSubscriptionItem(pro.id);
  assert.equal(kindOf(canceled), 'BillingSubscriptionItem');
  assert.equal(canceled.id, pro.id);
  assert.equal(canceled.status, 'canceled');
  assert.equal(typeof canceled.canceledAt, 'number');
  assert.equal(canceled.endedAt, null);
  assert.equal(canceled.periodEnd, pro.periodEnd);
  assert.equal(canceled.plan.slug, 'pro');

  const sub = await billing().getOrganizationBillingSubscription('org_acme');
  assert.deepEqual(sub.subscriptionItems.map((i) => [i.plan.slug, i.status]), [
    ['pro', 'canceled'],
    ['free', 'upcoming'],
  ]);
  assert.equal(sub.subscriptionItems[1].periodStart, pro.periodEnd, 'the free plan takes over at the period end');

  await expectClerkError(billing().cancelSubscriptionItem(pro.id), {
    status: 400,
    code: 'commerce_subscription_item_already_canceled',
  });
  await expectClerkError(billing().cancelSubscriptionItem('csubi_missing'), {
    status: 404,
    code: 'subscription_item_not_found',
  });
  const upcoming = sub.subscriptionItems[1];
  await expectClerkError(billing().cancelSubscriptionItem(upcoming.id), {
    status: 422,
    code: 'commerce_subscription_item_cannot_be_canceled',
  });
});

test('cancelSubscriptionItem with endNow ends the item and the payer is back on the free plan', async () => {
  await subscribe('users', 'user_bob', { plan: 'plus' });
  const plus = currentItem(await billing().getUserBillingSubscription('user_bob'));
  const ended = await billing().cancelSubscriptionItem(plus.id, { endNow: true });
  assert.equal(ended.status, 'ended');
  assert.equal(typeof ended.endedAt, 'number');
  assert.equal(ended.canceledAt, ended.endedAt);
  const now = currentItem(await billing().getUserBillingSubscription('user_bob'));
  assert.equal(now.plan.slug, 'free');
  assert.equal(now.status, 'active');
  await expectClerkError(billing().cancelSubscriptionItem(now.id), {
    status: 422,
    code: 'commerce_subscription_item_cannot_be_canceled',
  });
});

test('extendSubscriptionItemFreeTrial moves the trial end; items outside a trial are refused', async () => {
  await subscribe('organizations', 'org_globex', { plan: 'pro', free_trial: true });
  const sub = await billing().getOrganizationBillingSubscription('org_globex');
  assert.equal(sub.eligibleForFreeTrial, false, 'one trial per payer');
  const trial = currentItem(sub);
  assert.equal(trial.isFreeTrial, true);
  assert.equal(trial.periodEnd - trial.periodStart, 14 * DAY);

  const extendTo = new Date(trial.periodEnd + 7 * DAY);
  const extended = await billing().extendSubscriptionItemFreeTrial(trial.id, { extendTo });
  assert.equal(kindOf(extended), 'BillingSubscriptionItem');
  assert.equal(extended.id, trial.id);
  assert.equal(extended.isFreeTrial, true);
  assert.equal(extended.status, 'active');
  assert.equal(extended.periodEnd, extendTo.getTime());
  assert.equal(extended.plan.slug, 'pro');
  assert.deepEqual(extended.amount, money(4999));
  const again = await billing().extendSubscriptionItemFreeTrial(trial.id, { extendTo });
  assert.equal(again.periodEnd, extendTo.getTime(), 'the same date again is accepted and changes nothing');
  assert.equal(currentItem(await billing().getOrganizationBillingSubscription('org_globex')).periodEnd, extendTo.getTime());

  await expectClerkError(billing().extendSubscriptionItemFreeTrial(trial.id, { extendTo: new Date(trial.periodEnd - DAY) }), {
    status: 422,
    code: 'form_param_value_invalid',
    paramName: 'extend_to',
  });
  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  const paid = currentItem(await billing().getOrganizationBillingSubscription('org_acme'));
  await expectClerkError(billing().extendSubscriptionItemFreeTrial(paid.id, { extendTo }), {
    status: 403,
    code: 'subscription_item_not_in_free_trial',
  });
});

test('the clock ends a canceled item at its period end and renews an active one', async () => {
  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  await subscribe('organizations', 'org_globex', { plan: 'pro' });
  const acme = currentItem(await billing().getOrganizationBillingSubscription('org_acme'));
  const globex = currentItem(await billing().getOrganizationBillingSubscription('org_globex'));
  await billing().cancelSubscriptionItem(acme.id);
  await rawRequest(env, 'DELETE', '/__sim/webhooks/events');

  const res = await rawRequest(env, 'POST', '/__sim/clock', { body: { set_ms: acme.periodEnd + 1000 } });
  assert.equal(res.status, 200, res.text);
  const acmeNow = currentItem(await billing().getOrganizationBillingSubscription('org_acme'));
  assert.equal(acmeNow.plan.slug, 'free');
  assert.equal(acmeNow.periodStart, acme.periodEnd);
  const globexNow = currentItem(await billing().getOrganizationBillingSubscription('org_globex'));
  assert.equal(globexNow.id, globex.id);
  assert.equal(globexNow.periodStart, globex.periodEnd, 'renewed: the next period starts where the last ended');

  const events = await rawRequest(env, 'GET', '/__sim/webhooks/events');
  const types = events.json.data.map((e) => e.type);
  assert.ok(types.includes('subscriptionItem.ended'), types.join());
  assert.ok(types.includes('subscriptionItem.active'), types.join());
  assert.ok(types.includes('subscription.updated'), types.join());
  const endedEvent = events.json.data.find((e) => e.type === 'subscriptionItem.ended');
  assert.equal(endedEvent.data.id, acme.id);
  assert.equal(endedEvent.data.object, 'commerce_subscription_item');
  assert.equal(endedEvent.data.plan.slug, 'pro');
});

// ---------------------------------------------------------------------------
// tokens and has()

test('has(): a gated permission, the plan and its features flip once the organization buys pro; an older token stays stale', async () => {
  const session = await env.clerk.sessions.createSession({ userId: 'user_alice', activeOrganizationId: 'org_acme' });
  const staleJwt = await mint(session.id);
  const stale = decodePayload(staleJwt);
  assert.equal(stale.pla, 'u:free,o:free');
  assert.equal(stale.fea, undefined, 'the free plans carry no features');

  const beforeAnswers = [
    [{ role: 'org:admin' }, true],
    [{ permission: 'org:posts:edit' }, false],
    [{ permission: 'org:posts:read' }, false],
    [{ plan: 'org:pro' }, false],
    [{ plan: 'org:free' }, true],
    [{ plan: 'user:free' }, true],
    [{ feature: 'posts' }, false],
  ];
  await assertAnswers(staleJwt, beforeAnswers);

  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  const freshJwt = await mint(session.id);
  const fresh = decodePayload(freshJwt);
  assert.equal(fresh.pla, 'u:free,o:pro');
  assert.equal(fresh.fea, 'o:posts,o:analytics');
  await assertAnswers(freshJwt, [
    [{ permission: 'org:posts:edit' }, true],
    [{ permission: 'org:posts:read' }, true],
    [{ permission: 'org:analytics:read' }, true],
    [{ role: 'org:admin', permission: 'org:posts:edit' }, true],
    [{ plan: 'org:pro' }, true],
    [{ plan: 'pro' }, true],
    [{ plan: 'user:pro' }, false],
    [{ plan: 'org:free' }, false],
    [{ feature: 'posts' }, true],
    [{ feature: 'org:analytics' }, true],
    [{ feature: 'user:posts' }, false],
    [{ permission: 'org:sys_billing:manage' }, false],
  ]);
  const auth = await authenticate(freshJwt);
  assert.deepEqual([...auth.orgPermissions].sort(), ['org:analytics:read', 'org:posts:edit', 'org:posts:read']);

  // the token minted before the purchase still says what was true then
  await assertAnswers(staleJwt, beforeAnswers);
});

test('has(): a member gets only the permissions whose feature is bought, and a user plan is scoped to the user', async () => {
  const session = await env.clerk.sessions.createSession({ userId: 'user_bob', activeOrganizationId: 'org_acme' });
  await subscribe('users', 'user_bob', { plan: 'plus' });
  const jwt = await mint(session.id);
  assert.equal(decodePayload(jwt).fea, 'u:exports');
  await assertAnswers(jwt, [
    [{ permission: 'org:posts:read' }, false],
    [{ feature: 'exports' }, true],
    [{ feature: 'user:exports' }, true],
    [{ feature: 'org:exports' }, false],
    [{ plan: 'user:plus' }, true],
    [{ plan: 'org:plus' }, false],
  ]);
  await subscribe('organizations', 'org_acme', { plan: 'team' });
  await assertAnswers(await mint(session.id), [
    [{ permission: 'org:posts:read' }, true],
    [{ permission: 'org:posts:edit' }, false],
    [{ plan: 'org:team' }, true],
  ]);
});

test('with organization billing off the role alone decides and tokens carry no org plan', async () => {
  await billingSettings({ organizations: false, users: false });
  const session = await env.clerk.sessions.createSession({ userId: 'user_alice', activeOrganizationId: 'org_acme' });
  const jwt = await mint(session.id);
  assert.equal(decodePayload(jwt).pla, undefined);
  await assertAnswers(jwt, [
    [{ permission: 'org:posts:edit' }, true],
    [{ plan: 'org:free' }, false],
  ]);
});

test('membership permissions returned by BAPI leave out custom ones whose feature is not bought', async () => {
  const list = async () =>
    (await env.clerk.organizations.getOrganizationMembershipList({ organizationId: 'org_acme' })).data.find(
      (m) => m.publicUserData.userId === 'user_bob',
    ).permissions;
  assert.deepEqual(await list(), ['org:sys_memberships:read', 'org:sys_billing:read']);
  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  assert.deepEqual(await list(), ['org:sys_memberships:read', 'org:sys_billing:read', 'org:posts:read']);
});

// ---------------------------------------------------------------------------
// seats

test('a seat-limited plan sets the member limit, which then only billing may change', async () => {
  await subscribe('organizations', 'org_acme', { plan: 'team' });
  const org = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.equal(org.maxAllowedMemberships, 3);
  const sub = await billing().getOrganizationBillingSubscription('org_acme');
  assert.equal(currentItem(sub).seats.quantity, 3);

  await expectClerkError(
    env.clerk.organizations.updateOrganization('org_acme', { maxAllowedMemberships: 10 }),
    { status: 400, code: 'organization_member_limit_managed_by_billing', paramName: 'max_allowed_memberships' },
  );
  await expectClerkError(
    env.clerk.organizations.createOrganizationMembership({ organizationId: 'org_acme', userId: 'user_erin', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );
  await expectClerkError(
    env.clerk.organizations.createOrganizationInvitation({ organizationId: 'org_acme', emailAddress: 'zoe@acme.test', role: 'org:member' }),
    { status: 403, code: 'organization_membership_quota_exceeded' },
  );

  await subscribe('organizations', 'org_acme', { plan: 'pro' });
  const back = await env.clerk.organizations.getOrganization({ organizationId: 'org_acme' });
  assert.equal(back.maxAllowedMemberships, 5, 'off the seat plan the organization has its own limit again');
  const updated = await env.clerk.organizations.updateOrganization('org_acme', { maxAllowedMemberships: 10 });
  assert.equal(updated.maxAllowedMemberships, 10);
});

test('moving to a plan with fewer seats than members and pending invitations is 422 plan_seat_limit_exceeded', async () => {
  await env.clerk.organizations.createOrganizationInvitation({
    organizationId: 'org_acme',
    emailAddress: 'zoe@acme.test',
    role: 'org:member',
  });
  const res = await rawRequest(env, 'POST', '/__sim/organizations/org_acme/billing/subscribe', { body: { plan: 'team' } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.errors[0].code, 'plan_seat_limit_exceeded');
  assert.deepEqual(res.json.errors[0].meta, { plan_seat_limit: 3, current_members: 4 });
  assert.equal(currentItem(await billing().getOrganizationBillingSubscription('org_acme')).plan.slug, 'free');

  await env.clerk.organizations.deleteOrganizationMembership({ organizationId: 'org_acme', userId: 'user_carol' });
  await subscribe('organizations', 'org_acme', { plan: 'team' });
  assert.equal(currentItem(await billing().getOrganizationBillingSubscription('org_acme')).plan.slug, 'team');
});

test('plan changes, cancellations and period ends are delivered as subscription webhooks that verify and match the document', async () => {
  const receiver = await startReceiver();
  try {
    const ep = await rawRequest(env, 'POST', '/__sim/webhooks/endpoints', { body: { url: receiver.url } });
    assert.equal(ep.status, 200, ep.text);
    const sub = await subscribe('organizations', 'org_acme', { plan: 'pro' });
    const item = sub.subscription_items.find((i) => i.status === 'active');
    const canceled = await rawRequest(env, 'DELETE', `/v1/billing/subscription_items/${item.id}`);
    assert.equal(canceled.status, 200, canceled.text);
    const clock = await rawRequest(env, 'POST', '/__sim/clock', { body: { advance_ms: 40 * DAY } });
    assert.equal(clock.status, 200, clock.text);
    const flushed = await rawRequest(env, 'POST', '/__sim/webhooks/flush');
    assert.equal(flushed.json.drained, true);
    assert.equal(flushed.json.failed, 0);

    const contract = loadWebhookContract(webhookSpecFile);
    const events = [];
    for (const delivery of receiver.take()) {
      const event = await verifyDelivery(delivery, env.webhookSecret);
      events.push(event);
      if (contract) assert.deepEqual(contract.check(JSON.parse(delivery.body)), [], delivery.body);
    }
    const types = events.map((e) => e.type);
    for (const type of ['subscription.updated', 'subscriptionItem.active', 'subscriptionItem.canceled', 'subscriptionItem.ended']) {
      assert.ok(types.includes(type), `${type} in ${types.join(', ')}`);
    }
    // Subscribing ends the free item; canceling pro ends it at the period end and free comes back.
    const about = (type, id) => events.findIndex((e) => e.type === type && e.data.id === id);
    assert.ok(about('subscriptionItem.canceled', item.id) >= 0, types.join(', '));
    assert.ok(about('subscriptionItem.canceled', item.id) < about('subscriptionItem.ended', item.id), types.join(', '));
    const ended = events[about('subscriptionItem.ended', item.id)];
    assert.equal(ended.data.plan.slug, 'pro');
    assert.equal(events.at(-1).type, 'subscription.updated');
  } finally {
    await receiver.close();
  }
});
