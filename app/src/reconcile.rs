//! Reconciliation with Stripe's own record: the rules, without I/O.
//!
//! Webhooks can be lost for longer than Stripe retries them (an outage, a wrong secret after a
//! rotation, a broken deploy). A scheduled job therefore asks Stripe's Events API for the event
//! types the ledger handles since a checkpoint and applies them through the very same ledger
//! path as a delivery, keyed by the same (scheme, event id): an event that arrives both ways
//! counts once. It also retrieves the Checkout Session of every pledge still waiting (or closed
//! by the site's expiry job) and puts it in the shape of the event that would have reported it,
//! under an id of its own (`session:{id}`), which the ledger treats like any event.
//!
//! The list comes newest first. A run pages back from the newest event to the checkpoint; when
//! it reaches the checkpoint it has every event since, and applies them **oldest first**, at
//! most a batch per run; the checkpoint then advances to the last event applied. A run that
//! cannot page all the way back within its bound remembers where it stopped (`cursor`) and the
//! next run pages on from there. Nothing is skipped: the checkpoint only moves past events
//! that were applied.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The event types the ledger acts on (`webhook::stripe`), asked for as `types[]`.
pub const EVENT_TYPES: [&str; 12] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "payment_intent.payment_failed",
    "charge.refunded",
    "invoice.paid",
    "invoice_payment.paid",
    "invoice.payment_failed",
    "customer.subscription.deleted",
    "charge.dispute.created",
    "charge.dispute.closed",
];

/// Events per page (Stripe's largest).
pub const PAGE_LIMIT: usize = 100;
/// Pages fetched per run at most: the run's subrequests stay bounded.
pub const MAX_PAGES: usize = 10;
/// Events applied per run, unless `RECONCILE_BATCH` says fewer: each costs up to five D1
/// statements, within the 1,000 queries a paid invocation may make.
pub const BATCH: usize = 150;
/// Checkout Sessions retrieved per run at most.
pub const MAX_SESSIONS: usize = 50;
/// Stripe keeps events for 30 days: the first run looks that far back.
pub const FIRST_LOOKBACK_SECS: i64 = 30 * 86_400;
/// The admin warns when the checkpoint is older than this: past 30 days, events are gone.
pub const STALE_SECS: i64 = 25 * 86_400;
/// After a complete run (every event since the checkpoint read and applied), the next starts
/// this long before the run, so an event Stripe lists a little late is not missed (the ledger
/// skips what it has).
pub const OVERLAP_SECS: i64 = 300;
/// A pending pledge's session is asked about once the webhooks have had this long to report.
pub const SESSION_GRACE_SECS: i64 = 3600;

/// Where the job stands, kept as JSON in `jobs.checkpoint`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Events created at or after this are still to be read (`created[gte]`).
    pub since: Option<i64>,
    /// An unfinished walk back: the oldest event id read so far (`starting_after`).
    pub cursor: Option<String>,
}

impl State {
    /// The state stored, or a fresh one when there is none or it does not decode.
    pub fn parse(stored: Option<&str>) -> State {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    /// The first `created` still to be read.
    pub fn since(&self, now: i64) -> i64 {
        self.since.unwrap_or(now - FIRST_LOOKBACK_SECS)
    }
}

/// The batch size a run uses: `RECONCILE_BATCH` when it is a number from 1 to [`BATCH`].
pub fn batch_size(var: Option<&str>) -> usize {
    var.and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=BATCH).contains(n))
        .unwrap_or(BATCH)
}

/// The query of one page of `GET /v1/events`.
pub fn events_query(since: i64, cursor: Option<&str>) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = EVENT_TYPES
        .iter()
        .map(|t| ("types[]".to_string(), t.to_string()))
        .collect();
    q.push(("created[gte]".into(), since.to_string()));
    q.push(("limit".into(), PAGE_LIMIT.to_string()));
    if let Some(c) = cursor {
        q.push(("starting_after".into(), c.to_string()));
    }
    q
}

/// One event of a page: its id, when Stripe created it, and its JSON for the ledger's parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub created: i64,
    pub body: Vec<u8>,
}

/// A page of the Events API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Newest first, as Stripe lists them; entries without an id or a time are left out.
    pub events: Vec<Listed>,
    pub has_more: bool,
}

