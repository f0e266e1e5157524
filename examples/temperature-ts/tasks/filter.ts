// Passes plausible Kelvin readings through unchanged and drops the rest, like
// examples/temperature/tasks/filter.go. The range comes from the task's config (min_kelvin, max_kelvin
// in workflow.yaml), so it changes with a redeploy, without a rebuild.
declare function taskConfig(key: string): string | undefined;

export function execTask(arg: string): string {
  let kelvin: unknown;
  try {
    kelvin = (JSON.parse(arg) as { kelvin?: unknown }).kelvin;
  } catch {
    return '';
  }
  if (typeof kelvin !== 'number') return '';
  if (kelvin < bound('min_kelvin', 200) || kelvin > bound('max_kelvin', 350)) return '';
  return arg;
}

function bound(key: string, fallback: number): number {
  const v = Number.parseFloat(taskConfig(key) ?? '');
  return Number.isFinite(v) ? v : fallback;
}
