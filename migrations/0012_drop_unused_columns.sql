-- The two-release rule's second step (README, "Changing the schema"): the columns the code
-- stopped writing and reading in #26 go now that no deployed release uses them.
-- `comments.email` (0008 emptied it already), `accounts.created_by` and `updates.author` (the
-- audit trail says who invited and who wrote), `admin_sessions.last_seen_at` (never read).
-- None is indexed, keyed or checked, so SQLite drops each in place.
ALTER TABLE comments DROP COLUMN email;
ALTER TABLE accounts DROP COLUMN created_by;
ALTER TABLE updates DROP COLUMN author;
ALTER TABLE admin_sessions DROP COLUMN last_seen_at;
