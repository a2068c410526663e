// Response contract checks against the BAPI OpenAPI document.
//
// loadContract() reads the spec once and returns a checker that, given a
// method, a URL path, a status, a content type and a body, lists every way the
// response departs from the operation's documented response schema.
// installFetchGuard() wraps globalThis.fetch so that every response coming back
// from a registered clerk-sim origin goes through that checker; what it finds
// is collected until takeViolations() drains it.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const SCHEMA_ROOT_ID = 'bapi-spec';

// OpenAPI 3.0 schemas are almost JSON Schema. Two things need adjusting before
// ajv can use them: `nullable: true` becomes an explicit null alternative, and
// refs into #/components/schemas move to #/$defs so they resolve inside one
// root schema.
function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.replace(/^#\/components\/schemas\//, `${SCHEMA_ROOT_ID}#/$defs/`);
    } else if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) {
      // dropped: nullable is handled below, the rest are annotations
    } else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      // property names are data, not keywords: keep them all
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (node.nullable === true) {
    if (out.$ref || out.allOf || out.oneOf || out.anyOf) {
      // a composed schema (which may also say `type: object`): null is the other alternative
      const { description, ...rest } = out;
      return { ...(description ? { description } : {}), anyOf: [rest, { type: 'null' }] };
    }
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (Array.isArray(out.type)) {
      if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    }
    // nullable with no type at all already accepts anything, null included
  }
  return out;
}

// Keys a closed schema of the document lacks but clerk-sim sends on purpose.
// The clerk CLI (`clerk enable orgs`, `clerk config patch`) sends
// force_organization_selection and organization_creation_defaults to
// PATCH /v1/instance/organization_settings and then requires every field it
// sent to be echoed in the response, so the settings object carries them.
// The 2026-05-12 document closes OrganizationSettings without them. Exactly
// these two keys are accepted on top; any other extra key still fails.
const EXTRA_PROPERTIES = {
  OrganizationSettings: {
    force_organization_selection: { type: 'boolean' },
    organization_creation_defaults: { type: 'object', properties: { enabled: { type: 'boolean' } } },
  },
};

function tolerateExtraProperties(defs) {
  for (const [name, extra] of Object.entries(EXTRA_PROPERTIES)) {
    const schema = defs[name];
    if (!schema || typeof schema !== 'object') continue;
    // a key the document declares itself keeps the document's schema
    schema.properties = { ...extra, ...(schema.properties ?? {}) };
  }
}

// List operations whose 200 body depends on the `paginated` query flag. The
// document describes only the bare array; with paginated=true (which the SDK
// always sends for sessions) the server answers {data: [...], total_count}
// instead, with the same items. The envelope is checked closed.
const PAGINATED_ENVELOPES = new Set(['GetSessionList']);

function isPaginated(query) {
  return new URLSearchParams(query ?? '').get('paginated') === 'true';
}

