#!/usr/bin/env bash
# `pelato build` for the build (and root) action, after generate.sh.
# Env: PELATO_PROJECT, PELATO_PUSH (true/false), PELATO_PARALLEL, PELATO_OVERWRITE (true/false);
# REGISTRY_USER / REGISTRY_PASSWORD from the caller's environment (secrets), read by pelato itself.
# Outputs: results (gen/build.json, JSON), ok (true/false).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

project="${PELATO_PROJECT:-.}"
push="${PELATO_PUSH:-true}"
overwrite="${PELATO_OVERWRITE:-false}"
bool push "$push"
bool overwrite "$overwrite"
mask REGISTRY_PASSWORD

[ -f "$project/gen/plan.json" ] || {
  echo "::error::$project/gen/plan.json not found: run the generate action first" >&2
  exit 1
}
args=(build "$project")
if [ "$push" = false ]; then args+=(--no-push); fi
if [ "$overwrite" = true ]; then args+=(--overwrite); fi
if [ -n "${PELATO_PARALLEL:-}" ]; then args+=(--parallel "$PELATO_PARALLEL"); fi

code=0
pelato "${args[@]}" || code=$?
if [ -f "$project/gen/build.json" ]; then
  set_output results "$(cat "$project/gen/build.json")"
fi
set_output ok "$([ "$code" = 0 ] && echo true || echo false)"
exit "$code"
