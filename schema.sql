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

-- A pledge: what the donor chose. A one-off one moves pending -> failed | expired -> paid ->
-- refunded; a monthly one pending -> active -> cancelled (see worker/src/store/ledger.rs).
-- The money it brought is in payments.
CREATE TABLE pledges (
  id              TEXT PRIMARY KEY,          -- 128 random bits, hex; the only key to its page
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending','failed','expired','paid','refunded','active','cancelled')),
  frequency       TEXT NOT NULL DEFAULT 'once' CHECK (frequency IN ('once','month')),
  amount_cents    INTEGER NOT NULL,          -- the gift, or each month's
  currency        TEXT NOT NULL DEFAULT 'usd',
  tier            TEXT,                      -- the tier chosen; NULL for an own amount
  designation     TEXT NOT NULL,             -- a tier id or 'general'
  name            TEXT,
  email           TEXT,                      -- never shown publicly
  show_name       INTEGER NOT NULL DEFAULT 0,
  note            TEXT,
  lang            TEXT NOT NULL DEFAULT 'en',
  origin          TEXT NOT NULL DEFAULT 'site', -- 'site', or 'external' for a gift made elsewhere
  subscription_id TEXT,                      -- a monthly gift's Stripe Subscription, to stop it
  failed_renewals INTEGER NOT NULL DEFAULT 0, -- renewals the provider could not charge
  unpaid_invoice  TEXT,                      -- the renewal that failed and is not paid yet
  created_at      INTEGER NOT NULL,
  paid_at         INTEGER,                   -- the first payment (a monthly donor shows once)
  ended_at        INTEGER,                   -- when a monthly gift was cancelled
  attested_at     INTEGER,                   -- when the donor confirmed they may give; NULL: not attested
  checkout_session_id TEXT,                  -- the provider's Checkout Session, to ask about later
  closed_by       TEXT,                      -- 'site' when the expiry job closed it, not the provider
  source          TEXT,                      -- a share link's code (a post or chapter, never a person); NULL: none
  fig_monthly INTEGER NOT NULL DEFAULT 0,    -- its share of the running monthly supporters (0016)
  fig_dirty INTEGER NOT NULL DEFAULT 1       -- its status changed since that share was folded
);
CREATE INDEX pledges_paid ON pledges (paid_at);
CREATE INDEX pledges_pending ON pledges (status, created_at);
CREATE INDEX pledges_designation ON pledges (designation);
CREATE INDEX pledges_subscription ON pledges (subscription_id);
CREATE INDEX pledges_source ON pledges (source);

-- Money received: one row per one-off payment and one per paid month, keyed by what
-- identifies it (a one-off's PaymentIntent or provider reference, a month's invoice), so a
-- payment reported twice, or by two events, is one row. Every public total counts these.
CREATE TABLE payments (
  scheme         TEXT NOT NULL,             -- which webhook scheme reported it
  ref            TEXT NOT NULL,             -- pi_... | in_... | the provider's reference
  pledge_id      TEXT NOT NULL,
  amount_cents   INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  refunded_cents INTEGER NOT NULL DEFAULT 0, -- refunds and lost disputes, at most the amount
  payment_intent TEXT,                      -- what a refund or dispute names
  flag           TEXT,                      -- why a maintainer should look ('currency'); never counted
  paid_at        INTEGER NOT NULL,
  -- The donor's own currency and amount in its minor units (Adaptive Pricing, migration 0013):
  -- shown beside the payment, never summed. NULL when no event carried one (a renewal, a gift
  -- made without Adaptive Pricing).
  presented_currency TEXT
    CHECK (presented_currency IS NULL OR (length(presented_currency) = 3 AND presented_currency GLOB '[a-z][a-z][a-z]')),
  presented_amount INTEGER
    CHECK (presented_amount IS NULL OR (typeof(presented_amount) = 'integer' AND presented_amount >= 0)),
  -- The share this payment has added to the running figures (migration 0016, store/figures.rs),
  -- and whether it changed since (a new payment has: 1).
  fig_net INTEGER NOT NULL DEFAULT 0,
  fig_gift INTEGER NOT NULL DEFAULT 0,
  fig_dirty INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (scheme, ref)
);
CREATE INDEX payments_pledge ON payments (pledge_id);
CREATE INDEX payments_intent ON payments (payment_intent);
CREATE INDEX payments_paid ON payments (paid_at);

