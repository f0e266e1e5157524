/**
 * The PR preview's data-flow chart as GitHub's readers see it: rendered by the real mermaid package in a
 * real headless Chromium, with both of Mermaid's label renderers, for every example project and for a
 * project full of hostile names. The labels' text is read back from the SVG and must be the intended text;
 * a PNG of each chart is kept in test-artifacts/mermaid/. Fails (never skips) when Chromium is missing.
 */
import fc from 'fast-check';
import { lexer, type Tokens } from 'marked';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  flowGraph,
  mermaidLabel,
  mermaidLabelText,
  mermaidOf,
  previewSide,
  renderPreview,
  type FlowGraph,
  type PreviewSide,
  type TaskStatus,
} from '../../src/github/preview.js';
import { ROOT, cleanupProjects, copyExample } from '../helpers/project.js';
import { openMermaid, type LabelMode, type MermaidPage, type Rendered } from './mermaidBrowser.js';

const MODES: LabelMode[] = ['html', 'svg'];
const EXAMPLES = readdirSync(path.join(ROOT, 'examples')).filter((d) =>
  existsSync(path.join(ROOT, 'examples', d, 'workflow.yaml')),
);

let mermaid: MermaidPage;
beforeAll(async () => {
  mermaid = await openMermaid();
}, 60_000);
afterAll(async () => {
  await mermaid?.close();
  cleanupProjects();
});

/**
 * What the chart should show: each node's and each edge's label, as the reader should read it. SVG text
 * labels are compared without spaces: Mermaid wraps them into rows, at spaces and inside words wider
 * than the label (200 px), and the rows do not say which; HTML labels are compared exactly.
 */
function intended(g: FlowGraph, mode: LabelMode): Pick<Rendered, 'nodes' | 'edges'> {
  const text = (s: string) => (mode === 'svg' ? mermaidLabelText(s).replace(/ /g, '') : mermaidLabelText(s));
  const nodes = Object.fromEntries(g.nodes.map((n) => [n.id, text(n.text)]));
  const edges: Record<string, string[]> = {};
  for (const e of g.edges) {
    const labels = edges[`${e.from}->${e.to}`] ?? [];
    labels.push(e.text === undefined ? '' : text(e.text));
    edges[`${e.from}->${e.to}`] = labels;
  }
  return { nodes, edges };
}

/** The labels read back, in the form `intended` gives for the mode. */
function shownText(r: Rendered, mode: LabelMode): Pick<Rendered, 'nodes' | 'edges'> {
  if (mode === 'html') return { nodes: r.nodes, edges: r.edges };
  const squeeze = (s: string) => s.replace(/ /g, '');
  return {
    nodes: Object.fromEntries(Object.entries(r.nodes).map(([k, v]) => [k, squeeze(v)])),
    edges: Object.fromEntries(Object.entries(r.edges).map(([k, v]) => [k, v.map(squeeze)])),
  };
}

/** Every other task new or changed, so the charts carry the classDef lines too. */
function marked(side: PreviewSide): Map<string, TaskStatus> {
  return new Map(side.gen.plan.tasks.map((t, i) => [t.component_name, i % 2 ? 'changed' : 'new']));
}

/**
 * The chart as GitHub gets it: the `mermaid` code blocks of the PR comment, read by a GFM parser. There
 * must be exactly one, and it must be the whole chart (no name closes the fence or adds a block).
 */
function chartOfComment(head: PreviewSide, base?: PreviewSide): string {
  const blocks = lexer(renderPreview(head, base)).filter(
    (t): t is Tokens.Code => t.type === 'code' && t.lang === 'mermaid',
  );
  expect(blocks).toHaveLength(1);
  return blocks[0]!.text;
}

test('the real mermaid release renders (the pinned devDependency)', () => {
  expect(mermaid.version).toBe('11.17.2');
});

