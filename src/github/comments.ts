/**
 * One preview comment per pull request, found by its hidden marker and edited in place, through the
 * GitHub REST API with fetch. The token goes only into the Authorization header: it is never part of a
 * URL, an error message or a result. A read-only token (fork pull requests) gives a `read-only` result
 * so the caller can write the same Markdown to the job summary instead.
 */
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
  user?: { login?: string; type?: string };
}

class ReadOnly extends Error {
  constructor(readonly httpStatus: number, message: string) {
    super(message);
  }
}

const PER_PAGE = 100;
const MAX_PAGES = 200;

function base(t: CommentTarget): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(t.repository)) throw new Error(`GITHUB_REPOSITORY must be owner/name, got '${t.repository}'`);
  if (!Number.isInteger(t.issue) || t.issue <= 0) throw new Error(`not a pull-request number: ${t.issue}`);
  return t.apiUrl.replace(/\/+$/, '');
}

async function api(t: CommentTarget, method: string, url: string, body?: unknown): Promise<Response> {
  const res = await fetch(url, {
    method,
    headers: {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${t.token}`,
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'pelato-preview',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) return res;
  let message = res.statusText;
  try {
    const j = (await res.json()) as { message?: unknown };
    if (typeof j.message === 'string') message = j.message;
  } catch {
    /* not JSON */
  }
  message = message.split(t.token).join('***');
  // 403/404: the token may not write here (fork pull requests get a read-only GITHUB_TOKEN).
  if (res.status === 403 || res.status === 404) throw new ReadOnly(res.status, `${method} ${new URL(url).pathname}: ${res.status} ${message}`);
  throw new Error(`GitHub API ${method} ${new URL(url).pathname}: ${res.status} ${message}`);
}

/** Is this our comment? Starts with the marker and was written by a bot (a person quoting the marker is ignored). */
function isPreview(c: IssueComment): boolean {
  return (c.body ?? '').trimStart().startsWith(PREVIEW_MARKER) && (c.user?.type === undefined || c.user.type === 'Bot');
}

/** Walks the issue's comments page by page until one is ours, a page is short, or Link has no rel="next". */
export async function findPreviewComment(t: CommentTarget): Promise<IssueComment | undefined> {
  const root = base(t);
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await api(t, 'GET', `${root}/repos/${t.repository}/issues/${t.issue}/comments?per_page=${PER_PAGE}&page=${page}`);
    const items = (await res.json()) as IssueComment[];
    if (!Array.isArray(items)) throw new Error('GitHub API: comments is not a list');
    const found = items.find(isPreview);
    if (found) return found;
    const link = res.headers.get('link');
    if (items.length < PER_PAGE) return undefined;
    if (link !== null && !/rel="next"/.test(link)) return undefined;
  }
  return undefined;
}

async function guarded(f: () => Promise<CommentResult>): Promise<CommentResult> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ReadOnly) return { status: 'read-only', httpStatus: e.httpStatus, message: e.message };
    throw e;
  }
}

/** PATCHes the marked comment with `body`, or POSTs a new one. */
export function upsertPreviewComment(t: CommentTarget, body: string): Promise<CommentResult> {
  if (!body.startsWith(PREVIEW_MARKER)) body = `${PREVIEW_MARKER}\n${body}`;
  return guarded(async () => {
    const root = base(t);
    const existing = await findPreviewComment(t);
    if (existing) {
      const res = await api(t, 'PATCH', `${root}/repos/${t.repository}/issues/comments/${existing.id}`, { body });
      const c = (await res.json()) as IssueComment;
      return { status: 'updated', id: existing.id, url: c.html_url };
    }
    const res = await api(t, 'POST', `${root}/repos/${t.repository}/issues/${t.issue}/comments`, { body });
    const c = (await res.json()) as IssueComment;
    return { status: 'created', id: c.id, url: c.html_url };
  });
}

/** On a closed pull request: the note goes right after the marker, once; nothing when there is no comment. */
export function markPreviewOutdated(t: CommentTarget): Promise<CommentResult> {
  return guarded(async () => {
    const existing = await findPreviewComment(t);
    if (!existing) return { status: 'absent' };
    const old = (existing.body ?? '').trimStart();
    if (old.includes(OUTDATED_NOTE)) return { status: 'outdated', id: existing.id, url: existing.html_url };
    const body = `${PREVIEW_MARKER}\n${OUTDATED_NOTE}\n\n${old.slice(PREVIEW_MARKER.length).replace(/^\n/, '')}`;
    await api(t, 'PATCH', `${base(t)}/repos/${t.repository}/issues/comments/${existing.id}`, { body });
    return { status: 'outdated', id: existing.id, url: existing.html_url };
  });
}
