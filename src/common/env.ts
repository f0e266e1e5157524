/**
 * `.env` files, as the seed's CLI read them: KEY=VALUE lines, `#` comments, optional `export `, single or
 * double quotes (double quotes understand \n, and may span lines, e.g. for a creds file's contents).
 * The real environment always wins; the project's .env wins over the current directory's.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from './diagnostics.js';

export const DOTENV_FILE = '.env';

export function parseDotEnv(text: string, file = DOTENV_FILE): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) throw new PelatoError(`${file}:${i + 1}: expected KEY=VALUE`, 'comments start with #');
    const key = m[1]!;
    let value = m[2]!;
    const q = value[0];
    if (q === '"' || q === "'") {
      let body = value.slice(1);
      let end = findClose(body, q);
      while (end < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i]!;
        end = findClose(body, q);
      }
      if (end < 0) throw new PelatoError(`${file}:${i + 1}: unterminated ${q === '"' ? 'double' : 'single'}-quoted value of ${key}`);
      value = body.slice(0, end);
      if (q === '"') value = value.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c]!);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[key] = value;
  }
  return out;
}

function findClose(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

/**
 * The environment with `.env` values filled in where the real environment has nothing. `dirs` in order of
 * precedence (first wins). Returns a new object; process.env is not changed. Also says which files it read.
 */
export function withDotEnv(env: Record<string, string | undefined>, dirs: string[]): { env: Record<string, string | undefined>; files: string[] } {
  const merged: Record<string, string | undefined> = { ...env };
  const files: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const file = path.resolve(dir, DOTENV_FILE);
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    files.push(file);
    for (const [k, v] of Object.entries(parseDotEnv(readFileSync(file, 'utf8'), file))) {
      if (merged[k] === undefined) merged[k] = v;
    }
  }
  return { env: merged, files };
}