function templateMatcher(template) {
  // "/organizations/{organization_id}/memberships" -> regex plus a score that
  // favours literal segments, so /users/count wins over /users/{user_id}.
  const segments = template.split('/').filter(Boolean);
  let literals = 0;
  const pattern = segments
    .map((seg) => {
      if (/^\{[^}]+\}$/.test(seg)) return '[^/]+';
      literals += 1;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^/${pattern}/?$`), literals, segments: segments.length };
}

export function loadContract(specFile) {
  const doc = YAML.parse(readFileSync(specFile, 'utf8'));
  const serverPath = new URL(doc.servers?.[0]?.url ?? 'https://api.clerk.com/v1').pathname.replace(/\/$/, '');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: Number.isInteger });
  for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  for (const f of ['binary', 'byte', 'password']) ajv.addFormat(f, () => true);
  const defs = toJsonSchema(doc.components?.schemas ?? {});
  tolerateExtraProperties(defs);
  ajv.addSchema({ $id: SCHEMA_ROOT_ID, $defs: defs });

  const responses = doc.components?.responses ?? {};
  const resolveResponse = (r) => {
    let guard = 0;
    while (r && r.$ref && guard++ < 10) r = responses[r.$ref.replace('#/components/responses/', '')];
    return r;
  };

  const operations = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[method]) operations.push({ method: method.toUpperCase(), template, op: item[method], ...templateMatcher(template) });
    }
  }

  const compiled = new Map();
  const validatorFor = (key, schema) => {
    if (!compiled.has(key)) compiled.set(key, ajv.compile(toJsonSchema(schema)));
    return compiled.get(key);
  };
  const errorSchemaValidator = validatorFor('ClerkErrors', { $ref: '#/components/schemas/ClerkErrors' });

  function findOperation(method, path) {
    if (!path.startsWith(`${serverPath}/`)) return null;
    const rel = path.slice(serverPath.length);
    const hits = operations.filter((o) => o.method === method && o.regex.test(rel));
    hits.sort((a, b) => b.literals - a.literals);
    return hits[0] ?? null;
  }

  // Returns a list of problems (empty when the response is as documented).
  function check({ method, path, status, contentType, bodyText, query = '' }) {
    const problems = [];
    const found = findOperation(method, path);
    if (!found) {
      problems.push({ message: `no operation ${method} ${path} in the spec` });
      return { operation: null, problems };
    }
    const opName = `${found.op.operationId ?? '?'} (${method} ${serverPath}${found.template})`;
    const declared = found.op.responses ?? {};
    const statusKey = String(status);
    let response = resolveResponse(declared[statusKey] ?? declared[`${statusKey[0]}XX`]);
    let validate;
    let schemaName;
    if (response) {
      const media = response.content?.['application/json'];
      if (!media) {
        if (status !== 204 && bodyText.length > 0 && response.content) {
          problems.push({ message: `status ${status} is documented without a JSON body but one was sent` });
        }
        return { operation: opName, problems };
      }
      if (media.schema && status === 200 && PAGINATED_ENVELOPES.has(found.op.operationId) && isPaginated(query)) {
        schemaName = `{data, total_count} envelope around the ${statusKey} array (paginated=true)`;
        validate = validatorFor(`${found.template} ${method} ${statusKey} paginated`, {
          type: 'object',
          required: ['data', 'total_count'],
          additionalProperties: false,
          properties: { data: media.schema, total_count: { type: 'integer', minimum: 0 } },
        });
      } else if (media.schema) {
        schemaName = media.schema.$ref ?? `inline schema for ${statusKey}`;
        validate = validatorFor(`${found.template} ${method} ${statusKey}`, media.schema);
      }
    } else if (status >= 400) {
      schemaName = '#/components/schemas/ClerkErrors (fallback: status not listed for this operation)';
      validate = errorSchemaValidator;
    } else {
      problems.push({ message: `success status ${status} is not documented for ${opName}` });
      return { operation: opName, problems };
    }
    if (status === 204) return { operation: opName, problems };
    if (contentType !== 'application/json') {
      problems.push({
        message: `content-type must be exactly "application/json" (the SDK compares with ===), got ${JSON.stringify(contentType)}`,
      });
    }
    let body;
    try {
      body = JSON.parse(bodyText);
    } catch (e) {
      problems.push({ message: `body is not JSON: ${e.message}; body=${bodyText.slice(0, 200)}` });
      return { operation: opName, problems };
    }
    if (validate && !validate(body)) {
      problems.push({ message: `body does not match ${schemaName}`, errors: validate.errors });
    }
    return { operation: opName, problems };
  }

  return { check, findOperation, serverPath };
}

// ---------------------------------------------------------------------------
// webhook payloads

// The webhooks document lists each event under `x-webhooks` as a POST whose
// body is the envelope with that event's `data`. loadWebhookContract() returns
// check(body) -> problems for a delivered body, by its `type`, or null when the
// document is absent.
//
// Two habits of the document are read the way Clerk means them:
// - A payload extends a closed object schema with allOf (SessionEventPayload is
//   Session plus `user`). Taken literally that can never validate, so such an
//   allOf is merged into one closed object with the extra properties. The
//   invitation payloads put their extra `public_organization_data` under a
//   stray `data` key; it is lifted to the top level, where the SDK's
//   OrganizationInvitationJSON has it.
// - session.pending exists as an event, but the webhook Session schema's
//   status enum lacks "pending".
function mergeClosedAllOf(node, schemas) {
  if (Array.isArray(node)) return node.map((n) => mergeClosedAllOf(n, schemas));
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mergeClosedAllOf(v, schemas)]));
  const members = out.allOf;
  if (!Array.isArray(members)) return out;
  const base = members.find((m) => m.$ref && schemas[m.$ref.replace('#/components/schemas/', '')]);
  const closed = base && schemas[base.$ref.replace('#/components/schemas/', '')];
  if (!closed || closed.additionalProperties !== false) return out;
  const properties = { ...closed.properties };
  const required = [...(closed.required ?? [])];
  for (const m of members) {
    if (m === base) continue;
    const { data, ...extra } = m.properties ?? {};
    Object.assign(properties, extra);
    if (data?.properties && !properties.data) Object.assign(properties, data.properties);
    else if (data) properties.data = data;
    required.push(...(m.required ?? []).filter((r) => r in properties));
  }
  const { allOf, ...rest } = out;
  return { ...rest, type: 'object', additionalProperties: false, properties, required };
}

export function loadWebhookContract(specFile) {
  if (!existsSync(specFile)) return null;
  const doc = YAML.parse(readFileSync(specFile, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: Number.isInteger });
  for (const f of ['float', 'double', 'binary', 'byte', 'password']) ajv.addFormat(f, () => true);
  const schemas = doc.components?.schemas ?? {};
  const sessionStatus = schemas.Session?.properties?.status;
  if (Array.isArray(sessionStatus?.enum) && !sessionStatus.enum.includes('pending')) sessionStatus.enum.push('pending');
  const defs = toJsonSchema(mergeClosedAllOf(schemas, schemas));
  ajv.addSchema({ $id: SCHEMA_ROOT_ID, $defs: defs });
  const events = doc['x-webhooks'] ?? {};
  const compiled = new Map();
  return {
    types: Object.keys(events),
    check(body) {
      const event = events[body?.type];
      if (!event) return [{ message: `no event ${JSON.stringify(body?.type)} in the webhooks document` }];
      if (!compiled.has(body.type)) {
        const schema = mergeClosedAllOf(event.post.requestBody.content['application/json'].schema, schemas);
        compiled.set(body.type, ajv.compile(toJsonSchema(schema)));
      }
      const validate = compiled.get(body.type);
      return validate(body) ? [] : [{ message: `${body.type} body does not match the document`, errors: validate.errors }];
    },
  };
}

// ---------------------------------------------------------------------------
// fetch guard

const state = {
  installed: false,
  contract: null,
  origins: new Set(),
  violations: [],
  checked: 0,
};

// node --test runs each file in its own process; a marker keyed by the
// runner's pid keeps the missing-spec notice to one per run.
function firstNoticeOfRun() {
  try {
    writeFileSync(join(tmpdir(), `clerk-sim-sdk-nospec-${process.ppid}`), '', { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

export function installFetchGuard(specFile) {
  if (state.installed) return state;
  state.installed = true;
  if (specFile && existsSync(specFile)) {
    state.contract = loadContract(specFile);
  } else if (firstNoticeOfRun()) {
    process.stderr.write(
      `\n[sdk-tests] NOTICE: OpenAPI spec not found at ${specFile}; ` +
        'responses will NOT be checked against the BAPI schema in this run.\n\n',
    );
  }
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function guardedFetch(input, init) {
    // Read method and URL without building a Request, so no body gets consumed.
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const url = new URL(isRequest ? input.url : String(input));
    const method = String(init?.method ?? (isRequest ? input.method : 'GET')).toUpperCase();
    const response = await realFetch(input, init);
    if (state.contract && state.origins.has(url.origin) && url.pathname.startsWith(`${state.contract.serverPath}/`)) {
      const bodyText = response.status === 204 ? '' : await response.clone().text();
      const { operation, problems } = state.contract.check({
        method,
        path: url.pathname,
        status: response.status,
        contentType: response.headers.get('content-type'),
        bodyText,
        query: url.search,
      });
      state.checked += 1;
      for (const p of problems) {
        state.violations.push({
          request: `${method} ${url.pathname}${url.search}`,
          status: response.status,
          operation,
          ...p,
          body: bodyText.length > 600 ? `${bodyText.slice(0, 600)}…` : bodyText,
        });
      }
    }
    return response;
  };
  return state;
}

export function watchOrigin(url) {
  state.origins.add(new URL(url).origin);
}

export function forgetOrigin(url) {
  state.origins.delete(new URL(url).origin);
}

export function contractActive() {
  return state.contract !== null;
}

export function checkedCount() {
  return state.checked;
}

export function takeViolations() {
  const out = state.violations;
  state.violations = [];
  return out;
}

export function formatViolations(list) {
  return list
    .map((v) => {
      const lines = [`${v.request} -> ${v.status} [${v.operation ?? 'unknown operation'}]: ${v.message}`];
      for (const e of v.errors ?? []) {
        lines.push(`    at ${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
      }
      if (v.body) lines.push(`    body: ${v.body}`);
      return lines.join('\n');
    })
    .join('\n');
}
