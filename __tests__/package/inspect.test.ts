/**
 * readInterfaces runs wasm-tools through the one process runner: a real component is read with the real
 * wasm-tools, with jco's copy when wasm-tools is missing, and a wasm-tools that fails is one message with
 * its stderr.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PelatoError } from '../../src/common/diagnostics.js';
import { readInterfaces } from '../../src/package/inspect.js';
import { cleanupProjects, makeProject, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

// wasm-tools: on PATH (GitHub runners) or where this project's machines keep it.
const PATH = [path.join(os.homedir(), '.cache', 'pelato', 'wasm-tools-1.240.0', 'bin'), process.env.PATH].join(
  path.delimiter,
);
const env = { PATH, HOME: os.homedir() };

const WIT = `package pelato:probe;
interface greet { hello: func(name: string) -> string; }
world probe {
  import wasi:logging/logging@0.1.0-draft;
  export greet;
}
`;
const LOGGING =
  'package wasi:logging@0.1.0-draft;\n' +
  'interface logging { enum level { trace, debug, info, warn, error, critical } log: func(level: level, ' +
  'context: string, message: string); }\n';

/** A component built from WIT by wasm-tools itself (a dummy core module, embedded and wrapped). */
function component(): Uint8Array {
  const dir = makeProject({ 'wit/probe.wit': WIT, 'wit/deps/logging/logging.wit': LOGGING });
  const run = (...args: string[]) => execFileSync('wasm-tools', args, { cwd: dir, env: { ...process.env, PATH } });
  run('component', 'embed', '--dummy', 'wit', '-w', 'probe', '-o', 'core.wasm');
  run('component', 'new', 'core.wasm', '-o', 'component.wasm');
  return readFileSync(path.join(dir, 'component.wasm'));
}

const expected = { imports: ['wasi:logging/logging@0.1.0-draft'], exports: ['pelato:probe/greet'] };

describe('readInterfaces', () => {
  let wasm: Uint8Array;
  beforeAll(() => {
    wasm = component();
  });

  test('with wasm-tools', async () => {
    expect(await readInterfaces(wasm, env)).toEqual(expected);
  });

  test('without wasm-tools: jco reads the same world', async () => {
    expect(await readInterfaces(wasm, { ...env, WASMTOOLS: path.join(tempDir(), 'no-such-wasm-tools') })).toEqual(
      expected,
    );
  }, 60_000);

  test('a wasm-tools that fails: one message with what it said', async () => {
    const fake = path.join(tempDir(), 'wasm-tools');
    writeFileSync(fake, '#!/bin/sh\necho "error: unexpected end-of-file" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const e = await readInterfaces(wasm, { ...env, WASMTOOLS: fake }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PelatoError);
    expect((e as PelatoError).message).toBe('wasm-tools could not read the component: error: unexpected end-of-file');
  });

  test('a core module is refused before anything runs', async () => {
    const core = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await expect(readInterfaces(core, { ...env, WASMTOOLS: '/nonexistent' })).rejects.toThrow(
      'the build produced a core WebAssembly module, not a component',
    );
  });
});
