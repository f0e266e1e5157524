#!/usr/bin/env bash
# `pelato test` for the test action. Env: PELATO_PROJECT, PELATO_REGISTRY, PELATO_LATTICE.
# pelato test regenerates before it builds; it writes into a scratch folder (--out) so the project's
# gen/ (with build.json and the pinned manifests the deploy job uses) is left as it is.
# Outputs: passed, failed (case counts).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

project="${PELATO_PROJECT:-.}"
scratch=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/pelato-test.XXXXXX")
args=(test "$project" --out "$scratch/gen")
if [ -n "${PELATO_REGISTRY:-}" ]; then args+=(--registry "$PELATO_REGISTRY"); fi
if [ -n "${PELATO_LATTICE:-}" ]; then args+=(--lattice "$PELATO_LATTICE"); fi

# The counts come from pelato's typed result (--json-file), not from its log.
result="$scratch/test.json"
code=0
pelato "${args[@]}" --json-file "$result" || code=$?
counts=""
if [ -f "$result" ]; then
  counts=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.passed} ${r.failed}`);' "$result")
fi
rm -rf "$scratch"
set_output passed "${counts%% *}"
set_output failed "${counts##* }"
exit "$code"
