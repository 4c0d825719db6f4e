-- Migration 0010: a session cannot outlive what ended it, and one bootstrap at a time (issue 27).
--
-- * accounts.generation: bumped by every reset of the second factor and every disabling (and
--   by the README's recovery command). A session keeps the generation its sign-in read and
--   works only while its account's is still the same, so a sign-in that raced a reset or a
--   disabling leaves no session that comes back with the new enrolment or the enabling.
-- * admin_sessions.generation: that generation.
-- * invitations.bootstrap: 1 for an invitation the bootstrap secret made. The bootstrap makes
--   one only while no owner is active and no other such invitation is unused and unexpired.
--   Those waiting at the upgrade (an invited owner's, no owner active) are marked here.

ALTER TABLE accounts ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE admin_sessions ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN bootstrap INTEGER NOT NULL DEFAULT 0;

UPDATE invitations SET bootstrap = 1
WHERE used_at IS NULL
  AND account_id IN (SELECT id FROM accounts WHERE status = 'invited' AND roles = 'owner')
  AND NOT EXISTS (
    SELECT 1 FROM accounts WHERE status = 'active' AND (',' || roles || ',') LIKE '%,owner,%'
  );