/// Reads a page of `GET /v1/events`; `None` when it is not one (an error body, say).
pub fn parse_page(body: &[u8]) -> Option<Page> {
    #[derive(Deserialize)]
    struct Raw {
        object: String,
        data: Vec<Value>,
        #[serde(default)]
        has_more: bool,
    }
    let raw: Raw = serde_json::from_slice(body).ok()?;
    if raw.object != "list" {
        return None;
    }
    let events = raw
        .data
        .into_iter()
        .filter_map(|v| {
            let id = v.get("id")?.as_str()?.to_string();
            let created = v.get("created")?.as_i64()?;
            let body = serde_json::to_vec(&v).ok()?;
            Some(Listed { id, created, body })
        })
        .collect();
    Some(Page {
        events,
        has_more: raw.has_more,
    })
}

/// What a run does with the events it read (newest first, every page since the checkpoint or
/// the cursor): the ones to apply now, oldest first, and the state once they are applied.
/// `complete`: the walk reached the checkpoint (the last page had no more).
pub fn plan(state: &State, now: i64, read: Vec<Listed>, complete: bool, batch: usize) -> Plan {
    if !complete {
        // Not back at the checkpoint yet: remember how far back this run got.
        let cursor = read.last().map(|e| e.id.clone()).or(state.cursor.clone());
        return Plan {
            apply: Vec::new(),
            done: State {
                since: Some(state.since(now)),
                cursor,
            },
            cut_short: true,
        };
    }
    let mut oldest_first = read;
    oldest_first.reverse();
    let cut_short = oldest_first.len() > batch;
    oldest_first.truncate(batch);
    let since = match (cut_short, oldest_first.last()) {
        // Cut short by the batch: resume at the last one applied (read again, skipped).
        (true, Some(last)) => last.created,
        // Everything up to this run read and applied.
        _ => now - OVERLAP_SECS,
    };
    Plan {
        apply: oldest_first,
        done: State {
            since: Some(since.max(state.since(now))),
            cursor: None,
        },
        cut_short,
    }
}

/// What one run applies, and where the next starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub apply: Vec<Listed>,
    /// The state to store once every event of `apply` is applied. A run stopped by an error
    /// stores [`State::after`] the last one applied instead.
    pub done: State,
    /// More is waiting than this run took.
    pub cut_short: bool,
}

impl State {
    /// The state after applying events up to and including `last` of a plan, when the run
    /// stopped before the end of it (storage failed): resume there.
    pub fn after(&self, now: i64, last: Option<&Listed>) -> State {
        State {
            since: Some(last.map_or(self.since(now), |e| e.created.max(self.since(now)))),
            cursor: None,
        }
    }
}

/// A retrieved Checkout Session in the shape of the event that would have reported it, for the
/// ledger's parser: paid, the completed event; expired unpaid, the expired event; anything
/// else (still open, paid later by a bank debit) `None`, to be asked again next run. Its id
/// is `session:{session id}`, one per session, so asking twice records it once.
pub fn session_event(session: &[u8]) -> Option<Vec<u8>> {
    let s: Value = serde_json::from_slice(session).ok()?;
    let id = s.get("id")?.as_str()?;
    let kind = match (
        s.get("payment_status").and_then(Value::as_str),
        s.get("status").and_then(Value::as_str),
    ) {
        (Some("paid"), _) => "checkout.session.completed",
        (_, Some("expired")) => "checkout.session.expired",
        _ => return None,
    };
    let event = serde_json::json!({
        "id": format!("session:{id}"),
        "object": "event",
        "type": kind,
        "livemode": s.get("livemode").and_then(Value::as_bool).unwrap_or(false),
        "created": s.get("created").and_then(Value::as_i64).unwrap_or(0),
        "data": { "object": s },
    });
    serde_json::to_vec(&event).ok()
}

