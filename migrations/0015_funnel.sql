-- Migration 0015: the giving funnel in counts (issue #28, section 5; app/src/funnel.rs).
--
-- Counts only, per Phnom Penh day (days since 1970-01-01 at UTC+7), language and source code
-- ('' for none; '*' for codes past the in-memory bound): no address, no cookie, no id. Kept for
-- the campaign's life. A count is added by an upsert, never a row per event.

CREATE TABLE funnel (
  day    INTEGER NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('sent','refused-amount','refused-eligibility','refused-lengths','refused-other','refused-rate-limit','refused-breaker','checkout','upsell-shown','upsell-accepted','paid')),
  lang   TEXT NOT NULL CHECK (lang IN ('en','km')),
  source TEXT NOT NULL DEFAULT '',
  n      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, lang, source)
) WITHOUT ROWID;
