/**
 * `.env` files, read by the dotenv package: KEY=VALUE lines, `#` comments, optional `export `, values in
 * single, double or back quotes that may span lines (a creds file's contents in NATS_CREDS_CONTENT), `\n`
 * in double quotes. dotenv rather than Node's util.parseEnv: on Node 20 (which PELATO supports) parseEnv
 * keeps a byte-order mark in the first key, glues a line without `=` onto the next key and cuts a value at
 * an escaped quote; dotenv is the grammar most .env files are written for.
 *
 * dotenv skips what it cannot read, and an unquoted `abc#def` loses `#def`; a value that is silently
 * dropped or cut is worse than a refusal, so the lines are checked first and such a file is refused at
 * its line. The real environment always wins; the project's .env wins over the current directory's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { PelatoError } from './diagnostics.js';
import { decodeUtf8 } from './utf8.js';

export const DOTENV_FILE = '.env';

export function parseDotEnv(text: string, file = DOTENV_FILE): Record<string, string> {
  checkLines(text, file);
  return dotenv.parse(text);
}

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:(?=\s))(.*)$/;
/** A quoted value as dotenv reads it: up to the first quote of the same kind not preceded by a backslash. */
const QUOTED: Record<string, RegExp> = { "'": /^'(?:\\'|[^'])*'/, '"': /^"(?:\\"|[^"])*"/, '`': /^`(?:\\`|[^`])*`/ };
const QUOTE_NAME: Record<string, string> = { "'": 'single', '"': 'double', '`': 'back' };

/** Throws at the first line dotenv would skip or cut: no KEY=, an unterminated quote, a `#` glued to a value. */
function checkLines(text: string, file: string): void {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) throw new PelatoError(`${file}:${i + 1}: expected KEY=VALUE`, 'comments start with #');
    const [, key, raw] = m as unknown as [string, string, string];
    const value = raw.trimStart();
    const quoted = QUOTED[value[0] ?? ''];
    if (quoted) {
      const close = quoted.exec([value, ...lines.slice(i + 1)].join('\n'));
      if (!close)
        throw new PelatoError(
          `${file}:${i + 1}: unterminated ${QUOTE_NAME[value[0]!]}-quoted value of ${key}`,
          `end it with ${value[0]}`,
        );
      i += close[0].split('\n').length - 1;
    } else if (/(^|\S)#/.test(raw)) {
      const col = line.length - raw.length + raw.search(/(^|\S)#/) + (/^#/.test(raw) ? 1 : 2);
      throw new PelatoError(
        `${file}:${i + 1}:${col}: the value of ${key} holds "#", which .env reads as the start of a comment`,
        `quote the value ('…') if the # belongs to it; put a space before a comment`,
      );
    }
  }
}

/**
 * The environment with `.env` values filled in where the real environment has nothing. `dirs` in order of
 * precedence (first wins). Returns a new object; process.env is not changed. Also says which files it read.
 */
export function withDotEnv(
  env: Record<string, string | undefined>,
  dirs: string[],
): { env: Record<string, string | undefined>; files: string[] } {
  const merged: Record<string, string | undefined> = { ...env };
  const files: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const file = path.resolve(dir, DOTENV_FILE);
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    if (!statSync(file).isFile())
      throw new PelatoError(
        `${file} is ${statSync(file).isDirectory() ? 'a folder' : 'not a regular file'}, not a settings file`,
        'it must be a file of KEY=VALUE lines (see .env.template), or absent',
      );
    files.push(file);
    const text = decodeUtf8(readFileSync(file), file, '.env');
    if ('message' in text) throw new PelatoError(`${text.file}:${text.line}:${text.col}: ${text.message}`, text.hint);
    for (const [k, v] of Object.entries(parseDotEnv(text.text, file))) {
      if (merged[k] === undefined) merged[k] = v;
    }
  }
  return { env: merged, files };
}