/// What a run found and did, as the admin shows it and the `jobs` table keeps it: counts only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    /// Events read from the Events API.
    pub events_read: usize,
    /// Of those, events the ledger had already (delivered by webhook, or read by a run before).
    pub already_recorded: usize,
    /// Of those, events the webhooks had not delivered: recorded now.
    pub missed: usize,
    /// Checkout Sessions retrieved, and the pledges they settled (paid or expired).
    pub sessions_asked: usize,
    pub pledges_settled: usize,
    /// Requests to Stripe, and D1 statements, this run made.
    pub subrequests: usize,
    pub d1_statements: usize,
    /// More was waiting than the run's bounds allowed: the next run goes on.
    pub cut_short: bool,
    /// Why the run stopped early, if it did (no secret data: a status, a kind of failure).
    pub error: Option<String>,
}

/// Where the reconciliation stands, for the admin overview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub last_run_at: i64,
    /// Events from this time on are still to be read.
    pub since: i64,
    pub last: Report,
    /// The checkpoint is older than [`STALE_SECS`]: Stripe will soon have forgotten events
    /// the site has not read.
    pub stale: bool,
}

impl Standing {
    /// From the `jobs` row of the last run.
    pub fn from_row(
        last_run_at: i64,
        checkpoint: Option<&str>,
        counts: Option<&str>,
        now: i64,
    ) -> Standing {
        let since = State::parse(checkpoint).since(last_run_at);
        Standing {
            last_run_at,
            since,
            last: counts
                .and_then(|c| serde_json::from_str(c).ok())
                .unwrap_or_default(),
            stale: now - since > STALE_SECS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, created: i64) -> Listed {
        Listed {
            id: id.into(),
            created,
            body: Vec::new(),
        }
    }

    #[test]
    fn the_first_run_looks_back_thirty_days() {
        let s = State::parse(None);
        assert_eq!(s.since(1_000_000_000), 1_000_000_000 - 30 * 86_400);
        assert_eq!(State::parse(Some("not json")), State::default());
        let stored = serde_json::to_string(&State {
            since: Some(5),
            cursor: Some("evt_1".into()),
        })
        .unwrap_or_default();
        assert_eq!(State::parse(Some(&stored)).cursor.as_deref(), Some("evt_1"));
    }

    #[test]
    fn a_complete_walk_applies_oldest_first_and_moves_the_checkpoint() {
        let state = State {
            since: Some(100),
            cursor: None,
        };
        let read = vec![ev("c", 300), ev("b", 200), ev("a", 150)];
        let p = plan(&state, 1000, read, true, 10);
        let ids: Vec<&str> = p.apply.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(p.done.since, Some(1000 - OVERLAP_SECS));
        assert!(!p.cut_short && p.done.cursor.is_none());
        // Nothing new: all read up to the run, less the overlap.
        let p = plan(&state, 1000, Vec::new(), true, 10);
        assert_eq!(p.done.since, Some(1000 - OVERLAP_SECS));
        // The overlap never moves it back past where it was.
        let p = plan(&state, 350, vec![ev("x", 120)], true, 10);
        assert_eq!(p.done.since, Some(100));
    }

    #[test]
    fn a_batch_cut_short_resumes_at_the_last_event_applied() {
        let state = State::default();
        let read: Vec<Listed> = (0..5)
            .rev()
            .map(|i| ev(&format!("e{i}"), 500 + i))
            .collect();
        let p = plan(&state, 1000, read, true, 2);
        let ids: Vec<&str> = p.apply.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e0", "e1"]);
        assert!(p.cut_short);
        assert_eq!(p.done.since, Some(501));
    }

    #[test]
    fn an_unfinished_walk_applies_nothing_and_remembers_where_it_stopped() {
        let state = State {
            since: Some(100),
            cursor: None,
        };
        let p = plan(&state, 1000, vec![ev("z", 900), ev("y", 800)], false, 10);
        assert!(p.apply.is_empty() && p.cut_short);
        assert_eq!(
            p.done,
            State {
                since: Some(100),
                cursor: Some("y".into())
            }
        );
        // The next run reaches the checkpoint: it applies what it read from the cursor back.
        let p = plan(&p.done, 1000, vec![ev("x", 700), ev("w", 150)], true, 10);
        let ids: Vec<&str> = p.apply.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["w", "x"]);
        assert_eq!(p.done.cursor, None);
        assert_eq!(p.done.since, Some(1000 - OVERLAP_SECS));
    }

