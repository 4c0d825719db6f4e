//! What a verified webhook event does to the pledge ledger, decided without I/O.
//!
//! The worker looks up the one fact this needs (does the named pledge exist?), asks
//! [`decide`], then stores the event record and the [`Action`] in one D1 batch. The SQL behind
//! each action is written so that applying actions in any order converges on the same state:
//! statuses only move forward, refunds keep the largest running total, and a refund that
//! arrives before its payment waits in its own table until the payment lands.

use crate::webhook::{Effect, Scheme, WebhookEvent};

/// The settings that decide whether an event is ours.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `STRIPE_LIVEMODE`: Stripe events from the other mode are recorded as ignored.
    pub livemode: bool,
    /// `CAMPAIGN_ID`: marks checkout sessions as this campaign's.
    pub campaign_id: String,
}

/// The ledger's currency; gifts in any other are stored and flagged, never added to totals.
pub const CURRENCY: &str = "usd";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A pledge of ours was paid.
    Pay { pledge_id: String, amount_cents: i64, currency: String, provider_ref: Option<String>, flag: Option<&'static str> },
    /// A gift made outside the site (a session carrying our campaign marker, or a provider
    /// payment without a pledge of ours): recorded as its own paid pledge under `id`.
    External { id: String, amount_cents: i64, currency: String, provider_ref: Option<String>, flag: Option<&'static str> },
    /// A pending pledge failed or expired.
    Close { pledge_id: String, status: &'static str },
    /// The provider's running refund total for a payment.
    Refund { provider_ref: String, refunded_total_cents: i64, currency: String },
    /// Recorded so that a redelivery is recognised, and otherwise nothing.
    Ignore { reason: &'static str },
}

impl Action {
    /// The outcome stored with the event (`webhook_events.outcome`).
    pub fn outcome(&self) -> &'static str {
        match self {
            Action::Pay { flag: Some(_), .. } | Action::External { flag: Some(_), .. } => "flagged",
            Action::Pay { .. } | Action::External { .. } | Action::Close { .. } | Action::Refund { .. } => "applied",
            Action::Ignore { reason } => reason,
        }
    }
}

fn currency_flag(currency: &str) -> Option<&'static str> {
    (currency != CURRENCY).then_some("currency")
}

/// Decides the action. `pledge_exists` says whether the pledge the event names is one of ours.
pub fn decide(event: &WebhookEvent, settings: &Settings, pledge_exists: bool) -> Action {
    if event.scheme == Scheme::Stripe && event.livemode.is_some_and(|l| l != settings.livemode) {
        return Action::Ignore { reason: "ignored:livemode" };
    }
    match &event.effect {
        Effect::Paid { pledge_id, amount_cents, currency, provider_ref, campaign, session_id } => {
            let flag = currency_flag(currency);
            match pledge_id {
                Some(id) if pledge_exists => Action::Pay {
                    pledge_id: id.clone(),
                    amount_cents: *amount_cents,
                    currency: currency.clone(),
                    provider_ref: provider_ref.clone(),
                    flag,
                },
                _ => {
                    let ours = match event.scheme {
                        // Stripe: only sessions marked with our campaign.
                        Scheme::Stripe => campaign.as_deref() == Some(settings.campaign_id.as_str()),
                        // Standard: the relay is ours; a payment naming no pledge is a gift
                        // made elsewhere, one naming a pledge we do not have is not ours.
                        Scheme::Standard => pledge_id.is_none(),
                    };
                    let key = session_id.as_ref().or(provider_ref.as_ref()).unwrap_or(&event.id);
                    if ours {
                        Action::External {
                            id: format!("ext-{}-{key}", event.scheme.as_str()),
                            amount_cents: *amount_cents,
                            currency: currency.clone(),
                            provider_ref: provider_ref.clone(),
                            flag,
                        }
                    } else {
                        Action::Ignore { reason: "ignored:not-ours" }
                    }
                }
            }
        }
        Effect::Failed { pledge_id: Some(id) } if pledge_exists => Action::Close { pledge_id: id.clone(), status: "failed" },
        Effect::Expired { pledge_id: Some(id) } if pledge_exists => Action::Close { pledge_id: id.clone(), status: "expired" },
        Effect::Failed { .. } | Effect::Expired { .. } => Action::Ignore { reason: "ignored:not-ours" },
        Effect::Refunded { provider_ref, refunded_total_cents, currency } => Action::Refund {
            provider_ref: provider_ref.clone(),
            refunded_total_cents: *refunded_total_cents,
            currency: currency.clone(),
        },
        Effect::Ignored { reason } => Action::Ignore { reason: ignore_outcome(reason.as_str()) },
    }
}

fn ignore_outcome(reason: &str) -> &'static str {
    match reason {
        "not_paid_yet" => "ignored:not-paid-yet",
        "no_payment_ref" => "ignored:no-payment-ref",
        _ => "ignored:type",
    }
}

