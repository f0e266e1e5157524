#!/usr/bin/env bash
# The pull-request preview: generates the PR's project and the base branch's in memory and writes one
# comment on the PR (found by its marker, edited in place), or the job summary when the token is
# read-only (fork pull requests). Env: PELATO_PROJECT, PELATO_BASE_DIR (checkout of the base branch),
# GITHUB_TOKEN. Output: result (created, updated, outdated, absent or summary).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mask GITHUB_TOKEN
[ -n "${GITHUB_TOKEN:-}" ] || { echo "::error::no token: pass the preview action a token (default: github.token)" >&2; exit 1; }
export PELATO_PROJECT="${PELATO_PROJECT:-.}" PELATO_BASE_DIR="${PELATO_BASE_DIR:-}" GITHUB_TOKEN
result=$(node "$PELATO_ROOT/dist/preview/index.js")
set_output result "$result"
