/**
 * Renders Mermaid charts with the real mermaid package (devDependency, pinned) in a real headless
 * Chromium (Debian's `chromium`, installed by scripts/install-test-tools.sh; PELATO_CHROMIUM names another
 * binary) and reads back what the SVG shows. The page loads nothing from the network: every request is
 * refused and recorded, so a label that smuggles in an image or a link shows up as a request.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../helpers/project.js';

export const CHROMIUM = process.env.PELATO_CHROMIUM || '/usr/bin/chromium';
const MERMAID = path.join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
/** Screenshots of the rendered charts (gitignored). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'mermaid');

/** The flags of a headless run on a machine with a closed network and no profile. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Mermaid's two label renderers: HTML inside foreignObject (the flowchart default) and SVG text. */
export type LabelMode = 'html' | 'svg';

export interface Rendered {
  /** Node id (as written in the chart) → the text its label shows, word joiners (U+2060) removed. */
  nodes: Record<string, string>;
  /** `from->to` → the texts of that edge's labels ('' for an edge without one). */
  edges: Record<string, string[]>;
  /** Tag names of every element inside the SVG. */
  tags: string[];
  /** Attributes that could run script or follow a link: `on*`, `href`, `xlink:href`, `src`. */
  active: string[];
}

/** The little of the DOM the page function uses (the project compiles without the DOM library). */
interface DomElement {
  id: string;
  tagName: string;
  textContent: string | null;
  innerHTML: string;
  attributes: Iterable<{ name: string; value: string }>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement> & { length: number };
}

export interface MermaidPage {
  /** The version of the mermaid package the page runs. */
  version: string;
  /** Every request the page tried to make (all refused). */
  requests: string[];
  render(chart: string, mode: LabelMode): Promise<Rendered>;
  /** A PNG of the chart rendered last, under ARTIFACTS; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openMermaid(): Promise<MermaidPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: ` +
        'run scripts/install-test-tools.sh (Debian package chromium) or set PELATO_CHROMIUM',
    );
  }
  // A new, empty profile per run (playwright passes it to Chromium as --user-data-dir).
  const profile = mkdtempSync(path.join(os.tmpdir(), 'pelato-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1600, height: 900 },
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  const page: Page = context.pages()[0] ?? (await context.newPage());
  await page.setContent(
    '<!doctype html><html><head><meta charset="utf-8"></head><body><div id="out"></div></body></html>',
  );
  await page.addScriptTag({ path: MERMAID });
  const version = (
    JSON.parse(readFileSync(path.join(MERMAID, '..', '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  let n = 0;
  return {
    version,
    requests,
    async render(chart, mode) {
      n++;
      return page.evaluate(
        async ({ chart, html, id }) => {
          type Mermaid = { initialize(c: object): void; render(id: string, text: string): Promise<{ svg: string }> };
          const mermaid = (globalThis as unknown as { mermaid: Mermaid }).mermaid;
          mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', htmlLabels: html });
          const document = (globalThis as unknown as { document: { getElementById(id: string): DomElement | null } })
            .document;
          const out = document.getElementById('out')!;
          out.innerHTML = (await mermaid.render(id, chart)).svg;
          const svg = out.querySelector('svg')!;
          // SVG text labels are one tspan row per line (Mermaid wraps at spaces; a word wider than the
          // label, 200 px, it breaks anywhere); HTML labels are one text run.
          const text = (el: DomElement) => {
            const rows = el.querySelectorAll('tspan.text-outer-tspan');
            return (rows.length ? [...rows].map((r) => r.textContent ?? '').join(' ') : (el.textContent ?? '')).replace(
              /\u2060/g,
              '',
            );
          };
          const nodes: Record<string, string> = {};
          for (const g of svg.querySelectorAll('g.node')) {
            const m = new RegExp(`^${id}-flowchart-(.+)-\\d+$`).exec(g.id);
            if (m) nodes[m[1]!] = text(g.querySelector('.label') ?? g);
          }
          const edges: Record<string, string[]> = {};
          for (const l of svg.querySelectorAll('g.edgeLabel g.label[data-id]')) {
            const [, from, to] = /^L_(.+?)_(.+)_\d+$/.exec(l.getAttribute('data-id')!)!;
            const labels = edges[`${from}->${to}`] ?? [];
            labels.push(text(l));
            edges[`${from}->${to}`] = labels;
          }
          const all = [...svg.querySelectorAll('*')];
          const active = all.flatMap((el) =>
            [...el.attributes]
              .filter((a) => /^on|href$|^src$/i.test(a.name))
              .map((a) => `${el.tagName} ${a.name}=${a.value}`),
          );
          return { nodes, edges, tags: [...new Set(all.map((el) => el.tagName.toLowerCase()))].sort(), active };
        },
        { chart, html: mode === 'html', id: `chart${n}` },
      );
    },
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.locator('#out svg').screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
