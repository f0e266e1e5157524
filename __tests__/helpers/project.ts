/** Throw-away user projects on disk for tests. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const GOOD_TASK = `package main

import "strings"

func exec_task(arg string) string {
	return strings.ToUpper(arg)
}
`;

const made: string[] = [];

/** Writes `files` (relative path → content) into a new temporary folder and returns its path. */
export function makeProject(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-test-'));
  made.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pelato-test-'));
  made.push(dir);
  return dir;
}

export function cleanupProjects(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A minimal valid workflow with one processor task; `extra` lines are appended to the task. */
export function workflowWith(extra = '', top = ''): string {
  return `project_name: Test
${top}tasks:
  - name: Upper
    type: processor_nats
    code: upper.go
    targets: [edge]
    source_topic: in
    dest_topic: out
    component_name: upper
    version: 1.0.0
${extra}`;
}

/** A copy of examples/<name> in a temporary folder, without generated or cached output. */
export function copyExample(name: string, into = tempDir()): string {
  cpSync(path.join(ROOT, 'examples', name), into, { recursive: true, filter: (s) => !/[\\/](gen|\.pelato)$/.test(s) });
  return into;
}
