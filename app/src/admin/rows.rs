//! What the admin pages show, as the worker loads it: one plain type per kind of D1 row, plus
//! the overview's numbers.
//!
//! Each type decodes from a D1 row as it comes (integers for booleans, strings for statuses),
//! and the worker decodes rows one by one, skipping and logging any that does not fit. So the
//! types are strict where a wrong guess would mislead a maintainer: a comment's or a pledge's
//! status is a typed [`CommentStatus`] or [`Status`], and a row holding an unknown one is left
//! out rather than shown as something it is not.

use crate::comment::CommentStatus;
use crate::money::{decimal, Cents};
use crate::pledge::{Frequency, Status};
use serde::{Deserialize, Deserializer};

/// Rows per page in the admin lists of pledges and volunteers.
pub const PAGE_SIZE: i64 = 100;

/// The numbers on the overview page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub held: i64,
    pub held_flagged: i64,
    pub waiting: i64,
    /// Net of refunds, US dollars only, as on the public page.
    pub raised: Cents,
    pub gifts: i64,
    pub flagged: i64,
    pub volunteers: i64,
}

/// A comment as maintainers see it: what the public sees, and how it stands in moderation.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AdminComment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub website: Option<String>,
    pub body: String,
    pub lang: String,
    pub status: CommentStatus,
    #[serde(deserialize_with = "int_bool")]
    pub is_campaign: bool,
    pub link_count: i64,
    #[serde(deserialize_with = "int_bool")]
    pub flagged: bool,
    pub created_at: i64,
}

/// A pledge as maintainers see it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PledgeRow {
    pub id: String,
    pub status: Status,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub tier: Option<String>,
    pub designation: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    pub show_name: bool,
    pub note: Option<String>,
    pub lang: String,
    pub origin: String,
    pub provider_ref: Option<String>,
    pub flag: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    /// When the donor confirmed they may give; `None` for a gift not made through the site's
    /// form (an external provider's), which nobody attested.
    #[serde(default)]
    pub attested_at: Option<i64>,
    #[serde(default)]
    pub frequency: Frequency,
    /// Payments received: the months paid, for a monthly gift.
    #[serde(default)]
    pub payments: i64,
    /// Renewals the provider could not charge, and the one still unpaid, if any.
    #[serde(default)]
    pub failed_renewals: i64,
    #[serde(default)]
    pub unpaid_invoice: Option<String>,
    /// When a monthly gift was stopped.
    #[serde(default)]
    pub ended_at: Option<i64>,
    /// The share link's code it came with (`app::reach`), if any.
    #[serde(default)]
    pub source: Option<String>,
    /// What the donor was shown and paid in (Adaptive Pricing, #28 §1): the first payment's
    /// that has one (a monthly gift's first month; renewals keep none). Read through
    /// [`PledgeRow::presented`].
    #[serde(default)]
    pub presented_currency: Option<String>,
    #[serde(default)]
    pub presented_amount: Option<i64>,
}

impl PledgeRow {
    /// The presented currency and amount, when both are stored and well formed.
    pub fn presented(&self) -> Option<crate::webhook::Presentment> {
        crate::webhook::Presentment::new(
            self.presented_currency.as_deref()?,
            self.presented_amount?,
        )
    }
}

/// The monthly gifts at a glance.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct MonthlySummary {
    /// Active monthly gifts, and what they pledge each month (US cents).
    pub active: i64,
    pub active_cents: i64,
    /// Active ones whose last renewal failed and is not paid yet.
    pub past_due: i64,
    pub cancelled: i64,
    /// Months paid, over every monthly gift.
    pub months_paid: i64,
    /// Failed renewal attempts, over every monthly gift.
    pub failed_renewals: i64,
}

/// One line of the totals: pledges in a status, and their amounts (US dollars only).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: Status,
    pub pledges: i64,
    pub cents: i64,
}

/// A refund whose payment has not arrived (see the `refunds` table): a maintainer should look.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct WaitingRefund {
    pub provider_ref: String,
    pub refunded_cents: i64,
    pub currency: String,
    pub updated_at: i64,
}

/// An offer of help as maintainers see it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub place: Option<String>,
    /// Comma-separated kinds, see [`crate::volunteer::HELP_KINDS`].
    pub help: String,
    pub message: Option<String>,
    pub lang: String,
    pub created_at: i64,
}