describe.each(EXAMPLES)('examples/%s', (example) => {
  const side = previewSide(path.join(ROOT, 'examples', example));
  // no base: every task is new, as on the pull request that adds the project
  const graph = flowGraph(side, new Map(side.gen.plan.tasks.map((t) => [t.component_name, 'new'])));

  test('the PR comment carries the chart whole', () => {
    expect(chartOfComment(side)).toBe(mermaidOf(graph));
  });

  test.each(MODES)('%s labels show the names as written', async (mode) => {
    const shown = await mermaid.render(chartOfComment(side), mode);
    await mermaid.screenshot(`${example}.${mode}`);
    expect(shownText(shown, mode)).toEqual(intended(graph, mode));
    // the examples' names need no escaping at all: the HTML labels show exactly the plan's text
    if (mode === 'html') for (const n of graph.nodes) expect(shown.nodes[n.id]).toBe(n.text);
    expect(shown.active).toEqual([]);
  });
});

test('the labels of the issue read as text, e.g. "reading-ingest (edge)"', async () => {
  const side = previewSide(path.join(ROOT, 'examples', 'greenhouse'));
  for (const mode of MODES) {
    const labels = Object.values((await mermaid.render(mermaidOf(flowGraph(side)), mode)).nodes);
    expect(labels).toEqual(
      expect.arrayContaining([
        'reading-ingest (edge)',
        'humidity-alerts (edge, cloud)',
        'HTTP POST /readings',
        'table readings',
        'greenhouse.tick',
      ]),
    );
  }
});

// Names that try to leave the label or the diagram, inject HTML, links, images, directives, Markdown,
// KaTeX, icons, entity codes, line breaks or reversed text. (Words stay under a label's width: in SVG
// text labels Mermaid breaks a longer word at any character, an escape like `&lt;` too.)
const EVIL = [
  'a"] --> x[pwned',
  'b|c|d',
  'e]]; click t0 "javascript:alert(1)"',
  '````\nflowchart',
  '#quot; #40; &#40; &lt; &amp &copy',
  "%%{init: {'theme':'dark'}}%% and %% no comment",
  '<img src=//127.0.0.1:9/x> <b>bold</b> <script> alert(1) </script> <a href=//evil.test>l</a>',
  'x.> & {y} a>b a<b',
  '$$x^2$$ fa:fa-car a\\nb <br> c<br/>d',
  '`md` **bold** _it_ [l](https://evil.test) https://evil.test',
  'style a:#f00; classDef b:#0f0;',
  '\u202Eevil\u202C rtl',
  'tab\there\r\nnew\u2028line',
  'ü 漢字 🙂 @{ shape: circle } :::cls ;',
];

/** examples/greenhouse with every name, target, topic, path and table replaced by hostile strings. */
function hostile(): PreviewSide {
  const side = previewSide(copyExample('greenhouse'));
  const template = side.gen.plan.tasks.find((t) => t.http)!;
  const wfTemplate = side.wf.tasks.find((t) => t.database)!;
  const tasks = EVIL.map((s, i) => ({
    ...template,
    component_name: `${s} ${i}`,
    targets: [s, `t${i}`],
    source_topic: `${s}.in`,
    dest_topic: `${s}.out`,
    http: i === 0 ? { ...template.http!, path: `/${EVIL.join(' ')}` } : undefined,
  }));
  // one task consumes another's topic, so a topic edge between two tasks carries a hostile label too
  tasks[1]!.source_topic = tasks[0]!.dest_topic;
  const wf = {
    ...side.wf,
    tasks: tasks.map((t, i) => ({
      ...wfTemplate,
      component_name: t.component_name,
      database: i === 2 ? { ...wfTemplate.database!, table: EVIL[6]! } : undefined,
    })),
  };
  return { wf, gen: { ...side.gen, plan: { ...side.gen.plan, tasks } } };
}

