#!/usr/bin/env bash
# Installs the external peers the registry is tested against, idempotently and quietly,
# into a cache outside the work tree. Prints nothing on success; sourcing it exports
# ORAS, CRANE and OCI_CONFORMANCE (paths to the binaries).
#   Go tools come from the Go module proxy; skopeo and docker-registry from Debian.
set -euo pipefail

ASTERAI_TOOLS_DIR="${ASTERAI_CACHE_DIR:-$HOME/.cache/asterai}/tools"
mkdir -p "$ASTERAI_TOOLS_DIR/bin"
export GOBIN="$ASTERAI_TOOLS_DIR/bin"
export GOPATH="${GOPATH:-$ASTERAI_TOOLS_DIR/gopath}"
export GOFLAGS=-mod=mod

# Pinned versions, so every run tests against the same peers.
ORAS_VERSION=v1.3.6
CRANE_VERSION=v0.20.6
CONFORMANCE_VERSION=v0.0.0-20260831232431-97274622c111
PLAYWRIGHT_VERSION=1.65.2  # playwright-core only: it drives Debian's chromium, downloads no browser
COSIGN_VERSION=v2.6.5  # the v2 line: signatures at the `sha256-<hex>.sig` tag by default

registry_tools_log() { echo "registry tools: $*" >&2; }

install_go_tool() {  # package@version binary-name
  local pkg="$1" bin="$2" stamp="$GOBIN/.$2.version"
  if [[ -x "$GOBIN/$bin" && "$(cat "$stamp" 2>/dev/null)" == "$pkg" ]]; then return 0; fi
  go install "$pkg" >/dev/null 2>"$ASTERAI_TOOLS_DIR/$bin.log" ||
    { registry_tools_log "go install $pkg failed (see $ASTERAI_TOOLS_DIR/$bin.log)"; return 1; }
  echo "$pkg" >"$stamp"
}

install_conformance() {
  local out="$GOBIN/oci-conformance" stamp="$GOBIN/.oci-conformance.version"
  if [[ -x "$out" && "$(cat "$stamp" 2>/dev/null)" == "$CONFORMANCE_VERSION" ]]; then return 0; fi
  local mod="$ASTERAI_TOOLS_DIR/conformance-src"
  rm -rf "$mod" && mkdir -p "$mod"
  # `go test -c` needs the package inside a module; a throwaway module requiring it works.
  (
    cd "$mod"
    go mod init asterai.local/conformance-runner >/dev/null 2>&1
    go get "github.com/opencontainers/distribution-spec/conformance@$CONFORMANCE_VERSION" >/dev/null 2>&1
    go test -c -o "$out" github.com/opencontainers/distribution-spec/conformance >/dev/null 2>"$ASTERAI_TOOLS_DIR/conformance.log"
  ) || { registry_tools_log "building the conformance suite failed (see $ASTERAI_TOOLS_DIR/conformance.log)"; return 1; }
  echo "$CONFORMANCE_VERSION" >"$stamp"
}

install_debian() {  # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
      { registry_tools_log "apt-get install $2 failed"; return 1; }
  else
    registry_tools_log "$1 missing: install the Debian package $2"; return 1
  fi
}

install_playwright() {
  local dir="$ASTERAI_TOOLS_DIR/playwright" stamp="$ASTERAI_TOOLS_DIR/playwright/.version"
  if [[ "$(cat "$stamp" 2>/dev/null)" == "$PLAYWRIGHT_VERSION" ]]; then return 0; fi
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION" \
    >"$ASTERAI_TOOLS_DIR/playwright.log" 2>&1 ||
    { registry_tools_log "npm install playwright-core failed (see $ASTERAI_TOOLS_DIR/playwright.log)"; return 1; }
  echo "$PLAYWRIGHT_VERSION" >"$stamp"
}

registry_tools_install() {
  for what in "$@"; do
    case "$what" in
      oras) install_go_tool "oras.land/oras/cmd/oras@$ORAS_VERSION" oras ;;
      crane) install_go_tool "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION" crane ;;
      cosign) install_go_tool "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION" cosign ;;
      conformance) install_conformance ;;
      skopeo) install_debian skopeo skopeo ;;
      docker-registry) install_debian docker-registry docker-registry ;;
      chromium) install_debian chromium chromium ;;
      playwright) install_playwright ;;
      *) registry_tools_log "unknown tool $what"; return 1 ;;
    esac
  done
}

export ORAS="$GOBIN/oras" CRANE="$GOBIN/crane" OCI_CONFORMANCE="$GOBIN/oci-conformance" COSIGN="$GOBIN/cosign"
export PLAYWRIGHT_MODULES="$ASTERAI_TOOLS_DIR/playwright/node_modules"

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  [[ $# -gt 0 ]] || set -- oras crane conformance skopeo docker-registry
  registry_tools_install "$@"
fi
