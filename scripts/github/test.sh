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

log=$(mktemp)
code=0
pelato "${args[@]}" | tee "$log" || code=$?
counts=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$log" | tail -n1)
rm -rf "$log" "$scratch"
set_output passed "${counts%% *}"
set_output failed "${counts##* }"
exit "$code"
