-- The whole D1 schema of the campaign site, as the migrations in migrations/ leave it: for
-- reading. It is never applied to a database: the schema changes only through a new file in
-- migrations/ (`wrangler d1 migrations apply`), and a test proves the two agree (tables,
-- columns in order, indexes, foreign keys, CHECK constraints).
-- Times are Unix seconds. Money is integer cents.

-- The giving tiers. Every visible word about a tier lives in app/content/*.toml, keyed by id.
CREATE TABLE tiers (
  id           TEXT PRIMARY KEY,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  units        INTEGER NOT NULL CHECK (units > 0),  -- what one gift buys, in the counter's unit
  position     INTEGER NOT NULL
);
INSERT INTO tiers (id, amount_cents, units, position) VALUES
  ('women-training',    5000, 25, 1),
  ('women-radio',       5000,  1, 2),
  ('trainer-month',     5000,  1, 3),
  ('community-meeting', 5000,  1, 4),
  ('information-year', 35000,  1, 5);

-- A pledge, from the form to the ledger. Its status only moves forward:
-- pending -> failed | expired -> paid -> refunded (see worker/src/store/ledger.rs).
CREATE TABLE pledges (
  id             TEXT PRIMARY KEY,          -- 128 random bits, hex; the only key to its page
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending','failed','expired','paid','refunded')),
  amount_cents   INTEGER NOT NULL,          -- pledged, then what the provider says was paid
  currency       TEXT NOT NULL DEFAULT 'usd',
  refunded_cents INTEGER NOT NULL DEFAULT 0,
  ever_paid      INTEGER NOT NULL DEFAULT 0,
  tier           TEXT,                      -- the tier chosen; NULL for an own amount
  designation    TEXT NOT NULL,             -- a tier id or 'general'
  name           TEXT,
  email          TEXT,                      -- never shown publicly
  show_name      INTEGER NOT NULL DEFAULT 0,
  note           TEXT,
  lang           TEXT NOT NULL DEFAULT 'en',
  origin         TEXT NOT NULL DEFAULT 'site', -- 'site', or 'external' for a gift made elsewhere
  provider_ref   TEXT,                      -- Stripe payment_intent / the provider's reference
  scheme         TEXT,                      -- which webhook scheme reported the payment
  flag           TEXT,                      -- why a maintainer should look (e.g. 'currency'); never counted
  created_at     INTEGER NOT NULL,
  paid_at        INTEGER,
  attested_at    INTEGER,                   -- when the donor confirmed they may give; NULL: not attested
  checkout_session_id TEXT,                 -- the provider's Checkout Session, to ask about later
  closed_by      TEXT                       -- 'site' when the expiry job closed it, not the provider
);
CREATE INDEX pledges_provider_ref ON pledges (provider_ref);
CREATE INDEX pledges_paid ON pledges (ever_paid, paid_at);
CREATE INDEX pledges_designation ON pledges (designation, ever_paid);
CREATE INDEX pledges_pending ON pledges (status, created_at);

-- Refund totals by scheme and provider reference, kept whether or not the payment has arrived
-- yet, so a refund that overtakes its payment is applied when the payment lands (only to a
-- payment of the same scheme and currency).
CREATE TABLE refunds (
  scheme         TEXT NOT NULL,
  provider_ref   TEXT NOT NULL,
  refunded_cents INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (scheme, provider_ref)
);

-- Every webhook event that took effect (or was deliberately ignored), once per (scheme, id).
-- Only what the ledger needs: no card, address or contact details.
CREATE TABLE webhook_events (
  scheme       TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  type         TEXT NOT NULL,
  outcome      TEXT NOT NULL,   -- app::ledger::Outcome: applied | no-change | flagged:… | ignored:…
  pledge_id    TEXT,
  provider_ref TEXT,
  amount_cents INTEGER,         -- as the event said it; NULL when it does not fit exactly
  currency     TEXT,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (scheme, event_id)
);

CREATE TABLE comments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
  thread_id   INTEGER,                  -- the root of its thread (itself for a root)
  name        TEXT NOT NULL,
  email       TEXT,                     -- never shown
  website     TEXT,
  body        TEXT NOT NULL,
  lang        TEXT NOT NULL DEFAULT 'en',
  status      TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held','approved','spam','removed')),
  is_campaign INTEGER NOT NULL DEFAULT 0,
  link_count  INTEGER NOT NULL DEFAULT 0,
  flagged     INTEGER NOT NULL DEFAULT 0, -- more than 2 links: bottom of the queue
  created_at  INTEGER NOT NULL
);
CREATE INDEX comments_public ON comments (status, parent_id, created_at);
CREATE INDEX comments_thread ON comments (thread_id);

CREATE TABLE volunteers (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  email      TEXT,
  phone      TEXT,
  place      TEXT,
  help       TEXT NOT NULL DEFAULT '',  -- comma-separated kinds
  message    TEXT,
  lang       TEXT NOT NULL DEFAULT 'en',
  created_at INTEGER NOT NULL
);

-- Rate limits: one row per counted action, by keyed IP hash; old rows are pruned as we go.
CREATE TABLE rate_events (
  bucket   TEXT NOT NULL,   -- 'pledge', 'comment', 'volunteer', 'login'
  key_hash TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (bucket, key_hash, at);

CREATE TABLE admin_sessions (
  id_hash    TEXT PRIMARY KEY,  -- hash of the cookie's random id
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Form tokens already presented, by their random nonce, until the token would have expired:
-- a token is accepted once.
CREATE TABLE used_tokens (
  nonce      TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);

-- That an erasure happened and how much it touched; never what it erased.
CREATE TABLE erasures (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('own-comment','email')),
  pledges    INTEGER NOT NULL DEFAULT 0,
  comments   INTEGER NOT NULL DEFAULT 0,
  volunteers INTEGER NOT NULL DEFAULT 0
);

-- When each scheduled job last ran and where it stopped.
CREATE TABLE jobs (
  name        TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL,
  checkpoint  TEXT,
  last_counts TEXT              -- JSON of what the last run touched: counts only
);
