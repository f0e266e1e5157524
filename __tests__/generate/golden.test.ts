/**
 * Golden files: the generated trees of the examples, byte for byte. After an intended change, refresh
 * them with `UPDATE_GOLDEN=1 npm test -- golden` and review the diff. Every manifest is also checked
 * against wadm's JSON Schema and wadm's own put-time rules.
 */
import { Ajv } from 'ajv';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { generate } from '../../src/generate/generate.js';
import { listFiles } from '../../src/generate/render.js';
import { wadmProblems } from '../../src/generate/wadmChecks.js';
import { loadWorkflow } from '../../src/load/workflow.js';
import { templatesRoot } from '../../src/templates/catalog.js';
import { ROOT } from '../helpers/project.js';

const GOLDEN = path.join(ROOT, '__tests__', 'golden');
const EXAMPLES = ['temperature', 'greenhouse'];

const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'wadm-oam.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validateManifest = ajv.compile(schema);

/** Vendored WIT is compared with the template's copy instead of a second copy in golden/. */
const isVendoredWit = (rel: string) => rel.includes('/wit/deps/');

describe.each(EXAMPLES)('example %s', (name) => {
  const dir = path.join(ROOT, 'examples', name);
  // The golden tree stores paths relative to the example, not this machine's checkout.
  const g = generate(loadWorkflow(dir));
  const files = new Map([...g.files].filter(([rel]) => !isVendoredWit(rel)));

  test('matches the golden tree', () => {
    const goldenDir = path.join(GOLDEN, name);
    if (process.env.UPDATE_GOLDEN) {
      rmSync(goldenDir, { recursive: true, force: true });
      for (const [rel, data] of files) {
        mkdirSync(path.dirname(path.join(goldenDir, rel)), { recursive: true });
        writeFileSync(path.join(goldenDir, rel), data);
      }
    }
    const golden = listFiles(goldenDir);
    expect([...files.keys()].sort()).toEqual(golden);
    for (const rel of golden)
      expect(`${rel}\n${files.get(rel)!.toString()}`).toBe(
        `${rel}\n${readFileSync(path.join(goldenDir, rel), 'utf8')}`,
      );
  });

  test('vendors the WIT dependencies unchanged', () => {
    const vendored = [...g.files].filter(([rel]) => isVendoredWit(rel));
    expect(vendored.length).toBeGreaterThan(0);
    for (const [rel, data] of vendored) {
      const dep = rel.slice(rel.indexOf('/wit/deps/') + '/wit/deps/'.length);
      expect(dep).toMatch(/^[a-z0-9.-]+\.wit$/);
      expect(data.equals(readFileSync(path.join(templatesRoot(), '_wit', 'deps', dep)))).toBe(true);
    }
  });

  test("every manifest validates against wadm's schema and passes wadm's put-time checks", () => {
    for (const t of g.plan.tasks) {
      const doc = YAML.parse(g.files.get(t.manifest)!.toString());
      const ok = validateManifest(doc);
      if (!ok) throw new Error(`${t.manifest}: ${ajv.errorsText(validateManifest.errors)}`);
      expect(wadmProblems(doc as Record<string, unknown>)).toEqual([]);
    }
  });

  test('ids and config names do not clash when all apps share one lattice', () => {
    const ids: string[] = [];
    const configs: string[] = [];
    for (const t of g.plan.tasks) {
      const doc = YAML.parse(g.files.get(t.manifest)!.toString());
      for (const c of doc.spec.components) {
        ids.push(c.properties.id);
        for (const cfg of c.properties.config ?? []) configs.push(cfg.name);
        for (const tr of c.traits ?? [])
          for (const cfg of [...(tr.properties.source?.config ?? []), ...(tr.properties.target?.config ?? [])])
            if (cfg.properties) configs.push(cfg.name);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(configs).size).toBe(configs.length);
  });
});

describe('wadm checks catch what wadm would refuse', () => {
  test('duplicate ids, dangling links, image and application, custom traits, latest', () => {
    const bad = {
      metadata: { name: 'a.b', annotations: { version: 'latest' } },
      spec: {
        components: [
          {
            name: 'x',
            properties: { image: 'i', id: 'same' },
            traits: [
              {
                type: 'link',
                properties: { namespace: 'n', package: 'p', interfaces: ['i'], target: { name: 'ghost' } },
              },
              { type: 'autoscaler', properties: {} },
            ],
          },
          { name: 'x', properties: { image: 'i', application: { name: 'a' }, id: 'same' } },
        ],
      },
    };
    const problems = wadmProblems(bad).join('\n');
    for (const text of [
      'metadata.name',
      'latest',
      'duplicate component name',
      'duplicate component id',
      'exactly one of image and application',
      'custom trait "autoscaler"',
      'targets "ghost"',
    ]) {
      expect(problems).toContain(text);
    }
  });
});
