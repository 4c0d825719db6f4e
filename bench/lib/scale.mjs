// The scale case's database (bench/README.md, "Scale case"): migrations/*.sql up to the one
// bench/scale-seed.sql is written for, dev/seed.sql, the scale seed, then any later migration,
// so that a migration that fills something from today's rows (running figures) sees the seeded
// rows as it would a live database's.

import { readFileSync, readdirSync } from 'node:fs';

/** The last migration the scale seed's statements are written for (schema.sql as it stood). */
export const SEED_SCHEMA = '0015_funnel.sql';

/** What the scale seed holds, as the bench prints it and checks it. */
export const SEED_EXPECTS = { payments: 100000, comments: 20000 };

/**
 * Fills the D1 database `db` (Miniflare's D1 API) from nothing: returns the files applied, the
 * seconds the scale seed took, and the rows it counts.
 * `statements(text)`: a .sql file's statements (bench.mjs `sqlStatements`).
 */
export async function seedScale(db, root, statements) {
  const migrations = readdirSync(`${root}/migrations`).filter((f) => f.endsWith('.sql')).sort();
  if (!migrations.includes(SEED_SCHEMA)) throw new Error(`bench/lib/scale.mjs: migrations/${SEED_SCHEMA} is gone: update SEED_SCHEMA and bench/scale-seed.sql`);
  const before = migrations.filter((f) => f <= SEED_SCHEMA).map((f) => `migrations/${f}`);
  const after = migrations.filter((f) => f > SEED_SCHEMA).map((f) => `migrations/${f}`);
  const apply = async (file) => {
    const stmts = statements(readFileSync(`${root}/${file}`, 'utf8'));
    await db.batch(stmts.map((s) => db.prepare(s)));
    return stmts.length;
  };
  for (const f of [...before, 'dev/seed.sql']) await apply(f);
  const t0 = process.hrtime.bigint();
  const seedStatements = await apply('bench/scale-seed.sql');
  const seedSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const t1 = process.hrtime.bigint();
  for (const f of after) await apply(f);
  const laterSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const n = async (sql) => (await db.prepare(sql).first()).n;
  const rows = {
    payments: await n('SELECT COUNT(*) AS n FROM payments'),
    payments_refunded: await n('SELECT COUNT(*) AS n FROM payments WHERE refunded_cents > 0'),
    disputes_lost: await n('SELECT COUNT(*) AS n FROM refunds WHERE lost_cents > 0'),
    pledges: await n('SELECT COUNT(*) AS n FROM pledges'),
    monthly_pledges: await n("SELECT COUNT(*) AS n FROM pledges WHERE frequency = 'month'"),
    webhook_events: await n('SELECT COUNT(*) AS n FROM webhook_events'),
    comments: await n('SELECT COUNT(*) AS n FROM comments'),
    threads: await n('SELECT COUNT(*) AS n FROM comments WHERE parent_id IS NULL'),
  };
  return {
    files: [...before, 'dev/seed.sql', 'bench/scale-seed.sql', ...after],
    later_migrations: after,
    seed_statements: seedStatements,
    seed_seconds: Math.round(seedSeconds * 10) / 10,
    later_migrations_seconds: Math.round(laterSeconds * 10) / 10,
    rows,
  };
}
