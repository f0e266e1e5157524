#!/usr/bin/env bash
# `pelato gen` for the generate (and root) action. Env: PELATO_PROJECT, PELATO_REGISTRY, PELATO_LATTICE,
# PELATO_STRICT (true: warnings about workflow.yaml are errors).
# Outputs: plan (path of gen/plan.json), languages (e.g. "go,js"), go-tasks, js-tasks (true/false).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

project="${PELATO_PROJECT:-.}"
args=(gen "$project")
if [ -n "${PELATO_REGISTRY:-}" ]; then args+=(--registry "$PELATO_REGISTRY"); fi
if [ -n "${PELATO_LATTICE:-}" ]; then args+=(--lattice "$PELATO_LATTICE"); fi
strict="${PELATO_STRICT:-false}"
bool strict "$strict"
if [ "$strict" = true ]; then args+=(--strict); fi

pelato "${args[@]}"

plan="$project/gen/plan.json"
set_output plan "$plan"
plan_outputs "$plan"
