//! What a verified webhook event does to the pledge ledger, decided without I/O.
//!
//! The worker looks up the one fact this needs (does the named pledge exist?), asks
//! [`decide`], then stores the event record and the [`Action`] in one D1 batch. Two kinds of
//! decision are made, in two places, each once:
//!
//! * **What the event itself says** is decided here: whose it is (livemode, campaign marker),
//!   and whether its amount can ever be counted ([`countable`]). An event with an amount that
//!   is not a whole number, does not fit, is not positive or is above [`MAX_GIFT_CENTS`]
//!   becomes [`Action::Flag`]: recorded for a maintainer, answered 2xx (so the provider does
//!   not retry it for days), never counted.
//! * **What it does to the state we hold** (a second payment for a paid pledge, a refund in
//!   another currency or from another scheme, a payment already applied) can only be known
//!   against that state, atomically, so the store decides it in SQL, in the statement that
//!   records the event, and the effect statements follow that recorded [`Outcome`]. The
//!   store's CASE produces exactly the strings [`Outcome::as_str`] writes.
//!
//! The SQL behind each action converges whatever the order: statuses only move forward,
//! refunds keep the largest running total, and a refund that arrives before its payment waits
//! in its own table until the payment lands.

use crate::money::MAX_GIFT_CENTS;
use crate::webhook::{Amount, Effect, IgnoreReason, Scheme, WebhookEvent};

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

/// Why an event needs a maintainer's eyes. Flagged events are recorded and never counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// Paid in another currency than the ledger's: the pledge is marked paid and flagged.
    Currency,
    /// An amount that cannot be counted (see [`countable`]).
    Amount,
    /// A payment with another reference for a one-off pledge already paid.
    SecondPayment,
    /// A refund in another currency than its payment's.
    RefundCurrency,
    /// A refund naming a payment that another scheme reported.
    RefundScheme,
    /// A donor's bank disputes a payment: a maintainer should answer it in Stripe. Counted
    /// until the dispute is lost.
    Dispute,
}

/// Why an authenticated event changes nothing, on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// A Stripe event of the other mode (test or live).
    Livemode,
    /// Not this campaign's: no pledge of ours, no campaign marker.
    NotOurs,
    /// A completed checkout whose money has not arrived yet.
    NotPaidYet,
    /// A refunded charge without a payment reference.
    NoPaymentRef,
    /// An event type the site does not act on.
    Type,
    /// A dispute closed without taking the money back.
    DisputeNotLost,
}

/// What an event did, as stored in `webhook_events.outcome` and answered to the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The ledger changed.
    Applied,
    /// The event was ours and valid, and the ledger already said so (a repeated payment of
    /// the same reference, an expiry after the payment, a refund total already known).
    NoChange,
    /// Recorded and nothing else: a declined card, a signal for the card-testing shield.
    Recorded,
    Flagged(Flag),
    Ignored(Ignored),
}

