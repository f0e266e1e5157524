/**
 * The pull-request preview: its Markdown (table, Mermaid, diffs) and the one comment it keeps, against a fake
 * GitHub REST API.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  markPreviewOutdated,
  OUTDATED_NOTE,
  upsertPreviewComment,
  type CommentTarget,
} from '../../src/github/comments.js';
import {
  COMMENT_LIMIT,
  mermaidFlow,
  natsMatch,
  previewMarkdown,
  previewSide,
  PREVIEW_MARKER,
  renderPreview,
  unifiedDiff,
  type PreviewSide,
} from '../../src/github/preview.js';
import { cleanupProjects, copyExample, tempDir } from '../helpers/project.js';
import { loadAction, loadYaml, parseOutputs } from './actionFiles.js';
import { spawn } from 'node:child_process';
import { ROOT } from '../helpers/project.js';

/** runStep of actionFiles.ts, but asynchronous: the fake API lives in this process and must keep answering. */
async function runStepAsync(
  dir: string,
  stepId: string,
  workspace: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
) {
  const action = loadAction(dir);
  const step = action.runs.steps.find((s) => s.id === stepId)!;
  const value = (expr: string) =>
    expr.replace(
      /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
      (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '',
    );
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, value(String(v))]));
  const runner = tempDir();
  const files = { GITHUB_OUTPUT: path.join(runner, 'output'), GITHUB_STEP_SUMMARY: path.join(runner, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const script = path.join(runner, 'step.sh');
  writeFileSync(script, step.run!);
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runner,
      GITHUB_ACTION_PATH: path.join(ROOT, dir),
      ...files,
      ...env,
      ...stepEnv,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

afterAll(cleanupProjects);

const TOKEN = 'ghs_s3cr3tT0kenValue1234567890';

/** examples/temperature with the filter changed, the HTTP task removed and two tasks added. */
function modifiedTemperature(): string {
  const dir = copyExample('temperature');
  const wfFile = path.join(dir, 'workflow.yaml');
  let wf = readFileSync(wfFile, 'utf8');
  // removed: the HTTP conversion task
  wf = wf.replace(/ {2}- name: Temp data conversion[\s\S]*?(?=\n {2}- name: Data filter)/, '');
  // changed: the filter's version and code
  wf = wf.replace('version: 1.0.2', 'version: 1.1.0');
  writeFileSync(
    path.join(dir, 'tasks', 'filter.go'),
    readFileSync(path.join(dir, 'tasks', 'filter.go'), 'utf8') + '\n// tightened\n',
  );
  // new: an HTTP ingest publishing where the filter listens, and an alert task on the filtered readings
  wf += `
  - name: Kelvin ingest
    type: http_producer_nats
    code: convert.go
    targets: [edge, gateway]
    dest_topic: living_room_kelvin_data
    component_name: kelvin_ingest
    version: 0.1.0
    http:
      path: /kelvin
      address: 0.0.0.0:8001

  - name: Alerts
    type: processor_nats
    code: filter.go
    targets: [cloud]
    source_topic: filtered_kelvin_data
    dest_topic: alerts.kelvin
    component_name: kelvin_alerts
    version: 1.0.0
`;
  writeFileSync(wfFile, wf);
  return dir;
}

describe('preview Markdown', () => {
  const base = copyExample('temperature');
  const head = modifiedTemperature();
  const md = previewMarkdown(head, base, 'Pull request #5 against main');

  test('starts with the marker and stays under the comment limit', () => {
    expect(md.startsWith(`${PREVIEW_MARKER}\n`)).toBe(true);
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain('2 new, 1 changed, 1 removed, 0 unchanged');
  });

  test('one table row per task with its status against the base', () => {
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| status') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(4);
    const row = (name: string) => rows.find((r) => r.includes(`| ${name} |`)) ?? '';
    expect(row('temp\\_filter')).toMatch(
      new RegExp(
        String.raw`^\| ✏️ changed \(code, version, manifest\) \| temp\\_filter \| processor\\_nats \| cloud \| ` +
          String.raw`living\\_room\\_kelvin\\_data → filtered\\_kelvin\\_data \| 1\.0\.2 → 1\.1\.0 \|$`,
      ),
    );
    expect(row('kelvin\\_ingest')).toBe(
      '| 🆕 new | kelvin\\_ingest | http\\_producer\\_nats | edge, gateway | ' +
        'HTTP /kelvin → living\\_room\\_kelvin\\_data | 0.1.0 |',
    );
    expect(row('kelvin\\_alerts')).toContain('| 🆕 new |');
    expect(row('celsius\\_to\\_kelvin\\_conversion')).toMatch(
      new RegExp(
        String.raw`^\| 🗑️ removed \| celsius\\_to\\_kelvin\\_conversion \| http\\_producer\\_nats \| edge \| ` +
          String.raw`HTTP \/readings → living\\_room\\_kelvin\\_data \| 1\.0\.0 \|$`,
      ),
    );
  });

  test('an unchanged project is all unchanged and has no diff', () => {
    const same = previewMarkdown(base, base);
    expect(same).toContain('0 new, 0 changed, 0 removed, 2 unchanged');
    expect(same).not.toContain('```diff');
  });

  test('Mermaid flowchart: tasks, topic edges, the HTTP input and new/changed classes', () => {
    const flow = /```mermaid\n([\s\S]*?)\n```/.exec(md)![1]!;
    expect(flow.split('\n')[0]).toBe('flowchart LR');
    // head plan order: temp_filter (t0), kelvin_ingest (t1), kelvin_alerts (t2)
    // plain text stays plain inside quoted labels (mermaid-render.test.ts renders it in a browser)
    expect(flow).toContain('t0["temp_filter (cloud)"]');
    expect(flow).toContain('t1["kelvin_ingest (edge, gateway)"]');
    expect(flow).toContain('h0(["HTTP POST /kelvin"])');
    expect(flow).toContain('h0 --> t1');
    expect(flow).toContain('t1 -->|"living_room_kelvin_data"| t0');
    expect(flow).toContain('t0 -->|"filtered_kelvin_data"| t2');
    expect(flow).toMatch(/out\d+>"alerts.kelvin"\]/);
    expect(flow).toContain('class t1,t2 new');
    expect(flow).toContain('class t0 changed');
  });

  test('per app a collapsed block with the manifest and a line diff against the base', () => {
    const block = (app: string) =>
      new RegExp(`<details><summary>${app}: [^<]*</summary>[\\s\\S]*?</details>`).exec(md)?.[0] ?? '';
    const filter = block('temp\\\\_filter');
    expect(filter).toContain('```diff\n@@ ');
    expect(filter).toMatch(/\n-.*:1\.0\.2\n/);
    expect(filter).toMatch(/\n\+.*:1\.1\.0\n/);
    expect(filter).toContain('```yaml\n# Generated by pelato');
    const removed = block('celsius\\\\_to\\\\_kelvin\\\\_conversion');
    expect(removed).toContain('Removed manifest:');
    expect(removed).toContain('\n-  name: celsius_to_kelvin_conversion\n');
    expect(removed).not.toContain('```yaml');
    const added = block('kelvin\\\\_ingest');
    expect(added).toMatch(/@@ -0,0 \+1,\d+ @@/);
  });

  test('the base may be missing or invalid', () => {
    const empty = tempDir();
    expect(previewMarkdown(head, empty)).toContain('The base branch has no workflow.yaml here');
    expect(previewMarkdown(head, empty)).toContain('4 new'.replace('4', '3'));
    const broken = copyExample('temperature');
    writeFileSync(path.join(broken, 'workflow.yaml'), 'project_name: [');
    expect(previewMarkdown(head, broken)).toContain("base branch's workflow does not validate");
    expect(previewMarkdown(broken, base)).toContain('does not validate');
  });

  test('long manifests are truncated with a note and the whole stays under the limit', () => {
    const h = previewSide(head);
    const b = previewSide(base);
    const big = Buffer.from('x: ' + 'y'.repeat(50) + '\n'.repeat(1))
      .toString()
      .repeat(3000);
    const inflated: PreviewSide = {
      wf: h.wf,
      gen: {
        plan: h.gen.plan,
        files: new Map(
          [...h.gen.files].map(([k, v]) => [k, k.endsWith('wadm.yaml') ? Buffer.from(big + v.toString()) : v]),
        ),
      },
    };
    const out = renderPreview(inflated, b);
    expect(out.length).toBeLessThan(COMMENT_LIMIT);
    expect(out).toContain('truncated');
    expect(out).toMatch(/<\/details>\n$/);
  });
});

describe('Mermaid stays inert with hostile strings', () => {
  const side = previewSide(copyExample('temperature'));
  const evil = [
    'a"] --> x[pwned',
    'b|c|d',
    'e]]; click t0 "javascript:alert(1)"',
    '`'.repeat(4) + '\nflowchart',
    '#quot; %%{init}%% <script>',
    'x.> & {y}',
    '$$x$$ fa:fa-car <img src=x> \\n',
    '`md` style a:#f00;',
  ];

  function hostile(s: string): PreviewSide {
    const tasks = side.gen.plan.tasks.map((t, i) => ({
      ...t,
      component_name: `${s}${i}`,
      targets: [s],
      dest_topic: `${s}.out${i}`,
      source_topic: i ? `${s}.out${i - 1}` : `${s}.in`,
      http: t.http ? { ...t.http, path: s } : undefined,
    }));
    return {
      wf: { ...side.wf, tasks: side.wf.tasks.map((t, i) => ({ ...t, component_name: tasks[i]!.component_name })) },
      gen: { ...side.gen, plan: { ...side.gen.plan, tasks } },
    };
  }

  test.each(evil)('%j', (s) => {
    const flow = mermaidFlow(hostile(s));
    const lines = flow.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    // Every line is a node or an edge whose only free text is one quoted label: no quote or line break
    // inside, no HTML (`&`, `<`, `>` only as &amp; &lt; &gt;), and no Mermaid entity code, directive,
    // KaTeX or icon sequence left whole.
    const label = '"(?:[^"&<>\\n]|&amp;|&lt;|&gt;)*"';
    const shapes = [`\\[${label}\\]`, `\\(\\[${label}\\]\\)`, `\\[\\(${label}\\)\\]`, `>${label}\\]`];
    const node = new RegExp(`^  [a-z]+\\d+(${shapes.join('|')})$`);
    const edge = new RegExp(`^  [a-z]+\\d+ -->(\\|${label}\\|)? [a-z]+\\d+$`);
    for (const l of lines.slice(1)) expect({ l, ok: node.test(l) || edge.test(l) }).toEqual({ l, ok: true });
    for (const l of lines.slice(1)) expect(l).not.toMatch(/#\w+;|%%\{|\$\$|fa:fa-|"`/);
    // the topic edge between the two tasks survives escaping
    expect(flow).toMatch(/t0 -->\|"[^"]*out0"\| t1/);
    // and the Markdown around it cannot be broken out of
    const md = renderPreview(hostile(s), side);
    const fences = md.split('\n').filter((l) => /^`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
    expect(md).not.toContain('<script>');
    const table = md.split('\n').filter((l) => l.startsWith('| '));
    for (const row of table) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8);
  });
});

test('NATS wildcard matching', () => {
  expect(natsMatch('a.*.c', 'a.b.c')).toBe(true);
  expect(natsMatch('a.*', 'a.b.c')).toBe(false);
  expect(natsMatch('a.>', 'a.b.c')).toBe(true);
  expect(natsMatch('a.>', 'a')).toBe(false);
  expect(natsMatch('>', 'x')).toBe(true);
  expect(natsMatch('a.b', 'a.b')).toBe(true);
  expect(natsMatch('a.b', 'a.b.c')).toBe(false);
});

test('unified diff hunks', () => {
  expect(unifiedDiff('a\nb\nc\n', 'a\nb\nc\n')).toBe('');
  expect(unifiedDiff('1\n2\n3\n4\n5\n6\n7\n8\n9\n', '1\n2\n3\n4\nfive\n6\n7\n8\n9\n')).toBe(
    '@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
  );
  expect(unifiedDiff('', 'x\ny\n')).toBe('@@ -0,0 +1,2 @@\n+x\n+y\n');
});

// ---------------------------------------------------------------------------------------------------
// The fake GitHub REST API: issue comments of one repository, with the real pagination headers.

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

interface Recorded {
  method: string;
  url: string;
  auth?: string;
  body?: string;
}

async function fakeGitHub(opts: { comments: FakeComment[]; status?: number; writeStatus?: number }) {
  const requests: Recorded[] = [];
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: body || undefined });
      const send = (code: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(code, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(data));
      };
      // GitHub takes the token as "token X" (what octokit sends) or "Bearer X".
      if (req.headers.authorization !== `token ${TOKEN}` && req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      if (opts.status) return send(opts.status, { message: 'Resource not accessible by integration' });
      const u = new URL(req.url!, 'http://x');
      const list = /^\/repos\/acme\/iot\/issues\/5\/comments$/.exec(u.pathname);
      const one = /^\/repos\/acme\/iot\/issues\/comments\/(\d+)$/.exec(u.pathname);
      if (list && req.method === 'GET') {
        const perPage = Number(u.searchParams.get('per_page') ?? 30);
        const page = Number(u.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(opts.comments.length / perPage));
        const link = [
          page < last
            ? `<http://${req.headers.host}${u.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"`
            : '',
          `<http://${req.headers.host}${u.pathname}?per_page=${perPage}&page=${last}>; rel="last"`,
        ]
          .filter(Boolean)
          .join(', ');
        return send(200, opts.comments.slice((page - 1) * perPage, page * perPage), { link });
      }
      if (opts.writeStatus && req.method !== 'GET')
        return send(opts.writeStatus, { message: 'Resource not accessible by integration' });
      if (list && req.method === 'POST') {
        const c = { id: nextId++, body: JSON.parse(body).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        opts.comments.push(c);
        return send(201, { ...c, html_url: `https://github.com/acme/iot/pull/5#issuecomment-${c.id}` });
      }
      if (one && req.method === 'PATCH') {
        const c = opts.comments.find((x) => x.id === Number(one[1]));
        if (!c) return send(404, { message: 'Not Found' });
        c.body = JSON.parse(body).body;
        return send(200, { ...c, html_url: `https://github.com/acme/iot/pull/5#issuecomment-${c.id}` });
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, comments: opts.comments, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const human = (id: number, body = `comment ${id}`): FakeComment => ({
  id,
  body,
  user: { login: `user${id}`, type: 'User' },
});
const bot = (id: number, body: string): FakeComment => ({
  id,
  body,
  user: { login: 'github-actions[bot]', type: 'Bot' },
});

describe('the preview comment through the REST API', () => {
  const target = (url: string): CommentTarget => ({ apiUrl: url, repository: 'acme/iot', issue: 5, token: TOKEN });

  test('walks 3 pages, finds the marker on page 3 and PATCHes it in place', async () => {
    const comments = Array.from({ length: 230 }, (_, i) => human(i + 1));
    comments[5] = human(6, `quoting ${PREVIEW_MARKER} is not ours`);
    comments[7] = { ...human(8), body: `${PREVIEW_MARKER}\nfrom a person` };
    comments[215] = bot(216, `${PREVIEW_MARKER}\nold preview`);
    const gh = await fakeGitHub({ comments });
    try {
      const r = await upsertPreviewComment(target(gh.url), `${PREVIEW_MARKER}\nnew preview`);
      expect(r).toMatchObject({ status: 'updated', id: 216 });
      expect(gh.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
        'GET /repos/acme/iot/issues/5/comments?per_page=100',
        'GET /repos/acme/iot/issues/5/comments?per_page=100&page=2',
        'GET /repos/acme/iot/issues/5/comments?per_page=100&page=3',
        'PATCH /repos/acme/iot/issues/comments/216',
      ]);
      expect(gh.comments[215]!.body).toBe(`${PREVIEW_MARKER}\nnew preview`);
      expect(gh.comments[7]!.body).toBe(`${PREVIEW_MARKER}\nfrom a person`);
      expect(gh.comments).toHaveLength(230);
      expect(gh.requests.every((q) => q.auth === `token ${TOKEN}` && !q.url.includes(TOKEN))).toBe(true);
    } finally {
      await gh.close();
    }
  });

  test('stops at a full last page whose Link has no rel="next", then POSTs', async () => {
    const gh = await fakeGitHub({ comments: Array.from({ length: 200 }, (_, i) => human(i + 1)) });
    try {
      const r = await upsertPreviewComment(target(gh.url), `${PREVIEW_MARKER}\nfirst`);
      expect(r).toMatchObject({
        status: 'created',
        id: 1000,
        url: 'https://github.com/acme/iot/pull/5#issuecomment-1000',
      });
      expect(gh.requests.map((q) => q.method)).toEqual(['GET', 'GET', 'POST']);
      expect(gh.comments.at(-1)!.body).toBe(`${PREVIEW_MARKER}\nfirst`);
    } finally {
      await gh.close();
    }
  });

  test('no marker on a short page → POST', async () => {
    const gh = await fakeGitHub({ comments: [human(1), human(2)] });
    try {
      expect(await upsertPreviewComment(target(gh.url), `${PREVIEW_MARKER}\nx`)).toMatchObject({ status: 'created' });
      expect(gh.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
        'GET /repos/acme/iot/issues/5/comments?per_page=100',
        'POST /repos/acme/iot/issues/5/comments',
      ]);
    } finally {
      await gh.close();
    }
  });

  test.each([403, 404])('%i (read-only token of a fork PR) → read-only result, nothing thrown', async (code) => {
    for (const opts of [{ status: code }, { writeStatus: code }]) {
      const gh = await fakeGitHub({ comments: [human(1)], ...opts });
      try {
        const r = await upsertPreviewComment(target(gh.url), `${PREVIEW_MARKER}\nx`);
        expect(r).toMatchObject({ status: 'read-only', httpStatus: code });
        expect(JSON.stringify(r)).not.toContain(TOKEN);
      } finally {
        await gh.close();
      }
    }
  });

  test('other errors throw without the token', async () => {
    const gh = await fakeGitHub({ comments: [] });
    try {
      const err = await upsertPreviewComment({ ...target(gh.url), token: 'wrong-token-value' }, 'x').catch(
        (e: Error) => e,
      );
      expect(String(err)).toMatch(/401 Bad credentials/);
      expect(String(err)).not.toContain('wrong-token-value');
    } finally {
      await gh.close();
    }
  });

  test('closed → the comment is marked outdated once; absent when there is none', async () => {
    const gh = await fakeGitHub({ comments: [human(1), bot(2, `${PREVIEW_MARKER}\n## PELATO preview\nbody`)] });
    try {
      expect(await markPreviewOutdated(target(gh.url))).toMatchObject({ status: 'outdated', id: 2 });
      expect(gh.comments[1]!.body).toBe(`${PREVIEW_MARKER}\n${OUTDATED_NOTE}\n\n## PELATO preview\nbody`);
      expect(await markPreviewOutdated(target(gh.url))).toMatchObject({ status: 'outdated', id: 2 });
      expect(gh.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1);
    } finally {
      await gh.close();
    }
    const none = await fakeGitHub({ comments: [human(1)] });
    try {
      expect(await markPreviewOutdated(target(none.url))).toEqual({ status: 'absent' });
    } finally {
      await none.close();
    }
  });
});

describe('preview/action.yml run as the runner does (dist/preview/index.js)', () => {
  const base = copyExample('temperature');
  const workspace = tempDir();
  copyExample('temperature', workspace);
  rmSync(path.join(workspace, 'gen'), { recursive: true, force: true });
  writeFileSync(
    path.join(workspace, 'tasks', 'filter.go'),
    readFileSync(path.join(workspace, 'tasks', 'filter.go'), 'utf8') + '\n// changed\n',
  );

  function event(action: string): string {
    const f = path.join(tempDir(), 'event.json');
    writeFileSync(f, JSON.stringify({ action, number: 5, pull_request: { number: 5, base: { ref: 'main' } } }));
    return f;
  }

  function run(url: string, action: string) {
    return runStepAsync(
      'preview',
      'preview',
      workspace,
      { 'base-ref-dir': base, token: TOKEN },
      { GITHUB_API_URL: url, GITHUB_REPOSITORY: 'acme/iot', GITHUB_EVENT_PATH: event(action) },
    );
  }

  function noToken(r: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }) {
    expect(`${r.stdout}${r.stderr}${r.summary}${JSON.stringify(r.outputs)}`).not.toContain(TOKEN);
  }

  test('opened: creates the comment, then synchronize edits it; summary has the same Markdown', async () => {
    const gh = await fakeGitHub({ comments: [human(1)] });
    try {
      const r1 = await run(gh.url, 'opened');
      expect({ code: r1.code, stderr: r1.stderr }).toMatchObject({ code: 0 });
      expect(r1.outputs.result).toBe('created');
      expect(r1.stdout).toContain(`::add-mask::${TOKEN}`); // the mask line itself is how the runner learns the secret
      expect(r1.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
      expect(r1.stderr).not.toContain(TOKEN);
      const body = gh.comments[1]!.body;
      expect(body.startsWith(PREVIEW_MARKER)).toBe(true);
      expect(body).toContain('Pull request \\#5 against main');
      expect(body).toContain('✏️ changed (code, manifest)');
      expect(body).toContain('temp\\_filter changes its code but keeps version 1.0.2');
      expect(r1.summary).toBe(body + (body.endsWith('\n') ? '' : '\n'));
      const r2 = await run(gh.url, 'synchronize');
      expect(r2.outputs.result).toBe('updated');
      expect(gh.comments).toHaveLength(2);
      const r3 = await run(gh.url, 'closed');
      expect(r3.outputs.result).toBe('outdated');
      expect(gh.comments[1]!.body).toContain(OUTDATED_NOTE);
      for (const r of [r2, r3])
        expect(r.stdout.replace(`::add-mask::${TOKEN}`, '') + r.stderr + r.summary).not.toContain(TOKEN);
    } finally {
      await gh.close();
    }
  });

  test('403 (fork PR): the preview goes to the job summary instead, the step succeeds', async () => {
    const gh = await fakeGitHub({ comments: [], writeStatus: 403 });
    try {
      const r = await run(gh.url, 'opened');
      expect(r.code).toBe(0);
      expect(r.outputs.result).toBe('summary');
      expect(r.summary.startsWith(PREVIEW_MARKER)).toBe(true);
      expect(r.summary).toContain('```mermaid');
      expect(r.stdout).toMatch(/::notice::cannot comment/);
      noToken({ ...r, stdout: r.stdout.replace(`::add-mask::${TOKEN}`, '') });
    } finally {
      await gh.close();
    }
  });
});

test('the caller example runs the preview on pull requests with no secret and least privilege', () => {
  const { doc, text } = loadYaml(path.join(ROOT, 'examples', 'github', 'caller.yml'));
  expect(doc.on.pull_request!.types).toEqual(['opened', 'synchronize', 'reopened', 'closed']);
  expect(doc.jobs.pelato!.if).toBe("github.event_name == 'push'");
  const job = doc.jobs.preview!;
  expect(job.if).toBe("github.event_name == 'pull_request'");
  expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  expect(JSON.stringify(job)).not.toMatch(/secrets\./);
  expect(text).not.toMatch(/pull_request_target/);
  const preview = job.steps!.find((s) => /\/preview@[0-9a-f]{40}$/.test(s.uses ?? ''));
  expect(preview!.with).toEqual({ project: '.', 'base-ref-dir': '.pelato-base' });
  const base = job.steps!.find((s) => s.with?.path === '.pelato-base');
  expect(base!.with!.ref).toBe('${{ github.event.pull_request.base.sha }}');
});
