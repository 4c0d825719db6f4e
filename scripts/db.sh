#!/bin/sh
# Brings the local D1 under DIR up to date by applying the pending migrations in migrations/
# (the same command that updates production, with --local), and with --seed adds the demo data
# once, to a database it has just created.
#   scripts/db.sh DIR [--seed]
# It asks wrangler only when something changed: DIR/migrations.sha256 records the hash of
# every file in migrations/, the database_id of wrangler.toml (the local file is named after
# it) and wrangler's version, as of the last successful apply. When they match, and the
# database is there, it returns at once (wrangler's start alone costs seconds).
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
stamp="$dir/migrations.sha256"
want=$({
  find migrations -type f | LC_ALL=C sort | xargs sha256sum
  grep -E '^[[:space:]]*database_id[[:space:]]*=' wrangler.toml
  grep -m1 '"version"' node_modules/wrangler/package.json
} | sha256sum | cut -d' ' -f1)
if [ -d "$dir/v3/d1" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
fresh=""
[ -d "$dir/v3/d1" ] || fresh=yes
rm -f "$stamp"
wrangler d1 migrations apply DB --local --persist-to "$dir" < /dev/null > "${TMPDIR:-/tmp}/campaign-migrations.log" 2>&1 || {
  cat "${TMPDIR:-/tmp}/campaign-migrations.log"
  exit 1
}
if [ -n "$fresh" ] && [ "${2:-}" = "--seed" ]; then
  printf '== local D1 in %s: demo data from dev/seed.sql\n' "$dir"
  wrangler d1 execute DB --local --persist-to "$dir" --file dev/seed.sql >/dev/null
fi
printf '%s\n' "$want" > "$stamp"
