/** Reading gen/plan.json, for every stage after generate (build, test, dev, deploy). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PelatoError } from '../common/diagnostics.js';
import { PLAN_FILE, type Plan } from './plan.js';

export function readPlan(genDir: string): Plan {
  const file = path.join(genDir, PLAN_FILE);
  if (!existsSync(file)) {
    const project = path.basename(genDir) === 'gen' ? path.dirname(genDir) : genDir;
    throw new PelatoError(`${file} not found: nothing generated yet`, `run \`pelato gen ${project}\` first`);
  }
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as Plan;
  } catch (e) {
    throw new PelatoError(`${file} is not valid JSON (${(e as Error).message})`, 'run `pelato gen` again');
  }
  if (!plan || !Array.isArray(plan.tasks) || typeof plan.lattice !== 'string') {
    throw new PelatoError(`${file} is not a PELATO plan`, 'run `pelato gen` again');
  }
  return plan;
}
