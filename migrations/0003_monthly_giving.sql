-- Migration 0003: monthly giving. The promise and the money become separate.
--
-- * payments: money received, one row per one-off payment (keyed by its PaymentIntent or the
--   provider's reference) and one per paid invoice of a monthly gift (keyed by the invoice),
--   so that however often and in whatever order the provider reports a payment, it is one
--   row. Every public total counts payments, not pledges. Today's paid pledges move here:
--   their amounts, refunds, flags and dates, so the totals are the same before and after.
-- * invoice_payments: which PaymentIntent paid which invoice (Stripe's
--   `invoice_payment.paid`), so that a refunded or disputed charge, which names only its
--   PaymentIntent, finds the month it refunds, whichever arrives first.
-- * refunds: `lost_cents`, what lost disputes took back, kept apart from refunds.
-- * pledges: what the donor chose, including how often (`frequency`) and, for a monthly
--   gift, its subscription, its failed renewals and when it ended; the money columns go to
--   payments. A changed CHECK means a table rebuild, as in 0002.

PRAGMA defer_foreign_keys = on;

CREATE TABLE payments (
  scheme         TEXT NOT NULL,
  ref            TEXT NOT NULL,
  pledge_id      TEXT NOT NULL,
  amount_cents   INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  refunded_cents INTEGER NOT NULL DEFAULT 0,
  payment_intent TEXT,
  flag           TEXT,
  paid_at        INTEGER NOT NULL,
  PRIMARY KEY (scheme, ref)
);

-- A paid pledge's payment is keyed by its reference; one without a reference, or whose
-- reference an earlier pledge already holds, by its own id, so no money is merged away.
INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, refunded_cents, payment_intent, flag, paid_at)
  SELECT COALESCE(p.scheme, 'stripe'),
         CASE WHEN p.provider_ref IS NULL
                   OR EXISTS (SELECT 1 FROM pledges q WHERE q.ever_paid = 1 AND q.provider_ref = p.provider_ref
                                AND COALESCE(q.scheme, 'stripe') = COALESCE(p.scheme, 'stripe') AND q.rowid < p.rowid)
              THEN 'pledge:' || p.id ELSE p.provider_ref END,
         p.id, p.amount_cents, p.currency, p.refunded_cents, p.provider_ref, p.flag, COALESCE(p.paid_at, p.created_at)
  FROM pledges p WHERE p.ever_paid = 1 ORDER BY p.rowid;

CREATE INDEX payments_pledge ON payments (pledge_id);
CREATE INDEX payments_intent ON payments (payment_intent);
CREATE INDEX payments_paid ON payments (paid_at);

CREATE TABLE invoice_payments (
  invoice        TEXT PRIMARY KEY,
  payment_intent TEXT NOT NULL,
  received_at    INTEGER NOT NULL
);

ALTER TABLE refunds ADD COLUMN lost_cents INTEGER NOT NULL DEFAULT 0;

ALTER TABLE pledges RENAME TO pledges_before_0003;
CREATE TABLE pledges (
  id              TEXT PRIMARY KEY,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','failed','expired','paid','refunded','active','cancelled')),
  frequency       TEXT NOT NULL DEFAULT 'once' CHECK (frequency IN ('once','month')),
  amount_cents    INTEGER NOT NULL,
  currency        TEXT NOT NULL DEFAULT 'usd',
  tier            TEXT,
  designation     TEXT NOT NULL,
  name            TEXT,
  email           TEXT,
  show_name       INTEGER NOT NULL DEFAULT 0,
  note            TEXT,
  lang            TEXT NOT NULL DEFAULT 'en',
  origin          TEXT NOT NULL DEFAULT 'site',
  subscription_id TEXT,
  failed_renewals INTEGER NOT NULL DEFAULT 0,
  unpaid_invoice  TEXT,
  created_at      INTEGER NOT NULL,
  paid_at         INTEGER,
  ended_at        INTEGER,
  attested_at     INTEGER,
  checkout_session_id TEXT,
  closed_by       TEXT
);
INSERT INTO pledges (id, status, amount_cents, currency, tier, designation, name, email, show_name, note, lang, origin,
                     created_at, paid_at, attested_at, checkout_session_id, closed_by)
  SELECT id, status, amount_cents, currency, tier, designation, name, email, show_name, note, lang, origin,
         created_at, CASE WHEN ever_paid = 1 THEN COALESCE(paid_at, created_at) END, attested_at, checkout_session_id, closed_by
  FROM pledges_before_0003 ORDER BY rowid;
DROP TABLE pledges_before_0003;
CREATE INDEX pledges_paid ON pledges (paid_at);
CREATE INDEX pledges_pending ON pledges (status, created_at);
CREATE INDEX pledges_designation ON pledges (designation);
CREATE INDEX pledges_subscription ON pledges (subscription_id);
