-- Migration 0016: the campaign page's running figures (issue #29, section 1;
-- worker/edge/src/store/figures.rs).
--
-- The page read the sum of every payment on each render; it now reads these few rows. Each
-- payment keeps the share it has added (fig_net, fig_gift) and each pledge its monthly share
-- (fig_monthly); a statement that changes a row's share marks it (fig_dirty = 1, a new payment
-- by default) and the same batch folds it in. A daily check rebuilds them if they ever drift.

ALTER TABLE payments ADD COLUMN fig_net INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN fig_gift INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN fig_dirty INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pledges ADD COLUMN fig_monthly INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pledges ADD COLUMN fig_dirty INTEGER NOT NULL DEFAULT 1;
CREATE INDEX payments_fig_dirty ON payments (fig_dirty) WHERE fig_dirty = 1;
CREATE INDEX pledges_fig_dirty ON pledges (fig_dirty) WHERE fig_dirty = 1;

CREATE TABLE figures (
  key TEXT PRIMARY KEY NOT NULL,  -- 'raised', 'gifts', 'monthly', 'net:' || a designation
  n   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The fill: today's rows, as the daily check's rebuild does it (a counted payment is the rule
-- of store::counted: US dollars, unflagged, amounts within the largest gift).
UPDATE payments SET
  fig_net = CASE WHEN (flag IS NULL AND currency = 'usd' AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000) THEN MAX(amount_cents - refunded_cents, 0) ELSE 0 END,
  fig_gift = CASE WHEN (flag IS NULL AND currency = 'usd' AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000) THEN 1 ELSE 0 END,
  fig_dirty = 0;
UPDATE pledges SET
  fig_monthly = CASE WHEN pledges.frequency = 'month' AND pledges.status = 'active'
    AND EXISTS (SELECT 1 FROM payments WHERE pledge_id = pledges.id AND (flag IS NULL AND currency = 'usd' AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000)) THEN 1 ELSE 0 END,
  fig_dirty = 0;
INSERT INTO figures (key, n)
  SELECT 'raised', COALESCE(SUM(fig_net), 0) FROM payments
  UNION ALL SELECT 'gifts', COALESCE(SUM(fig_gift), 0) FROM payments
  UNION ALL SELECT 'monthly', COALESCE(SUM(fig_monthly), 0) FROM pledges
  UNION ALL SELECT 'net:' || p.designation, SUM(y.fig_net) FROM payments y JOIN pledges p ON p.id = y.pledge_id GROUP BY 1;

-- The planner's statistics (D1's advice after creating indexes); the daily figures job runs it
-- again as the tables grow. Without them the page statement's lookups are planned as scans.
PRAGMA optimize;
