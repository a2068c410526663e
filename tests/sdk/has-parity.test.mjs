// Property tests: clerk-sim's POST /__sim/authorize must decide has() exactly
// as the SDK does.
//
// The SDK side is the real code path: getAuthObjectFromJwt() (what
// authenticateRequest(...).toAuth() uses) turns claims into the auth object,
// including the v2 org-claim decoding, the pending-session rule and
// createCheckAuthorization(). The server side gets the same claims through
// {"claims": {...}} or, for minted tokens, the token itself.
//
// HAS_PARITY_SEED picks the seed (printed as a diagnostic), HAS_PARITY_CASES
// the number of random claim/check cases. Every mismatch is collected and the
// first ones are printed with the seed and the case, so a run can be replayed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getAuthObjectFromJwt, rawRequest, useSim, verifyToken } from './harness.mjs';

const env = useSim({ clock: 'wall' });

const DEFAULT_SEED = 0x5eed2026;
const SEED = process.env.HAS_PARITY_SEED ? Number(process.env.HAS_PARITY_SEED) >>> 0 : DEFAULT_SEED;
const CASES = Math.max(1000, Number(process.env.HAS_PARITY_CASES ?? 1500));
const SHOWN_MISMATCHES = 8;

// ---------------------------------------------------------------------------
// seeded PRNG (mulberry32) and helpers on top of it

