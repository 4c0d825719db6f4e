#!/bin/sh
# Builds the site's two workers (release wasm, wasm-bindgen, wasm-opt, the JS shim), each from
# its own crate (README, "Two workers"):
#   worker/site   -> build/site/     what visitors read, deployed with `wrangler.toml`
#   worker/office -> build/office/   every write, the maintainers' area, the jobs, deployed
#                                    with `wrangler.office.toml`
# `sh scripts/build.sh site` or `sh scripts/build.sh office` builds one of them.
set -eu
. "$(dirname "$0")/env.sh"
for part in site office; do
  if [ "${1:-both}" = both ] || [ "${1:-}" = "$part" ]; then
    (cd "$ROOT/worker/$part" && "$CARGO_BIN/worker-build" --release --out-dir "$ROOT/build/$part")
  fi
done
