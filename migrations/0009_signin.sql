-- Migration 0009: the maintainers' sign-in under attack (issue #27 §1).
--
-- An account's slow-down is taken before the password hash, in one statement that writes when
-- the next try may start (`next_try_at`, unix seconds; 0: now). `last_failed_at` is no longer
-- read (dropped next release). A browser that signed in to an account before keeps a slow-down
-- of its own (`signin_devices`), under a SHA-256 of its device cookie's random id, so failures
-- from elsewhere never slow it down.

ALTER TABLE accounts ADD COLUMN next_try_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE signin_devices (
  id_hash     TEXT PRIMARY KEY,
  account_id  INTEGER NOT NULL,
  failed      INTEGER NOT NULL DEFAULT 0,
  next_try_at INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX signin_devices_expires ON signin_devices (expires_at);