impl Outcome {
    pub const ALL: [Outcome; 15] = [
        Outcome::Applied,
        Outcome::NoChange,
        Outcome::Recorded,
        Outcome::Flagged(Flag::Currency),
        Outcome::Flagged(Flag::Amount),
        Outcome::Flagged(Flag::SecondPayment),
        Outcome::Flagged(Flag::RefundCurrency),
        Outcome::Flagged(Flag::RefundScheme),
        Outcome::Flagged(Flag::Dispute),
        Outcome::Ignored(Ignored::Livemode),
        Outcome::Ignored(Ignored::NotOurs),
        Outcome::Ignored(Ignored::NotPaidYet),
        Outcome::Ignored(Ignored::NoPaymentRef),
        Outcome::Ignored(Ignored::Type),
        Outcome::Ignored(Ignored::DisputeNotLost),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::NoChange => "no-change",
            Outcome::Recorded => "recorded",
            Outcome::Flagged(Flag::Currency) => "flagged:currency",
            Outcome::Flagged(Flag::Amount) => "flagged:amount",
            Outcome::Flagged(Flag::SecondPayment) => "flagged:second-payment",
            Outcome::Flagged(Flag::RefundCurrency) => "flagged:refund-currency",
            Outcome::Flagged(Flag::RefundScheme) => "flagged:refund-scheme",
            Outcome::Flagged(Flag::Dispute) => "flagged:dispute",
            Outcome::Ignored(Ignored::Livemode) => "ignored:livemode",
            Outcome::Ignored(Ignored::NotOurs) => "ignored:not-ours",
            Outcome::Ignored(Ignored::NotPaidYet) => "ignored:not-paid-yet",
            Outcome::Ignored(Ignored::NoPaymentRef) => "ignored:no-payment-ref",
            Outcome::Ignored(Ignored::Type) => "ignored:type",
            Outcome::Ignored(Ignored::DisputeNotLost) => "ignored:dispute-not-lost",
        }
    }

    /// The inverse of [`Outcome::as_str`]; anything else is not an outcome.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn is_flagged(self) -> bool {
        matches!(self, Outcome::Flagged(_))
    }
}

/// Whether a provider's amount may ever be counted: a whole number of cents from 1 to the
/// largest gift the form takes. Every aggregate the site shows applies the same bounds in SQL.
pub fn countable(amount: Amount) -> Option<i64> {
    match amount {
        Amount::Whole(n) if (1..=MAX_GIFT_CENTS).contains(&n) => Some(n),
        _ => None,
    }
}

/// How a pending pledge was closed without payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    Failed,
    Expired,
}

/// Money received, as the ledger keys it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// What identifies the payment, so that every report of it is one row: a month's
    /// invoice, else the PaymentIntent or the provider's reference, else the Checkout
    /// Session, else the pledge.
    pub key: String,
    /// The PaymentIntent (or provider reference) a refund or a dispute will name, when the
    /// event says it; a month's arrives with `invoice_payment.paid`.
    pub payment_intent: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
    /// What the donor was shown and paid in (Adaptive Pricing), kept beside the payment for
    /// the admin and the CSV; never counted.
    pub presentment: Option<crate::webhook::Presentment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A pledge of ours received money (the store records `applied`, `flagged:currency`,
    /// `no-change` or `flagged:second-payment` depending on what it already holds).
    Pay {
        pledge_id: String,
        payment: Payment,
        /// A monthly gift's subscription, to stop it later.
        subscription: Option<String>,
    },
    /// A gift made outside the site (a session or subscription carrying our campaign marker,
    /// or a provider payment without a pledge of ours): recorded as its own pledge under
    /// `id`, with the payment.
    External {
        id: String,
        payment: Payment,
        monthly: bool,
    },
    /// A pending pledge failed or expired.
    Close { pledge_id: String, status: Closed },
    /// The provider's running refund total for a payment of this scheme.
    Refund {
        provider_ref: String,
        refunded_total_cents: i64,
        currency: String,
    },
    /// A lost dispute took this much of the payment back.
    DisputeLost {
        provider_ref: String,
        lost_cents: i64,
        currency: String,
    },
    /// This PaymentIntent paid this invoice (Stripe).
    Link {
        invoice: String,
        payment_intent: String,
    },
    /// A monthly pledge's renewal could not be charged.
    RenewalFailed { pledge_id: String, invoice: String },
    /// A monthly pledge's subscription ended.
    End {
        pledge_id: String,
        subscription: String,
    },
    /// Recorded for a maintainer, and otherwise nothing. `amount` is what the event said, when
    /// it fits exactly.
    Flag {
        flag: Flag,
        pledge_id: Option<String>,
        provider_ref: Option<String>,
        amount: Option<i64>,
        currency: String,
    },
    /// Recorded so that a redelivery is recognised, and otherwise nothing.
    Ignore { reason: Ignored },
    /// A declined card: recorded (`recorded`) with its PaymentIntent and the pledge it names,
    /// and otherwise nothing; the card-testing shield counts these.
    Record {
        pledge_id: Option<String>,
        payment_intent: String,
    },
}

