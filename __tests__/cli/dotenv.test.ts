/**
 * `.env` files (src/common/env.ts): the forms the seed's .env.template and the README use, a whole NATS
 * creds file in NATS_CREDS_CONTENT, and the lines dotenv would skip or cut, which are refused at their line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withDotEnv, parseDotEnv } from '../../src/common/env.js';
import { PelatoError } from '../../src/common/diagnostics.js';
import { materializeCreds } from '../../src/nats/connect.js';
import { cleanupProjects, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

/** What `nsc generate creds` writes (the JWT and seed are made-up values of the right shape). */
const CREDS = `-----BEGIN NATS USER JWT-----
eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJBQkMiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU
------END USER NKEY SEED------

*************************************************************
`;

function refusal(text: string): PelatoError {
  try {
    parseDotEnv(text, 'p/.env');
  } catch (e) {
    expect(e).toBeInstanceOf(PelatoError);
    return e as PelatoError;
  }
  throw new Error(`accepted: ${JSON.stringify(text)}`);
}

describe('.env forms that work', () => {
  test("the seed's .env.template: empty values, True/False, host and port", () => {
    expect(
      parseDotEnv(
        'REGISTRY_URL=\nREGISTRY_USER=\nREGISTRY_PASSWORD=\nPARALLEL_BUILD=True\n' +
          'NATS_HOST=localhost\nNATS_PORT=4222\nENABLE_METRICS=True\n',
      ),
    ).toEqual({
      REGISTRY_URL: '',
      REGISTRY_USER: '',
      REGISTRY_PASSWORD: '',
      PARALLEL_BUILD: 'True',
      NATS_HOST: 'localhost',
      NATS_PORT: '4222',
      ENABLE_METRICS: 'True',
    });
  });

  test('comments, export, spaces around =, a comment after a value, quotes, \\n in double quotes, CRLF, a BOM', () => {
    expect(
      parseDotEnv(
        '\uFEFF# c\r\nexport A=1\r\nB = two words # note\r\nC="x\\ny"\r\nD=\'$not #expanded\'\r\nE=`back`\r\nF=\r\n',
      ),
    ).toEqual({
      A: '1',
      B: 'two words',
      C: 'x\ny',
      D: '$not #expanded',
      E: 'back',
      F: '',
    });
  });

  test.each([
    ['double quotes', `"${CREDS}"`],
    ['single quotes', `'${CREDS}'`],
    ['double quotes with \\n escapes on one line', `"${CREDS.replace(/\n/g, '\\n')}"`],
  ])('a whole creds file in NATS_CREDS_CONTENT, in %s, and the lines after it', (_, quoted) => {
    const env = parseDotEnv(`NATS_URL=nats://127.0.0.1:4222\nNATS_CREDS_CONTENT=${quoted}\nAFTER=1\n`);
    expect(env).toEqual({ NATS_URL: 'nats://127.0.0.1:4222', NATS_CREDS_CONTENT: CREDS, AFTER: '1' });
    // and it reaches the file the NATS connection reads, byte for byte
    const f = materializeCreds(env.NATS_CREDS_CONTENT!, tempDir());
    try {
      expect(readFileSync(f.file, 'utf8')).toBe(CREDS);
    } finally {
      f.remove();
    }
  });

  test('a # inside quotes or after a space is kept or a comment, as written', () => {
    expect(parseDotEnv('P=\'abc#def\'\nQ="a # b"\nR=abc # def\nS= # only a comment\n')).toEqual({
      P: 'abc#def',
      Q: 'a # b',
      R: 'abc',
      S: '',
    });
  });

  test('the real environment wins; the first folder wins over later ones', () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(path.join(a, '.env'), 'X=from-a\nY=from-a\n');
    writeFileSync(path.join(b, '.env'), 'X=from-b\nY=from-b\nZ=from-b\n');
    const r = withDotEnv({ X: 'real' }, [a, b]);
    expect(r.env).toMatchObject({ X: 'real', Y: 'from-a', Z: 'from-b' });
    expect(r.files).toEqual([path.join(a, '.env'), path.join(b, '.env')]);
  });
});

describe('lines dotenv would skip or cut are refused at their line', () => {
  test('a line without KEY=', () => {
    const e = refusal('A=1\noops\nB=2\n');
    expect(e.message).toBe('p/.env:2: expected KEY=VALUE');
  });

  test('an unterminated quote (dotenv would keep the quote in the value and read on)', () => {
    expect(refusal('A=1\nNATS_CREDS_CONTENT="-----BEGIN NATS USER JWT-----\neyJ\n').message).toBe(
      'p/.env:2: unterminated double-quoted value of NATS_CREDS_CONTENT',
    );
    expect(refusal("B='x\n").message).toBe('p/.env:1: unterminated single-quoted value of B');
  });

  test('a # glued to an unquoted value (a password abc#123 would become abc), with its column', () => {
    const e = refusal('REGISTRY_PASSWORD=abc#123\n');
    expect(e.message).toBe(
      'p/.env:1:22: the value of REGISTRY_PASSWORD holds "#", which .env reads as the start of a comment',
    );
    expect(e.hint).toMatch(/quote the value/);
    expect(refusal('TOKEN=#abc\n').message).toMatch(/^p\/\.env:1:7: the value of TOKEN holds "#"/);
  });

  test('a line inside a multi-line value is part of it, not a line of its own', () => {
    expect(parseDotEnv('A="first\nnot a key line\nlast"\nB=2\n')).toEqual({ A: 'first\nnot a key line\nlast', B: '2' });
  });
});
