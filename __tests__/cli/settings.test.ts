/**
 * The settings table (src/common/settings.ts): one boolean grammar for every boolean setting, and the
 * environment handed down from the CLI (with .env merged) instead of process.env.
 */
import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from '../../src/common/diagnostics.js';
import { withDotEnv } from '../../src/common/env.js';
import { setting, SETTINGS, type SettingKey, type SettingSpec } from '../../src/common/settings.js';
import { runCli } from '../helpers/cli.js';
import { cleanupProjects, ROOT, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

const BOOLEANS = (Object.keys(SETTINGS) as SettingKey[]).filter(
  (k) => (SETTINGS[k] as SettingSpec).type === 'boolean' && (SETTINGS[k] as SettingSpec).env,
);
const SPELLINGS: Array<[string, boolean]> = [
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['1', true],
  ['yes', true],
  ['Yes', true],
  ['on', true],
  ['ON', true],
  [' on ', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
  ['0', false],
  ['no', false],
  ['No', false],
  ['off', false],
  ['Off', false],
];

describe('one boolean grammar', () => {
  test('the table has the boolean settings the issue names', () => {
    expect(BOOLEANS).toEqual(expect.arrayContaining(['builtinProviders', 'metrics', 'natsTlsFirst', 'debug']));
  });

  // every boolean setting × every environment name it has × every spelling, in the environment and in .env
  const cases = BOOLEANS.flatMap((key) =>
    ((SETTINGS[key] as SettingSpec).env ?? []).flatMap((name) =>
      SPELLINGS.map(([text, want]) => [key, name, text, want] as const),
    ),
  );
  test.each(cases)('%s: %s=%j is %s', (key, name, text, want) => {
    expect(setting({ [name]: text }, key)).toBe(want);
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), `${name}=${text.trim()}\n`);
    expect(setting(withDotEnv({}, [dir]).env, key)).toBe(want);
  });

  test.each(BOOLEANS.flatMap((key) => ['maybe', '2', 'enabled'].map((text) => [key, text] as const)))(
    '%s=%j is refused, naming the variable',
    (key, text) => {
      const name = (SETTINGS[key] as SettingSpec).env![0]!;
      let err: unknown;
      try {
        setting({ [name]: text }, key);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PelatoError);
      expect(err).toMatchObject({ kind: 'setting', message: `${name} must be true or false, got "${text}"` });
    },
  );

  test('unset or empty is the default; the seed .env values keep working', () => {
    expect(setting({}, 'metrics')).toBe(true);
    expect(setting({ ENABLE_METRICS: '' }, 'metrics')).toBe(true);
    expect(setting({ ENABLE_METRICS: 'True' }, 'metrics')).toBe(true);
    expect(setting({ ENABLE_METRICS: 'False' }, 'metrics')).toBe(false);
    expect(setting({}, 'builtinProviders')).toBe(false);
    expect(setting({ PARALLEL_BUILD: 'True' }, 'parallel')).toBeGreaterThanOrEqual(1);
    expect(setting({ PARALLEL_BUILD: 'off' }, 'parallel')).toBe(1);
    // PELATO's name wins over wash's
    expect(setting({ NATS_TLS_FIRST: 'no', WASH_CTL_TLS_FIRST: 'yes' }, 'natsTlsFirst')).toBe(false);
  });

  test(
    'through the CLI: PELATO_BUILTIN_PROVIDERS=on in a project .env ' + 'points the manifests at the builtin providers',
    async () => {
      const dir = tempDir();
      cpSync(path.join(ROOT, 'examples', 'temperature'), dir, {
        recursive: true,
        filter: (s) => !s.includes(`${path.sep}gen`),
      });
      writeFileSync(path.join(dir, '.env'), 'PELATO_BUILTIN_PROVIDERS=on\n');
      expect((await runCli({}, 'gen', dir)).code).toBe(0);
      expect(readFileSync(path.join(dir, 'gen', 'celsius_to_kelvin_conversion', 'wadm.yaml'), 'utf8')).toContain(
        'image: wasmcloud+builtin://messaging-nats',
      );
      writeFileSync(path.join(dir, '.env'), 'PELATO_BUILTIN_PROVIDERS=perhaps\n');
      const r = await runCli({}, 'gen', dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        'error: PELATO_BUILTIN_PROVIDERS must be true or false, got "perhaps"\n' +
          '  hint: write true/false, 1/0, yes/no or on/off',
      );
    },
  );
});

describe('the environment is passed down', () => {
  test("a project .env's PELATO_ORAS is the oras that build runs (process.env untouched)", async () => {
    const dir = tempDir();
    cpSync(path.join(ROOT, 'examples', 'hello'), dir, {
      recursive: true,
      filter: (s) => !s.includes(`${path.sep}gen`) && !s.includes(`${path.sep}.pelato`),
    });
    // A stand-in oras that records its arguments and fails the way a registry error does: the build stops
    // at its first registry lookup, before compiling anything.
    const log = path.join(dir, 'oras-calls.log');
    const fake = path.join(dir, 'fake-oras');
    writeFileSync(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho "Error: this is the project's own oras" >&2\nexit 3\n`,
    );
    chmodSync(fake, 0o755);
    writeFileSync(path.join(dir, '.env'), `PELATO_ORAS=${fake}\nREGISTRY_URL=127.0.0.1:5999/dotenv\n`);
    const before = process.env.PELATO_ORAS;
    const env = { PATH: process.env.PATH ?? '' };
    expect((await runCli(env, 'gen', dir)).code).toBe(0);
    const built = await runCli(env, 'build', dir);
    expect(built.code).toBe(1);
    expect(readFileSync(log, 'utf8')).toMatch(
      /^manifest fetch 127\.0\.0\.1:5999\/dotenv\/hello-greet:1\.0\.0 --plain-http$/m,
    );
    expect(built.err).toContain(
      'error: hello-greet: fetching 127.0.0.1:5999/dotenv/hello-greet:1.0.0: ' +
        "oras failed (exit 3): this is the project's own oras",
    );
    expect(process.env.PELATO_ORAS).toBe(before);
  });
});

describe('the documentation names every setting', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const template = readFileSync(path.join(ROOT, '.env.template'), 'utf8');
  test.each(Object.keys(SETTINGS) as SettingKey[])('%s', (key) => {
    const s: SettingSpec = SETTINGS[key];
    if (s.flag) expect(readme).toContain(`\`--${s.flag}`);
    for (const name of s.env ?? []) {
      expect(readme).toContain(name);
      expect(template).toContain(name);
    }
  });
});
