#!/bin/sh
# Installs every pinned tool the project needs, from the package registries only.
# Idempotent: a second run checks versions and returns in about a second.
#   - the wasm32 target (rustup), worker-build and the wasm-bindgen CLI (crates.io)
#   - Node 22, wrangler, wasm-opt (binaryen), axe-core, test signers (npm ci, from package-lock.json)
#   - with --test: Debian's chromium, chromium-driver and a Khmer font (apt, as root)
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
# The CLI must match the wasm-bindgen library in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

step() { printf '== %s\n' "$*"; }

# The two cargo installs share one target folder: both build clap, serde, anyhow and ureq (with
# its TLS stack), which then compile once. Each installs only the one binary the build runs.
TOOLS_TARGET="$ROOT/target/tools"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$("$CARGO_BIN/worker-build" --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]; then
  step "cargo install worker-build $WORKER_BUILD_VERSION (several minutes, once)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --bin worker-build --target-dir "$TOOLS_TARGET"
fi

if ! "$CARGO_BIN/wasm-bindgen" --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: one of its locked dependencies is missing from the registry mirror here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --bin wasm-bindgen --force --target-dir "$TOOLS_TARGET"
fi

if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--test" ]; then
  need=""
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
  command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
  [ -d /usr/share/fonts/truetype/khmeros ] || need="$need fonts-khmeros"
  if [ -n "$need" ]; then
    step "apt-get install$need"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need
  fi
fi

if [ ! -f .dev.vars ]; then
  step "cp .dev.vars.example .dev.vars"
  cp .dev.vars.example .dev.vars
fi
