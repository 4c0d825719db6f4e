#!/bin/sh
# Builds the site's two workers (wasm, wasm-bindgen, wasm-opt, the JS shim), each from its own
# crate (README, "Two workers"):
#   worker/site   -> build/site/     what visitors read, deployed with `wrangler.toml`
#   worker/office -> build/office/   every write, the maintainers' area, the jobs, deployed
#                                    with `wrangler.office.toml`
#   sh scripts/build.sh [site|office|both]        (both when not named)
#
# Each config's [build] command runs this for its own worker, so `wrangler deploy -c <config>`
# and `wrangler dev` never pack a stale build.
#
# Profile: release (opt-level z, fat LTO, wasm-opt -Oz) unless CAMPAIGN_PROFILE=wasm-dev, which
# only `make dev` sets (Cargo.toml, [profile.wasm-dev]: quicker to compile, bigger, no
# wasm-opt). `make build`, `make test`, `make bench`, `make deploy` and a plain
# `wrangler deploy` build release.
#
# Skipping what has not changed: cargo runs first (exactly as worker-build would run it, so
# worker-build's own cargo run is then a no-op), and build/<worker>/.build-stamp records the
# sha256 of the wasm cargo made, the profile, the tools' versions, the crate's Cargo.toml
# (its wasm-opt flags) and this script. When all match and the output is there, worker-build
# (wasm-bindgen, wasm-opt, the JS shim) is skipped: a build with nothing changed takes about
# a second per worker instead of a minute.
#
# One build at a time: `wrangler dev -c wrangler.toml -c wrangler.office.toml` runs both
# configs' commands at start, and both again when a file both watch changes. They queue on
# build/.lock (flock): the second waits, then finds cargo's part done and only its own crate
# (or nothing) left to build. Under `make dev` the office's build gives the site's half a
# second to go first, so the page shows a change before the office has finished.
set -eu
. "$(dirname "$0")/env.sh"

what=${1:-both}
case $what in
  site | office | both) ;;
  *) echo "usage: sh scripts/build.sh [site|office|both]" >&2; exit 2 ;;
esac

profile=${CAMPAIGN_PROFILE:-release}
case $profile in
  # worker-build passes --release to cargo; the wasm is in target/.../release/.
  release) cargo_profile="--release"; worker_build_profile="--release" ;;
  # A profile of our own: worker-build passes `--profile wasm-dev` on to cargo and reads
  # target/.../wasm-dev/; --no-opt skips wasm-opt.
  wasm-dev) cargo_profile="--profile wasm-dev"; worker_build_profile="--profile wasm-dev --no-opt" ;;
  *) echo "scripts/build.sh: CAMPAIGN_PROFILE must be release or wasm-dev, not '$profile'" >&2; exit 2 ;;
esac
target_dir=${CARGO_TARGET_DIR:-$ROOT/target}

mkdir -p "$ROOT/build"
exec 9> "$ROOT/build/.lock"
if ! flock -n 9; then
  echo "== build $what: another build is running; waiting for it (build/.lock)"
  flock 9
elif [ "$profile" = wasm-dev ] && [ "$what" = office ]; then
  # Under `make dev` a save both workers watch starts both builds within milliseconds: let
  # the site's, which the page you are looking at comes from, take the lock first.
  flock -u 9
  sleep 0.5
  flock 9
fi

now() { date +%s%N; }
secs() { awk "BEGIN { printf \"%.1f\", ($(now) - $1) / 1e9 }"; }
tools=$("$CARGO_BIN/worker-build" --version; "$WASM_BINDGEN_BIN" --version)
script=$(cat "$0" "$ROOT/scripts/strip-wasm.mjs" | sha256sum)

for part in site office; do
  if [ "$what" != both ] && [ "$what" != "$part" ]; then
    continue
  fi
  started=$(now)
  out="$ROOT/build/$part"
  stamp="$out/.build-stamp"
  # The cargo command worker-build runs (worker-build 0.8.7, src/build/target.rs), with its
  # environment: wasm-bindgen's macros read WASM_BINDGEN_USE_JS_SYS, which cargo does not
  # track, so a build without it would leave worker-build a different wasm.
  # shellcheck disable=SC2086
  (cd "$ROOT/worker/$part" && WASM_BINDGEN_USE_JS_SYS=1 cargo build --lib $cargo_profile --target wasm32-unknown-unknown)
  wasm="$target_dir/wasm32-unknown-unknown/$profile/campaign_$part.wasm"
  state() {
    printf 'profile %s\n' "$profile"
    printf 'wasm %s\n' "$(sha256sum < "$wasm")"
    printf 'tools %s\n' "$tools"
    printf 'manifest %s\n' "$(sha256sum < "$ROOT/worker/$part/Cargo.toml")"
    printf 'script %s\n' "$script"
  }
  if [ -f "$out/index.js" ] && [ -f "$out/index_bg.wasm" ] && [ -f "$stamp" ] &&
    [ "$(state)" = "$(cat "$stamp")" ]; then
    echo "== $part: wasm unchanged ($profile): build/$part/ is up to date ($(secs "$started") s)"
    continue
  fi
  rm -f "$stamp"
  # shellcheck disable=SC2086
  (cd "$ROOT/worker/$part" && "$CARGO_BIN/worker-build" $worker_build_profile --out-dir "$out")
  if [ "$profile" = release ]; then
    node "$ROOT/scripts/strip-wasm.mjs" "$out/index_bg.wasm"
  fi
  state > "$stamp"
  echo "== $part: built ($profile) in $(secs "$started") s"
done
