// clerk-sim check-app against examples/express-orgs, a real Express app using
// @clerk/express: the correct app agrees with Clerk's rules on every run, and each
// classic mistake (switched on with BUGS=...) is found, shrunk, and reported with
// the route it concerns.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { repoRoot, simBinary, useSim } from './harness.mjs';

const exampleDir = resolve(repoRoot, 'examples', 'express-orgs');
const manifest = join(exampleDir, 'manifest.json');
const env = useSim({ clock: 'wall', fixture: join(exampleDir, 'fixture.json') });
const apps = [];

after(() => {
  for (const child of apps) child.kill('SIGTERM');
});

async function startApp(bugs = '', clerk = null) {
  assert.ok(existsSync(join(exampleDir, 'node_modules')), 'run npm ci in examples/express-orgs (make test does)');
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLERK_')));
  Object.assign(childEnv, {
    CLERK_API_URL: clerk?.apiUrl ?? env.sim.apiUrl,
    CLERK_SECRET_KEY: clerk?.secretKey ?? env.secretKey,
    CLERK_PUBLISHABLE_KEY: clerk?.publishableKey ?? env.publishableKey,
    CLERK_TELEMETRY_DISABLED: '1',
    PORT: '0',
    BUGS: bugs,
  });
  const child = spawn(process.execPath, [join(exampleDir, 'app.mjs')], { cwd: exampleDir, env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  apps.push(child);
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('the example app did not start')), 15_000);
    lines.on('line', (line) => {
      const m = /^listening (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });
}

function checkApp(appUrl, extra = []) {
  const args = ['check-app', '--app', appUrl, '--manifest', manifest, '--sim', env.url, '--secret-key', env.secretKey,
    '--runs', '200', '--seed', '1', ...extra];
  const run = spawnSync(simBinary, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('the correct app agrees with Clerk on every generated world and request', async () => {
  const url = await startApp();
  const junit = join(mkdtempSync(join(tmpdir(), 'check-app-')), 'report.xml');
  const { status, output } = checkApp(url, ['--junit', junit]);
  assert.equal(status, 0, output);
  assert.match(output, /200 passed, 0 failed/);
  assert.doesNotMatch(output, /warning:/, 'the example manifest is clean');
  assert.match(readFileSync(junit, 'utf8'), /failures="0"/);
});

const flaws = [
  ['slug-guard', /GET \/orgs\/\{slug\}\/(dashboard|settings|billing|posts) was allowed .* not \{slug\} is the active organization's slug/],
  ['admin-check', /GET \/orgs\/\{slug\}\/settings was allowed .* not has\(\{role: 'org:admin'\}\)/],
  ['org-scope', /POST \/orgs\/\{slug\}\/posts wrote to the organization named in the body/],
  ['sys-permission', /GET \/orgs\/\{slug\}\/billing was denied \(403\) but Clerk's rules allow it/],
];

for (const [bug, expected] of flaws) {
  test(`BUGS=${bug} is found and shrunk to a world and a request that show it`, async () => {
    const url = await startApp(bug);
    const { status, output } = checkApp(url);
    assert.equal(status, 1, output);
    assert.match(output, /MISMATCH after \d+ agreeing runs/);
    assert.match(output, expected);
    assert.match(output, /^request: {2}(GET|POST) \/orgs\//m);
    assert.match(output, /^reproduce \(while the world above is loaded\):\n {2}curl -i -X (GET|POST) /m);
    assert.match(output, /"sub": "user_/, 'the token claims are shown');
  });
}

test('a manifest that checks a system permission on the server, or skips the slug match, is warned about', async () => {
  const url = await startApp();
  const dir = mkdtempSync(join(tmpdir(), 'check-app-'));
  const risky = join(dir, 'manifest.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(risky, JSON.stringify([
    { method: 'GET', path: '/orgs/{slug}/billing', params: { slug: 'org_slug' }, requires: { signed_in: true, permission: 'org:sys_billing:manage' }, allow: [200], deny: [401, 403, 404] },
  ]));
  const run = spawnSync(simBinary, ['check-app', '--app', url, '--manifest', risky, '--sim', env.url, '--secret-key', env.secretKey, '--runs', '5'], { encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  assert.match(output, /warning: GET \/orgs\/\{slug\}\/billing: requires permission org:sys_billing:manage, a system permission/);
  assert.match(output, /warning: GET \/orgs\/\{slug\}\/billing: names an organization in the URL but does not require org_slug_match/);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify([{ method: 'GET', path: '/x', requires: { sudo: true } }]));
  const bad = spawnSync(simBinary, ['check-app', '--app', url, '--manifest', broken, '--sim', env.url], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(`${bad.stdout}${bad.stderr}`, /manifest entry 0: unknown requirement sudo/);
});

test('without --sim, check-app serves the Backend API for the app itself, on the port the app was given', async () => {
  const { createServer } = await import('node:net');
  const port = await new Promise((res) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => res(free));
    });
  });
  const host = `127.0.0.1:${port}`;
  const url = await startApp('', {
    apiUrl: `http://${host}`,
    secretKey: 'sk_test_express_orgs',
    publishableKey: `pk_test_${Buffer.from(`${host}$`).toString('base64')}`,
  });
  const run = spawnSync(simBinary, ['check-app', '--app', url, '--manifest', manifest, '--port', String(port),
    '--fixture', join(exampleDir, 'fixture.json'), '--runs', '60', '--seed', '3'], { encoding: 'utf8', timeout: 120_000 });
  const output = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, output);
  assert.match(output, new RegExp(`^clerk-sim serving the app's Backend API on http://${host}$`, 'm'));
  assert.match(output, /^CLERK_PUBLISHABLE_KEY=pk_test_/m);
  assert.match(output, /60 passed, 0 failed/);
});
