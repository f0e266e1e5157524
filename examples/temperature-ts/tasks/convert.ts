// Converts a Celsius reading to Kelvin, like examples/temperature/tasks/convert.go; the same test cases
// (convert.test.yaml) pass for both. Input it cannot read yields an empty result: nothing is published.
interface Reading {
  sensor?: string;
  celsius: number;
}

export function execTask(arg: string): string {
  const text = arg.trim();
  let r: Reading;
  if (text !== '' && Number.isFinite(Number(text))) {
    r = { celsius: Number(text) };
  } else {
    try {
      const v = JSON.parse(text) as Partial<Reading>;
      if (typeof v !== 'object' || v === null || typeof v.celsius !== 'number') return '';
      r = { sensor: typeof v.sensor === 'string' ? v.sensor : undefined, celsius: v.celsius };
    } catch {
      return '';
    }
  }
  const out: { sensor?: string; kelvin: number } = {};
  if (r.sensor) out.sensor = r.sensor;
  out.kelvin = round2(r.celsius + 273.15);
  return JSON.stringify(out);
}

// Rounds half away from zero to two decimals, as the Go task does.
function round2(v: number): number {
  return Math.trunc(v * 100 + 0.5 * Math.sign(v)) / 100;
}
