# Sourced by the other scripts, and by hand (`. scripts/env.sh` from the project's folder): the
# project's own tools first on PATH, and worker-build told where they are, so that it never
# tries to download wasm-bindgen, wasm-opt or esbuild.
#
# The project's root, in this order: CAMPAIGN_ROOT (`make` exports it); the folder above this
# file when its path is known (bash's BASH_SOURCE, or $0 when scripts/*.sh source it with
# `. "$(dirname "$0")/env.sh"`); else the nearest folder, from the current one up, that holds
# wrangler.toml and worker/ (typed by hand in sh or dash, $0 is the shell, not a path).
if [ -n "${CAMPAIGN_ROOT:-}" ]; then
  ROOT=$CAMPAIGN_ROOT
else
  ROOT=""
  # shellcheck disable=SC3028 # bash's, when there; empty elsewhere, and then $0
  _campaign_dir=$(dirname -- "${BASH_SOURCE:-$0}")
  if [ -f "$_campaign_dir/env.sh" ] && [ -f "$_campaign_dir/../wrangler.toml" ]; then
    ROOT=$(cd "$_campaign_dir/.." && pwd)
  else
    _campaign_dir=$PWD
    while :; do
      if [ -f "$_campaign_dir/wrangler.toml" ] && [ -d "$_campaign_dir/worker" ]; then
        ROOT=$_campaign_dir
        break
      fi
      [ "$_campaign_dir" = / ] && break
      _campaign_dir=$(dirname -- "$_campaign_dir")
    done
  fi
  unset _campaign_dir
  if [ -z "$ROOT" ]; then
    echo "scripts/env.sh: no project here (no wrangler.toml and worker/ in $PWD or above): run it from the project's folder" >&2
    return 1
  fi
fi
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$ROOT/node_modules/.bin:$CARGO_BIN:$PATH"  # node_modules/.bin/node is Node 22
export WASM_BINDGEN_BIN="$CARGO_BIN/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_LOG_PATH="$ROOT/.wrangler/logs"
