/** Small gen/ folders (plan.json + one wadm.yaml per app) shaped like `pelato gen` writes them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Plan, PlannedTask } from '../../../src/model/plan.js';
import { tempDir } from '../../helpers/project.js';

export interface GenApp {
  app: string;
  version: string;
  /** Changes the manifest without changing the version. */
  minKelvin?: string;
  /** Component id override (for id clashes). */
  id?: string;
  /** Extra top-level manifest fields (for wadm parse errors). */
  extra?: Record<string, unknown>;
  /** Writes a wadm.pinned.yaml with this digest too. */
  pinnedDigest?: string;
}

export function manifestFor(a: GenApp, image = `localhost:5000/pelato/${a.app}:${a.version}`): Record<string, unknown> {
  return {
    apiVersion: 'core.oam.dev/v1beta1',
    kind: 'Application',
    metadata: { name: a.app, annotations: { version: a.version, description: `task ${a.app}` } },
    spec: {
      components: [
        {
          name: 'task',
          type: 'component',
          properties: {
            image,
            id: a.id ?? `${a.app}-task`,
            config: [{ name: `${a.app}-config`, properties: { min_kelvin: a.minKelvin ?? '200' } }],
          },
          traits: [
            {
              type: 'spreadscaler',
              properties: {
                instances: 1,
                spread: [{ name: 'cloud', requirements: { 'host-type': 'cloud' }, weight: 100 }],
              },
            },
          ],
        },
      ],
    },
    ...a.extra,
  };
}

/** Writes DIR/gen for the apps into `dir` (a new temp project when not given) and returns DIR. */
export function writeGen(apps: GenApp[], dir = tempDir(), lattice = 'default'): string {
  const gen = path.join(dir, 'gen');
  mkdirSync(gen, { recursive: true });
  const tasks = apps.map(
    (a): PlannedTask => ({
      name: `task ${a.app}`,
      type: 'processor_nats',
      app: a.app,
      component_name: a.app,
      version: a.version,
      image: `localhost:5000/pelato/${a.app}:${a.version}`,
      targets: ['cloud'],
      placement: 'every_host',
      instances: 1,
      language: 'go',
      code: 'x.go',
      dir: a.app,
      manifest: `${a.app}/wadm.yaml`,
      wit_package: 'pelato:task@0.1.0',
      world: 'processor-nats',
      exports: [],
      providers: ['messaging'],
      template_revision: 1,
      content_hash: 'sha256:00',
    }),
  );
  const plan: Plan = { schema: 1, project_name: 'deploy test', registry: 'localhost:5000/pelato', lattice, tasks };
  writeFileSync(path.join(gen, 'plan.json'), JSON.stringify(plan, null, 2));
  for (const a of apps) {
    mkdirSync(path.join(gen, a.app), { recursive: true });
    writeFileSync(path.join(gen, a.app, 'wadm.yaml'), stringify(manifestFor(a)));
    if (a.pinnedDigest)
      writeFileSync(
        path.join(gen, a.app, 'wadm.pinned.yaml'),
        stringify(manifestFor(a, `localhost:5000/pelato/${a.app}@${a.pinnedDigest}`)),
      );
  }
  return dir;
}