function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    // a random subset in a random order
    some: (list, min = 0, max = list.length) => {
      const pool = [...list];
      const n = rng.int(min, Math.min(max, pool.length));
      const out = [];
      for (let i = 0; i < n; i += 1) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      return out;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------
// both sides

function sdkAuth(claims, treatPendingAsSignedOut) {
  const options = treatPendingAsSignedOut === undefined ? {} : { treatPendingAsSignedOut };
  return getAuthObjectFromJwt({ raw: { text: '' }, payload: claims }, options);
}

function sdkAnswer(claims, check, treatPendingAsSignedOut) {
  const auth = sdkAuth(claims, treatPendingAsSignedOut);
  return {
    allowed: auth.has(check),
    auth: {
      user_id: auth.userId ?? null,
      session_id: auth.sessionId ?? null,
      session_status: auth.sessionStatus ?? null,
      org_id: auth.orgId ?? null,
      org_slug: auth.orgSlug ?? null,
      org_role: auth.orgRole ?? null,
      // no list at all (no org, signed out) and an empty list both grant nothing
      org_permissions: auth.orgPermissions ?? [],
    },
  };
}

async function simAnswer(subject, check, treatPendingAsSignedOut) {
  const body = { ...subject, check };
  if (treatPendingAsSignedOut !== undefined) body.treat_pending_as_signed_out = treatPendingAsSignedOut;
  const res = await rawRequest(env, 'POST', '/__sim/authorize', { body });
  if (res.status !== 200) return { error: `${res.status} ${res.text}` };
  return { allowed: res.json.allowed, auth: { ...res.json.auth, org_permissions: res.json.auth.org_permissions ?? [] } };
}

function differences(sdk, sim) {
  if (sim.error) return [`server answered ${sim.error}`];
  const out = [];
  if (sdk.allowed !== sim.allowed) out.push(`allowed: SDK ${sdk.allowed}, server ${sim.allowed}`);
  for (const key of Object.keys(sdk.auth)) {
    if (JSON.stringify(sdk.auth[key]) !== JSON.stringify(sim.auth[key])) {
      out.push(`auth.${key}: SDK ${JSON.stringify(sdk.auth[key])}, server ${JSON.stringify(sim.auth[key])}`);
    }
  }
  return out;
}

function report(label, total, mismatches, { limit = SHOWN_MISMATCHES, seeded = true } = {}) {
  if (mismatches.length === 0) return;
  const replay = seeded ? ` (seed ${SEED}; rerun with HAS_PARITY_SEED=${SEED})` : '';
  const shown = mismatches
    .slice(0, limit)
    .map((m) => `  case #${m.index}: ${m.problems.join('; ')}\n    ${JSON.stringify(m.input)}`)
    .join('\n');
  assert.fail(
    `${label}: ${mismatches.length} of ${total} cases disagree${replay}.\n` +
      `First ${Math.min(limit, mismatches.length)}:\n${shown}`,
  );
}

// ---------------------------------------------------------------------------
// random claims

const FEATURES = ['posts', 'invoices', 'reports', 'billing', 'analytics', 'seats', 'sso', 'export'];
const ACTIONS = ['read', 'manage', 'publish', 'delete', 'create', 'export', 'approve'];
const PLANS = ['free', 'pro', 'team', 'enterprise', 'starter'];
const ROLES = ['admin', 'member', 'editor', 'billing_manager', 'viewer'];
const FEATURE_SCOPES = ['o', 'u', 'uo', 'ou'];
const FVA_VALUES = [-1, -1, 0, 1, 5, 9, 10, 11, 30, 59, 60, 61, 600, 1439, 1440, 1441, 5000];

function randomScopedList(rng, names) {
  return rng.some(names, 0, 5).map((name) => `${rng.pick(FEATURE_SCOPES)}:${name}`);
}

function randomClaims(rng) {
  const claims = {
    azp: 'http://localhost:3000',
    iss: 'https://clerk.example.test',
    sid: `sess_${rng.int(1, 999)}`,
    v: 2,
    sts: rng.chance(0.8) ? 'active' : 'pending',
    fva: [rng.pick(FVA_VALUES), rng.pick(FVA_VALUES)],
  };
  if (rng.chance(0.97)) claims.sub = `user_${rng.int(1, 999)}`;
  const fea = randomScopedList(rng, FEATURES);
  if (fea.length > 0) claims.fea = fea.join(',');
  const pla = randomScopedList(rng, PLANS);
  if (pla.length > 0) claims.pla = pla.join(',');
  if (rng.chance(0.85)) {
    const o = { id: `org_${rng.int(1, 99)}`, slg: `org-${rng.int(1, 99)}`, rol: rng.pick(ROLES) };
    const per = rng.some(ACTIONS, 0, 5);
    // one mask per org-scoped feature (o, uo, ou), LSB = first action in per
    const orgFeatures = fea.filter((x) => !x.startsWith('u:'));
    let count = orgFeatures.length;
    if (rng.chance(0.1)) count = Math.max(0, count + rng.pick([-1, 1]));
    const fpm = Array.from({ length: count }, () => String(rng.int(0, 2 ** per.length - 1)));
    if (per.length > 0 || rng.chance(0.5)) o.per = per.join(',');
    if (fpm.length > 0 || rng.chance(0.5)) o.fpm = fpm.join(',');
    claims.o = o;
  }
  return claims;
}

// ---------------------------------------------------------------------------
// random checks

const KNOWN_ASK_SCOPES = ['', '', 'o:', 'org:', 'organization:', 'u:', 'user:'];
const UNKNOWN_ASK_SCOPES = ['x:', 'uo:', 'orgs:', 'users:'];
const PRESETS = ['strict_mfa', 'strict', 'moderate', 'lax', 'stricter'];
const LEVELS = ['first_factor', 'second_factor', 'multi_factor', 'third_factor'];
const AFTER_MINUTES = [1, 2, 5, 10, 11, 30, 60, 61, 600, 1440, 1441, 10000, 0, -5];

function permissionsIn(claims) {
  // the permissions the claims encode, so checks hit as well as miss
  const out = [];
  if (!claims.o?.per || !claims.fea) return out;
  const per = claims.o.per.split(',');
  const orgFeatures = claims.fea.split(',').filter((x) => !x.startsWith('u:')).map((x) => x.split(':')[1]);
  for (const f of orgFeatures) for (const a of per) out.push(`${f}:${a}`);
  return out;
}

function randomPermission(rng, claims) {
  const known = permissionsIn(claims);
  let perm;
  if (known.length > 0 && rng.chance(0.7)) perm = rng.pick(known);
  else if (rng.chance(0.1)) perm = rng.pick(['sys_memberships:manage', 'sys_profile:delete', 'sys_billing:read']);
  else perm = `${rng.pick(FEATURES)}:${rng.pick(ACTIONS)}`;
  return rng.chance(0.6) ? `org:${perm}` : perm;
}

// names in a fea/pla claim, whatever their scope
const namesIn = (claim) => (claim ? claim.split(',').map((x) => x.split(':')[1]) : []);

// a feature or plan name with a scope prefix; names present in the claim are
// preferred so that checks pass often enough
function randomBillingAsk(rng, claim, pool) {
  const present = namesIn(claim);
  const name = present.length > 0 && rng.chance(0.7) ? rng.pick(present) : rng.pick(pool);
  const scope = rng.chance(0.1) ? rng.pick(UNKNOWN_ASK_SCOPES) : rng.pick(KNOWN_ASK_SCOPES);
  return `${scope}${name}`;
}

function randomCheck(rng, claims) {
  if (rng.chance(0.04)) return {};
  const check = {};
  const r = rng.next();
  const count = r < 0.65 ? 1 : r < 0.9 ? 2 : 3;
  const dims = rng.some(['role', 'permission', 'feature', 'plan', 'reverification'], count, count);
  for (const dim of dims) {
    switch (dim) {
      case 'role': {
        const role = rng.chance(0.7) && claims.o?.rol ? claims.o.rol : rng.pick(ROLES);
        check.role = rng.chance(0.5) ? `org:${role}` : role;
        break;
      }
      case 'permission':
        check.permission = randomPermission(rng, claims);
        break;
      case 'feature':
        check.feature = randomBillingAsk(rng, claims.fea, FEATURES);
        break;
      case 'plan':
        check.plan = randomBillingAsk(rng, claims.pla, PLANS);
        break;
      default:
        check.reverification = rng.chance(0.5)
          ? rng.pick(PRESETS)
          : { level: rng.pick(LEVELS), afterMinutes: rng.pick(AFTER_MINUTES) };
    }
  }
  return check;
}

const randomPendingMode = (rng) => rng.pick([undefined, true, false]);

// ---------------------------------------------------------------------------
// raw claims

test(`has() parity on ${CASES} random claims and checks`, async (t) => {
  t.diagnostic(`seed ${SEED} (set HAS_PARITY_SEED to replay), ${CASES} cases`);
  const rng = makeRng(SEED);
  const mismatches = [];
  const tally = { allowed: 0, denied: 0 };
  for (let index = 0; index < CASES; index += 1) {
    const claims = randomClaims(rng);
    const check = randomCheck(rng, claims);
    const pending = randomPendingMode(rng);
    const sdk = sdkAnswer(claims, check, pending);
    tally[sdk.allowed ? 'allowed' : 'denied'] += 1;
    const sim = await simAnswer({ claims }, check, pending);
    const problems = differences(sdk, sim);
    if (problems.length > 0) mismatches.push({ index, problems, input: { claims, check, treat_pending_as_signed_out: pending } });
  }
  t.diagnostic(`SDK verdicts: ${tally.allowed} allowed, ${tally.denied} denied`);
  report('raw claims', CASES, mismatches);
  // the generator must produce both answers in fair numbers, or the test proves little
  assert.ok(tally.allowed >= CASES * 0.25, `only ${tally.allowed} allowed cases`);
  assert.ok(tally.denied >= CASES * 0.25, `only ${tally.denied} denied cases`);
});

// Inputs real tokens do not carry, or checks an app could still write, that
// the SDK decides in a definite way. One test per kind of input, so a failure
// names what the server handles differently.
const BASE = {
  sub: 'user_1',
  sid: 'sess_1',
  v: 2,
  sts: 'active',
  fva: [3, -1],
  fea: 'u:basic,o:articles,o:billing,uo:reports',
  pla: 'u:free,o:pro',
  o: { id: 'org_1', slg: 'acme', rol: 'admin', per: 'read,manage,delete', fpm: '3,1,4' },
};
const withOrg = (o) => ({ ...BASE, o: { ...BASE.o, ...o } });

const UNUSUAL = {
  'the documented worked example and repeated org: prefixes': [
    { claims: BASE, check: { permission: 'org:articles:manage' } },
    { claims: BASE, check: { permission: 'org:reports:delete' } },
    { claims: BASE, check: { permission: 'org:billing:manage' } },
    { claims: BASE, check: { role: 'org:org:admin' } },
    { claims: BASE, check: { permission: 'org:org:articles:read' } },
    { claims: BASE, check: { feature: 'user:basic' } },
    { claims: BASE, check: { plan: 'o:free' } },
  ],
  'spaces around commas in fea, per and fpm': [
    { claims: { ...BASE, fea: 'u:basic, o:articles, o:billing, uo:reports' }, check: { permission: 'org:billing:read' } },
    { claims: { ...BASE, fea: 'u:basic, o:articles' }, check: { feature: 'o:articles' } },
    { claims: withOrg({ per: 'read, manage, delete', fpm: '3, 1, 4' }), check: { permission: 'org:articles:manage' } },
  ],
  'fpm entries that are not plain decimal numbers grant nothing': [
    { claims: withOrg({ fpm: '-1,1,4' }), check: { permission: 'org:articles:read' } },
    { claims: withOrg({ fpm: '+3,1,4' }), check: { permission: 'org:articles:read' } },
    { claims: withOrg({ fpm: '3x,1,4' }), check: { permission: 'org:articles:read' } },
  ],
  'feature and plan asks with more than one colon or an empty part': [
    // the SDK keeps only the segment between the first and second colon
    { claims: BASE, check: { feature: 'o:articles:extra' } },
    { claims: BASE, check: { plan: 'org:pro:yearly' } },
    { claims: BASE, check: { feature: 'o:' } },
    { claims: BASE, check: { feature: ':articles' } },
  ],
  'a dimension given as null or as a non-string counts as asked and fails': [
    { claims: BASE, check: { role: null, plan: 'pro' } },
    { claims: BASE, check: { permission: null, plan: 'pro' } },
    { claims: BASE, check: { feature: null, plan: 'pro' } },
    { claims: BASE, check: { reverification: null, plan: 'pro' } },
    { claims: BASE, check: { role: 7 } },
    { claims: BASE, check: { role: 'admin', feature: 1 } },
  ],
  'fractional and malformed reverification numbers': [
    { claims: BASE, check: { reverification: { level: 'first_factor', afterMinutes: 3.5 } } },
    { claims: { ...BASE, fva: [2.5, -1] }, check: { reverification: 'strict' } },
    { claims: { ...BASE, fva: [3, -1, 0] }, check: { reverification: 'lax' } },
    { claims: { ...BASE, fva: null }, check: { reverification: 'lax' } },
    { claims: { ...BASE, fva: [-2, 5] }, check: { reverification: 'lax' } },
  ],
  'no sts claim: the SDK reports no session status': [{ claims: { ...BASE, sts: undefined }, check: { role: 'admin' } }],
  'empty user or organization ids count as absent': [
    { claims: { ...BASE, sub: '' }, check: { role: 'admin' } },
    { claims: withOrg({ id: '' }), check: { role: 'admin' } },
  ],
  'claims without v:2 use the flat v1 org claims': [
    {
      claims: {
        sub: 'user_1',
        sid: 'sess_1',
        sts: 'active',
        org_id: 'org_1',
        org_slug: 'acme',
        org_role: 'org:admin',
        org_permissions: ['org:a:b'],
      },
      check: { permission: 'org:a:b' },
    },
    { claims: { ...BASE, v: 1 }, check: { role: 'admin' } },
  ],
};

// Guards the oracle: the SDK side must reproduce the documented decoding
// (sdk.md §3.4, §5) before its answers are used to judge the server.
test('the SDK side decodes the documented worked example', () => {
  const auth = sdkAuth(BASE, undefined);
  assert.equal(auth.userId, 'user_1');
  assert.equal(auth.orgRole, 'org:admin');
  assert.deepEqual(auth.orgPermissions, ['org:articles:read', 'org:articles:manage', 'org:billing:read', 'org:reports:delete']);
  const expected = [
    [{ feature: 'articles' }, true],
    [{ feature: 'o:articles' }, true],
    [{ feature: 'u:articles' }, false],
    [{ feature: 'user:basic' }, true],
    [{ plan: 'pro' }, true],
    [{ plan: 'o:free' }, false],
    [{ reverification: 'strict' }, true],
    [{ reverification: 'strict_mfa' }, true],
    [{}, false],
  ];
  for (const [check, answer] of expected) assert.equal(auth.has(check), answer, JSON.stringify(check));
  assert.equal(sdkAuth({ ...BASE, sts: 'pending' }, undefined).userId, null, 'pending is signed out by default');
});

for (const [kind, cases] of Object.entries(UNUSUAL)) {
  test(`has() parity on unusual input: ${kind}`, async () => {
    const mismatches = [];
    for (const [index, c] of cases.entries()) {
      // a JSON round trip drops undefined claims, as the wire does
      const claims = JSON.parse(JSON.stringify(c.claims));
      const sdk = sdkAnswer(claims, c.check, undefined);
      const sim = await simAnswer({ claims }, c.check, undefined);
      const problems = differences(sdk, sim);
      if (problems.length > 0) mismatches.push({ index, problems, input: { claims, check: c.check } });
    }
    report(kind, cases.length, mismatches, { limit: cases.length, seeded: false });
  });
}

// ---------------------------------------------------------------------------
// minted tokens: random custom permissions and roles created through the API

const perms = () => env.clerk.organizationPermissions;
const roles = () => env.clerk.organizationRoles;
const orgs = () => env.clerk.organizations;
const ROUNDS = 12;
// users the rounds may give custom roles (alice stays the admin of acme)
const REASSIGNABLE = [
  { organizationId: 'org_acme', userId: 'user_bob' },
  { organizationId: 'org_acme', userId: 'user_carol' },
  { organizationId: 'org_globex', userId: 'user_dave' },
];
const MEMBERSHIPS = [
  ['user_alice', 'org_acme'],
  ['user_bob', 'org_acme'],
  ['user_carol', 'org_acme'],
  ['user_carol', 'org_globex'],
  ['user_dave', 'org_globex'],
];

async function decodeMinted(jwt) {
  // verified by the SDK with the server's public key, as an app would
  return verifyToken(jwt, { jwtKey: env.jwtKey });
}

test(`has() parity on tokens minted after ${ROUNDS} random role setups`, async (t) => {
  const rng = makeRng(SEED ^ 0x9e3779b9);
  t.diagnostic(`seed ${SEED} (set HAS_PARITY_SEED to replay)`);
  const mismatches = [];
  const wrongPermissions = [];
  let total = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    await env.sim.reset();

    // custom permissions over a few features
    const features = rng.some(FEATURES, 1, 4);
    const created = [];
    for (const feature of features) {
      for (const action of rng.some(ACTIONS, 1, 3)) {
        const key = `org:${feature}:${action}`;
        const p = await perms().createOrganizationPermission({ name: key, key });
        created.push(p);
      }
    }
    // one to three custom roles holding random subsets of them
    const customRoles = {};
    for (const name of rng.some(['editor', 'auditor', 'publisher'], 1, 3)) {
      const chosen = rng.some(created, 0, created.length);
      const key = `org:${name}`;
      await roles().createOrganizationRole({
        name,
        key,
        permissions: chosen.map((p) => p.id),
        includeInInitialRoleSet: true,
      });
      customRoles[key] = chosen.map((p) => p.key).sort();
    }
    const roleOf = new Map(MEMBERSHIPS.map(([u, o]) => [`${u}/${o}`, u === 'user_alice' || (u === 'user_carol' && o === 'org_globex') ? 'org:admin' : 'org:member']));
    for (const m of REASSIGNABLE) {
      if (!rng.chance(0.7)) continue;
      const role = rng.pick(Object.keys(customRoles));
      await orgs().updateOrganizationMembership({ ...m, role });
      roleOf.set(`${m.userId}/${m.organizationId}`, role);
    }
    if (rng.chance(0.3)) {
      const res = await rawRequest(env, 'PATCH', '/v1/instance/organization_settings', {
        body: { force_organization_selection: false },
      });
      assert.equal(res.status, 200, res.text);
    }

    for (let s = 0; s < 4; s += 1) {
      const [userId, organizationId] = rng.chance(0.85) ? rng.pick(MEMBERSHIPS) : [rng.pick(['user_erin', 'user_bob']), undefined];
      const params = organizationId ? { userId, activeOrganizationId: organizationId } : { userId };
      const session = await env.clerk.sessions.createSession(params);
      const { jwt } = await env.clerk.sessions.getToken(session.id);
      const claims = await decodeMinted(jwt);

      // the token must carry exactly the custom permissions of the member's role
      if (organizationId) {
        const role = roleOf.get(`${userId}/${organizationId}`);
        const expected = customRoles[role] ?? [];
        const got = [...(sdkAuth(claims, false).orgPermissions ?? [])].sort();
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          wrongPermissions.push({ round, userId, organizationId, role, expected, got, claims });
        }
      }

      const known = [...created.map((p) => p.key), ...Object.keys(customRoles)];
      for (let c = 0; c < 10; c += 1) {
        let check = randomCheck(rng, claims);
        // bias towards names that exist in this round
        if (rng.chance(0.4)) {
          const name = rng.pick(known);
          check = name.split(':').length === 3 ? { permission: name } : { role: name };
        }
        const pending = randomPendingMode(rng);
        const sdk = sdkAnswer(claims, check, pending);
        const sim = await simAnswer({ token: jwt }, check, pending);
        total += 1;
        const problems = differences(sdk, sim);
        if (problems.length > 0) mismatches.push({ index: total, problems, input: { round, claims, check, treat_pending_as_signed_out: pending } });
      }
    }
  }
  if (wrongPermissions.length > 0) {
    assert.fail(
      `${wrongPermissions.length} minted token(s) decode to the wrong orgPermissions (seed ${SEED}):\n` +
        wrongPermissions.slice(0, SHOWN_MISMATCHES).map((w) => `  ${JSON.stringify(w)}`).join('\n'),
    );
  }
  report('minted tokens', total, mismatches);
});
