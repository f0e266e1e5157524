#!/usr/bin/env node
/**
 * Entry of the `preview/` action (bundled to dist/preview/index.js). Environment: PELATO_PROJECT (the
 * PR's project folder), PELATO_BASE_DIR (a checkout of the base branch; the same project path inside it),
 * GITHUB_TOKEN, and what the runner sets (GITHUB_EVENT_PATH of a pull_request event, GITHUB_REPOSITORY,
 * GITHUB_API_URL, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT). Sets the step output `result`: created, updated,
 * outdated, absent or summary.
 *
 * It runs only inside Actions, so it speaks to the runner through @actions/core (mask, output, job
 * summary, annotations) and reads the event through @actions/github's context.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { markPreviewOutdated, upsertPreviewComment, type CommentResult } from './comments.js';
import { mdText } from './markdown.js';
import { previewMarkdown } from './preview.js';

async function main(): Promise<void> {
  const env = process.env;
  const token = env.GITHUB_TOKEN ?? '';
  if (token) core.setSecret(token);
  else throw new Error('no token: pass the preview action a token (the default is github.token)');
  const project = env.PELATO_PROJECT || '.';
  const baseDir = env.PELATO_BASE_DIR ? path.join(env.PELATO_BASE_DIR, project) : undefined;
  if (!env.GITHUB_EVENT_PATH || !existsSync(env.GITHUB_EVENT_PATH))
    throw new Error('GITHUB_EVENT_PATH is not set: run this on a pull_request event');
  const issue = Number(context.issue.number);
  if (!Number.isInteger(issue) || issue <= 0)
    throw new Error('the event has no pull-request number: run this on a pull_request event');
  const target = { apiUrl: context.apiUrl, repository: env.GITHUB_REPOSITORY ?? '', issue, token };

  const summary = async (md: string) => {
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(md.endsWith('\n') ? md : md + '\n').write();
  };
  let result: CommentResult;
  let markdown = '';
  if (context.payload.action === 'closed') {
    result = await markPreviewOutdated(target);
  } else {
    // (not needed when closed: the checkouts may be skipped then, as the PR's merge ref may be gone)
    if (env.PELATO_BASE_DIR && !existsSync(env.PELATO_BASE_DIR))
      throw new Error(`base-ref-dir '${env.PELATO_BASE_DIR}' does not exist: check out the base branch there`);
    const baseRef = (context.payload.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref;
    markdown = previewMarkdown(
      project,
      baseDir,
      baseRef ? `Pull request #${issue} against ${baseRef}` : `Pull request #${issue}`,
    );
    result = await upsertPreviewComment(target, markdown);
  }
  if (result.status === 'read-only') {
    core.notice(`cannot comment on the pull request (${result.message}); the preview is in the job summary instead`);
    await summary(
      markdown ||
        `${mdText('Pull request closed; the preview comment could not be marked outdated (read-only token).')}\n`,
    );
    core.setOutput('result', 'summary');
    return;
  }
  core.info(`preview comment: ${result.status}${'url' in result && result.url ? ` ${result.url}` : ''}`);
  if (markdown) await summary(markdown);
  core.setOutput('result', result.status);
}

main().catch((e: unknown) => core.setFailed((e as Error).message ?? String(e)));
