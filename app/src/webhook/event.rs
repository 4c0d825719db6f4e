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

/// What the event asks the site to do. Amounts are whole minor units (cents), never negative;
/// currencies are three lowercase ASCII letters (`usd`, `eur`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The payment for a pledge went through.
    Paid {
        /// The site's pledge id, as sent to the provider (Stripe: `client_reference_id`).
        pledge_id: Option<String>,
        amount_cents: i64,
        currency: String,
        /// The provider's payment id (Stripe: the PaymentIntent), which refunds refer to.
        provider_ref: Option<String>,
        /// Stripe: `metadata.campaign`, if set and non-empty.
        campaign: Option<String>,
        /// Stripe: the Checkout Session id; `None` for Standard Webhooks.
        session_id: Option<String>,
    },
    /// An asynchronous payment (e.g. a bank debit) failed.
    Failed { pledge_id: Option<String> },
    /// The checkout was abandoned and expired without payment.
    Expired { pledge_id: Option<String> },
    /// Money was returned. `refunded_total_cents` is everything refunded for this payment so
    /// far, not this refund alone, so the latest event wins and redelivery is harmless.
    Refunded {
        provider_ref: String,
        refunded_total_cents: i64,
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
}

impl IgnoreReason {
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::UnhandledType => "unhandled_type",
            IgnoreReason::NotPaidYet => "not_paid_yet",
            IgnoreReason::NoPaymentRef => "no_payment_ref",
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

/// A non-negative amount in minor units.
pub(super) fn amount(n: i64) -> Result<i64, Rejection> {
    if n < 0 {
        return Err(Rejection::MalformedBody);
    }
    Ok(n)
}

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
    fn amounts_are_not_negative() {
        assert_eq!(amount(0), Ok(0));
        assert_eq!(amount(i64::MAX), Ok(i64::MAX));
        assert_eq!(amount(-1), Err(Rejection::MalformedBody));
    }

    #[test]
    fn ignore_reasons_have_log_names() {
        assert_eq!(IgnoreReason::NotPaidYet.as_str(), "not_paid_yet");
        assert_eq!(IgnoreReason::UnhandledType.as_str(), "unhandled_type");
        assert_eq!(IgnoreReason::NoPaymentRef.as_str(), "no_payment_ref");
    }
}