    #[test]
    fn pages_and_sessions_are_read_strictly() {
        let page = br#"{"object":"list","has_more":true,"data":[{"id":"evt_2","created":20,"type":"charge.refunded"},{"id":"evt_1"},{"created":3}]}"#;
        let p = parse_page(page).unwrap_or_default();
        assert!(p.has_more);
        assert_eq!(p.events.len(), 1);
        assert_eq!(
            (p.events[0].id.as_str(), p.events[0].created),
            ("evt_2", 20)
        );
        assert_eq!(parse_page(br#"{"error":{"message":"no"}}"#), None);
        assert_eq!(parse_page(b"<html>"), None);

        let paid = br#"{"id":"cs_1","object":"checkout.session","payment_status":"paid","status":"complete","created":7,"livemode":false,"client_reference_id":"p1","amount_total":5000,"currency":"usd","payment_intent":"pi_1"}"#;
        let e: Value =
            serde_json::from_slice(&session_event(paid).unwrap_or_default()).unwrap_or_default();
        assert_eq!(e["id"], "session:cs_1");
        assert_eq!(e["type"], "checkout.session.completed");
        assert_eq!(e["data"]["object"]["payment_intent"], "pi_1");
        let expired = br#"{"id":"cs_2","payment_status":"unpaid","status":"expired","created":7}"#;
        let e: Value =
            serde_json::from_slice(&session_event(expired).unwrap_or_default()).unwrap_or_default();
        assert_eq!(e["type"], "checkout.session.expired");
        let open = br#"{"id":"cs_3","payment_status":"unpaid","status":"open"}"#;
        assert_eq!(session_event(open), None);
        assert_eq!(session_event(b"[]"), None);
    }

    #[test]
    fn the_admin_is_warned_when_the_checkpoint_nears_thirty_days() {
        let day = 86_400;
        let fresh = Standing::from_row(
            100 * day,
            Some(r#"{"since":8553600,"cursor":null}"#),
            Some(r#"{"missed":3,"pledges_settled":1}"#),
            100 * day,
        );
        assert_eq!(fresh.since, 99 * day);
        assert_eq!((fresh.last.missed, fresh.last.pledges_settled), (3, 1));
        assert!(!fresh.stale);
        let old = Standing::from_row(100 * day, Some(r#"{"since":0}"#), None, 100 * day);
        assert!(old.stale && old.last == Report::default());
        // Never run (no checkpoint): it will look 30 days back, which is stale already.
        assert!(Standing::from_row(0, None, None, 0).stale);
    }

    #[test]
    fn the_batch_variable_is_bounded() {
        assert_eq!(batch_size(None), BATCH);
        assert_eq!(batch_size(Some("20")), 20);
        assert_eq!(batch_size(Some("0")), BATCH);
        assert_eq!(batch_size(Some("100000")), BATCH);
        assert_eq!(batch_size(Some("x")), BATCH);
    }

    #[test]
    fn the_query_asks_for_the_handled_types_since_the_checkpoint() {
        let q = events_query(42, Some("evt_9"));
        assert_eq!(q.iter().filter(|(k, _)| k == "types[]").count(), 12);
        for monthly in [
            // The card-testing shield's declined cards (#27 §3).
            "payment_intent.payment_failed",
            "invoice.paid",
            "invoice_payment.paid",
            "customer.subscription.deleted",
        ] {
            assert!(q.contains(&("types[]".into(), monthly.into())), "{monthly}");
        }
        assert!(q.contains(&("created[gte]".into(), "42".into())));
        assert!(q.contains(&("starting_after".into(), "evt_9".into())));
        assert!(q.contains(&("limit".into(), "100".into())));
    }

    #[test]
    fn the_readme_asks_stripe_for_every_type_the_job_reads() {
        // Deploy's endpoint list: a type the reconciliation reads but the endpoint does not
        // receive would only ever arrive an hour late.
        let readme = include_str!("../../README.md");
        let start = readme
            .find("add a webhook endpoint `https://<your domain>/webhooks/stripe`")
            .expect("Deploy names the endpoint");
        let list = &readme[start..];
        let list = &list[..list.find("with the API version").expect("the list ends")];
        for t in EVENT_TYPES {
            assert!(
                list.contains(&format!("`{t}`")),
                "README's endpoint list lacks {t}"
            );
        }
    }
}
