// The `clerk` CLI from npm (pinned in package.json) pointed at clerk-sim with
// CLERK_BACKEND_API_URL. It runs as a child process, non-TTY with stdin
// closed, in a fresh empty directory with its own HOME, so no linked project
// or login can be found and it works in keyless mode: `clerk api` and
// `clerk enable|disable orgs` talk to BAPI with the secret key from
// CLERK_SECRET_KEY.
//
// The CLI reaches clerk-sim through a small recording proxy. The proxy
// forwards with fetch, so every response the CLI gets is also checked against
// the OpenAPI document, and the recorded requests are printed when an
// assertion fails.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { rawRequest, useSim } from './harness.mjs';

const env = useSim();
const CLI_TIMEOUT_MS = 60_000;

const require = createRequire(import.meta.url);
const cliPackageDir = dirname(require.resolve('clerk/package.json'));
const cliVersion = require('clerk/package.json').version;
const cliScript = join(cliPackageDir, 'bin', 'clerk');

// ---------------------------------------------------------------------------
// recording proxy

const proxy = { server: null, url: null, log: [] };

before(async () => {
  proxy.server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!['host', 'connection', 'content-length', 'accept-encoding'].includes(k)) headers[k] = v;
    }
    const entry = { method: req.method, path: req.url, body: body.toString('utf8'), status: null, response: '' };
    proxy.log.push(entry);
    try {
      const upstream = await fetch(`${env.url}${req.url}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      entry.status = upstream.status;
      entry.response = await upstream.text();
      const out = {};
      const type = upstream.headers.get('content-type');
      if (type) out['content-type'] = type;
      res.writeHead(upstream.status, out);
      res.end(entry.response);
    } catch (e) {
      entry.status = 502;
      entry.response = String(e);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise((r) => proxy.server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${proxy.server.address().port}`;
});

after(async () => {
  await new Promise((r) => proxy.server.close(r));
});

// ---------------------------------------------------------------------------
// running the CLI

const dirs = [];

beforeEach(() => {
  proxy.log = [];
});

afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop(), { recursive: true, force: true });
});

function requestLog() {
  return proxy.log
    .map((e) => `  ${e.method} ${e.path}${e.body ? ` ${e.body}` : ''} -> ${e.status} ${e.response.slice(0, 300)}`)
    .join('\n');
}

// Runs `clerk ...args` and resolves to {code, signal, stdout, stderr}.
async function clerk(...args) {
  const root = await mkdtemp(join(tmpdir(), 'clerk-sim-cli-'));
  dirs.push(root);
  const cwd = join(root, 'project');
  const home = join(root, 'home');
  await mkdir(cwd);
  await mkdir(home);

  const childEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // nothing from the developer's own Clerk setup may leak in
    if (!k.startsWith('CLERK_') && k !== 'DO_NOT_TRACK' && k !== 'HOME' && !k.startsWith('XDG_')) childEnv[k] = v;
  }
  Object.assign(childEnv, {
    CLERK_BACKEND_API_URL: proxy.url, // no trailing slash: the CLI appends /v1/...
    CLERK_SECRET_KEY: env.secretKey,
    CLERK_NO_UPDATE_CHECK: '1',
    CLERK_TELEMETRY_DISABLED: '1',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
  });

  const child = spawn(process.execPath, [cliScript, ...args], {
    cwd,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // own process group, so a hung run can be stopped with its platform binary
  });
  child.stdin.end(); // stdin closed: nothing to answer a prompt with
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, CLI_TIMEOUT_MS);
  const { code, signal } = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearTimeout(timer);
  assert.ok(!timedOut, `clerk ${args.join(' ')} did not finish within ${CLI_TIMEOUT_MS} ms\n${requestLog()}`);
  assert.deepEqual(await readdir(cwd), [], 'the CLI must not write into the working directory');
  return { code, signal, stdout, stderr, args };
}

function describe(run) {
  return (
    `clerk ${cliVersion} ${run.args.join(' ')} exited ${run.code}${run.signal ? ` (${run.signal})` : ''}\n` +
    `stdout: ${run.stdout.slice(0, 1500)}\nstderr: ${run.stderr.slice(0, 1500)}\nrequests:\n${requestLog()}`
  );
}

function expectSuccess(run) {
  assert.equal(run.code, 0, describe(run));
}

