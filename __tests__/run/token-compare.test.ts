/**
 * The bearer-token checks of the HTTP producer's glue, at unit level, in both languages: the very files
 * `pelato gen` renders (templates/http_producer_nats/{go/pelato_auth.go, js/pelato_auth.js}), run with
 * mainline Go's `go test` and in Node.
 *
 * Besides correctness, each comparison must take the same time wherever the first difference is. That is
 * checked with a wide margin (the slowest of equal / differs-at-the-first-byte / differs-at-the-last-byte
 * at most 3× the fastest, medians of interleaved rounds on 64 KiB tokens), and the same harness is run on
 * an early-exit comparison, which it must flag, so the check can fail.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { cleanupProjects, ROOT, tempDir } from '../helpers/project.js';

afterAll(cleanupProjects);

const TEMPLATE = path.join(ROOT, 'templates', 'http_producer_nats');
const MAX_RATIO = 3;

interface AuthJs {
  pelatoTokenEqual(given: string, expected: string): boolean;
  pelatoBearer(header: string): string | undefined;
  pelatoAuthStatus(headers: string[], expected: string): { status: number; challenge?: string };
}
// The file is a script of plain functions joined into the component's module; evaluated here as it is.
const js = new Function(
  `${readFileSync(path.join(TEMPLATE, 'js', 'pelato_auth.js'), 'utf8')}\n` +
    'return { pelatoTokenEqual, pelatoBearer, pelatoAuthStatus };',
)() as AuthJs;

const TOKEN = 'c2VjcmV0LXRva2VuLXZhbHVl0123456789';

describe('JavaScript glue (pelato_auth.js)', () => {
  test('equal only when byte for byte equal; an empty expected token matches nothing', () => {
    expect(js.pelatoTokenEqual(TOKEN, TOKEN)).toBe(true);
    for (const other of [
      '',
      TOKEN.slice(0, -1),
      `${TOKEN}x`,
      `x${TOKEN.slice(1)}`,
      TOKEN.toUpperCase(),
      `${TOKEN.slice(0, -1)}\u00e9`,
    ])
      expect(js.pelatoTokenEqual(other, TOKEN)).toBe(false);
    expect(js.pelatoTokenEqual('', '')).toBe(false);
    fc.assert(fc.property(fc.string(), fc.string({ minLength: 1 }), (a, b) => js.pelatoTokenEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string({ minLength: 1 }), (a) => js.pelatoTokenEqual(a, a)));
  });

  test('Authorization headers: scheme case-insensitive; missing, wrong, malformed and repeated refused', () => {
    expect(js.pelatoAuthStatus([`Bearer ${TOKEN}`], TOKEN)).toEqual({ status: 0 });
    expect(js.pelatoAuthStatus([`bearer   ${TOKEN}`], TOKEN)).toEqual({ status: 0 });
    expect(js.pelatoAuthStatus([], TOKEN)).toEqual({ status: 401, challenge: 'Bearer realm="pelato"' });
    const invalid = { status: 401, challenge: 'Bearer realm="pelato", error="invalid_token"' };
    for (const h of [['Bearer wrong'], [`Basic ${TOKEN}`], [TOKEN], ['Bearer'], [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]])
      expect(js.pelatoAuthStatus(h, TOKEN)).toEqual(invalid);
    expect(js.pelatoAuthStatus([`Bearer ${TOKEN}`], '')).toEqual({ status: 503 });
  });

  test(`takes the same time wherever the first difference is (ratio < ${MAX_RATIO}); ` +
    'an early-exit comparison is caught', () => {
    const enc = new TextEncoder();
    const earlyExit = (a: string, b: string) => {
      const x = enc.encode(a);
      const y = enc.encode(b);
      if (x.length !== y.length) return false;
      for (let i = 0; i < y.length; i++) if (x[i] !== y[i]) return false;
      return true;
    };
    const n = 65536;
    const expected = 'a'.repeat(n);
    const cases = [expected, `b${'a'.repeat(n - 1)}`, `${'a'.repeat(n - 1)}b`];
    const ratio = (fn: (a: string, b: string) => boolean) => {
      const rounds: number[][] = cases.map(() => []);
      for (let r = 0; r < 31; r++) {
        cases.forEach((given, i) => {
          const t = process.hrtime.bigint();
          for (let k = 0; k < 10; k++) fn(given, expected);
          rounds[i]!.push(Number(process.hrtime.bigint() - t));
        });
      }
      const medians = rounds.map((xs) => xs.sort((a, b) => a - b)[xs.length >> 1]!);
      return Math.max(...medians) / Math.min(...medians);
    };
    const constant = ratio(js.pelatoTokenEqual);
    const leaky = ratio(earlyExit);
    console.log(
      `JS comparison, 64 KiB tokens: slowest/fastest case ${constant.toFixed(2)} (early-exit comparison: ` +
        `${leaky.toFixed(1)})`,
    );
    expect(constant).toBeLessThan(MAX_RATIO);
    expect(leaky).toBeGreaterThan(MAX_RATIO);
  }, 120_000);
});

const GO_TEST =
  `package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

const token = ${JSON.stringify(TOKEN)}

func TestTokenEqual(t *testing.T) {
	if !pelatoTokenEqual(token, token) {
		t.Fatal("equal tokens do not match")
	}
	for _, other := range []string{"", token[:len(token)-1], token + "x", "x" + token[1:], ` +
  `strings.ToUpper(token), token[:len(token)-1] + "\\u00e9"} {
		if pelatoTokenEqual(other, token) {
			t.Fatalf("%q matched", other)
		}
	}
	if pelatoTokenEqual("", "") {
		t.Fatal("an empty expected token matched")
	}
}

func TestAuthStatus(t *testing.T) {
	invalid := \`Bearer realm="pelato", error="invalid_token"\`
	cases := []struct {
		headers   []string
		expected  string
		status    uint16
		challenge string
	}{
		{[]string{"Bearer " + token}, token, 0, ""},
		{[]string{"bearer   " + token}, token, 0, ""},
		{nil, token, 401, \`Bearer realm="pelato"\`},
		{[]string{"Bearer wrong"}, token, 401, invalid},
		{[]string{"Basic " + token}, token, 401, invalid},
		{[]string{token}, token, 401, invalid},
		{[]string{"Bearer"}, token, 401, invalid},
		{[]string{"Bearer " + token, "Bearer " + token}, token, 401, invalid},
		{[]string{"Bearer " + token}, "", 503, ""},
	}
	for _, c := range cases {
		status, challenge := pelatoAuthStatus(c.headers, c.expected)
		if status != c.status || challenge != c.challenge {
			t.Errorf("%q: got %d %q, want %d %q", c.headers, status, challenge, c.status, c.challenge)
		}
	}
}

func earlyExit(a, b string) bool { return a == b }

// ratio: slowest over fastest of the median times for equal / first-byte / last-byte differences.
func ratio(eq func(a, b string) bool) float64 {
	n := 65536
	expected := strings.Repeat("a", n)
	cases := []string{strings.Clone(expected), "b" + expected[1:], expected[:n-1] + "b"}
	rounds := make([][]float64, len(cases))
	sink := false
	for r := 0; r < 31; r++ {
		for i, given := range cases {
			start := time.Now()
			for k := 0; k < 20; k++ {
				sink = sink != eq(given, expected)
			}
			rounds[i] = append(rounds[i], float64(time.Since(start)))
		}
	}
	_ = sink
	lo, hi := 0.0, 0.0
	for i, xs := range rounds {
		sort.Float64s(xs)
		m := xs[len(xs)/2]
		if i == 0 || m < lo {
			lo = m
		}
		if m > hi {
			hi = m
		}
	}
	return hi / lo
}

func TestConstantTime(t *testing.T) {
	constant, leaky := ratio(pelatoTokenEqual), ratio(earlyExit)
	fmt.Printf("RATIO %.2f %.1f\\n", constant, leaky)
	if constant >= ${MAX_RATIO} {
		t.Errorf("the comparison's time depends on where the tokens differ: ratio %.2f", constant)
	}
	if leaky <= ${MAX_RATIO} {
		t.Errorf("the harness does not see an early-exit comparison (ratio %.2f)", leaky)
	}
}
`;

describe('Go glue (pelato_auth.go, with mainline go test)', () => {
  test('equality, header parsing and constant time', () => {
    const dir = tempDir();
    copyFileSync(path.join(TEMPLATE, 'go', 'pelato_auth.go'), path.join(dir, 'pelato_auth.go'));
    writeFileSync(path.join(dir, 'auth_test.go'), GO_TEST);
    writeFileSync(path.join(dir, 'go.mod'), 'module pelatoauth\n\ngo 1.22\n');
    // -gcflags=-l keeps the calls out-of-line, as they are in the component.
    const out = execFileSync('go', ['test', '-count=1', '-v', '-gcflags=-l', '.'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
    expect(out).toMatch(/--- PASS: TestTokenEqual/);
    expect(out).toMatch(/--- PASS: TestAuthStatus/);
    expect(out).toMatch(/--- PASS: TestConstantTime/);
    const [, constant, leaky] = /RATIO (\S+) (\S+)/.exec(out)!;
    console.log(`Go comparison, 64 KiB tokens: slowest/fastest case ${constant} (early-exit comparison: ${leaky})`);
  }, 300_000);
});
