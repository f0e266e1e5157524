#!/usr/bin/env bash
# Provides the tools of the Go (TinyGo) build path, from what this project's machines can reach:
#   tinygo      the one on PATH if it is 0.34 or newer, else TinyGo 0.39.0 built by
#               ../shared/toolchains/tinygo/build.sh (Go module proxy + Debian LLVM 19; ~2 min cold, then ~1 s)
#   wasm-tools  the one on PATH if it is 1.200 or newer, else 1.240.0 from crates.io (cargo install)
# Both land in caches outside the clone (~/.cache/pelato), so a new clone on the same machine reuses them.
#
# wasm-tools is built with only the subcommands the build path uses (TinyGo runs `component embed` and
# `component new`; people debugging a component want `validate`, `print`, `component wit` and `metadata`):
# the same 1.240.0 sources, about a third of the crates of a default build. Cold: see the README.
#
# Prints the folders to put on PATH, colon-separated, as its last line (empty when both were already there).
# Exits non-zero, naming the tool and what to do, when one cannot be had.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="${PELATO_CACHE:-$HOME/.cache/pelato}"
SHARED="${PELATO_SHARED:-$ROOT/../shared}"
WASM_TOOLS_VERSION=1.240.0
WASM_TOOLS_FEATURES=component,validate,print,metadata
fail() { echo "install-go-tools: $*" >&2; exit 1; }

# version_at_least HAVE NEED: dotted numeric comparison
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

add=()

# --- TinyGo -------------------------------------------------------------------------------------------
tinygo_ok() { # prints the version of the tinygo at $1 when it is >= 0.34
  local v
  v=$("$1" version 2>/dev/null | sed -n 's/^tinygo version \([0-9][0-9.]*\).*/\1/p') || return 1
  [ -n "$v" ] && version_at_least "$v" 0.34.0 && echo "$v"
}
if tg=$(command -v tinygo) && v=$(tinygo_ok "$tg"); then
  echo "install-go-tools: tinygo $v on PATH ($tg)" >&2
else
  [ -x "$SHARED/toolchains/tinygo/build.sh" ] || [ -f "$SHARED/toolchains/tinygo/build.sh" ] \
    || fail "tinygo 0.34+ is not on PATH and $SHARED/toolchains/tinygo/build.sh is missing:" \
      "install TinyGo (https://tinygo.org/getting-started/install/) or put the shared folder beside the clone"
  echo "install-go-tools: building TinyGo 0.39.0 ($SHARED/toolchains/tinygo/build.sh)" >&2
  dir=$(PELATO_TINYGO_CACHE="$CACHE/tinygo-0.39.0" bash "$SHARED/toolchains/tinygo/build.sh" | tail -n1) \
    || fail "building TinyGo failed (see its output above)"
  v=$(tinygo_ok "$dir/tinygo") || fail "the TinyGo built in $dir does not run"
  echo "install-go-tools: tinygo $v ($dir/tinygo)" >&2
  add+=("$dir")
fi

# --- wasm-tools -----------------------------------------------------------------------------------------
wasm_tools_ok() {
  local v
  v=$("$1" --version 2>/dev/null | sed -n 's/^wasm-tools \([0-9][0-9.]*\).*/\1/p') || return 1
  [ -n "$v" ] && version_at_least "$v" 1.200.0 && echo "$v"
}
wt_root="$CACHE/wasm-tools-$WASM_TOOLS_VERSION"
if wt=$(command -v wasm-tools) && v=$(wasm_tools_ok "$wt"); then
  echo "install-go-tools: wasm-tools $v on PATH ($wt)" >&2
elif v=$(wasm_tools_ok "$wt_root/bin/wasm-tools"); then
  echo "install-go-tools: wasm-tools $v ($wt_root/bin/wasm-tools, cached)" >&2
  add+=("$wt_root/bin")
else
  command -v cargo >/dev/null 2>&1 \
    || fail "wasm-tools is not on PATH and cargo is missing: install Rust (rustup) or wasm-tools $WASM_TOOLS_VERSION"
  echo "install-go-tools: cargo install wasm-tools $WASM_TOOLS_VERSION (features $WASM_TOOLS_FEATURES)" \
    "into $wt_root" >&2
  start=$(date +%s)
  cargo install wasm-tools --version "$WASM_TOOLS_VERSION" --locked --quiet \
      --no-default-features --features "$WASM_TOOLS_FEATURES" --root "$wt_root" >&2 \
    || fail "cargo install wasm-tools $WASM_TOOLS_VERSION failed (see the cargo output above)"
  v=$(wasm_tools_ok "$wt_root/bin/wasm-tools") || fail "the wasm-tools built in $wt_root does not run"
  echo "install-go-tools: wasm-tools $v built in $(( $(date +%s) - start )) s" >&2
  add+=("$wt_root/bin")
fi

(IFS=:; echo "${add[*]}")
