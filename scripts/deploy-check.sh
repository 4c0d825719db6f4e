#!/bin/sh
# What `make deploy` checks before it builds or touches the network: each config it deploys
# (wrangler.office.toml, wrangler.toml) must name a real D1 database and say, under [vars],
# how visitors give and where the site lives. One line per problem, then exit 1.
#   - database_id is not the placeholder 00000000-0000-0000-0000-000000000000
#     (put the id `wrangler d1 create campaign` printed into both configs), and is the same
#     in both;
#   - CHECKOUT = "stripe" (unset switches giving off; "sandbox" works only on localhost);
#   - SITE_URL = "https://…" (the links in alerts and invitations, canonical links, feeds).
# Only the files are read: whether a secret of that name exists on Cloudflare would take
# `wrangler secret list`, which needs the network and a login. CHECKOUT and SITE_URL are vars,
# not secrets (README, "Secrets and settings"), and Cloudflare refuses a secret named like a
# var the config sets, so [vars] is where they belong.
#   sh scripts/deploy-check.sh [config...]      (default: both)
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT"
[ $# -gt 0 ] || set -- wrangler.office.toml wrangler.toml

# The value of KEY in [SECTION] of a TOML file (top-level keys: SECTION ""), quotes removed;
# empty when absent or commented out. Enough for these two flat files; not a TOML parser.
value() {
  awk -v want="$2" -v key="$3" '
    /^[[:space:]]*\[/ { s = $0; gsub(/^[[:space:]]*\[+[[:space:]]*|[[:space:]]*\]+.*$/, "", s); section = s; next }
    section == want {
      line = $0
      sub(/^[[:space:]]*/, "", line)
      k = line; sub(/[[:space:]]*=.*$/, "", k); gsub(/"/, "", k)
      if (k != key || line !~ /=/) next
      v = line; sub(/^[^=]*=[[:space:]]*/, "", v); sub(/[[:space:]]+#.*$/, "", v)
      gsub(/^"|"$/, "", v)
      print v
      exit
    }' "$1"
}

bad=0
ids=""
refuse() {
  printf 'make deploy: refused: %s\n' "$*" >&2
  bad=1
}
for config in "$@"; do
  if [ ! -f "$config" ]; then
    refuse "$config: no such file"
    continue
  fi
  id=$(value "$config" d1_databases database_id)
  case $id in
    "" | 00000000-0000-0000-0000-000000000000)
      refuse "$config: database_id is the placeholder; put the id \`npx wrangler d1 create campaign\` printed into both configs (README, \"Deploy\")" ;;
    *)
      [ -z "$ids" ] || [ "$ids" = "$id" ] || refuse "$config: database_id $id is not the other config's ($ids): both workers use one database"
      ids=$id ;;
  esac
  checkout=$(value "$config" vars CHECKOUT)
  case $checkout in
    stripe) ;;
    "") refuse "$config: no CHECKOUT under [vars]; set CHECKOUT = \"stripe\" (without it giving is switched off)" ;;
    *) refuse "$config: CHECKOUT = \"$checkout\" under [vars]; production takes \"stripe\" (\"sandbox\" works only on localhost)" ;;
  esac
  site_url=$(value "$config" vars SITE_URL)
  case $site_url in
    https://?*) ;;
    "") refuse "$config: no SITE_URL under [vars]; set SITE_URL = \"https://<your domain>\" (links in alerts, canonical links, feeds)" ;;
    *) refuse "$config: SITE_URL = \"$site_url\" under [vars] is not an https:// address" ;;
  esac
done
if [ "$bad" != 0 ]; then
  echo "make deploy: nothing was built or deployed; fix the lines above (README, \"Deploy\")" >&2
  exit 1
fi
echo "== deploy check: $* name a database, CHECKOUT = \"stripe\" and an https SITE_URL"