describe('a chart of hostile names', () => {
  const side = hostile();
  const graph = flowGraph(side, marked(side));

  test('the PR comment carries the chart whole', () => {
    expect(chartOfComment(side)).toBe(
      mermaidOf(flowGraph(side, new Map(side.gen.plan.tasks.map((t) => [t.component_name, 'new'])))),
    );
  });

  test.each(MODES)('%s labels: every label shows its text, nothing else is drawn or loaded', async (mode) => {
    const before = mermaid.requests.length;
    const shown = await mermaid.render(mermaidOf(graph), mode);
    await mermaid.screenshot(`hostile.${mode}`);
    expect(shownText(shown, mode)).toEqual(intended(graph, mode));
    // exactly our nodes and edges: nothing broke out of a label into the diagram
    expect(Object.keys(shown.nodes).sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    // no HTML from a name: no images, links, scripts, icons or math; no request left the page
    expect(
      shown.tags.filter((t) => ['a', 'img', 'script', 'i', 'b', 'math', 'iframe', 'image', 'use'].includes(t)),
    ).toEqual([]);
    expect(shown.active).toEqual([]);
    expect(mermaid.requests.slice(before)).toEqual([]);
  });

  test('what changes is only what a quoted label cannot hold', () => {
    expect(mermaidLabelText('a"b')).toBe('a\u201Db');
    expect(mermaidLabelText(' tab\there\r\nnew\u2028line ')).toBe('tab here new line');
    expect(mermaidLabelText('\u202Eevil\u202C')).toBe('\uFFFDevil\uFFFD');
    // an empty label (`""` does not parse) is written as one space, which renders as nothing
    expect(mermaidLabel('\n')).toBe('" "');
    // the rest is shown exactly as written
    const plain = EVIL.filter((e) => !/["\t\r\n\u2028\u202C\u202E]/.test(e));
    expect(plain.length).toBeGreaterThan(8);
    for (const s of plain) expect(mermaidLabelText(s)).toBe(s);
  });
});

// Random names from the characters Mermaid, HTML and Markdown give a meaning to, in words short enough
// not to be broken inside (see EVIL), read back exactly (HTML labels) or without spaces (SVG labels).
const SPECIAL = [...'"#&;<>%{}$`\\:()[]|\'!*@/.=_-~^,+? \t'];
const TOKENS = ['#40;', '#quot;', '&lt;', '&amp', '%%{', '$$', 'fa:fa-', '\\n', '<b>', '<br>', '"]', 'style', ':#f;'];
const unit = fc.oneof(
  fc.constantFrom(...SPECIAL, 'a', 'f', 'n', 'l', 't', '4', 'ü', '漢', '\u202E', '\n'),
  fc.constantFrom(...TOKENS),
);
const word = fc.array(unit, { minLength: 1, maxLength: 4 }).map((u) => u.join(''));
const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));

test.each(MODES)('%s labels: random names of special characters read back as their text', async (mode) => {
  await fc.assert(
    fc.asyncProperty(fc.array(name, { minLength: 20, maxLength: 20 }), async (names) => {
      const graph: FlowGraph = {
        nodes: names.map((text, i) => ({
          id: `t${i}`,
          shape: (['task', 'http', 'table', 'topic'] as const)[i % 4]!,
          text,
        })),
        edges: names.slice(1).map((text, i) => ({ from: `t${i}`, to: `t${i + 1}`, text })),
        marked: { new: [], changed: [] },
      };
      const shown = await mermaid.render(mermaidOf(graph), mode);
      expect(shownText(shown, mode)).toEqual(intended(graph, mode));
      expect(shown.active).toEqual([]);
    }),
    { numRuns: 10, endOnFailure: true }, // (no shrinking: every try is a render; the diff names the label)
  );
});

describe('the check is live', () => {
  const side = previewSide(path.join(ROOT, 'examples', 'greenhouse'));
  const graph = flowGraph(side);

  test("the old '#40;' entity labels do not read back as their text", async () => {
    const old = mermaidOf(graph).replace(
      /"([^"]*)"/g,
      (_, l: string) => `"${l.replace(/[(),]/g, (c) => `#${c.codePointAt(0)};`)}"`,
    );
    expect(old).toContain('#40;edge#41;');
    const shown = await mermaid.render(old, 'svg');
    expect(shown.nodes.t0).not.toBe('reading-ingest (edge)');
  });

  test('an unescaped image tag is drawn and requested', async () => {
    const before = mermaid.requests.length;
    const shown = await mermaid.render('flowchart LR\n  t0["<img src=http://127.0.0.1:9/x.png>"]', 'html');
    expect(shown.tags).toContain('img');
    for (let i = 0; i < 50 && mermaid.requests.length === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(mermaid.requests.slice(before).join(' ')).toContain('127.0.0.1:9');
  });
});