impl VolunteerRow {
    /// How they want to help, in words.
    pub fn help_words(&self) -> String {
        self.help
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| crate::volunteer::help_label(&crate::content::EN, k))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A webhook event recorded as flagged (a second payment, a refund in another currency or
/// from another scheme, an amount that cannot be counted): for a maintainer to look at.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FlaggedEvent {
    pub scheme: String,
    pub event_id: String,
    pub outcome: String,
    pub pledge_id: Option<String>,
    pub provider_ref: Option<String>,
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    pub received_at: i64,
}

impl FlaggedEvent {
    /// Why it was flagged, in words.
    pub fn why(&self) -> &'static str {
        use crate::ledger::{Flag, Outcome};
        match Outcome::parse(&self.outcome) {
            Some(Outcome::Flagged(Flag::Amount)) => "an amount that cannot be counted",
            Some(Outcome::Flagged(Flag::SecondPayment)) => {
                "a second payment for a pledge already paid"
            }
            Some(Outcome::Flagged(Flag::RefundCurrency)) => {
                "a refund in another currency than its payment"
            }
            Some(Outcome::Flagged(Flag::RefundScheme)) => {
                "a refund naming another provider's payment"
            }
            Some(Outcome::Flagged(Flag::Currency)) => "a gift in another currency",
            Some(Outcome::Flagged(Flag::Dispute)) => {
                "a dispute: answer it in Stripe (counted unless it is lost)"
            }
            _ => "flagged",
        }
    }
}

/// What was paid on one UTC day (days since 1970-01-01), in US cents: the chart's rows.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct DayTotal {
    pub day: i64,
    pub cents: i64,
    pub gifts: i64,
}

/// An amount in its currency, as the pages show a row's: `US$50` for dollars (the ledger's
/// currency), `12.50 EUR` else.
pub fn amount(cents: i64, currency: &str) -> String {
    if currency.eq_ignore_ascii_case("usd") {
        Cents(cents).to_string()
    } else {
        format!("{} {}", decimal(cents), currency.to_uppercase())
    }
}

/// D1 stores booleans as 0 and 1.
pub(super) fn int_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(i64::deserialize(d)? != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn amounts_in_words() {
        assert_eq!(amount(5000, "usd"), "US$50");
        assert_eq!(amount(1250, "eur"), "12.50 EUR");
    }

    fn comment_row(status: &str) -> serde_json::Value {
        json!({
            "id": 1, "parent_id": null, "name": "n", "website": null, "body": "b", "lang": "en",
            "status": status, "is_campaign": 0, "link_count": 3, "flagged": 1, "created_at": 5
        })
    }

    fn pledge_row(status: &str) -> serde_json::Value {
        json!({
            "id": "ab", "status": status, "amount_cents": 500, "refunded_cents": 0, "currency": "usd",
            "tier": null, "designation": "general", "name": null, "email": null, "show_name": 1,
            "note": null, "lang": "en", "origin": "site", "provider_ref": null, "flag": null,
            "created_at": 5, "paid_at": null, "attested_at": 4
        })
    }

    #[test]
    fn rows_deserialize_from_d1_integers() {
        let v: VolunteerRow = serde_json::from_value(json!({
            "id": 1, "name": "n", "email": null, "phone": null, "place": null, "help": "", "message": null, "lang": "en", "created_at": 5
        }))
        .unwrap();
        assert_eq!(v.help_words(), "");
        let c: AdminComment = serde_json::from_value(comment_row("held")).unwrap();
        assert!(c.flagged && !c.is_campaign);
        assert_eq!(c.status, CommentStatus::Held);
        let p: PledgeRow = serde_json::from_value(pledge_row("refunded")).unwrap();
        assert_eq!(p.status, Status::Refunded);
        assert!(p.show_name);
        assert_eq!(p.attested_at, Some(4));
    }

    #[test]
    fn rows_with_an_unknown_status_do_not_decode() {
        for bad in ["", "Held", "deleted"] {
            assert!(serde_json::from_value::<AdminComment>(comment_row(bad)).is_err());
        }
        for bad in ["", "Paid", "canceled"] {
            assert!(serde_json::from_value::<PledgeRow>(pledge_row(bad)).is_err());
            let total = json!({ "status": bad, "pledges": 1, "cents": 5 });
            assert!(serde_json::from_value::<StatusTotal>(total).is_err());
        }
        let total: StatusTotal =
            serde_json::from_value(json!({ "status": "paid", "pledges": 2, "cents": 5 })).unwrap();
        assert_eq!(total.status, Status::Paid);
    }
}
