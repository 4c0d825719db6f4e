// Prints the SQL that seeds `common_passwords` (migration 0004): the passwords of
// @zxcvbn-ts/language-common's frequency-ordered list (the version pinned in package.json),
// each trimmed and lowercased as `app::account::password::common_key` does, de-duplicated,
// most common first, of at least 8 characters. New passwords need 12 (`MIN_CHARS`), but the
// look-up trims, so "password" with spaces around it is still found; shorter entries would
// take more than 4 characters of padding and would triple the table. Every entry of 8 or
// more is kept (17,950 of 4.1.3's 49,233, some 260 KB of SQL): no cap was needed. Statements
// of 1,000 rows stay far under D1's 100 KB limit for one statement.
//
// The output is pasted into the committed migration; CI never runs this.
//   node scripts/common-passwords.mjs > /tmp/seed.sql

import { dictionary } from '@zxcvbn-ts/language-common';
import { readFileSync } from 'node:fs';

const MIN_CHARS = 8;
const ROWS_PER_STATEMENT = 1000;

const pkg = JSON.parse(
  readFileSync(new URL('../node_modules/@zxcvbn-ts/language-common/package.json', import.meta.url)),
);
const seen = new Set();
const rows = [];
for (const entry of dictionary['passwords-common']) {
  const key = entry.trim().toLowerCase();
  // Code points, as Rust's `chars().count()`; nothing a form would refuse to store.
  if ([...key].length < MIN_CHARS || /[\p{Cc}\p{Cf}]/u.test(key) || seen.has(key)) continue;
  seen.add(key);
  rows.push(key);
}

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
console.log(
  `-- ${rows.length} entries of ${MIN_CHARS}+ characters from ${pkg.name}@${pkg.version}` +
    ` (scripts/common-passwords.mjs), most common first.`,
);
for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
  const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => `(${quote(r)})`);
  console.log(`INSERT INTO common_passwords (password) VALUES\n${chunk.join(',\n')};`);
}
