#!/usr/bin/env bash
# What the build action must install for gen/plan.json. Env: PELATO_PROJECT, PELATO_REGISTRY (optional:
# the plan must have been generated for that registry, since images are named at generate time).
# Outputs: plan, languages ("go,js"), go-tasks, js-tasks (true/false).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

plan="${PELATO_PROJECT:-.}/gen/plan.json"
[ -f "$plan" ] || { echo "::error::$plan not found: run the generate action first" >&2; exit 1; }
if [ -n "${PELATO_REGISTRY:-}" ]; then
  planned=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).registry)' "$plan")
  if [ "$planned" != "$PELATO_REGISTRY" ]; then
    echo "::error::$plan was generated for registry '$planned', not '$PELATO_REGISTRY':" \
      "pass the same registry to the generate action" >&2
    exit 1
  fi
fi
set_output plan "$plan"
plan_outputs "$plan"
