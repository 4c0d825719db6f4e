-- Migration 0007: the kinds of erasure the erase tool and the donors now make (issue #26).
--
-- * `phone`: a maintainer erased the offers of help that gave a phone number;
-- * `pledge`: a maintainer erased one gift's name, email and note, by its pledge id (a
--   request made in person);
-- * `own-pledge`: a donor erased their gift's name, email and note from the pledge's own page.
--
-- A changed CHECK is a table rebuild: the old table is renamed away, the new one created
-- under the name, the rows copied with their ids (AUTOINCREMENT goes on from the largest),
-- and the old table dropped. Nothing references `erasures`, and it has no index.

PRAGMA defer_foreign_keys = on;

ALTER TABLE erasures RENAME TO erasures_before_0007;
CREATE TABLE erasures (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('own-comment','email','phone','pledge','own-pledge')),
  pledges    INTEGER NOT NULL DEFAULT 0,
  comments   INTEGER NOT NULL DEFAULT 0,
  volunteers INTEGER NOT NULL DEFAULT 0
);
INSERT INTO erasures (id, at, kind, pledges, comments, volunteers)
  SELECT id, at, kind, pledges, comments, volunteers FROM erasures_before_0007 ORDER BY id;
DROP TABLE erasures_before_0007;