-- Which PaymentIntent paid which invoice (Stripe's invoice_payment.paid), kept whichever of
-- the invoice and the link arrives first, so a refunded charge finds its month.
CREATE TABLE invoice_payments (
  invoice        TEXT PRIMARY KEY,
  payment_intent TEXT NOT NULL,
  received_at    INTEGER NOT NULL
);

-- Refund totals by scheme and provider reference (a PaymentIntent for Stripe), kept whether
-- or not the payment has arrived yet, so a refund that overtakes its payment is applied when
-- the payment lands (only to a payment of the same scheme and currency). Lost disputes are
-- kept apart: a payment's refunded amount is both, up to its amount.
CREATE TABLE refunds (
  scheme         TEXT NOT NULL,
  provider_ref   TEXT NOT NULL,
  refunded_cents INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  updated_at     INTEGER NOT NULL,
  lost_cents     INTEGER NOT NULL DEFAULT 0,
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
-- The card-testing shield counts its signals by type and time (app/src/shield.rs).
CREATE INDEX webhook_events_type ON webhook_events (type, received_at);

-- The card-testing shield's trips (issue #27, section 3; app::shield::Trip): opened, tight
-- until, paused until (NULL: never), the counts that opened or paused it, closed by hand.
CREATE TABLE shield_trips (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  opened_at    INTEGER NOT NULL,
  tight_until  INTEGER NOT NULL,
  paused_until INTEGER,          -- NULL: it never paused
  failed       INTEGER NOT NULL, -- declined cards counted when it opened or paused
  expired      INTEGER NOT NULL, -- sessions expired unpaid, likewise
  closed_at    INTEGER,          -- closed by hand
  closed_by    INTEGER           -- accounts.id
);

CREATE TABLE comments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
  thread_id   INTEGER,                  -- the root of its thread (itself for a root)
  name        TEXT NOT NULL,
  website     TEXT,
  body        TEXT NOT NULL,
  lang        TEXT NOT NULL DEFAULT 'en',
  status      TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held','approved','spam','removed')),
  is_campaign INTEGER NOT NULL DEFAULT 0,
  link_count  INTEGER NOT NULL DEFAULT 0,
  flagged     INTEGER NOT NULL DEFAULT 0, -- more than 2 links: bottom of the queue
  created_at  INTEGER NOT NULL,
  fig_approved INTEGER NOT NULL DEFAULT 0 -- 1 while counted in the figures as approved (0017)
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

-- Maintainers' accounts (issue 16): a name, a password, a required TOTP second factor, roles.
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash  TEXT,                        -- app::account::password::StoredHash
  totp_secret    TEXT,                        -- sealed (AES-256-GCM), base64
  totp_last_step INTEGER NOT NULL DEFAULT 0,  -- the last TOTP step accepted: never again
  roles          TEXT NOT NULL DEFAULT '',    -- comma list of app::account::Role
  status         TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','active','disabled')),
  failed_signins INTEGER NOT NULL DEFAULT 0,  -- the slow-down of browsers without the device cookie
  last_failed_at INTEGER,                      -- unused since #27 (next_try_at says it); dropped next release
  created_at     INTEGER NOT NULL,
  next_try_at    INTEGER NOT NULL DEFAULT 0,  -- when the next sign-in without a device cookie may start (#27)
  generation     INTEGER NOT NULL DEFAULT 0   -- bumped by each reset and disabling: older sessions end (migration 0010)
);

-- An invitation, by a keyed hash of its link's token (keys::token_hash), good until
-- expires_at and used once.
CREATE TABLE invitations (
  token_hash     TEXT PRIMARY KEY,
  account_id     INTEGER NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  used_at        INTEGER,
  pending_secret TEXT,  -- sealed TOTP secret shown at enrolment, not yet confirmed
  password_hash  TEXT,  -- set at the invitation's first step
  bootstrap      INTEGER NOT NULL DEFAULT 0  -- 1: made by the bootstrap secret (migration 0010)
);

-- Recovery codes, by a keyed hash of their normalised form; each is used once.
CREATE TABLE recovery_codes (
  account_id INTEGER NOT NULL,
  code_hash  TEXT NOT NULL,
  used_at    INTEGER,
  PRIMARY KEY (account_id, code_hash)
);

-- What each account did (app::account::audit::Action). Ids and counts only.
CREATE TABLE audit (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  actor   INTEGER,        -- accounts.id; NULL: nobody signed in
  action  TEXT NOT NULL,
  subject TEXT,           -- ids only
  detail  TEXT            -- counts only
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_actor ON audit (actor, at);

-- Passwords too common to be chosen, trimmed and lowercased
-- (app::account::password::common_key). Its rows come from migration 0004, not from here.
CREATE TABLE common_passwords (
  password TEXT PRIMARY KEY
) WITHOUT ROWID;

-- A signed-in account's session.
CREATE TABLE admin_sessions (
  id_hash      TEXT PRIMARY KEY,  -- hash of the cookie's random id
  account_id   INTEGER NOT NULL,  -- accounts.id
  csrf         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  generation   INTEGER NOT NULL DEFAULT 0  -- its account's generation at the sign-in (migration 0010)
);
CREATE INDEX admin_sessions_account ON admin_sessions (account_id);

-- A browser that signed in to an account (#27): its own sign-in slow-down, under a SHA-256 of
-- its device cookie's random id, until the cookie expires (app::admin::device).
CREATE TABLE signin_devices (
  id_hash     TEXT PRIMARY KEY,
  account_id  INTEGER NOT NULL,     -- accounts.id
  failed      INTEGER NOT NULL DEFAULT 0,
  next_try_at INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX signin_devices_expires ON signin_devices (expires_at);

-- Form tokens already presented, by their random nonce, until the token would have expired:
-- a token is accepted once.
CREATE TABLE used_tokens (
  nonce      TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);

-- That an erasure happened and how much it touched; never what it erased. `kind`: a comment's
-- author deleted it (`own-comment`), a maintainer erased by email, by phone or by pledge id,
-- a donor erased their gift's details from its page (`own-pledge`); app::admin::ErasureKind.
CREATE TABLE erasures (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('own-comment','email','phone','pledge','own-pledge')),
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

-- The campaign's updates ("What your gifts did"): a title and a body per language (either may
-- be missing until translated), plain text; public once published (migration 0006).
CREATE TABLE updates (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title_en     TEXT,
  body_en      TEXT,
  title_km     TEXT,
  body_km      TEXT,
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
  published_at INTEGER,          -- first published; kept when unpublished and published again
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX updates_status_published ON updates (status, published_at);

-- The giving funnel in counts, per Phnom Penh day, language and source code ('' none, '*' codes
-- past the in-memory bound): counts only, kept for the campaign's life (migration 0015).
CREATE TABLE funnel (
  day    INTEGER NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('sent','refused-amount','refused-eligibility','refused-lengths','refused-other','refused-rate-limit','refused-breaker','checkout','upsell-shown','upsell-accepted','paid')),
  lang   TEXT NOT NULL CHECK (lang IN ('en','km')),
  source TEXT NOT NULL DEFAULT '',
  n      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, lang, source)
) WITHOUT ROWID;

-- The campaign page's running figures (migration 0016, worker/edge/src/store/figures.rs):
-- 'raised', 'gifts', 'monthly' and 'net:' || each designation, folded from the payments and
-- pledges marked fig_dirty in the batch that changed them; a daily check rebuilds them.
CREATE TABLE figures (
  key TEXT PRIMARY KEY NOT NULL,  -- 'raised', 'gifts', 'monthly', 'net:' || a designation, 'comments', 'threads'
  n   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX payments_fig_dirty ON payments (fig_dirty) WHERE fig_dirty = 1;
CREATE INDEX pledges_fig_dirty ON pledges (fig_dirty) WHERE fig_dirty = 1;
-- The comment counts (migration 0017): 'comments' (approved) and 'threads' (approved roots),
-- from each comment's fig_approved; pending where its status no longer matches it.
CREATE INDEX comments_fig_pending ON comments (id) WHERE (status = 'approved') <> fig_approved;
