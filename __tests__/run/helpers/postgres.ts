/**
 * A real PostgreSQL server (Debian's postgresql package) in a temporary folder on a free loopback port.
 * initdb refuses to run as root, so as root the server runs as the `postgres` system user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../helpers/net.js';

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort() : [];
  const bin = versions.map((v) => path.join(root, v, 'bin', name)).find(existsSync);
  if (!bin)
    throw new Error(`PostgreSQL's ${name} not found under ${root}: install the postgresql package (.ci/run does)`);
  return bin;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-pg-'));
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  execFileSync(...run(pgBin('initdb'), ['-D', data, '-U', 'pelato', '--auth=trust', '-E', 'UTF8']), { stdio: 'pipe' });
  const port = await freePort();
  const child: ChildProcess = spawn(
    ...run(pgBin('postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir]),
    { stdio: 'ignore' },
  );
  const url = `postgres://pelato@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => {});
      if (i > 100) throw new Error(`PostgreSQL did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      // pg_ctl, because a signal to runuser does not reach the server behind it.
      const exited = new Promise((r) => child.once('exit', r));
      execFileSync(...run(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'pipe' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
