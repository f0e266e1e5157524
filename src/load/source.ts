/**
 * Finding and reading the user's files before anything is parsed: the project folder, workflow.yaml
 * (or the workflow.yml some users write), and text that must be UTF-8. Every failure here is a message
 * with a position or a hint, never an exception from the file system.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PelatoError, type Diagnostic } from '../common/diagnostics.js';

export { decodeUtf8 } from '../common/utf8.js';

export const WORKFLOW_FILE = 'workflow.yaml';
/** The other spelling users write; read when workflow.yaml is absent (with a warning). */
export const WORKFLOW_FILE_ALT = 'workflow.yml';

export interface WorkflowSource {
  /** Absolute path of the file read. */
  abs: string;
  /** The path as shown in messages (relative to what the user gave). */
  display: string;
  bytes: Buffer;
  warnings: Diagnostic[];
}

const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

const kind = (p: string) => {
  const st = statSync(p);
  return st.isDirectory() ? 'a folder' : st.isFile() ? 'a file' : 'not a regular file';
};

/** The project folder and its workflow file, with what to do when either is not what it should be. */
export function findWorkflow(dir: string): WorkflowSource {
  const projectDir = path.resolve(dir);
  if (!existsSync(projectDir)) {
    throw new PelatoError(
      `${dir}: no such project directory`,
      `pass the folder that holds ${WORKFLOW_FILE} and tasks/`,
    );
  }
  if (!statSync(projectDir).isDirectory()) {
    throw new PelatoError(
      `${dir}: is ${kind(projectDir)}, not a project directory`,
      `pass the folder that holds ${WORKFLOW_FILE} and tasks/`,
    );
  }
  const warnings: Diagnostic[] = [];
  const main = path.join(projectDir, WORKFLOW_FILE);
  const alt = path.join(projectDir, WORKFLOW_FILE_ALT);
  let abs = main;
  let display = path.join(dir, WORKFLOW_FILE);
  if (!existsSync(main) && isLink(main)) {
    throw new PelatoError(
      `${display}: is a link to nothing`,
      `point the link at an existing file, or replace it by the file`,
    );
  }
  if (!existsSync(main)) {
    if (existsSync(alt) && statSync(alt).isFile()) {
      abs = alt;
      display = path.join(dir, WORKFLOW_FILE_ALT);
      warnings.push({
        file: display,
        line: 1,
        col: 1,
        message: `reading ${WORKFLOW_FILE_ALT}: PELATO's file is named ${WORKFLOW_FILE}`,
        hint: `rename it to ${WORKFLOW_FILE}`,
      });
    } else {
      const near = readdirSync(projectDir).find(
        (n) => n.toLowerCase() === WORKFLOW_FILE || n.toLowerCase() === WORKFLOW_FILE_ALT,
      );
      throw new PelatoError(
        `${display}: file not found`,
        near
          ? `found "${near}": name it ${WORKFLOW_FILE} (file names are case-sensitive)`
          : `create ${WORKFLOW_FILE} next to the tasks/ folder (see examples/temperature)`,
      );
    }
  } else if (existsSync(alt)) {
    warnings.push({
      file: path.join(dir, WORKFLOW_FILE_ALT),
      line: 1,
      col: 1,
      message: `${WORKFLOW_FILE_ALT} is ignored: ${WORKFLOW_FILE} is read`,
      hint: `delete one of the two`,
    });
  }
  if (!statSync(abs).isFile()) {
    throw new PelatoError(
      `${display}: is ${kind(abs)}, not a file`,
      `${WORKFLOW_FILE} must be a YAML file next to the tasks/ folder`,
    );
  }
  return { abs, display, bytes: readFileSync(abs), warnings };
}
