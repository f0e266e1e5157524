#!/usr/bin/env bash
# Builds the two Rust parts of the loopback lattice from crates.io, with the lock files committed here:
#   pelato-wadm  wadm 0.21.1's own command line (library crate `wadm`, feature `cli`)
#   pelato-host  a wasmCloud 1.x host (library crate `wasmcloud-host` 0.27.1 + lattice/host/src/main.rs)
#   pelato-http-server  wasmCloud's http-server provider (crate `wasmcloud-provider-http-server` 0.27.1,
#                the provider of the ghcr.io/wasmcloud/http-server images: TLS and timeout_ms, which the
#                hosts' builtin http-server lacks); `pelato-http-server --par F` packs it as a provider archive
# into $PELATO_LATTICE_CACHE/target (default ~/.cache/pelato/lattice), outside the clone, so a later
# clone on the same machine finds them built and cargo only checks fingerprints (about a second).
# cargo fingerprints a path crate by its path and its files' mtimes, and every clone has new ones; so the
# sources are mirrored into $CACHE/src first, copying only files whose content changed.
# Prints the time each build took; a cold build on 2 cores is the figure quoted in the README.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null 2>&1 || {
  echo "lattice/build.sh: cargo is required (Rust from rustup or Debian's cargo)" >&2
  exit 1
}
CACHE="${PELATO_LATTICE_CACHE:-$HOME/.cache/pelato/lattice}"
export CARGO_TARGET_DIR="$CACHE/target"
mkdir -p "$CACHE/src"
mirror() { # mirror DIR: copy changed files into $CACHE/src/DIR, drop files no longer in the clone
  local f
  while IFS= read -r -d '' f; do
    mkdir -p "$CACHE/src/$(dirname "$f")"
    cmp -s "$f" "$CACHE/src/$f" || cp "$f" "$CACHE/src/$f"
  done < <(find "$1" -type f \( -name '*.rs' -o -name Cargo.toml -o -name Cargo.lock \) -print0)
  while IFS= read -r -d '' f; do
    [ -e "${f#"$CACHE/src/"}" ] || rm -f "$f"
  done < <(find "$CACHE/src/$1" -type f -print0)
}
for part in wadm host http-server; do mirror "$part"; done
for part in wadm host http-server; do
  start=$(date +%s)
  echo "== lattice: building pelato-$part (cargo build --release --locked)"
  if ! (cd "$CACHE/src/$part" && cargo build --release --locked --quiet); then
    echo "lattice/build.sh: building pelato-$part failed (see the cargo output above)" >&2
    exit 1
  fi
  echo "   pelato-$part ready in $(( $(date +%s) - start )) s: $CARGO_TARGET_DIR/release/pelato-$part"
done
