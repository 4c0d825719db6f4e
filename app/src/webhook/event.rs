//! What an authenticated webhook means for the site, independent of the provider.

use super::{Rejection, Scheme, MAX_ID_LEN};

/// An authenticated, parsed webhook event. Only the fields the site acts on are kept; card,
/// address and customer details in the provider's payload are never read into memory as
/// values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookEvent {
    pub scheme: Scheme,
    /// The idempotency key: record it with the effect, and skip an id already recorded.
    /// Non-empty, at most [`MAX_ID_LEN`] bytes.
    pub id: String,
    /// The provider's event type string, e.g. `checkout.session.completed`, `pledge.paid`.
    pub kind: String,
    /// Stripe's `livemode`; `None` where the scheme has no such flag.
    pub livemode: Option<bool>,
    /// When the provider says the event happened (Stripe's `created`, Unix seconds); `None`
    /// where the scheme only dates the delivery attempt.
    pub created: Option<i64>,
    pub effect: Effect,
}

/// What the event asks the site to do. Amounts are [`Amount`]s, as the provider wrote them
/// (the ledger decides whether one can be counted); currencies are three lowercase ASCII
/// letters (`usd`, `eur`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The payment for a pledge went through.
    Paid {
        /// The site's pledge id, as sent to the provider (Stripe: `client_reference_id`).
        pledge_id: Option<String>,
        amount_cents: Amount,
        currency: String,
        /// The provider's payment id (Stripe: the PaymentIntent), which refunds refer to.
        /// A month of a Stripe subscription names none (since API 2025-03-31): its
        /// PaymentIntent arrives with [`Effect::InvoicePaidBy`].
        provider_ref: Option<String>,
        /// Stripe: the invoice this money paid, for a month of a monthly gift: the payment's
        /// key, so the session's completion and the invoice's payment are one payment.
        invoice: Option<String>,
        /// Stripe: the subscription of a monthly gift.
        subscription: Option<String>,
        /// Stripe: `metadata.campaign`, if set and non-empty.
        campaign: Option<String>,
        /// Stripe: the Checkout Session id; `None` for Standard Webhooks.
        session_id: Option<String>,
        /// Stripe: the donor's own currency and amount (Adaptive Pricing, the session's
        /// `presentment_details`), kept beside the payment and never counted; `None` when the
        /// event carries none, or none that is well formed (#28 §1).
        presentment: Option<Presentment>,
    },
    /// Stripe's `invoice_payment.paid`: this PaymentIntent paid this invoice, so a refund or a
    /// dispute naming the PaymentIntent belongs to that month.
    InvoicePaidBy {
        invoice: String,
        payment_intent: String,
    },
    /// A renewal could not be charged (`invoice.payment_failed`): the subscription is past
    /// due and the provider retries. Public figures do not change.
    RenewalFailed {
        pledge_id: Option<String>,
        invoice: String,
    },
    /// The subscription ended (`customer.subscription.deleted`): the pledge is cancelled; the
    /// months paid stay counted.
    SubscriptionEnded {
        pledge_id: Option<String>,
        subscription: String,
    },
    /// A donor's bank disputes a payment (`charge.dispute.created`): for a maintainer.
    DisputeOpened {
        provider_ref: String,
        amount_cents: Amount,
        currency: String,
    },
    /// A dispute was lost (`charge.dispute.closed`, status `lost`): the amount is taken back,
    /// which counts as a refund of that payment.
    DisputeLost {
        provider_ref: String,
        amount_cents: Amount,
        currency: String,
    },
    /// A card was declined on a checkout page (`payment_intent.payment_failed`): the session
    /// stays open for another card, and nothing changes in the ledger. Recorded, as a signal
    /// for the card-testing shield (`crate::shield`).
    CardDeclined {
        pledge_id: Option<String>,
        payment_intent: String,
    },
    /// An asynchronous payment (e.g. a bank debit) failed.
    Failed { pledge_id: Option<String> },
    /// The checkout was abandoned and expired without payment.
    Expired { pledge_id: Option<String> },
    /// Money was returned. `refunded_total_cents` is everything refunded for this payment so
    /// far, not this refund alone, so the latest event wins and redelivery is harmless.
    Refunded {
        provider_ref: String,
        refunded_total_cents: Amount,
        currency: String,
    },
    /// Nothing to do; the reason is for logs. Answer 2xx so the provider stops retrying.
    Ignored { reason: IgnoreReason },
}

