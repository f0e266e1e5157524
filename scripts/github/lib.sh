# Shared by the scripts the GitHub composite actions run (generate.sh, build.sh, test.sh, deploy.sh).
# Inputs arrive as PELATO_* environment variables mapped in each action's `env:`; nothing from
# `${{ }}` is ever pasted into a script. The scripts turn inputs into pelato options and write step
# outputs; pelato itself, seeing GITHUB_ACTIONS=true, writes the log groups, annotations and the job
# summary (src/github/actionsOutput.ts, jobSummary.ts), from its typed results rather than its log.
set -euo pipefail

PELATO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: run this from a GitHub Actions step}"

pelato() { node "$PELATO_ROOT/dist/cli/index.js" "$@"; }

# set_output NAME VALUE: multi-line safe ($GITHUB_OUTPUT heredoc form with a random delimiter).
set_output() {
  local delim
  delim="pelato_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  { printf '%s<<%s\n' "$1" "$delim"; printf '%s\n' "$2"; printf '%s\n' "$delim"; } >>"$GITHUB_OUTPUT"
}

# bool NAME VALUE: 'true' or 'false', anything else is a usage error.
bool() {
  case "$2" in
    true | false) ;;
    *) echo "::error::input $1 must be true or false, got '$2'" >&2; exit 1 ;;
  esac
}

# mask NAME: hides every line of the variable's value from the log.
mask() {
  local value="${!1:-}" line
  [ -n "$value" ] || return 0
  while IFS= read -r line; do
    [ -n "$line" ] && echo "::add-mask::$line"
  done <<<"$value"
}

# plan_outputs PLAN: outputs languages ("go,js"), go-tasks and js-tasks (true/false) from a plan.json.
plan_outputs() {
  local languages
  languages=$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log([...new Set(p.tasks.map((t) => t.language))].sort().join(","));' "$1")
  set_output languages "$languages"
  set_output go-tasks "$([[ ",$languages," == *,go,* ]] && echo true || echo false)"
  set_output js-tasks "$([[ ",$languages," == *,js,* ]] && echo true || echo false)"
}
