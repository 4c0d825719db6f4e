//! Alerts to the team: what waits, as counts and a link, never a person.
//!
//! A scheduled job counts what waits for a maintainer (comments to moderate or to answer, new
//! offers of help, flagged payments, what the reconciliation found) and sends one short
//! Telegram message. The message sits on phones that can be seized, so it carries **counts and
//! links to the admin area only**: never a name, an email, a phone number, a comment's words or
//! an amount tied to a person; this module is given nothing else to put in it.
//!
//! Each kind is sent at most once per [`PERIOD_SECS`], and only when its count changed since
//! the last message said it (a kind that drops to zero is not news). What was last said is kept
//! in D1 (`jobs.checkpoint` of the `alerts` job); a failed send leaves it as it was, so the next
//! run tries again.

use crate::routes::Admin;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most one message per kind in this period.
pub const PERIOD_SECS: i64 = 3600;

/// What a message can be about, each with the admin page that shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Comments held for moderation.
    Held,
    /// Approved comments still waiting for the campaign's reply.
    AwaitingReply,
    /// Offers of help received since the last message about them.
    NewVolunteers,
    /// Payment events flagged for a maintainer (another currency, a second payment…).
    FlaggedPayments,
    /// Monthly gifts whose renewal failed and is not paid yet (Stripe retries).
    FailedRenewals,
    /// Events the reconciliation found that the webhooks had missed (its last run).
    ReconcileGaps,
    /// The reconciliation's last run stopped on an error.
    ReconcileError,
    /// The daily check found running figures that differed from their rows, and rebuilt them
    /// (`store::figures`): a statement that changes a figure missed its mark.
    FiguresRepaired,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Held,
        Kind::AwaitingReply,
        Kind::NewVolunteers,
        Kind::FlaggedPayments,
        Kind::FailedRenewals,
        Kind::ReconcileGaps,
        Kind::ReconcileError,
        Kind::FiguresRepaired,
    ];

    /// Its key in the stored state.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Held => "held",
            Kind::AwaitingReply => "awaiting-reply",
            Kind::NewVolunteers => "new-volunteers",
            Kind::FlaggedPayments => "flagged-payments",
            Kind::FailedRenewals => "failed-renewals",
            Kind::ReconcileGaps => "reconcile-gaps",
            Kind::ReconcileError => "reconcile-error",
            Kind::FiguresRepaired => "figures-repaired",
        }
    }

    /// The admin page that shows what it counts.
    pub fn path(self) -> String {
        let (route, rest) = match self {
            Kind::Held => (Admin::Comments, "?status=held"),
            Kind::AwaitingReply => (Admin::Waiting, ""),
            Kind::NewVolunteers => (Admin::Volunteers, ""),
            Kind::FlaggedPayments => (Admin::Pledges, "#flagged"),
            Kind::FailedRenewals => (Admin::Pledges, "#monthly"),
            Kind::ReconcileGaps | Kind::ReconcileError => (Admin::Index, "#reconciliation"),
            Kind::FiguresRepaired => (Admin::Index, ""),
        };
        format!("{}{rest}", route.path())
    }

    /// One line of the message: the count and what it is.
    fn line(self, n: i64) -> String {
        // The site's one English plural rule, and its numbers (1,234).
        let count = |one, other| crate::i18n::Lang::english_count(n, one, other);
        match self {
            Kind::Held => count(
                "comment held for moderation",
                "comments held for moderation",
            ),
            Kind::AwaitingReply => count(
                "comment waiting for our reply",
                "comments waiting for our reply",
            ),
            Kind::NewVolunteers => count("new offer of help", "new offers of help"),
            Kind::FlaggedPayments => count("flagged payment event", "flagged payment events"),
            Kind::FailedRenewals => count(
                "monthly gift past due (a renewal failed)",
                "monthly gifts past due (a renewal failed)",
            ),
            Kind::ReconcileGaps => count(
                "payment event the webhooks missed, found by the reconciliation",
                "payment events the webhooks missed, found by the reconciliation",
            ),
            Kind::ReconcileError => {
                "the reconciliation with Stripe stopped on an error".to_string()
            }
            Kind::FiguresRepaired => count(
                "page figure differed from the payments and was rebuilt (tell the developers)",
                "page figures differed from the payments and were rebuilt (tell the developers)",
            ),
        }
    }
}

/// The counts a run found, by kind (a kind left out counts zero).
pub type Counts = BTreeMap<Kind, i64>;

/// What the last message said of a kind, and when.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Said {
    pub count: i64,
    pub at: i64,
}

/// What the team was last told, kind by kind (kept as JSON), and when any message last went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub said: BTreeMap<String, Said>,
    pub last_sent_at: Option<i64>,
}

