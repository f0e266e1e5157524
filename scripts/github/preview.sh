#!/usr/bin/env bash
# The pull-request preview: generates the PR's project and the base branch's in memory and writes one
# comment on the PR (found by its marker, edited in place), or the job summary when the token is
# read-only (fork pull requests). Env: PELATO_PROJECT, PELATO_BASE_DIR (checkout of the base branch),
# GITHUB_TOKEN. The bundle masks the token and sets the output result (created, updated, outdated,
# absent or summary) itself, through @actions/core.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

node "$PELATO_ROOT/dist/preview/index.js"
