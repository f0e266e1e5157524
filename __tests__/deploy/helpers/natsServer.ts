/**
 * A real nats-server on loopback for one test file: found on PELATO_NATS_SERVER, $(go env GOPATH)/bin
 * (where .ci/run installs it) or PATH; started on a free port with the given config; killed afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { natsServerBinary } from '../../../scripts/lattice/lattice.mjs';
import { freePort } from '../../helpers/net.js';

export { freePort };

export { natsServerBinary };

export interface NatsServer {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Starts nats-server with `config` (nats-server config syntax, without `listen`), waits until it is ready. */
export async function startNatsServer(config = '', files: Record<string, string> = {}): Promise<NatsServer> {
  const bin = natsServerBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-nats-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, 'server.conf');
    writeFileSync(conf, `listen: "127.0.0.1:${port}"\n${config}\n`);
    const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const ready = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 10000);
      child.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('Server is ready')) {
          clearTimeout(t);
          resolve(true);
        }
      });
      child.on('exit', () => {
        clearTimeout(t);
        resolve(false);
      });
    });
    if (ready) {
      return {
        port,
        url: `127.0.0.1:${port}`,
        dir,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => {
              rmSync(dir, { recursive: true, force: true });
              resolve();
            });
            child.kill('SIGTERM');
          }),
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 2 || !/address already in use/i.test(log)) throw new Error(`nats-server did not start:\n${log}`);
  }
}
