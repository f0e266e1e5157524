/**
 * Markdown for GitHub (PR comments and job summaries). Every user string (names, topics, paths, error
 * messages) goes through mdText: no HTML, links, mentions or table breaks can come out of a workflow.yaml.
 */

/** Inline Markdown text (also safe in table cells): no HTML, no links, no emphasis, no cell breaks. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]{}()#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;') // no @mentions
    .replace(/:/g, '&#58;'); // no autolinks
}

/**
 * Inline code for a table cell: a backtick run longer than any inside (spaces around when the text starts
 * or ends with one), and `|` escaped, which GitHub's tables need even inside code spans.
 */
export function mdCode(s: string): string {
  const text = s.replace(/[\r\n\t]+/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  // a `|` would still end a table cell inside code spans; GitHub reads `\|` there as a plain bar
  const body = text.replace(/\|/g, '\\|');
  return /^`|`$/.test(body) ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in `body`. */
export function codeBlock(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.endsWith('\n') ? body : body + '\n'}${fence}`;
}

/** A table from cells that are already Markdown (escape user text with mdText/mdCode first). */
export function mdTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
