// Verified domains through the real SDK's organization domain methods (which hand
// back the raw snake_case objects), the instance-wide list, the verification and
// suggestion routes of the control plane, and the organizationDomain events.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClerkError, rawRequest, useSim, webhookSpecFile } from './harness.mjs';
import { loadWebhookContract } from './openapi.mjs';

const env = useSim();
const webhookContract = loadWebhookContract(webhookSpecFile);
const orgs = () => env.clerk.organizations;

async function enableDomains(modes = ['manual_invitation', 'automatic_invitation', 'automatic_suggestion']) {
  await env.clerk.instance.updateOrganizationSettings({ domainsEnabled: true, domainsEnrollmentModes: modes });
}

test('with domains off the instance refuses them', async () => {
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' }),
    { status: 403, code: 'organization_domains_not_enabled' },
  );
});

test('create, list, update and delete a domain', async () => {
  await enableDomains();
  const d = await orgs().createOrganizationDomain({
    organizationId: 'org_acme',
    name: 'Acme.test',
    enrollmentMode: 'manual_invitation',
  });
  assert.equal(d.object, 'organization_domain');
  assert.match(d.id, /^orgdmn_/);
  assert.equal(d.name, 'acme.test');
  assert.equal(d.organization_id, 'org_acme');
  assert.equal(d.enrollment_mode, 'manual_invitation');
  assert.equal(d.verification.status, 'verified', 'the SDK asks for a verified domain by default');
  assert.equal(d.total_pending_invitations, 0);

  const list = await orgs().getOrganizationDomainList({ organizationId: 'org_acme' });
  assert.equal(list.totalCount, 1);
  assert.equal(list.data[0].id, d.id);

  const updated = await orgs().updateOrganizationDomain({
    organizationId: 'org_acme',
    domainId: d.id,
    enrollmentMode: 'automatic_suggestion',
  });
  assert.equal(updated.enrollment_mode, 'automatic_suggestion');

  const deleted = await orgs().deleteOrganizationDomain({ organizationId: 'org_acme', domainId: d.id });
  assert.equal(deleted.id, d.id);
  assert.equal((await orgs().getOrganizationDomainList({ organizationId: 'org_acme' })).totalCount, 0);
});

test('the rules: common providers, one verified holder, enabled modes', async () => {
  await enableDomains(['manual_invitation']);
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'gmail.com', enrollmentMode: 'manual_invitation' }),
    { status: 422, code: 'organization_domain_common' },
  );
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'automatic_invitation' }),
    { status: 403, code: 'organization_domain_enrollment_mode_not_enabled' },
  );
  await orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' });
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_globex', name: 'acme.test', enrollmentMode: 'manual_invitation' }),
    { status: 422, code: 'organization_domain_already_exists' },
  );
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' }),
    { status: 422, code: 'organization_domain_already_exists_same_organization' },
  );
});

test('an SSO domain of the organization cannot be its verified domain', async () => {
  await enableDomains();
  await env.clerk.enterpriseConnections.createEnterpriseConnection({
    name: 'Acme Okta',
    provider: 'saml_okta',
    domains: ['acme.test'],
    organizationId: 'org_acme',
  });
  await expectClerkError(
    orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' }),
    { status: 422, code: 'organization_domain_exists_for_enterprise_connection' },
  );
});

test('automatic invitation: verifying the domain invites users on it, outside the organization list', async () => {
  await enableDomains();
  const d = await orgs().createOrganizationDomain({
    organizationId: 'org_globex',
    name: 'acme.test',
    enrollmentMode: 'automatic_invitation',
    verified: false,
  });
  assert.equal(d.affiliation_verification.status, 'unverified');
  const verified = await rawRequest(env, 'POST', `/__sim/domains/${d.id}/verify`);
  assert.equal(verified.status, 200, verified.text);
  assert.equal(verified.json.affiliation_verification.status, 'verified');
  assert.equal(verified.json.total_pending_invitations, 2);

  const invitations = await env.clerk.users.getOrganizationInvitationList({ userId: 'user_alice', status: 'pending' });
  assert.equal(invitations.totalCount, 1);
  assert.equal(invitations.data[0].organizationId, 'org_globex');
  assert.equal(invitations.data[0].role, 'org:member');
  const orgList = await orgs().getOrganizationInvitationList({ organizationId: 'org_globex' });
  assert.equal(orgList.totalCount, 0);

  const fresh = await env.clerk.users.createUser({ emailAddress: ['frank@acme.test'] });
  const frank = await env.clerk.users.getOrganizationInvitationList({ userId: fresh.id });
  assert.equal(frank.totalCount, 1);
});

