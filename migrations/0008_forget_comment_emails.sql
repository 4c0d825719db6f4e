-- Migration 0008: forget the emails commenters gave (issue #26). Data only, no schema change.
--
-- The comment form no longer asks for an email, and nothing ever needed one: no email is sent
-- to a commenter, the campaign replies in public, moderators never saw it. A commenter's
-- address tied to their political words is exactly what must not be there to be seized, so the
-- old values go now rather than with the column. The column itself is dropped one release
-- later, once no live code names it (README, "Changing the schema, releasing, backing up").

UPDATE comments SET email = NULL WHERE email IS NOT NULL;
