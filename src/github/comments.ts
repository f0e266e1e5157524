/**
 * One preview comment per pull request, found by its hidden marker and edited in place, through
 * GitHub's REST API with @actions/github's octokit (its paginate plugin follows the Link headers). The
 * token goes only into the Authorization header: it is never part of a URL, an error message or a
 * result. A read-only token (fork pull requests) gives a `read-only` result so the caller can write the
 * same Markdown to the job summary instead.
 */
import { getOctokit } from '@actions/github';
import { scrub } from '../common/secrets.js';
import { PREVIEW_MARKER } from './preview.js';

export const OUTDATED_NOTE = '> **Outdated: this pull request was closed.**';

export interface CommentTarget {
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  /** GITHUB_REPOSITORY, `owner/name`. */
  repository: string;
  /** Pull-request (issue) number. */
  issue: number;
  token: string;
}

export type CommentResult =
  | { status: 'created' | 'updated' | 'outdated'; id: number; url?: string }
  | { status: 'absent' }
  | { status: 'read-only'; httpStatus: number; message: string };

interface IssueComment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

/** Pages of 100 comments; a pull request with more than 20 000 comments is not searched further. */
const PER_PAGE = 100;
const MAX_PAGES = 200;

type Octokit = ReturnType<typeof getOctokit>;

interface Client {
  octokit: Octokit;
  owner: string;
  repo: string;
  issue_number: number;
}

function client(t: CommentTarget): Client {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(t.repository);
  if (!m) throw new Error(`GITHUB_REPOSITORY must be owner/name, got '${t.repository}'`);
  if (!Number.isInteger(t.issue) || t.issue <= 0) throw new Error(`not a pull-request number: ${t.issue}`);
  return {
    octokit: getOctokit(t.token, { baseUrl: t.apiUrl.replace(/\/+$/, '') }),
    owner: m[1]!,
    repo: m[2]!,
    issue_number: t.issue,
  };
}

/** An octokit RequestError (status, the request made, the API's message). */
interface RequestFailure {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
}

function isRequestFailure(e: unknown): e is RequestFailure {
  return typeof e === 'object' && e !== null && typeof (e as RequestFailure).status === 'number';
}

class ReadOnly extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** Any API failure as `METHOD /path: status message`, without the token; 403/404 as ReadOnly. */
function apiError(e: unknown, token: string): Error {
  if (!isRequestFailure(e)) return e instanceof Error ? new Error(scrub(e.message, [token])) : new Error(String(e));
  const where = `${e.request?.method ?? ''} ${e.request?.url ? new URL(e.request.url).pathname : ''}`.trim();
  // octokit appends the documentation link to the API's message; the message is what says what happened
  const message = scrub(`${where}: ${e.status} ${e.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '')}`, [
    token,
  ]);
  // 403/404: the token may not write here (fork pull requests get a read-only GITHUB_TOKEN).
  if (e.status === 403 || e.status === 404) return new ReadOnly(e.status, message);
  return new Error(`GitHub API ${message}`);
}

/** Is this our comment? Starts with the marker and was written by a bot (a person quoting the marker is ignored). */
function isPreview(c: IssueComment): boolean {
  return (c.body ?? '').trimStart().startsWith(PREVIEW_MARKER) && (c.user?.type === undefined || c.user.type === 'Bot');
}

async function findIn(c: Client): Promise<IssueComment | undefined> {
  let pages = 0;
  const { octokit, owner, repo, issue_number } = c;
  // The iterator follows rel="next" and stops without one; leaving the loop stops it early.
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: PER_PAGE,
  })) {
    const found = (page.data as IssueComment[]).find(isPreview);
    if (found) return found;
    if (++pages >= MAX_PAGES) break;
  }
  return undefined;
}

/** Walks the issue's comments page by page until one is ours or there is no next page. */
export async function findPreviewComment(t: CommentTarget): Promise<IssueComment | undefined> {
  try {
    return await findIn(client(t));
  } catch (e) {
    throw apiError(e, t.token);
  }
}

async function guarded(t: CommentTarget, f: (c: Client) => Promise<CommentResult>): Promise<CommentResult> {
  try {
    return await f(client(t));
  } catch (e) {
    const err = apiError(e, t.token);
    if (err instanceof ReadOnly) return { status: 'read-only', httpStatus: err.httpStatus, message: err.message };
    throw err;
  }
}

/** Edits the marked comment to `body`, or creates it. */
export function upsertPreviewComment(t: CommentTarget, body: string): Promise<CommentResult> {
  if (!body.startsWith(PREVIEW_MARKER)) body = `${PREVIEW_MARKER}\n${body}`;
  return guarded(t, async (c) => {
    const { octokit, owner, repo, issue_number } = c;
    const existing = await findIn(c);
    if (existing) {
      const res = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { status: 'updated', id: existing.id, url: res.data.html_url };
    }
    const res = await octokit.rest.issues.createComment({ owner, repo, issue_number, body });
    return { status: 'created', id: res.data.id, url: res.data.html_url };
  });
}

/** On a closed pull request: the note goes right after the marker, once; nothing when there is no comment. */
export function markPreviewOutdated(t: CommentTarget): Promise<CommentResult> {
  return guarded(t, async (c) => {
    const existing = await findIn(c);
    if (!existing) return { status: 'absent' };
    const old = (existing.body ?? '').trimStart();
    if (old.includes(OUTDATED_NOTE)) return { status: 'outdated', id: existing.id, url: existing.html_url };
    const body = `${PREVIEW_MARKER}\n${OUTDATED_NOTE}\n\n${old.slice(PREVIEW_MARKER.length).replace(/^\n/, '')}`;
    await c.octokit.rest.issues.updateComment({ owner: c.owner, repo: c.repo, comment_id: existing.id, body });
    return { status: 'outdated', id: existing.id, url: existing.html_url };
  });
}
