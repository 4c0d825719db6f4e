#!/bin/sh
# `make bench`: the built worker (build/) against its limits and its peer, in workerd itself.
# Prints the figures and writes bench/results.json; see bench/README.md. Never fails on speed,
# only on a real error (a worker that does not start or answers wrongly, a tool missing).
#   BENCH_ROUNDS=5 BENCH_SECONDS=3 BENCH_WARMUP=1 BENCH_CONNECTIONS=8 BENCH_COLD_STARTS=5
#   BENCH_QUIET_WAIT=5 BENCH_QUIET_BUDGET=60 BENCH_LIGHTHOUSE=1 BENCH_BUILD=build BENCH_CASES=all
#   BENCH_SCALE_PAGE=200 BENCH_SCALE_CONNECTIONS=2 BENCH_SCALE_SECONDS=5 BENCH_SCALE_PROBES=1
set -eu
. "$(dirname "$0")/../scripts/env.sh"
cd "$ROOT"

# wrk, from Debian (apt, as root), like scripts/setup.sh installs chromium.
if ! command -v wrk >/dev/null 2>&1; then
  printf '== apt-get install wrk\n'
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi
if [ ! -x /usr/bin/chromium ] && [ "${BENCH_LIGHTHOUSE:-1}" != 0 ]; then
  echo "bench: /usr/bin/chromium is missing (make test-setup installs it), or set BENCH_LIGHTHOUSE=0" >&2
  exit 1
fi
for m in miniflare hono lighthouse stripe; do
  if [ ! -f "node_modules/$m/package.json" ]; then
    echo "bench: node_modules/$m is missing: run npm ci (make setup does)" >&2
    exit 1
  fi
done
if [ ! -f build/site/index.js ] || [ ! -f build/site/index_bg.wasm ]; then
  echo "bench: build/ is empty: run sh scripts/build.sh first (make bench does)" >&2
  exit 1
fi

mkdir -p bench/out
exec node bench/bench.mjs
