-- Migration 0006: the campaign's updates ("What your gifts did"), written by maintainers in
-- English and Khmer (either may be missing until it is translated), public once published.
-- Plain text: paragraphs separated by a blank line; links are made at render time.

CREATE TABLE updates (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title_en     TEXT,
  body_en      TEXT,
  title_km     TEXT,
  body_km      TEXT,
  status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
  published_at INTEGER,          -- first published; kept when unpublished and published again
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  author       INTEGER           -- accounts.id of who wrote it
);
CREATE INDEX updates_status_published ON updates (status, published_at);
