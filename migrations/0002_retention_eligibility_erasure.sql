-- Migration 0002: what forgetting on time, the donor's eligibility and erasure need.
--
-- * pledges: the donor's confirmation that they may give (a time, nothing more), the payment
--   provider's Checkout Session id (so a late payment can still be asked about), and who
--   closed a pending pledge (`site` when the expiry job did, not the provider).
-- * comments: a `removed` state, for a comment its author deleted that still has replies. A
--   changed CHECK means a table rebuild; the old table is renamed away first, so dropping it
--   cascades to nothing (its self-reference moves with it), and foreign keys are checked at
--   the end.
-- * The keyed IP hashes on pledges, comments and volunteers were written and never read (the
--   rate limits use rate_events): they go.
-- * erasures: that an erasure happened, and how much it touched, never what it erased.
-- * jobs: when each scheduled job last ran and where it stopped.
-- * schema_version: superseded by wrangler's own d1_migrations table.

PRAGMA defer_foreign_keys = on;

ALTER TABLE pledges ADD COLUMN attested_at INTEGER;
ALTER TABLE pledges ADD COLUMN checkout_session_id TEXT;
ALTER TABLE pledges ADD COLUMN closed_by TEXT;
ALTER TABLE pledges DROP COLUMN ip_hash;
CREATE INDEX pledges_pending ON pledges (status, created_at);

ALTER TABLE volunteers DROP COLUMN ip_hash;

ALTER TABLE comments RENAME TO comments_before_0002;
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
INSERT INTO comments (id, parent_id, thread_id, name, email, website, body, lang, status, is_campaign, link_count, flagged, created_at)
  SELECT id, parent_id, thread_id, name, email, website, body, lang, status, is_campaign, link_count, flagged, created_at
  FROM comments_before_0002 ORDER BY id;
DROP TABLE comments_before_0002;
CREATE INDEX comments_public ON comments (status, parent_id, created_at);
CREATE INDEX comments_thread ON comments (thread_id);

CREATE TABLE erasures (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('own-comment','email')),
  pledges    INTEGER NOT NULL DEFAULT 0,
  comments   INTEGER NOT NULL DEFAULT 0,
  volunteers INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE jobs (
  name        TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL,
  checkpoint  TEXT,
  last_counts TEXT              -- JSON of what the last run touched: counts only
);

DROP TABLE schema_version;