impl State {
    pub fn parse(stored: Option<&str>) -> State {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    /// When offers of help were last counted for a message: new ones are those since.
    pub fn volunteers_since(&self) -> i64 {
        self.said
            .get(Kind::NewVolunteers.as_str())
            .map_or(0, |s| s.at)
    }
}

/// The kinds worth a message now: a count above zero that differs from what the last message
/// said of it, at least [`PERIOD_SECS`] after that message.
pub fn due(counts: &Counts, state: &State, now: i64) -> Vec<(Kind, i64)> {
    counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .filter(|(kind, n)| match state.said.get(kind.as_str()) {
            None => true,
            // Counted since the last message: any is news, once the period is over.
            Some(said) if **kind == Kind::NewVolunteers => now - said.at >= PERIOD_SECS,
            Some(said) => said.count != **n && now - said.at >= PERIOD_SECS,
        })
        .map(|(k, n)| (*k, *n))
        .collect()
}

/// The message for the kinds due: one line each with its admin link. `origin` is the site's
/// (`SITE_URL`); without it the links are paths.
pub fn message(due: &[(Kind, i64)], origin: &str) -> String {
    let mut text = String::from("Campaign site: something is waiting.");
    for (kind, n) in due {
        text.push_str(&format!("\n• {}: {}{}", kind.line(*n), origin, kind.path()));
    }
    text
}

/// The state once the message about `due` went out at `now`. A kind whose count fell to zero
/// is forgotten, so its next rise is news again.
pub fn after_sending(state: &State, counts: &Counts, due: &[(Kind, i64)], now: i64) -> State {
    let mut next = state.clone();
    for kind in Kind::ALL {
        if counts.get(&kind).copied().unwrap_or(0) == 0 && kind != Kind::NewVolunteers {
            next.said.remove(kind.as_str());
        }
    }
    for (kind, n) in due {
        next.said
            .insert(kind.as_str().to_string(), Said { count: *n, at: now });
    }
    if !due.is_empty() {
        next.last_sent_at = Some(now);
    }
    next
}

/// The test message a maintainer sends from the admin area.
pub const TEST_MESSAGE: &str =
    "Campaign site: a test message from the admin area. Alerts reach this chat.";

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(Kind, i64)]) -> Counts {
        pairs.iter().copied().collect()
    }

    #[test]
    fn a_count_is_sent_once_then_only_when_it_changes_after_the_period() {
        let c = counts(&[(Kind::Held, 3), (Kind::AwaitingReply, 0)]);
        let s = State::default();
        assert_eq!(due(&c, &s, 1000), vec![(Kind::Held, 3)]);
        let s = after_sending(&s, &c, &due(&c, &s, 1000), 1000);
        // Unchanged: nothing, however long after.
        assert!(due(&c, &s, 1000 + 10 * PERIOD_SECS).is_empty());
        // Changed, but within the period: nothing yet; after it, the new count.
        let c2 = counts(&[(Kind::Held, 4)]);
        assert!(due(&c2, &s, 1000 + PERIOD_SECS - 1).is_empty());
        assert_eq!(due(&c2, &s, 1000 + PERIOD_SECS), vec![(Kind::Held, 4)]);
        // Down to zero: forgotten, so the next comment is news at once.
        let zero = counts(&[(Kind::Held, 0)]);
        let s = after_sending(&s, &zero, &[], 2000);
        assert!(!s.said.contains_key("held"));
        assert_eq!(due(&c, &s, 2001), vec![(Kind::Held, 3)]);
    }

    #[test]
    fn the_message_has_counts_and_links_only() {
        let text = message(
            &[
                (Kind::Held, 1),
                (Kind::NewVolunteers, 2),
                (Kind::ReconcileError, 1),
            ],
            "https://campaign.example",
        );
        assert!(text.contains(
            "1 comment held for moderation: https://campaign.example/admin/comments?status=held"
        ));
        assert!(text.contains("2 new offers of help: https://campaign.example/admin/volunteers"));
        assert!(text.contains("stopped on an error: https://campaign.example/admin#reconciliation"));
        assert_eq!(text.lines().count(), 4);
    }

    #[test]
    fn state_round_trips_and_bad_state_starts_afresh() {
        let s = after_sending(
            &State::default(),
            &counts(&[(Kind::NewVolunteers, 2)]),
            &[(Kind::NewVolunteers, 2)],
            77,
        );
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(State::parse(Some(&json)), s);
        assert_eq!(s.volunteers_since(), 77);
        // Two more offers later are news again, though the count is the same.
        let again = counts(&[(Kind::NewVolunteers, 2)]);
        assert!(due(&again, &s, 77 + PERIOD_SECS - 1).is_empty());
        assert_eq!(
            due(&again, &s, 77 + PERIOD_SECS),
            vec![(Kind::NewVolunteers, 2)]
        );
        assert_eq!(s.last_sent_at, Some(77));
        assert_eq!(State::parse(Some("{")), State::default());
    }
}
