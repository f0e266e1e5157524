#!/usr/bin/env bash
# Builds the two Rust parts of the loopback lattice from crates.io, with the lock files committed here:
#   pelato-wadm  wadm 0.21.1's own command line (library crate `wadm`, feature `cli`)
#   pelato-host  a wasmCloud 1.x host (library crate `wasmcloud-host` 0.27.1 + lattice/host/src/main.rs)
# into $PELATO_LATTICE_CACHE/target (default ~/.cache/pelato/lattice), outside the clone, so a later
# clone on the same machine finds them built and cargo only checks fingerprints (about a second).
# Prints the time each build took; a cold build on 2 cores is the figure quoted in the README.
set -euo pipefail
cd "$(dirname "$0")"
command -v cargo >/dev/null 2>&1 || { echo "lattice/build.sh: cargo is required (Rust from rustup or Debian's cargo)" >&2; exit 1; }
CACHE="${PELATO_LATTICE_CACHE:-$HOME/.cache/pelato/lattice}"
export CARGO_TARGET_DIR="$CACHE/target"
mkdir -p "$CACHE"
for part in wadm host; do
  start=$(date +%s)
  echo "== lattice: building pelato-$part (cargo build --release --locked)"
  if ! (cd "$part" && cargo build --release --locked --quiet); then
    echo "lattice/build.sh: building pelato-$part failed (see the cargo output above)" >&2
    exit 1
  fi
  echo "   pelato-$part ready in $(( $(date +%s) - start )) s: $CARGO_TARGET_DIR/release/pelato-$part"
done
