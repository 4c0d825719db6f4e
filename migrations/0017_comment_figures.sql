-- Migration 0017: the campaign page's comment counts as running figures (issue #29, section 1;
-- worker/edge/src/store/figures.rs).
--
-- The page counted every approved comment and every approved thread on each render: a walk of
-- the index that grew with every comment (the larger part of what the scale case still grew
-- by). Each comment now keeps the share it has added (fig_approved: 1 while it was counted as
-- approved); a comment whose status no longer matches that share is pending, found through
-- the partial index, and folded in by the batch that changed it. A comment changed by hand
-- counts at once too (the page adds what is pending); a deleted one takes its share with it
-- in the same batch. A removed root that still shows (an approved reply under it) and the
-- visitor's own held comments are still counted live: a few rows.

ALTER TABLE comments ADD COLUMN fig_approved INTEGER NOT NULL DEFAULT 0;
CREATE INDEX comments_fig_pending ON comments (id) WHERE (status = 'approved') <> fig_approved;

-- The fill: today's rows, as the daily check's rebuild does it.
UPDATE comments SET fig_approved = (status = 'approved');
INSERT INTO figures (key, n)
  SELECT 'comments', COUNT(*) FROM comments WHERE status = 'approved'
  UNION ALL SELECT 'threads', COUNT(*) FROM comments WHERE status = 'approved' AND parent_id IS NULL;

PRAGMA optimize;