async function organizationSettings() {
  const res = await rawRequest(env, 'GET', '/v1/instance/organization_settings');
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function requestsTo(method, path) {
  return proxy.log.filter((e) => e.method === method && e.path.split('?')[0] === path);
}

// ---------------------------------------------------------------------------

test('the pinned clerk CLI is installed with its platform binary', async () => {
  assert.ok(existsSync(cliScript), `missing ${cliScript}; run npm ci in tests/sdk`);
  const run = await clerk('--version');
  expectSuccess(run);
  assert.equal(run.stdout.trim(), cliVersion);
});

test('clerk api /organizations prints the organization list and exits 0', async () => {
  const run = await clerk('api', '/organizations');
  expectSuccess(run);
  let printed;
  try {
    printed = JSON.parse(run.stdout);
  } catch (e) {
    assert.fail(`stdout is not JSON (${e.message})\n${describe(run)}`);
  }
  const direct = await rawRequest(env, 'GET', '/v1/organizations');
  assert.deepEqual(printed, direct.json, 'the CLI prints what GET /v1/organizations answers');
  assert.equal(printed.total_count, 2);
  assert.deepEqual(printed.data.map((o) => o.id).sort(), ['org_acme', 'org_globex']);

  const seen = requestsTo('GET', '/v1/organizations');
  assert.equal(seen.length, 1, `expected one GET /v1/organizations\n${requestLog()}`);
  assert.equal(seen[0].status, 200);
});

test('clerk api /v1/organizations reaches the same endpoint', async () => {
  const run = await clerk('api', '/v1/organizations');
  expectSuccess(run);
  assert.equal(JSON.parse(run.stdout).total_count, 2, describe(run));
  assert.equal(requestsTo('GET', '/v1/organizations').length, 1, requestLog());
});

test('clerk api exits 1 on a 404 and shows the Clerk error', async () => {
  const run = await clerk('api', '/organizations/org_missing');
  assert.equal(run.code, 1, describe(run));
  assert.match(run.stdout + run.stderr, /resource_not_found/, describe(run));
});

test('clerk api with a body creates an organization without prompting when not on a TTY', async () => {
  const run = await clerk('api', '/organizations', '-d', JSON.stringify({ name: 'CLI Org', created_by: 'user_erin' }));
  expectSuccess(run);
  const created = JSON.parse(run.stdout);
  assert.equal(created.object, 'organization');
  assert.equal(created.name, 'CLI Org');
  const list = await env.clerk.organizations.getOrganizationList();
  assert.equal(list.totalCount, 3);
  assert.ok(list.data.some((o) => o.id === created.id && o.createdBy === 'user_erin'));
});

test('clerk disable orgs and clerk enable orgs switch organizations off and on', async () => {
  assert.equal((await organizationSettings()).enabled, true);

  const off = await clerk('disable', 'orgs');
  expectSuccess(off);
  assert.equal((await organizationSettings()).enabled, false, describe(off));
  const patches = requestsTo('PATCH', '/v1/instance/organization_settings');
  assert.equal(patches.length, 1, `expected one settings PATCH\n${requestLog()}`);
  assert.equal(JSON.parse(patches[0].body).enabled, false);
  assert.equal(patches[0].status, 200);

  // with organizations off, the API answers 403 and the CLI reports failure
  proxy.log = [];
  const refused = await clerk('api', '/organizations');
  assert.equal(refused.code, 1, describe(refused));
  assert.match(refused.stdout + refused.stderr, /organization_not_enabled_in_instance/, describe(refused));

  proxy.log = [];
  const on = await clerk('enable', 'orgs');
  expectSuccess(on);
  assert.equal((await organizationSettings()).enabled, true, describe(on));
  assert.equal(requestsTo('PATCH', '/v1/instance/organization_settings').length, 1, requestLog());

  const list = await clerk('api', '/organizations');
  expectSuccess(list);
  assert.equal(JSON.parse(list.stdout).total_count, 2);
});

test('clerk enable orgs with options sets the member limit, forced selection and creation defaults', async () => {
  // start from values the options have to change
  const prep = await rawRequest(env, 'PATCH', '/v1/instance/organization_settings', {
    body: { enabled: false, force_organization_selection: false },
  });
  assert.equal(prep.status, 200, prep.text);
  assert.equal(prep.json.organization_creation_defaults?.enabled, false);

  const run = await clerk('enable', 'orgs', '--force-selection', '--auto-create', '--max-members', '10');
  expectSuccess(run);
  const s = await organizationSettings();
  assert.equal(s.enabled, true);
  assert.equal(s.max_allowed_memberships, 10, describe(run));
  assert.equal(s.force_organization_selection, true);
  assert.equal(s.organization_creation_defaults?.enabled, true, describe(run));
  assert.deepEqual(s.organization_creation_defaults?.automatic_organization_creation, { enabled: true }, describe(run));
});