impl Action {
    /// The outcome when it does not depend on the ledger's state; `None` when the store must
    /// decide it against the rows it touches.
    pub fn fixed_outcome(&self) -> Option<Outcome> {
        match self {
            Action::Flag { flag, .. } => Some(Outcome::Flagged(*flag)),
            Action::Ignore { reason } => Some(Outcome::Ignored(*reason)),
            Action::Record { .. } => Some(Outcome::Recorded),
            _ => None,
        }
    }
}

/// Decides the action. `pledge_exists` says whether the pledge the event names is one of ours.
pub fn decide(event: &WebhookEvent, settings: &Settings, pledge_exists: bool) -> Action {
    if event.scheme == Scheme::Stripe && event.livemode.is_some_and(|l| l != settings.livemode) {
        return Action::Ignore {
            reason: Ignored::Livemode,
        };
    }
    let ours = |pledge_id: &Option<String>| pledge_id.clone().filter(|_| pledge_exists);
    let not_ours = Action::Ignore {
        reason: Ignored::NotOurs,
    };
    match &event.effect {
        Effect::Paid {
            pledge_id,
            amount_cents,
            currency,
            provider_ref,
            invoice,
            subscription,
            campaign,
            session_id,
            presentment,
        } => {
            let ours_pledge = ours(pledge_id);
            let outside = match event.scheme {
                // Stripe: only sessions and subscriptions marked with our campaign.
                Scheme::Stripe => campaign.as_deref() == Some(settings.campaign_id.as_str()),
                // Standard: the relay is ours; a payment naming no pledge is a gift made
                // elsewhere, one naming a pledge we do not have is not ours.
                Scheme::Standard => pledge_id.is_none(),
            };
            if ours_pledge.is_none() && !outside {
                return not_ours;
            }
            let Some(amount) = countable(*amount_cents) else {
                return Action::Flag {
                    flag: Flag::Amount,
                    pledge_id: ours_pledge,
                    provider_ref: invoice.clone().or_else(|| provider_ref.clone()),
                    amount: amount_cents.stored(),
                    currency: currency.clone(),
                };
            };
            let key = invoice
                .as_ref()
                .or(provider_ref.as_ref())
                .or(session_id.as_ref())
                .cloned()
                .or_else(|| ours_pledge.as_ref().map(|id| format!("pledge:{id}")))
                .unwrap_or_else(|| format!("event:{}", event.id));
            let payment = Payment {
                key,
                payment_intent: provider_ref.clone(),
                amount_cents: amount,
                currency: currency.clone(),
                presentment: presentment.clone(),
            };
            match ours_pledge {
                Some(pledge_id) => Action::Pay {
                    pledge_id,
                    payment,
                    subscription: subscription.clone(),
                },
                None => {
                    // One pledge per subscription, session or payment made elsewhere.
                    let whose = subscription
                        .as_ref()
                        .or(session_id.as_ref())
                        .unwrap_or(&payment.key);
                    Action::External {
                        id: format!("ext-{}-{whose}", event.scheme.as_str()),
                        monthly: subscription.is_some(),
                        payment,
                    }
                }
            }
        }
        // Whoever's it is: testers may try cards on any of the account's payments.
        Effect::CardDeclined {
            pledge_id,
            payment_intent,
        } => Action::Record {
            pledge_id: ours(pledge_id),
            payment_intent: payment_intent.clone(),
        },
        Effect::Failed { pledge_id } => match ours(pledge_id) {
            Some(pledge_id) => Action::Close {
                pledge_id,
                status: Closed::Failed,
            },
            None => not_ours,
        },
        Effect::Expired { pledge_id } => match ours(pledge_id) {
            Some(pledge_id) => Action::Close {
                pledge_id,
                status: Closed::Expired,
            },
            None => not_ours,
        },
        Effect::Refunded {
            provider_ref,
            refunded_total_cents,
            currency,
        } => match countable(*refunded_total_cents) {
            Some(total) => Action::Refund {
                provider_ref: provider_ref.clone(),
                refunded_total_cents: total,
                currency: currency.clone(),
            },
            None => amount_flag(provider_ref, *refunded_total_cents, currency),
        },
        Effect::DisputeLost {
            provider_ref,
            amount_cents,
            currency,
        } => match countable(*amount_cents) {
            Some(lost) => Action::DisputeLost {
                provider_ref: provider_ref.clone(),
                lost_cents: lost,
                currency: currency.clone(),
            },
            None => amount_flag(provider_ref, *amount_cents, currency),
        },
        Effect::DisputeOpened {
            provider_ref,
            amount_cents,
            currency,
        } => Action::Flag {
            flag: Flag::Dispute,
            pledge_id: None,
            provider_ref: Some(provider_ref.clone()),
            amount: amount_cents.stored(),
            currency: currency.clone(),
        },
        Effect::InvoicePaidBy {
            invoice,
            payment_intent,
        } => Action::Link {
            invoice: invoice.clone(),
            payment_intent: payment_intent.clone(),
        },
        Effect::RenewalFailed { pledge_id, invoice } => match ours(pledge_id) {
            Some(pledge_id) => Action::RenewalFailed {
                pledge_id,
                invoice: invoice.clone(),
            },
            None => not_ours,
        },
        Effect::SubscriptionEnded {
            pledge_id,
            subscription,
        } => match ours(pledge_id) {
            Some(pledge_id) => Action::End {
                pledge_id,
                subscription: subscription.clone(),
            },
            None => not_ours,
        },
        Effect::Ignored { reason } => Action::Ignore {
            reason: match reason {
                IgnoreReason::NotPaidYet => Ignored::NotPaidYet,
                IgnoreReason::NoPaymentRef => Ignored::NoPaymentRef,
                IgnoreReason::UnhandledType => Ignored::Type,
                IgnoreReason::DisputeNotLost => Ignored::DisputeNotLost,
            },
        },
    }
}

