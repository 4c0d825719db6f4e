#!/bin/sh
# The last step of `make dev`: both workers on one port, rebuilt on every save, and, once the
# port answers, what to do next.
#   PORT=8787 DEV_STATE=.wrangler/state sh scripts/dev.sh   (make dev runs scripts/db.sh first)
#
# wrangler runs each config's [build] command (scripts/build.sh site / office) at start and
# again when a file under its watch_dir changes; CAMPAIGN_PROFILE=wasm-dev makes those builds
# quick ones (Cargo.toml, [profile.wasm-dev]; no wasm-opt). Both builds start together and
# take turns on build/.lock (scripts/build.sh). With nothing changed each is a no-op cargo
# run and a matching stamp: about a second.
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT"
port=${PORT:-8787}
state=${DEV_STATE:-.wrangler/state}
url="http://127.0.0.1:$port"

answer() { curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url/" 2>/dev/null || true; }
case $(answer) in
  "" | 000) ;;
  *) echo "make dev: something already answers on $url: stop it, or use another port (PORT=9000 make dev)" >&2; exit 1 ;;
esac

secret=$(sed -n 's/^BOOTSTRAP_SECRET=//p' .dev.vars 2>/dev/null | tail -n 1)
checkout=$(sed -n 's/^CHECKOUT=//p' .dev.vars 2>/dev/null | tail -n 1)
next_steps() {
  cat <<EOF

== The site is up: $url/   (in Khmer: $url/km/)
   Give: pick an amount on the home page and send the form.$(
  if [ "$checkout" = sandbox ]; then
    printf '%s' " With CHECKOUT=sandbox (.dev.vars)
     the checkout is the site's own fake, $url/sandbox/checkout/<pledge>: Pay signs
     and applies the events Stripe would send; no card, no Stripe."
  else
    printf '%s' " CHECKOUT is \"${checkout:-unset}\" in .dev.vars:
     set CHECKOUT=sandbox there for the local fake checkout (then Ctrl-C and make dev)."
  fi)
   First owner: $url/admin/bootstrap with the secret BOOTSTRAP_SECRET from .dev.vars
     (${secret:-not set: add BOOTSTRAP_SECRET=... to .dev.vars}), then a password and a code from any authenticator app.
   Jobs: curl "$url/__scheduled?cron=17+*+*+*+*"
   wrangler's table shows "env.OFFICE (women-lead-cambodia-office) ... [not connected]":
     it asks its registry of running dev sessions before this one has started the office.
     Ignore it: the office runs in this same wrangler and the site's binding reaches it
     directly (every form, /admin and /sandbox go through it).
   A save under worker/, app/src, app/content or app/assets rebuilds the worker(s) that use
     it (quick profile, no wasm-opt); reload once wrangler says "Local server updated".
     / and /km/ are kept at the edge for EDGE_CACHE_SECS (60 s): after a change to the home
     page, add ?reply=x to see it at once, or put EDGE_CACHE_SECS=0 in .dev.vars.
   Ctrl-C stops.

EOF
}

# Once the port answers, print the above (after wrangler's own banner); stop watching if
# wrangler exits first. $$ is wrangler's pid after the exec below.
wrangler_pid=$$
(
  while kill -0 "$wrangler_pid" 2>/dev/null; do
    case $(answer) in
      "" | 000) sleep 0.5 ;;
      *) next_steps; exit 0 ;;
    esac
  done
) &

export CAMPAIGN_PROFILE=wasm-dev
# wrangler's dev registry, where running `wrangler dev`s find each other's workers by name, is
# machine-wide by default: another checkout's `make dev` or the tests' instances (same worker
# names) would show up in it. This one is the project's own. Both workers run in this one
# wrangler and the site's OFFICE binding reaches its office directly, registry or not.
export WRANGLER_REGISTRY_PATH="$ROOT/.wrangler/registry"
exec wrangler dev -c wrangler.toml -c wrangler.office.toml --ip 127.0.0.1 --port "$port" \
  --persist-to "$state" --test-scheduled --show-interactive-dev-session=false
