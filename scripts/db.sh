#!/bin/sh
# Brings the local D1 under DIR up to date by applying the pending migrations in migrations/
# (the same command that updates production, with --local), and with --seed adds the demo data
# once, to a database it has just created.
#   scripts/db.sh DIR [--seed]
# A local database made before migrations existed (from schema.sql, marked by its
# schema.sha256 stamp) holds only demo data: it is made anew.
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT"
dir=$1
if [ -f "$dir/schema.sha256" ]; then
  printf '== local D1 in %s predates migrations: making it anew\n' "$dir"
  rm -rf "$dir"
fi
fresh=""
[ -d "$dir/v3/d1" ] || fresh=yes
wrangler d1 migrations apply DB --local --persist-to "$dir" < /dev/null > "${TMPDIR:-/tmp}/campaign-migrations.log" 2>&1 || {
  cat "${TMPDIR:-/tmp}/campaign-migrations.log"
  exit 1
}
if [ -n "$fresh" ] && [ "${2:-}" = "--seed" ]; then
  printf '== local D1 in %s: demo data from dev/seed.sql\n' "$dir"
  wrangler d1 execute DB --local --persist-to "$dir" --file dev/seed.sql >/dev/null
fi