/// An amount taken back that cannot be counted: for a maintainer.
fn amount_flag(provider_ref: &str, amount: Amount, currency: &str) -> Action {
    Action::Flag {
        flag: Flag::Amount,
        pledge_id: None,
        provider_ref: Some(provider_ref.to_string()),
        amount: amount.stored(),
        currency: currency.to_string(),
    }
}

/// The pledge id an event names, for the worker's one look-up.
pub fn named_pledge(event: &WebhookEvent) -> Option<&str> {
    match &event.effect {
        Effect::Paid { pledge_id, .. }
        | Effect::Failed { pledge_id }
        | Effect::CardDeclined { pledge_id, .. }
        | Effect::Expired { pledge_id }
        | Effect::RenewalFailed { pledge_id, .. }
        | Effect::SubscriptionEnded { pledge_id, .. } => pledge_id.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::EXACT_LIMIT;

    fn settings() -> Settings {
        Settings {
            livemode: false,
            campaign_id: "women-lead-cambodia".into(),
        }
    }

    fn event(scheme: Scheme, livemode: Option<bool>, effect: Effect) -> WebhookEvent {
        WebhookEvent {
            scheme,
            id: "evt_1".into(),
            kind: "k".into(),
            livemode,
            created: None,
            effect,
        }
    }

    fn paid_amount(
        pledge: Option<&str>,
        currency: &str,
        campaign: Option<&str>,
        amount: Amount,
    ) -> Effect {
        Effect::Paid {
            pledge_id: pledge.map(Into::into),
            amount_cents: amount,
            currency: currency.into(),
            provider_ref: Some("pi_1".into()),
            invoice: None,
            subscription: None,
            campaign: campaign.map(Into::into),
            session_id: Some("cs_1".into()),
            presentment: None,
        }
    }

    fn paid(pledge: Option<&str>, currency: &str, campaign: Option<&str>) -> Effect {
        paid_amount(pledge, currency, campaign, Amount::Whole(5000))
    }

    #[test]
    fn a_payment_for_our_pledge_pays_it_whatever_the_currency() {
        let a = decide(
            &event(Scheme::Stripe, Some(false), paid(Some("p1"), "usd", None)),
            &settings(),
            true,
        );
        assert!(
            matches!(a, Action::Pay { ref pledge_id, ref payment, .. } if pledge_id == "p1" && payment.amount_cents == 5000 && payment.key == "pi_1")
        );
        assert_eq!(
            a.fixed_outcome(),
            None,
            "the store decides against the pledge's state"
        );
        let eur = decide(
            &event(Scheme::Stripe, Some(false), paid(Some("p1"), "eur", None)),
            &settings(),
            true,
        );
        assert!(matches!(eur, Action::Pay { ref payment, .. } if payment.currency == "eur"));
    }

    #[test]
    fn the_other_livemode_is_ignored() {
        let a = decide(
            &event(Scheme::Stripe, Some(true), paid(Some("p1"), "usd", None)),
            &settings(),
            true,
        );
        assert_eq!(
            a,
            Action::Ignore {
                reason: Ignored::Livemode
            }
        );
        let live = Settings {
            livemode: true,
            ..settings()
        };
        assert!(matches!(
            decide(
                &event(Scheme::Stripe, Some(true), paid(Some("p1"), "usd", None)),
                &live,
                true
            ),
            Action::Pay { .. }
        ));
    }

    #[test]
    fn sessions_without_our_pledge_count_only_with_our_campaign_marker() {
        let s = settings();
        let marked = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                paid(None, "usd", Some("women-lead-cambodia")),
            ),
            &s,
            false,
        );
        assert!(matches!(marked, Action::External { ref id, .. } if id == "ext-stripe-cs_1"));
        let unknown_pledge = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                paid(Some("zz"), "usd", Some("women-lead-cambodia")),
            ),
            &s,
            false,
        );
        assert!(matches!(unknown_pledge, Action::External { .. }));
        let other = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                paid(None, "usd", Some("another")),
            ),
            &s,
            false,
        );
        assert_eq!(
            other,
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
        let none = decide(
            &event(Scheme::Stripe, Some(false), paid(None, "usd", None)),
            &s,
            false,
        );
        assert_eq!(
            none,
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
    }

    #[test]
    fn standard_payments_without_a_pledge_are_external_and_unknown_pledges_ignored() {
        let s = settings();
        assert!(matches!(
            decide(
                &event(Scheme::Standard, None, paid(None, "usd", None)),
                &s,
                false
            ),
            Action::External { .. }
        ));
        assert_eq!(
            decide(
                &event(Scheme::Standard, None, paid(Some("nope"), "usd", None)),
                &s,
                false
            ),
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
    }

    #[test]
    fn amounts_that_cannot_be_counted_are_flagged_never_paid() {
        let s = settings();
        for (amount, stored) in [
            (Amount::Whole(0), Some(0)),
            (Amount::Whole(-5000), Some(-5000)),
            (Amount::Whole(MAX_GIFT_CENTS + 1), Some(MAX_GIFT_CENTS + 1)),
            (Amount::Whole(EXACT_LIMIT), Some(EXACT_LIMIT)),
            (Amount::Unusable, None),
        ] {
            for (pledge, exists) in [(Some("p1"), true), (None, false)] {
                let a = decide(
                    &event(
                        Scheme::Stripe,
                        Some(false),
                        paid_amount(pledge, "usd", Some("women-lead-cambodia"), amount),
                    ),
                    &s,
                    exists,
                );
                assert_eq!(
                    a,
                    Action::Flag {
                        flag: Flag::Amount,
                        pledge_id: pledge.map(Into::into),
                        provider_ref: Some("pi_1".into()),
                        amount: stored,
                        currency: "usd".into()
                    },
                    "{amount:?}"
                );
                assert_eq!(a.fixed_outcome(), Some(Outcome::Flagged(Flag::Amount)));
            }
        }
        let max = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                paid_amount(Some("p1"), "usd", None, Amount::Whole(MAX_GIFT_CENTS)),
            ),
            &s,
            true,
        );
        assert!(
            matches!(max, Action::Pay { ref payment, .. } if payment.amount_cents == MAX_GIFT_CENTS)
        );
        // Not ours stays not ours, whatever the amount.
        let theirs = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                paid_amount(None, "usd", None, Amount::Unusable),
            ),
            &s,
            false,
        );
        assert_eq!(
            theirs,
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
    }

    #[test]
    fn failures_and_expiries_close_only_our_pledges() {
        let s = settings();
        let e = event(
            Scheme::Stripe,
            Some(false),
            Effect::Expired {
                pledge_id: Some("p1".into()),
            },
        );
        assert_eq!(
            decide(&e, &s, true),
            Action::Close {
                pledge_id: "p1".into(),
                status: Closed::Expired
            }
        );
        assert_eq!(
            decide(&e, &s, false),
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
        let f = event(
            Scheme::Stripe,
            Some(false),
            Effect::Failed {
                pledge_id: Some("p1".into()),
            },
        );
        assert_eq!(
            decide(&f, &s, true),
            Action::Close {
                pledge_id: "p1".into(),
                status: Closed::Failed
            }
        );
        assert_eq!(named_pledge(&f), Some("p1"));
    }

    #[test]
    fn a_declined_card_is_recorded_whoever_it_is_and_changes_nothing() {
        let s = settings();
        let declined = |live| {
            event(
                Scheme::Stripe,
                Some(live),
                Effect::CardDeclined {
                    pledge_id: Some("p1".into()),
                    payment_intent: "pi_9".into(),
                },
            )
        };
        let ours = decide(&declined(false), &s, true);
        assert_eq!(
            ours,
            Action::Record {
                pledge_id: Some("p1".into()),
                payment_intent: "pi_9".into()
            }
        );
        assert_eq!(ours.fixed_outcome(), Some(Outcome::Recorded));
        // Not a pledge of ours: still a signal, with no pledge named.
        assert_eq!(
            decide(&declined(false), &s, false),
            Action::Record {
                pledge_id: None,
                payment_intent: "pi_9".into()
            }
        );
        // Another livemode: ignored like every event of it, so it is no signal.
        assert_eq!(
            decide(&declined(true), &s, true).fixed_outcome(),
            Some(Outcome::Ignored(Ignored::Livemode))
        );
        assert_eq!(Outcome::parse("recorded"), Some(Outcome::Recorded));
    }

    #[test]
    fn refunds_carry_the_running_total_and_absurd_ones_are_flagged() {
        let refund = |amount| {
            event(
                Scheme::Standard,
                None,
                Effect::Refunded {
                    provider_ref: "pi_1".into(),
                    refunded_total_cents: amount,
                    currency: "usd".into(),
                },
            )
        };
        let e = refund(Amount::Whole(2500));
        assert_eq!(
            decide(&e, &settings(), false),
            Action::Refund {
                provider_ref: "pi_1".into(),
                refunded_total_cents: 2500,
                currency: "usd".into()
            }
        );
        assert_eq!(named_pledge(&e), None);
        for bad in [
            Amount::Whole(0),
            Amount::Whole(-1),
            Amount::Whole(MAX_GIFT_CENTS + 1),
            Amount::Unusable,
        ] {
            assert!(
                matches!(
                    decide(&refund(bad), &settings(), false),
                    Action::Flag {
                        flag: Flag::Amount,
                        ..
                    }
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn outcomes_round_trip_and_nothing_else_parses() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        let mut names: Vec<_> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Outcome::ALL.len());
        for bad in ["", "flagged", "Applied", "applied ", "duplicate"] {
            assert_eq!(Outcome::parse(bad), None, "{bad}");
        }
        assert!(Outcome::Flagged(Flag::Amount).is_flagged() && !Outcome::Applied.is_flagged());
    }

    fn month(pledge: Option<&str>, invoice: &str, campaign: Option<&str>) -> Effect {
        Effect::Paid {
            pledge_id: pledge.map(Into::into),
            amount_cents: Amount::Whole(2500),
            currency: "usd".into(),
            provider_ref: None,
            invoice: Some(invoice.into()),
            subscription: Some("sub_1".into()),
            campaign: campaign.map(Into::into),
            session_id: None,
            presentment: None,
        }
    }

    #[test]
    fn a_month_is_keyed_by_its_invoice_whichever_event_reports_it() {
        let s = settings();
        // The session's completion (subscription mode: no PaymentIntent, the first invoice).
        let mut completed = month(Some("p1"), "in_1", None);
        if let Effect::Paid { session_id, .. } = &mut completed {
            *session_id = Some("cs_1".into());
        }
        let by_session = decide(&event(Scheme::Stripe, Some(false), completed), &s, true);
        let by_invoice = decide(
            &event(Scheme::Stripe, Some(false), month(Some("p1"), "in_1", None)),
            &s,
            true,
        );
        assert_eq!(by_session, by_invoice, "one payment, however reported");
        assert!(
            matches!(by_invoice, Action::Pay { ref payment, ref subscription, .. }
                if payment.key == "in_1" && payment.payment_intent.is_none() && subscription.as_deref() == Some("sub_1"))
        );
        // A subscription made elsewhere with our marker: one pledge for it, a payment a month.
        let a = decide(
            &event(
                Scheme::Stripe,
                Some(false),
                month(None, "in_2", Some("women-lead-cambodia")),
            ),
            &s,
            false,
        );
        assert!(
            matches!(a, Action::External { ref id, ref payment, monthly: true } if id == "ext-stripe-sub_1" && payment.key == "in_2")
        );
    }

    #[test]
    fn subscription_events_act_only_on_our_pledges() {
        let s = settings();
        let failed = |p: Option<&str>| Effect::RenewalFailed {
            pledge_id: p.map(Into::into),
            invoice: "in_3".into(),
        };
        assert_eq!(
            decide(
                &event(Scheme::Stripe, Some(false), failed(Some("p1"))),
                &s,
                true
            ),
            Action::RenewalFailed {
                pledge_id: "p1".into(),
                invoice: "in_3".into()
            }
        );
        assert_eq!(
            decide(
                &event(Scheme::Stripe, Some(false), failed(Some("p1"))),
                &s,
                false
            ),
            Action::Ignore {
                reason: Ignored::NotOurs
            }
        );
        let ended = Effect::SubscriptionEnded {
            pledge_id: Some("p1".into()),
            subscription: "sub_1".into(),
        };
        assert!(matches!(
            decide(&event(Scheme::Stripe, Some(false), ended), &s, true),
            Action::End { .. }
        ));
        let lost = Effect::DisputeLost {
            provider_ref: "pi_9".into(),
            amount_cents: Amount::Whole(2500),
            currency: "usd".into(),
        };
        assert_eq!(
            decide(&event(Scheme::Stripe, Some(false), lost), &s, false),
            Action::DisputeLost {
                provider_ref: "pi_9".into(),
                lost_cents: 2500,
                currency: "usd".into()
            }
        );
        let opened = Effect::DisputeOpened {
            provider_ref: "pi_9".into(),
            amount_cents: Amount::Whole(2500),
            currency: "usd".into(),
        };
        assert_eq!(
            decide(&event(Scheme::Stripe, Some(false), opened), &s, false).fixed_outcome(),
            Some(Outcome::Flagged(Flag::Dispute))
        );
    }
}
