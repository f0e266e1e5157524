/**
 * The security settings of an HTTP task (http.auth, http.max_body, http.timeout, http.tls): what they
 * normalize to, where they land in the plan and the manifest, and every refusal with its position.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { generate } from '../../src/generate/generate.js';
import { wadmProblems } from '../../src/generate/wadmChecks.js';
import YAML from 'yaml';
import { parseWorkflow } from '../../src/load/workflow.js';
import { checkToken } from '../../src/load/httpRules.js';
import { cleanupProjects, GOOD_TASK, makeProject, ROOT } from '../helpers/project.js';
import { diagnosticsOf } from '../helpers/diagnostics.js';

afterAll(cleanupProjects);

const dir = makeProject({ 'tasks/in.go': GOOD_TASK });

/** A workflow with one HTTP task whose `http:` block is `http` (YAML lines, indented by 6). */
function yaml(http: string, extra = ''): string {
  return `project_name: Door
${extra}tasks:
  - name: Ingest
    type: http_producer_nats
    code: in.go
    targets: [edge]
    dest_topic: readings
    component_name: ingest
    version: 1.0.0
    http:
${http
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`;
}

const load = (text: string, builtinProviders = false) =>
  parseWorkflow(text, 'workflow.yaml', dir, { builtinProviders });

function problems(text: string, builtinProviders = false): string[] {
  return diagnosticsOf(() => load(text, builtinProviders)).map(
    (d) => `${d.line}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`,
  );
}

