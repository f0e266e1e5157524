// Accepts a reading only when it is one: a sensor name and a temperature in a plausible range. Anything
// else is answered 204 and goes no further. The door (token, size, deadline) is the template's job.
interface Reading {
  sensor: string;
  celsius: number;
}

export function execTask(arg: string): string {
  let v: Partial<Reading>;
  try {
    v = JSON.parse(arg) as Partial<Reading>;
  } catch {
    return '';
  }
  if (typeof v !== 'object' || v === null) return '';
  if (typeof v.sensor !== 'string' || !/^[a-z0-9-]{1,32}$/.test(v.sensor)) return '';
  if (typeof v.celsius !== 'number' || v.celsius < -60 || v.celsius > 80) return '';
  return JSON.stringify({ sensor: v.sensor, celsius: v.celsius });
}