test('automatic suggestion: accepting makes a member with the default role', async () => {
  await enableDomains();
  await orgs().createOrganizationDomain({
    organizationId: 'org_globex',
    name: 'acme.test',
    enrollmentMode: 'automatic_suggestion',
  });
  const list = await rawRequest(env, 'GET', '/__sim/users/user_bob/organization_suggestions');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.total_count, 1);
  const suggestion = list.json.data[0];
  assert.equal(suggestion.status, 'pending');
  assert.equal(suggestion.public_organization_data.id, 'org_globex');
  const accepted = await rawRequest(env, 'POST', `/__sim/organization_suggestions/${suggestion.id}/accept`);
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.suggestion.status, 'accepted');
  assert.equal(accepted.json.membership.role, 'org:member');
  const members = await orgs().getOrganizationMembershipList({ organizationId: 'org_globex' });
  assert.ok(members.data.some((m) => m.publicUserData.userId === 'user_bob'));
});

test('the instance-wide list filters by organization, verification, mode and name', async () => {
  await enableDomains();
  await orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' });
  await orgs().createOrganizationDomain({
    organizationId: 'org_globex',
    name: 'globex.test',
    enrollmentMode: 'automatic_invitation',
    verified: false,
  });
  const get = async (q) => {
    const res = await rawRequest(env, 'GET', `/v1/organization_domains${q}`);
    assert.equal(res.status, 200, res.text);
    return res.json.data.map((d) => d.name);
  };
  assert.deepEqual(await get(''), ['globex.test', 'acme.test']);
  assert.deepEqual(await get('?organization_id=org_acme'), ['acme.test']);
  assert.deepEqual(await get('?verified=false'), ['globex.test']);
  assert.deepEqual(await get('?enrollment_mode=-manual_invitation'), ['globex.test']);
  assert.deepEqual(await get('?query=ACME'), ['acme.test']);
  assert.deepEqual(await get('?order_by=name'), ['acme.test', 'globex.test']);
});

test('verify_ownership marks the ownership verified by manual override', async () => {
  await enableDomains();
  const d = await orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' });
  const res = await rawRequest(env, 'POST', `/v1/organizations/org_acme/domains/${d.id}/verify_ownership`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.ownership_verification.status, 'verified');
  assert.equal(res.json.ownership_verification.strategy, 'manual_override');
  assert.equal(typeof res.json.ownership_verification.verified_at, 'number');
});

test('domain changes are organizationDomain events', async () => {
  await enableDomains();
  await rawRequest(env, 'DELETE', '/__sim/webhooks/events');
  const d = await orgs().createOrganizationDomain({ organizationId: 'org_acme', name: 'acme.test', enrollmentMode: 'manual_invitation' });
  await orgs().updateOrganizationDomain({ organizationId: 'org_acme', domainId: d.id, enrollmentMode: 'automatic_invitation' });
  await orgs().deleteOrganizationDomain({ organizationId: 'org_acme', domainId: d.id });
  const res = await rawRequest(env, 'GET', '/__sim/webhooks/events');
  const events = (res.json.data ?? res.json).filter((e) => e.type.startsWith('organizationDomain.'));
  assert.deepEqual(
    events.map((e) => e.type),
    ['organizationDomain.created', 'organizationDomain.updated', 'organizationDomain.deleted'],
  );
  assert.equal(events[0].data.name, 'acme.test');
  assert.deepEqual(events[2].data, { object: 'organization_domain', id: d.id, deleted: true });
  if (!webhookContract) {
    process.stdout.write(`# NOTICE: ${webhookSpecFile} not found; organizationDomain payloads are not checked\n`);
    return;
  }
  for (const e of events) assert.deepEqual(webhookContract.check(e), [], `${e.type}: ${JSON.stringify(e.data)}`);
});