describe('http security settings', () => {
  test('defaults: 1 MiB, 10 s, no auth, no TLS', () => {
    expect(load(yaml('path: /in')).tasks[0]!.http).toEqual({
      path: '/in',
      address: '0.0.0.0:8000',
      max_body: 1048576,
      timeout_ms: 10000,
    });
  });

  test.each([
    ['512KiB', 524288],
    ['1 MiB', 1048576],
    ['2MB', 2000000],
    ['1000', 1000],
    ['"4096"', 4096],
  ])('max_body %s is %d bytes', (v, bytes) => {
    expect(load(yaml(`max_body: ${v}`)).tasks[0]!.http!.max_body).toBe(bytes);
  });

  test.each([
    ['10s', 10000],
    ['500ms', 500],
    ['2m', 120000],
    ['1.5s', 1500],
  ])('timeout %s is %d ms', (v, ms) => {
    expect(load(yaml(`timeout: ${v}`)).tasks[0]!.http!.timeout_ms).toBe(ms);
  });

  test('auth: bearer reads PELATO_HTTP_TOKEN; the long form names its own variable', () => {
    expect(load(yaml('auth: bearer')).tasks[0]!.http!.auth).toEqual({ type: 'bearer', token_env: 'PELATO_HTTP_TOKEN' });
    expect(load(yaml('auth: { type: bearer, token_env: SENSOR_TOKEN }')).tasks[0]!.http!.auth).toEqual({
      type: 'bearer',
      token_env: 'SENSOR_TOKEN',
    });
  });

  test('the plan and the manifest name the auth config and carry the TLS files, never a token', () => {
    const wf = load(
      yaml(
        'auth: { type: bearer, token_env: SENSOR_TOKEN }\ntimeout: 3s\n' +
          'tls: { cert_file: /etc/tls/cert.pem, key_file: /etc/tls/key.pem }',
      ),
    );
    const g = generate(wf);
    expect(g.plan.tasks[0]!.http).toEqual({
      path: '/',
      address: '0.0.0.0:8000',
      max_body: 1048576,
      timeout_ms: 3000,
      auth: { type: 'bearer', token_env: 'SENSOR_TOKEN', config: 'ingest-http-auth' },
      tls: { cert_file: '/etc/tls/cert.pem', key_file: '/etc/tls/key.pem' },
    });
    const manifest = g.files.get('ingest/wadm.yaml')!.toString();
    expect(manifest).toMatch(/config:\n\s+- name: ingest-http-auth\n/);
    expect(manifest).not.toMatch(/ingest-http-auth\n\s+properties/);
    for (const line of [
      'address: 0.0.0.0:8000',
      'timeout_ms: "3000"',
      'tls_cert_file: /etc/tls/cert.pem',
      'tls_priv_key_file: /etc/tls/key.pem',
    ])
      expect(manifest).toContain(line);
    expect(g.files.get('ingest/main.go')!.toString()).toMatch(/pelatoAuthRequired = true/);
    // The manifest is still one wadm takes: its JSON Schema and its put-time rules.
    const doc = YAML.parse(manifest) as Record<string, unknown>;
    const wadmSchema = new Ajv({ allErrors: true, strict: false }).compile(
      JSON.parse(readFileSync(path.join(ROOT, 'schema', 'wadm-oam.schema.json'), 'utf8')),
    );
    expect([wadmSchema(doc), wadmSchema.errors]).toEqual([true, null]);
    expect(wadmProblems(doc)).toEqual([]);
  });

  test('what validates matches the JSON schema, and what the schema refuses the loader refuses', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'workflow.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const doc = (http: Record<string, unknown>) => ({
      project_name: 'Door',
      tasks: [
        {
          name: 'Ingest',
          type: 'http_producer_nats',
          code: 'in.go',
          targets: ['edge'],
          dest_topic: 'readings',
          component_name: 'ingest',
          version: '1.0.0',
          http,
        },
      ],
    });
    const good = [
      { auth: 'bearer', max_body: '1MiB', timeout: '10s' },
      {
        auth: { type: 'bearer', token_env: 'SENSOR_TOKEN' },
        max_body: 4096,
        tls: { cert_file: '/c.pem', key_file: '/k.pem' },
      },
    ];
    for (const h of good) expect([validate(doc(h)), validate.errors]).toEqual([true, null]);
    const bad = [
      { auth: 'basic' },
      { max_body: 'lots' },
      { max_body: 100_000_000 },
      { max_body: 0 },
      { timeout: '10' },
      { tls: { cert_file: '/c.pem' } },
      { tls: { cert_file: 'c.pem', key_file: '/k.pem' } },
      { auth: { type: 'bearer', token_env: 'lower-case' } },
      { token: 'x' },
    ];
    for (const h of bad) expect(validate(doc(h))).toBe(false);
  });

  test.each([
    ['auth: basic', 'http.auth type "basic" is not supported'],
    ['auth: { type: bearer, token_env: NATS_PASSWORD }', "one of PELATO's own credential settings"],
    ['auth: { type: bearer, token_env: "my token" }', 'is not an environment variable name'],
    ['auth: { type: bearer, token: abc }', 'unknown http.auth field "token"'],
    ['auth: [bearer]', 'http.auth must be "bearer" or a mapping'],
    ['max_body: 1GB', 'http.max_body must be from 1 byte to 64 MiB'],
    ['max_body: 0', 'http.max_body must be from 1 byte to 64 MiB'],
    ['max_body: lots', 'http.max_body "lots" is not a size'],
    ['timeout: 10', 'http.timeout "10" is not a duration'],
    ['timeout: 20m', 'http.timeout must be from 100ms to 10m'],
    ['tls: { cert_file: /etc/c.pem }', 'missing http.tls.key_file'],
    ['tls: { cert_file: c.pem, key_file: /etc/k.pem }', 'http.tls.cert_file "c.pem" is not an absolute path'],
    ['tls: yes', 'http.tls must be a mapping'],
    ['toekn: x', 'unknown http field "toekn"'],
  ])('%s is refused at its line', (http, message) => {
    const found = problems(yaml(`path: /in\n${http}`));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^12: /);
    expect(found[0]).toContain(message);
  });

  test('TLS with the builtin http-server is refused: it would serve cleartext', () => {
    const tls = 'tls: { cert_file: /etc/c.pem, key_file: /etc/k.pem }';
    const builtin = 'providers: { http: wasmcloud+builtin://http-server }\n';
    expect(problems(yaml(tls, builtin))).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^12: http\.tls needs the http-server provider image: ` +
            String.raw`the hosts' builtin http-server .* serves plain HTTP only \(set providers\.http`,
        ),
      ),
    ]);
    expect(problems(yaml(tls), true)).toEqual([
      expect.stringMatching(/^11: http\.tls needs .*\(drop --builtin-providers/),
    ]);
    expect(problems(yaml(tls))).toEqual([]);
  });

  test('config keys starting with pelato_ are reserved (the token lives under pelato_http_token)', () => {
    expect(
      problems(yaml('auth: bearer').replace('    http:', '    config: { pelato_http_token: x }\n    http:')),
    ).toEqual([expect.stringMatching(/config key "pelato_http_token" is reserved/)]);
  });
});

describe('tokens as deploy and pelato dev accept them', () => {
  test.each([
    ['0123456789abcdef', undefined],
    ['c2VjcmV0LXRva2VuLXZhbHVl==', undefined],
    ['short', /is 5 characters long; use at least 16/],
    ['has space in it here', /holds characters a bearer token cannot have/],
    ['line\nbreak-0123456789', /holds characters/],
  ])('%j', (token, problem) => {
    const r = checkToken(token, 'SENSOR_TOKEN');
    if (problem) {
      expect(r).toMatch(problem);
      expect(r).not.toContain(token); // the message never repeats the token
    } else expect(r).toBeUndefined();
  });
});