/// Why an authenticated event asks for nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IgnoreReason {
    /// An event type this site does not act on.
    UnhandledType,
    /// `checkout.session.completed` before the money arrived (`payment_status` is not
    /// `paid`); `checkout.session.async_payment_succeeded` or `..._failed` follows.
    NotPaidYet,
    /// A refunded charge with no PaymentIntent, so it cannot be one of this site's Checkout
    /// payments.
    NoPaymentRef,
    /// A dispute closed in the campaign's favour (or only a warning): nothing is taken back.
    DisputeNotLost,
}

impl IgnoreReason {
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::UnhandledType => "unhandled_type",
            IgnoreReason::NotPaidYet => "not_paid_yet",
            IgnoreReason::NoPaymentRef => "no_payment_ref",
            IgnoreReason::DisputeNotLost => "dispute_not_lost",
        }
    }
}

/// An id from the body (or the `webhook-id` header): non-empty, at most [`MAX_ID_LEN`] bytes.
pub(super) fn id(s: String) -> Result<String, Rejection> {
    if s.is_empty() || s.len() > MAX_ID_LEN {
        return Err(Rejection::MalformedBody);
    }
    Ok(s)
}

/// An optional id: absent is fine, present must pass [`id`].
pub(super) fn opt_id(s: Option<String>) -> Result<Option<String>, Rejection> {
    s.map(id).transpose()
}

/// The largest magnitude an amount may have to be stored and summed exactly: D1 hands numbers
/// to JavaScript as `f64`, which is exact up to 2^53.
pub const EXACT_LIMIT: i64 = 1 << 53;

/// A money amount exactly as a provider's JSON wrote it, in minor units.
///
/// `Whole(n)` is a whole number within ±2^53 (so it can be stored exactly); anything else a
/// JSON number can say (a fraction, an exponent, a number beyond ±2^53) is `Unusable`. A
/// signed event with such an amount is still *an event*: it is recorded and flagged for a
/// maintainer, and answered 2xx so the provider does not retry it for days. Whether a whole
/// amount may be counted (positive, at most the maximum gift) is the ledger's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Whole(i64),
    Unusable,
}

impl Amount {
    /// The amount to store with the event: `None` when it does not fit exactly.
    pub fn stored(self) -> Option<i64> {
        match self {
            Amount::Whole(n) => Some(n),
            Amount::Unusable => None,
        }
    }
}

impl From<&serde_json::Number> for Amount {
    fn from(n: &serde_json::Number) -> Amount {
        match n.as_i64() {
            Some(v) if (-EXACT_LIMIT..=EXACT_LIMIT).contains(&v) => Amount::Whole(v),
            _ => Amount::Unusable,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    /// Any JSON number is an amount (perhaps an unusable one); a string, `null` or anything
    /// else is not, and leaves the body malformed.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        Ok(Amount::from(&n))
    }
}

/// The donor's own currency and amount under Adaptive Pricing (#28 §1, `crate::giving`).
/// What the donor was shown and paid in: `amount` in the minor units of `currency` (cents,
/// yen: whatever that currency's smallest unit is), `currency` three lowercase ASCII letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentment {
    pub currency: String,
    pub amount: i64,
}

impl Presentment {
    /// From a provider's fields, strictly: a currency of exactly three lowercase ASCII letters
    /// (no case folding, so what is stored is what was sent) and a whole amount from 0 to
    /// 2^53. Anything else is no presentment at all (the payment itself still counts: it is
    /// in US cents elsewhere in the event).
    pub fn new(currency: &str, amount: i64) -> Option<Presentment> {
        let code = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase());
        let exact = (0..=EXACT_LIMIT).contains(&amount);
        (code && exact).then(|| Presentment {
            currency: currency.to_string(),
            amount,
        })
    }

    /// The amount as a person reads it: `12.34 EUR` (two decimals: the admin's and the CSV's
    /// column says minor units are shown as if hundredths; a zero-decimal currency such as
    /// JPY is shown as its whole units).
    pub fn display(&self) -> String {
        let code = self.currency.to_ascii_uppercase();
        if ZERO_DECIMAL.contains(&self.currency.as_str()) {
            format!("{} {code}", self.amount)
        } else {
            format!("{}.{:02} {code}", self.amount / 100, self.amount % 100)
        }
    }
}

