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
   wrangler lists "env.OFFICE (women-lead-cambodia-office)" among the site's bindings,
     possibly "[not connected]": that status is read before the office's worker, started by
     this same wrangler, has registered; the binding works (every form, /admin and /sandbox
     go through it). It would say so too when the office was not started at all.
   Saving under worker/, app/src, app/content or app/assets rebuilds the worker(s) that use it
     (quick profile, no wasm-opt); the page shows the change once wrangler says it reloaded.
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
exec wrangler dev -c wrangler.toml -c wrangler.office.toml --ip 127.0.0.1 --port "$port" \
  --persist-to "$state" --test-scheduled --show-interactive-dev-session=false
