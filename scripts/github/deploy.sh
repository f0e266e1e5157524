#!/usr/bin/env bash
# `pelato deploy` (or `pelato remove`) for the deploy (and root) action. Reads only the project's gen/.
# Env: PELATO_PROJECT, PELATO_LATTICE, PELATO_TIMEOUT, PELATO_REPLACE (true/false), PELATO_REMOVE (true/false);
# NATS settings and credentials (NATS_URL, NATS_CREDS_CONTENT, NATS_TOKEN, NATS_USER, NATS_PASSWORD, ...)
# and the HTTP tokens (PELATO_HTTP_TOKEN or each task's http.auth.token_env) from the caller's environment,
# masked here before pelato runs. Output: results (pelato's JSON).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for v in NATS_URL NATS_CREDS_CONTENT NATS_NKEY_SEED NATS_JWT NATS_SEED NATS_TOKEN NATS_USER NATS_PASSWORD \
  NATS_TLS_KEY WASMCLOUD_CTL_JWT WASMCLOUD_CTL_SEED PELATO_HTTP_TOKEN; do
  mask "$v"
done

project="${PELATO_PROJECT:-.}"
# The HTTP producers' bearer tokens, under whatever names http.auth.token_env gives them in the plan.
if [ -f "$project/gen/plan.json" ]; then
  token_envs='for (const t of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).tasks)
    if (t.http?.auth) console.log(t.http.auth.token_env)'
  for v in $(node -e "$token_envs" "$project/gen/plan.json"); do
    mask "$v"
  done
fi
replace="${PELATO_REPLACE:-false}"
remove="${PELATO_REMOVE:-false}"
bool replace "$replace"
bool remove "$remove"

[ -f "$project/gen/plan.json" ] || {
  echo "::error::$project/gen/plan.json not found: run the generate (and build) actions first" >&2
  exit 1
}
if [ "$remove" = true ]; then args=(remove "$project"); else args=(deploy "$project"); fi
if [ -n "${PELATO_LATTICE:-}" ]; then args+=(--lattice "$PELATO_LATTICE"); fi
if [ -n "${PELATO_TIMEOUT:-}" ]; then args+=(--timeout "$PELATO_TIMEOUT"); fi
if [ "$replace" = true ] && [ "$remove" = false ]; then args+=(--replace); fi

# The log stays human-readable (one group per app) while the result goes to a file for the output.
json=$(mktemp)
code=0
pelato "${args[@]}" --json-file "$json" || code=$?
if [ -s "$json" ]; then set_output results "$(cat "$json")"; fi
rm -f "$json"
exit "$code"