/// Stripe's zero-decimal currencies (its "Supported currencies" page): their minor unit is the
/// whole unit.
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// A three-letter ISO 4217 code, lowercased.
pub(super) fn currency(mut s: String) -> Result<String, Rejection> {
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Rejection::MalformedBody);
    }
    s.make_ascii_lowercase();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presentments_are_strict_about_their_currency_and_amount() {
        assert_eq!(
            Presentment::new("eur", 4620),
            Some(Presentment {
                currency: "eur".into(),
                amount: 4620
            })
        );
        for bad in ["EUR", "Eur", "eu", "euro", "e1r", "", "€ur"] {
            assert_eq!(Presentment::new(bad, 100), None, "{bad:?}");
        }
        assert_eq!(Presentment::new("eur", -1), None);
        assert_eq!(Presentment::new("eur", (1 << 53) + 1), None);
        assert!(Presentment::new("eur", 0).is_some());
    }

    #[test]
    fn presentments_read_in_their_own_units() {
        let p = |c: &str, a| Presentment::new(c, a).map(|p| p.display());
        assert_eq!(p("eur", 4620).as_deref(), Some("46.20 EUR"));
        assert_eq!(p("aud", 5).as_deref(), Some("0.05 AUD"));
        assert_eq!(p("jpy", 7300).as_deref(), Some("7300 JPY"));
    }

    #[test]
    fn ids_are_non_empty_and_at_most_255_bytes() {
        assert_eq!(id("evt_1".into()).as_deref(), Ok("evt_1"));
        assert!(id("x".repeat(255)).is_ok());
        assert_eq!(id("x".repeat(256)), Err(Rejection::MalformedBody));
        assert_eq!(id(String::new()), Err(Rejection::MalformedBody));
        // bytes, not characters: 128 two-byte characters are 256 bytes
        assert_eq!(id("é".repeat(128)), Err(Rejection::MalformedBody));
        assert_eq!(opt_id(None), Ok(None));
        assert_eq!(opt_id(Some(String::new())), Err(Rejection::MalformedBody));
    }

    #[test]
    fn currencies_are_three_letters_lowercased() {
        assert_eq!(currency("USD".into()).as_deref(), Ok("usd"));
        assert_eq!(currency("eur".into()).as_deref(), Ok("eur"));
        for bad in ["", "us", "usdt", "us1", "€ur", "u d"] {
            assert_eq!(
                currency(bad.into()),
                Err(Rejection::MalformedBody),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn amounts_are_whole_numbers_within_two_to_the_53() {
        let parse = |s: &str| serde_json::from_str::<Amount>(s);
        assert_eq!(parse("5000").ok(), Some(Amount::Whole(5000)));
        assert_eq!(parse("-1").ok(), Some(Amount::Whole(-1)));
        assert_eq!(parse("0").ok(), Some(Amount::Whole(0)));
        assert_eq!(
            parse("9007199254740992").ok(),
            Some(Amount::Whole(EXACT_LIMIT))
        );
        assert_eq!(
            parse("-9007199254740992").ok(),
            Some(Amount::Whole(-EXACT_LIMIT))
        );
        for unusable in [
            "9007199254740993",
            "-9007199254740993",
            "5000000000000000000",
            "18446744073709551615",
            "1e20",
            "50.5",
            "5000.0",
            "1e3",
        ] {
            assert_eq!(parse(unusable).ok(), Some(Amount::Unusable), "{unusable}");
        }
        for not_a_number in ["\"5000\"", "null", "[]", "{}", "true"] {
            assert!(parse(not_a_number).is_err(), "{not_a_number}");
        }
        assert_eq!(Amount::Whole(7).stored(), Some(7));
        assert_eq!(Amount::Unusable.stored(), None);
    }

    #[test]
    fn ignore_reasons_have_log_names() {
        assert_eq!(IgnoreReason::NotPaidYet.as_str(), "not_paid_yet");
        assert_eq!(IgnoreReason::UnhandledType.as_str(), "unhandled_type");
        assert_eq!(IgnoreReason::NoPaymentRef.as_str(), "no_payment_ref");
    }
}
