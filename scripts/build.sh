#!/bin/sh
# Builds the worker (release wasm, wasm-bindgen, wasm-opt, the JS shim) into build/.
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT/worker"
exec "$CARGO_BIN/worker-build" --release --out-dir ../build
