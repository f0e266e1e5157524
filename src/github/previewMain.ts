#!/usr/bin/env node
/**
 * Entry of the `preview/` action (bundled to dist/preview/index.js). Environment: PELATO_PROJECT (the
 * PR's project folder), PELATO_BASE_DIR (a checkout of the base branch; the same project path inside it),
 * GITHUB_TOKEN, GITHUB_EVENT_PATH (a pull_request event), GITHUB_REPOSITORY, GITHUB_API_URL,
 * GITHUB_STEP_SUMMARY. Prints one word on stdout: created, updated, outdated, absent or summary.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { markPreviewOutdated, upsertPreviewComment, type CommentResult } from './comments.js';
import { mdText } from './markdown.js';
import { previewMarkdown } from './preview.js';

async function main(): Promise<number> {
  const env = process.env;
  const project = env.PELATO_PROJECT || '.';
  const baseDir = env.PELATO_BASE_DIR ? path.join(env.PELATO_BASE_DIR, project) : undefined;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath || !existsSync(eventPath)) throw new Error('GITHUB_EVENT_PATH is not set: run this on a pull_request event');
  const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { action?: string; number?: number; pull_request?: { number?: number; base?: { ref?: string } } };
  const issue = Number(event.pull_request?.number ?? event.number);
  if (!Number.isInteger(issue) || issue <= 0) throw new Error('the event has no pull-request number: run this on a pull_request event');
  const target = { apiUrl: env.GITHUB_API_URL || 'https://api.github.com', repository: env.GITHUB_REPOSITORY ?? '', issue, token: env.GITHUB_TOKEN ?? '' };
  if (!target.token) throw new Error('no token: pass the action a token (the default is github.token)');

  const summary = (md: string) => {
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, md.endsWith('\n') ? md : md + '\n');
  };
  let result: CommentResult;
  let markdown = '';
  if (event.action === 'closed') {
    result = await markPreviewOutdated(target);
  } else {
    // (not needed when closed: the checkouts may be skipped then, as the PR's merge ref may be gone)
    if (env.PELATO_BASE_DIR && !existsSync(env.PELATO_BASE_DIR)) throw new Error(`base-ref-dir '${env.PELATO_BASE_DIR}' does not exist: check out the base branch there`);
    const baseRef = event.pull_request?.base?.ref;
    markdown = previewMarkdown(project, baseDir, baseRef ? `Pull request #${issue} against ${baseRef}` : `Pull request #${issue}`);
    result = await upsertPreviewComment(target, markdown);
  }
  if (result.status === 'read-only') {
    console.error(`::notice::cannot comment on the pull request (${result.message}); the preview is in the job summary instead`);
    summary(markdown || `${mdText('Pull request closed; the preview comment could not be marked outdated (read-only token).')}\n`);
    console.log('summary');
    return 0;
  }
  console.error(`preview comment: ${result.status}${'url' in result && result.url ? ` ${result.url}` : ''}`);
  if (markdown) summary(markdown);
  console.log(result.status);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`::error::${(e as Error).message ?? String(e)}`);
    process.exitCode = 1;
  },
);
