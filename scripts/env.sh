# Sourced by the other scripts: the project's own tools first on PATH, and worker-build told
# where they are, so that it never tries to download wasm-bindgen, wasm-opt or esbuild.
# Scripts find the root from their own path; `make` passes it (a sourced file has no path).
ROOT=${CAMPAIGN_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$ROOT/node_modules/.bin:$CARGO_BIN:$PATH"  # node_modules/.bin/node is Node 22
export WASM_BINDGEN_BIN="$CARGO_BIN/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_LOG_PATH="$ROOT/.wrangler/logs"
