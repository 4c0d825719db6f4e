-- Migration 0011: the shield against card testing (issue #27, section 3; app/src/shield.rs).
--
-- Its signals are webhook events already recorded (declined cards, `payment_intent.payment_failed`,
-- recorded `recorded`; sessions expired unpaid): counted by type and time, hence the index. Its
-- trips are rows of their own: when one opened, how long it keeps the limits tight, whether and
-- until when it paused new pledges, the counts that opened or paused it, and whether a
-- maintainer closed it by hand (and who: an account id, never a name).

CREATE INDEX webhook_events_type ON webhook_events (type, received_at);

CREATE TABLE shield_trips (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  opened_at    INTEGER NOT NULL,
  tight_until  INTEGER NOT NULL,
  paused_until INTEGER,          -- NULL: it never paused
  failed       INTEGER NOT NULL, -- declined cards counted when it opened or paused
  expired      INTEGER NOT NULL, -- sessions expired unpaid, likewise
  closed_at    INTEGER,          -- closed by hand
  closed_by    INTEGER           -- accounts.id
);
