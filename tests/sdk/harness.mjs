// Test harness for the SDK suite.
//
// - startSim() launches the clerk-sim binary on a free port and returns
//   {url, secretKey, publishableKey, jwtKey, clerk, reset(), stop()}. The
//   clock defaults to frozen; pass {clock: 'wall'} when the real SDK has to
//   accept the server's session tokens, since it checks exp/nbf/iat against
//   the real time.
// - useSim() wires a server into a test file: one server per file, a fixture
//   reset before every test, and a check after every test that no response
//   broke the OpenAPI contract.
// - expectClerkError() asserts the shape of a ClerkAPIResponseError.
//
// The fetch guard must be in place before @clerk/backend is evaluated, because
// the SDK captures globalThis.fetch when its module loads. That is why the SDK
// is loaded here with a dynamic import, after installFetchGuard() has run, and
// why test files should take createClerkClient and the error classes from this
// module instead of importing @clerk/backend themselves.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, afterEach, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  checkedCount,
  contractActive,
  forgetOrigin,
  formatViolations,
  installFetchGuard,
  takeViolations,
  watchOrigin,
} from './openapi.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const specFile = resolve(repoRoot, '..', 'shared', 'spec', 'bapi_2026-05-12.yml');
export const webhookSpecFile = resolve(repoRoot, '..', 'shared', 'spec', 'webhooks_2025-04-15.yml');
export const defaultFixture = resolve(repoRoot, 'fixtures', 'default.json');
export const simBinary = process.env.CLERK_SIM_BIN
  ? resolve(process.env.CLERK_SIM_BIN)
  : resolve(here, '..', '..', 'build', 'clerk-sim');

installFetchGuard(specFile);

const backend = await import('@clerk/backend');
const errors = await import('@clerk/backend/errors');
const internal = await import('@clerk/backend/internal');
export const { createClerkClient, verifyToken } = backend;
export const { ClerkAPIResponseError, isClerkAPIResponseError } = errors;
// getAuthObjectFromJwt turns verified claims into the auth object that
// authenticateRequest(...).toAuth() hands out, has() included.
export const { AuthStatus, getAuthObjectFromJwt } = internal;
export { checkedCount, contractActive };

const LISTENING = /^clerk-sim listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
// After the listening line the server prints these, one NAME=value per line.
const BANNER_VARS = {
  CLERK_API_URL: 'apiUrl',
  CLERK_SECRET_KEY: 'secretKey',
  CLERK_PUBLISHABLE_KEY: 'publishableKey',
  CLERK_JWT_KEY: 'jwtKey',
  CLERK_WEBHOOK_SIGNING_SECRET: 'webhookSecret',
};
const STARTUP_TIMEOUT_MS = 10_000;

export function makeClient(url, secretKey) {
  return createClerkClient({ secretKey, apiUrl: url, telemetry: { disabled: true } });
}