/// The pledge id an event names, for the worker's one look-up.
pub fn named_pledge(event: &WebhookEvent) -> Option<&str> {
    match &event.effect {
        Effect::Paid { pledge_id, .. } | Effect::Failed { pledge_id } | Effect::Expired { pledge_id } => pledge_id.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings { livemode: false, campaign_id: "women-lead-cambodia".into() }
    }

    fn event(scheme: Scheme, livemode: Option<bool>, effect: Effect) -> WebhookEvent {
        WebhookEvent { scheme, id: "evt_1".into(), kind: "k".into(), livemode, created: None, effect }
    }

    fn paid(pledge: Option<&str>, currency: &str, campaign: Option<&str>) -> Effect {
        Effect::Paid {
            pledge_id: pledge.map(Into::into),
            amount_cents: 5000,
            currency: currency.into(),
            provider_ref: Some("pi_1".into()),
            campaign: campaign.map(Into::into),
            session_id: Some("cs_1".into()),
        }
    }

    #[test]
    fn a_payment_for_our_pledge_pays_it() {
        let a = decide(&event(Scheme::Stripe, Some(false), paid(Some("p1"), "usd", None)), &settings(), true);
        assert!(matches!(a, Action::Pay { ref pledge_id, flag: None, .. } if pledge_id == "p1"));
        assert_eq!(a.outcome(), "applied");
    }

    #[test]
    fn other_currencies_are_flagged() {
        let a = decide(&event(Scheme::Stripe, Some(false), paid(Some("p1"), "eur", None)), &settings(), true);
        assert!(matches!(a, Action::Pay { flag: Some("currency"), .. }));
        assert_eq!(a.outcome(), "flagged");
    }

    #[test]
    fn the_other_livemode_is_ignored() {
        let a = decide(&event(Scheme::Stripe, Some(true), paid(Some("p1"), "usd", None)), &settings(), true);
        assert_eq!(a, Action::Ignore { reason: "ignored:livemode" });
        let live = Settings { livemode: true, ..settings() };
        assert!(matches!(decide(&event(Scheme::Stripe, Some(true), paid(Some("p1"), "usd", None)), &live, true), Action::Pay { .. }));
    }

    #[test]
    fn sessions_without_our_pledge_count_only_with_our_campaign_marker() {
        let s = settings();
        let marked = decide(&event(Scheme::Stripe, Some(false), paid(None, "usd", Some("women-lead-cambodia"))), &s, false);
        assert!(matches!(marked, Action::External { ref id, .. } if id == "ext-stripe-cs_1"));
        let unknown_pledge = decide(&event(Scheme::Stripe, Some(false), paid(Some("zz"), "usd", Some("women-lead-cambodia"))), &s, false);
        assert!(matches!(unknown_pledge, Action::External { .. }));
        let other = decide(&event(Scheme::Stripe, Some(false), paid(None, "usd", Some("another"))), &s, false);
        assert_eq!(other, Action::Ignore { reason: "ignored:not-ours" });
        let none = decide(&event(Scheme::Stripe, Some(false), paid(None, "usd", None)), &s, false);
        assert_eq!(none, Action::Ignore { reason: "ignored:not-ours" });
    }

    #[test]
    fn standard_payments_without_a_pledge_are_external_and_unknown_pledges_ignored() {
        let s = settings();
        assert!(matches!(decide(&event(Scheme::Standard, None, paid(None, "usd", None)), &s, false), Action::External { .. }));
        assert_eq!(decide(&event(Scheme::Standard, None, paid(Some("nope"), "usd", None)), &s, false), Action::Ignore { reason: "ignored:not-ours" });
    }

    #[test]
    fn failures_and_expiries_close_only_our_pledges() {
        let s = settings();
        let e = event(Scheme::Stripe, Some(false), Effect::Expired { pledge_id: Some("p1".into()) });
        assert_eq!(decide(&e, &s, true), Action::Close { pledge_id: "p1".into(), status: "expired" });
        assert_eq!(decide(&e, &s, false), Action::Ignore { reason: "ignored:not-ours" });
        let f = event(Scheme::Stripe, Some(false), Effect::Failed { pledge_id: Some("p1".into()) });
        assert_eq!(decide(&f, &s, true), Action::Close { pledge_id: "p1".into(), status: "failed" });
        assert_eq!(named_pledge(&f), Some("p1"));
    }

    #[test]
    fn refunds_carry_the_running_total() {
        let e = event(Scheme::Standard, None, Effect::Refunded { provider_ref: "pi_1".into(), refunded_total_cents: 2500, currency: "usd".into() });
        assert_eq!(decide(&e, &settings(), false), Action::Refund { provider_ref: "pi_1".into(), refunded_total_cents: 2500, currency: "usd".into() });
        assert_eq!(named_pledge(&e), None);
    }
}
