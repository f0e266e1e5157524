/** `pelato dev`: build (no push), then run every task locally until Ctrl-C (or, with --once, until quiet). */
import { readPlan } from '../build/build.js';
import { PelatoError } from '../common/diagnostics.js';
import type { Reporter } from '../common/report.js';
import { openNats } from '../deploy/connect.js';
import { describeSettings, resolveNatsSettings } from '../deploy/settings.js';
import { InProcessBus, NatsBus, type Bus } from '../run/bus.js';
import { startDev } from '../run/dev.js';
import type { CliArgs } from './args.js';
import { genDirOf, runBuild } from './buildCommands.js';

export const DEV_ENV = { natsUrl: 'NATS_URL', databaseUrl: 'DATABASE_URL' } as const;

/** `--send subject=body`: the first `=` separates them, so bodies may contain `=`. */
export function parseSend(values: string[]): Array<{ subject: string; body: Uint8Array }> {
  return values.map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new PelatoError(`--send "${v}" is not subject=body`, 'e.g. --send hello.names=Ada');
    return { subject: v.slice(0, i), body: new Uint8Array(Buffer.from(v.slice(i + 1), 'utf8')) };
  });
}

export async function runDev(args: CliArgs, r: Reporter, env: NodeJS.ProcessEnv, generate: () => Promise<number>): Promise<number> {
  const sends = parseSend(args.send);
  const code = await generate();
  if (code !== 0) return code;
  const built = await runBuild({ ...args, json: true }, { out: () => {}, err: (l) => r.err(l) }, env, false);
  if (!built.ok) throw new PelatoError('some tasks did not build, so the workflow cannot run', 'see the errors above');
  const genDir = genDirOf(args);
  const plan = await readPlan(genDir);

  let bus: Bus;
  const natsUrl = args.natsUrl ?? env[DEV_ENV.natsUrl];
  if (natsUrl) {
    const handle = await openNats(resolveNatsSettings(env, { natsUrl }), { name: 'pelato-dev' });
    r.out(`bus: NATS at ${describeSettings(handle.settings)} (queue groups named after each app, as on the lattice)`);
    bus = new NatsBus(handle.nc, () => handle.close());
  } else {
    r.out('bus: in-process (set NATS_URL or --nats-url to use a NATS server)');
    bus = new InProcessBus();
  }
  const session = await startDev(plan, {
    genDir,
    bus,
    databaseUrl: env[DEV_ENV.databaseUrl],
    httpHost: '127.0.0.1',
    httpPortOffset: 0,
    log: (l) => r.out(l),
  });
  for (const m of sends) session.send(m);
  if (args.once) {
    await session.quiet();
  } else {
    r.out('running; Ctrl-C stops');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  }
  await session.stop();
  r.out('stopped');
  return 0;
}
