#!/bin/sh
# Makes sure the local D1 under DIR has the current schema.sql (and, with --seed, the demo data).
# A database built from an older schema.sql is rebuilt: nothing is deployed yet, so the schema
# is edited in place and a stamp of its hash says whether the local copy is current.
#   scripts/db.sh DIR [--seed]
set -eu
. "$(dirname "$0")/env.sh"
cd "$ROOT"
dir=$1
stamp="$dir/schema.sha256"
want=$(cat schema.sql ${2:+dev/seed.sql} | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
printf '== local D1 in %s: applying schema.sql%s\n' "$dir" "${2:+ and dev/seed.sql}"
wrangler d1 execute DB --local --persist-to "$dir" --file schema.sql >/dev/null
if [ "${2:-}" = "--seed" ]; then
  wrangler d1 execute DB --local --persist-to "$dir" --file dev/seed.sql >/dev/null
fi
echo "$want" > "$stamp"
