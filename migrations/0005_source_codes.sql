-- Migration 0005: source codes. A share link's `?ref=<code>` travels with the visitor through
-- the pledge form and is stored on the pledge: a code names a post or a chapter, never a
-- person (lowercase letters, digits and '-', at most 40; `app::reach::parse_source`). NULL: no
-- code. The by-source report (`/admin/sources`) counts payments joined to pledges by it.

ALTER TABLE pledges ADD COLUMN source TEXT;
CREATE INDEX pledges_source ON pledges (source);
