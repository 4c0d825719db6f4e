#!/bin/sh
# Builds the site's two workers (release wasm, wasm-bindgen, wasm-opt, the JS shim), both from
# the one crate `worker/` (app::routes::Part, ARCHITECTURE.md "Two workers"):
#   build/site/     what visitors read (feature `site`), deployed with `wrangler.toml`
#   build/office/   every write, the maintainers' area, the jobs (feature `office`), deployed
#                   with `wrangler.office.toml`
# `sh scripts/build.sh site` or `sh scripts/build.sh office` builds one of them.
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT/worker"
for part in site office; do
  if [ "${1:-both}" = both ] || [ "${1:-}" = "$part" ]; then
    "$CARGO_BIN/worker-build" --release --out-dir "../build/$part" --no-default-features --features "$part"
  fi
done
