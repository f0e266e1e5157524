#!/usr/bin/env bash
# Installs the tools the publish tests talk to, from the package registries only, into .tools/bin
# (gitignored). Idempotent: a tool already at the pinned version is left alone.
#
#   oras             Go module proxy: oras.land/oras/cmd/oras at $ORAS_VERSION
#   docker-registry  Debian package (CNCF distribution registry 2.8, /usr/bin/docker-registry)
#   htpasswd         Debian package apache2-utils (bcrypt hashes for the basic-auth registry)
#   actionlint       Go module proxy: github.com/rhysd/actionlint at $ACTIONLINT_VERSION (the GitHub workflow tests)
#   chromium         Debian package (/usr/bin/chromium): the PR preview's Mermaid charts are rendered in it
#                    (__tests__/github/mermaid-render.test.ts); PELATO_CHROMIUM names another Chromium or Chrome
#                    binary instead (e.g. on Ubuntu, whose chromium package is a snap)
#   tmux             Debian package: the real terminal the live progress display is tested in
#                    (__tests__/cli/progress-terminal.test.ts)
#
# Exits non-zero, naming the tool, when anything cannot be installed. Prints the versions at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

ORAS_VERSION="${ORAS_VERSION:-v1.3.2}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
TOOLS_BIN="$PWD/.tools/bin"
mkdir -p "$TOOLS_BIN"

fail() { echo "install-test-tools: $*" >&2; exit 1; }
started=$(date +%s)

# --- oras -------------------------------------------------------------------------------------------
oras_have=""
if [ -x "$TOOLS_BIN/oras" ]; then
  oras_have=$("$TOOLS_BIN/oras" version 2>/dev/null | sed -n 's/^Version:[[:space:]]*//p' | head -n1 || true)
fi
if [ "v${oras_have}" != "$ORAS_VERSION" ]; then
  command -v go >/dev/null 2>&1 || fail "go is required to install oras (Go >= 1.24 on PATH)"
  echo "install-test-tools: installing oras $ORAS_VERSION from the Go module proxy"
  # Not 'go install oras.land/oras/cmd/oras@VERSION': that form looks up the module's deprecation through
  # the proxy's version list, which the proxy here refuses (403). Building inside a throwaway module that
  # requires the pinned version needs no version list, and go.sum still verifies every module.
  gomod=$(mktemp -d)
  trap 'rm -rf "$gomod"' EXIT
  ( cd "$gomod" \
    && go mod init pelato.local/test-tools >/dev/null 2>&1 \
    && go get "oras.land/oras@$ORAS_VERSION" \
    && GOBIN="$TOOLS_BIN" go install -mod=mod -buildvcs=false -ldflags "-s -w" oras.land/oras/cmd/oras ) \
    || fail "could not build oras $ORAS_VERSION from the Go module proxy (see the go error above)"
fi

# --- registry + htpasswd + chromium + tmux (Debian) -------------------------------------------------
CHROMIUM="${PELATO_CHROMIUM:-/usr/bin/chromium}"
apt_missing=()
[ -x /usr/bin/docker-registry ] || apt_missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || apt_missing+=(apache2-utils)
[ -n "${PELATO_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || apt_missing+=(chromium)
command -v tmux >/dev/null 2>&1 || apt_missing+=(tmux)
if [ "${#apt_missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: install ${apt_missing[*]} by hand"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "need root (or sudo) to apt-get install ${apt_missing[*]}"
    SUDO="sudo"
  fi
  echo "install-test-tools: apt-get install ${apt_missing[*]}"
  $SUDO apt-get update -qq || fail "apt-get update failed"
  # The registry package's service is not wanted: the tests start their own registries on free loopback
  # ports. Chromium runs headless, so its recommended desktop packages are not wanted either.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends \
    "${apt_missing[@]}" >/dev/null \
    || fail "apt-get install ${apt_missing[*]} failed"
fi
ln -sf /usr/bin/docker-registry "$TOOLS_BIN/docker-registry"

# --- actionlint ----------------------------------------------------------------------------------------
actionlint_have=""
if [ -x "$TOOLS_BIN/actionlint" ]; then
  actionlint_have=$("$TOOLS_BIN/actionlint" -version 2>/dev/null | head -n1 || true)
fi
if [ "$actionlint_have" != "$ACTIONLINT_VERSION" ]; then
  command -v go >/dev/null 2>&1 || fail "go is required to install actionlint (Go >= 1.24 on PATH)"
  echo "install-test-tools: installing actionlint $ACTIONLINT_VERSION from the Go module proxy"
  # Same throwaway-module pattern as oras; -X sets the version actionlint -version prints (checked above).
  almod=$(mktemp -d)
  ( cd "$almod" \
    && go mod init pelato.local/test-tools >/dev/null 2>&1 \
    && go get "github.com/rhysd/actionlint@$ACTIONLINT_VERSION" \
    && GOBIN="$TOOLS_BIN" go install -mod=mod -buildvcs=false \
         -ldflags "-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
         github.com/rhysd/actionlint/cmd/actionlint ) \
    || { rm -rf "$almod"
         fail "could not build actionlint $ACTIONLINT_VERSION from the Go module proxy (see the go error above)"; }
  rm -rf "$almod"
fi

# --- check and report ---------------------------------------------------------------------------------
"$TOOLS_BIN/oras" version >/dev/null 2>&1 || fail "oras in $TOOLS_BIN does not run"
[ -x /usr/bin/docker-registry ] || fail "docker-registry is not installed"
command -v htpasswd >/dev/null 2>&1 || fail "htpasswd (apache2-utils) is not installed"
[ -x "$CHROMIUM" ] || fail "Chromium not found at $CHROMIUM (Debian package chromium, or set PELATO_CHROMIUM)"
"$CHROMIUM" --version >/dev/null 2>&1 || fail "$CHROMIUM --version failed"
"$TOOLS_BIN/actionlint" -version >/dev/null 2>&1 || fail "actionlint in $TOOLS_BIN does not run"
command -v tmux >/dev/null 2>&1 || fail "tmux is not installed (Debian package tmux)"
echo "oras:     $("$TOOLS_BIN/oras" version | sed -n 's/^Version:[[:space:]]*//p' | head -n1) ($TOOLS_BIN/oras)"
echo "registry: $(/usr/bin/docker-registry --version 2>&1 | head -n1)"
echo "actionlint: $("$TOOLS_BIN/actionlint" -version | head -n1) ($TOOLS_BIN/actionlint)"
echo "htpasswd: $(dpkg-query -W -f='${Version}' apache2-utils 2>/dev/null || echo present)"
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n1) ($CHROMIUM)"
echo "tmux:     $(tmux -V)"
echo "install-test-tools: done in $(( $(date +%s) - started ))s"