// Starts clerk-sim. `args` are appended after the standard ones.
export async function startSim({ fixture = defaultFixture, args = [], clock = 'frozen' } = {}) {
  if (!existsSync(simBinary)) {
    throw new Error(`clerk-sim binary not found at ${simBinary}; build it or set CLERK_SIM_BIN`);
  }
  const argv = ['serve', '--port', '0', '--clock', clock, '--fixture', fixture, ...args];
  const child = spawn(simBinary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

  const lines = createInterface({ input: child.stdout });
  const seen = [];
  const banner = await new Promise((resolveBanner, rejectBanner) => {
    let url = null;
    const vars = {};
    let settled = false;
    const timer = setTimeout(() => fail(new Error('timed out waiting for the listening line')), STARTUP_TIMEOUT_MS);
    function fail(err) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      err.message += `\n  command: ${simBinary} ${argv.join(' ')}\n  stdout: ${seen.join('\n')}\n  stderr: ${stderr}`;
      rejectBanner(err);
    }
    lines.on('line', (line) => {
      seen.push(line);
      if (seen.length === 1) {
        const m = LISTENING.exec(line);
        if (!m) return fail(new Error(`unexpected first stdout line: ${JSON.stringify(line)}`));
        url = m[1];
        return undefined;
      }
      const m = /^([A-Z_]+)=(.+)$/.exec(line);
      if (m && BANNER_VARS[m[1]]) vars[BANNER_VARS[m[1]]] = m[2];
      // the banner is complete once every variable has been printed
      if (url && !settled && Object.values(BANNER_VARS).every((k) => vars[k] !== undefined)) {
        settled = true;
        clearTimeout(timer);
        resolveBanner({ url, ...vars });
      }
      return undefined;
    });
    exited.then(({ code, signal }) => fail(new Error(`clerk-sim exited early (code ${code}, signal ${signal})`)));
  });
  // keep draining stdout so the child never blocks on a full pipe
  lines.on('line', () => {});

  watchOrigin(banner.url);
  let stopped = false;
  const sim = {
    url: banner.url,
    apiUrl: banner.apiUrl,
    secretKey: banner.secretKey,
    publishableKey: banner.publishableKey,
    jwtKey: banner.jwtKey,
    webhookSecret: banner.webhookSecret,
    clock,
    process: child,
    clerk: makeClient(banner.url, banner.secretKey),
    async reset() {
      const res = await fetch(`${banner.url}/__sim/reset`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${banner.secretKey}` },
      });
      if (res.status !== 200) throw new Error(`POST /__sim/reset answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer().catch(() => {});
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      forgetOrigin(banner.url);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return sim;
}

// Registers the per-file lifecycle and returns a holder whose `sim` and `clerk`
// fields are filled in once the server is up. `options` go to startSim(), so
// a file that verifies session tokens with the SDK uses useSim({clock: 'wall'}).
export function useSim(options = {}) {
  const env = {
    sim: null,
    clerk: null,
    url: null,
    secretKey: null,
    publishableKey: null,
    jwtKey: null,
    webhookSecret: null,
  };
  before(async () => {
    env.sim = await startSim(options);
    env.clerk = env.sim.clerk;
    env.url = env.sim.url;
    env.secretKey = env.sim.secretKey;
    env.publishableKey = env.sim.publishableKey;
    env.jwtKey = env.sim.jwtKey;
    env.webhookSecret = env.sim.webhookSecret;
  });
  after(async () => {
    await env.sim?.stop();
  });
  beforeEach(async () => {
    takeViolations();
    await env.sim.reset();
    takeViolations();
  });
  afterEach(() => {
    const found = takeViolations();
    if (found.length > 0) {
      const text = formatViolations(found);
      process.stderr.write(`\n[sdk-tests] OpenAPI contract violations:\n${text}\n`);
      throw new Error(`${found.length} response(s) did not match the OpenAPI spec:\n${text}`);
    }
  });
  return env;
}

// Sends a raw request to clerk-sim (still observed by the fetch guard).
export async function rawRequest(env, method, path, { body, headers = {} } = {}) {
  const res = await fetch(`${env.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${env.secretKey}`,
      'Content-Type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Awaits `promise`, expects it to reject with a ClerkAPIResponseError and
// checks status, reason phrase, trace id and the first error's code and
// meta.paramName. Returns the error for further checks.
export async function expectClerkError(promise, { status, code, paramName } = {}) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected the call to fail with ${status} ${code}, but it succeeded`);
  const summary = `status=${err.status} errors=${JSON.stringify(err.errors)} message=${JSON.stringify(err.message)}`;
  assert.ok(isClerkAPIResponseError(err), `expected a ClerkAPIResponseError, got ${err?.name}: ${err?.message}`);
  assert.ok(err instanceof ClerkAPIResponseError, 'error is not an instance of ClerkAPIResponseError');
  if (status !== undefined) {
    assert.equal(err.status, status, `wrong status (${summary})`);
    assert.equal(err.message, STATUS_CODES[status], `err.message should be the reason phrase (${summary})`);
  }
  assert.ok(Array.isArray(err.errors) && err.errors.length > 0, `errors[] is empty (${summary})`);
  if (code !== undefined) assert.equal(err.errors[0].code, code, `wrong error code (${summary})`);
  if (paramName !== undefined) assert.equal(err.errors[0].meta?.paramName, paramName, `wrong meta.paramName (${summary})`);
  assert.equal(typeof err.errors[0].message, 'string');
  assert.ok(err.errors[0].message.length > 0, 'errors[0].message is empty');
  assert.equal(typeof err.errors[0].longMessage, 'string');
  assert.equal(typeof err.clerkTraceId, 'string', `clerkTraceId missing (${summary})`);
  assert.ok(err.clerkTraceId.length > 0, `clerkTraceId is empty (${summary})`);
  return err;
}

// Moves the frozen clock forward so that objects created next get a later
// created_at than everything before them.
export async function advanceClock(env, ms) {
  const res = await rawRequest(env, 'POST', '/__sim/clock', { body: { advance_ms: ms } });
  if (res.status !== 200) throw new Error(`POST /__sim/clock answered ${res.status}: ${res.text}`);
  return res.json.now_ms;
}

// Sets the server's clock to `ms` (epoch milliseconds). In wall mode the
// clock keeps running from there; a reset brings it back to the real time.
export async function setClock(env, ms) {
  const res = await rawRequest(env, 'POST', '/__sim/clock', { body: { set_ms: ms } });
  if (res.status !== 200) throw new Error(`POST /__sim/clock answered ${res.status}: ${res.text}`);
  return res.json.now_ms;
}

// Current time of the server's clock, in epoch milliseconds.
export async function simNow(env) {
  const res = await rawRequest(env, 'GET', '/__sim/clock');
  if (res.status !== 200) throw new Error(`GET /__sim/clock answered ${res.status}: ${res.text}`);
  return res.json.now_ms;
}

// Name of the SDK resource class an object was built as (the bundled classes
// carry a leading underscore in their runtime name).
export function kindOf(value) {
  return value?.constructor?.name?.replace(/^_+/, '');
}

// The nine system permissions every instance has, sorted.
export const SYSTEM_PERMISSION_KEYS = [
  'org:sys_billing:manage',
  'org:sys_billing:read',
  'org:sys_domains:manage',
  'org:sys_domains:read',
  'org:sys_entconns:manage',
  'org:sys_memberships:manage',
  'org:sys_memberships:read',
  'org:sys_profile:delete',
  'org:sys_profile:manage',
];
