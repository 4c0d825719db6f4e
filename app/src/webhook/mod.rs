//! Authenticating and reading payment webhooks: the money path.
//!
//! A payment provider tells the worker that a gift was paid, failed, expired or was refunded
//! by POSTing an event. Two rules shape this module:
//!
//! * **Verify the raw bytes before parsing them.** The signature covers the exact bytes on the
//!   wire, so the HMAC is computed over the body as received, before any JSON parser sees it,
//!   and nothing is re-serialized. The only way to get a [`WebhookEvent`] out of this module is
//!   [`authenticate`], which parses only after a signature has matched. A forged "paid" would
//!   otherwise count money that never arrived.
//! * **A gift is counted once.** Providers deliver at least once: they retry, duplicate and
//!   reorder. Every event therefore carries a stable id ([`WebhookEvent::id`]: Stripe's event
//!   `id`, or the Standard Webhooks `webhook-id` header, which stays the same across retries)
//!   that the worker records in the same transaction as the effect, so a redelivery is a no-op.
//!   Refunds carry the provider's running total, not a delta, so applying one twice or out of
//!   order still converges.
//!
//! Two signature schemes are supported behind one small trait, [`SignatureScheme`]:
//! [`stripe`] (`Stripe-Signature`) and [`standard`] (standardwebhooks.com). Both accept a
//! timestamp at most [`TOLERANCE_SECS`] away from now in either direction (replay window),
//! compare MACs in constant time (`hmac::Mac::verify_slice`) and take their secrets from one
//! configuration string that may list several, comma-separated, so a secret can be rotated
//! without downtime: a delivery is accepted when any signature it carries matches any secret.
//!
//! Nothing here does I/O or reads the clock: the worker passes a header lookup, the body and
//! the current Unix time, and answers a [`Rejection`] with the status its documentation
//! names (500 for a misconfiguration, 400 for the rest).
//!
//! Every MAC here comes from [`crate::keys::hmac_sha256`], the site's one HMAC constructor.

use crate::keys::HmacSha256;
use std::fmt;

mod event;
pub mod standard;
pub mod stripe;
#[cfg(test)]
mod testkit;

pub use event::{Amount, Effect, IgnoreReason, Presentment, WebhookEvent, EXACT_LIMIT};

/// How far a delivery's timestamp may be from now, in seconds, in either direction.
/// Exactly this far is accepted; one second more is not.
pub const TOLERANCE_SECS: u64 = 300;

/// The longest event, pledge, session or payment id accepted, in bytes.
pub const MAX_ID_LEN: usize = 255;

/// Which provider's signature format and event vocabulary a webhook endpoint speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Stripe: `Stripe-Signature` header, Stripe event objects.
    Stripe,
    /// Standard Webhooks (standardwebhooks.com): `webhook-id`/`-timestamp`/`-signature`
    /// headers, this site's own `pledge.*` events.
    Standard,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Stripe => "stripe",
            Scheme::Standard => "standard",
        }
    }

    /// The inverse of [`Scheme::as_str`], for the fixtures' `scheme` field. Test-only: the
    /// worker names its scheme by route, never from a string.
    #[cfg(test)]
    pub fn parse(s: &str) -> Option<Scheme> {
        match s {
            "stripe" => Some(Scheme::Stripe),
            "standard" => Some(Scheme::Standard),
            _ => None,
        }
    }
}

/// Why a delivery was not accepted.
///
/// Status mapping for the caller: every variant is the sender's problem and answers
/// **400**, except [`Rejection::NoSecretConfigured`] and
/// [`Rejection::BadSecret`], which are this site's misconfiguration and answer **500** (the
/// provider will retry, and the error shows up in monitoring instead of looking like an
/// attack). No variant says which secret or signature came close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// A required signature header is absent. (400)
    MissingHeader,
    /// A signature header is present but unusable: empty, no timestamp, a non-numeric or
    /// repeated timestamp, or no signature of a version this module checks (`v1`). (400)
    MalformedHeader,
    /// The signed timestamp is more than [`TOLERANCE_SECS`] from now. (400)
    TimestampOutOfTolerance,
    /// No signature in the header matches any configured secret. (400)
    NoMatchingSignature,
    /// The signature matched but the body is not a valid event of the scheme's format:
    /// not JSON, a missing or mistyped field, a negative amount, an empty or over-long id. (400)
    MalformedBody,
    /// The secrets setting is empty (after trimming and skipping empty items). (500)
    NoSecretConfigured,
    /// A configured Standard Webhooks secret is not valid base64 or decodes to nothing. (500)
    BadSecret,
}

impl Rejection {
    /// The HTTP status the mapping above names. Test-only: it pins the documented mapping,
    /// which the worker applies by matching the two 500 variants itself.
    #[cfg(test)]
    pub fn status(self) -> u16 {
        match self {
            Rejection::NoSecretConfigured | Rejection::BadSecret => 500,
            _ => 400,
        }
    }

    /// A stable snake_case name, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::MissingHeader => "missing_header",
            Rejection::MalformedHeader => "malformed_header",
            Rejection::TimestampOutOfTolerance => "timestamp_out_of_tolerance",
            Rejection::NoMatchingSignature => "no_matching_signature",
            Rejection::MalformedBody => "malformed_body",
            Rejection::NoSecretConfigured => "no_secret_configured",
            Rejection::BadSecret => "bad_secret",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Rejection {}

/// What a scheme's headers say about a delivery whose signature matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The event id, when the scheme carries it in a header (Standard Webhooks' `webhook-id`);
    /// `None` for Stripe, whose id is inside the body. Not yet length-checked.
    pub id: Option<String>,
    /// The signed timestamp, Unix seconds.
    pub timestamp: i64,
}

/// A header lookup. It should be case-insensitive, as `Headers.get` is in the worker.
pub type HeaderLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A webhook signature scheme, built from the configured secrets.
pub trait SignatureScheme {
    /// Checks `body` (the raw bytes as received) against the signature headers, at `now_unix`.
    fn verify(
        &self,
        headers: HeaderLookup<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<Delivery, Rejection>;
}

/// The worker's single entry point: checks the signature of `body` with `scheme` and the
/// comma-separated `secrets`, then, and only then, parses it into a [`WebhookEvent`].
///
/// Checks run in this order, and the first failure is returned: the secrets setting (500s),
/// header presence and syntax, the timestamp window, the signatures, the body.
pub fn authenticate(
    scheme: Scheme,
    secrets: &str,
    headers: HeaderLookup<'_>,
    body: &[u8],
    now_unix: i64,
) -> Result<WebhookEvent, Rejection> {
    match scheme {
        Scheme::Stripe => {
            stripe::StripeVerifier::new(secrets)?.verify(headers, body, now_unix)?;
            stripe::parse_event(body)
        }
        Scheme::Standard => {
            let delivery =
                standard::StandardVerifier::new(secrets)?.verify(headers, body, now_unix)?;
            standard::parse_event(delivery, body)
        }
    }
}

/// An event Stripe's own API returned (`GET /v1/events`), or a Checkout Session it returned put
/// in the shape of its event (`reconcile::session_event`), parsed as a delivery's body is.
///
/// There is no signature to check: the bytes came over TLS from Stripe's API, which the
/// reconciliation job asked with the site's secret key. Only that job calls this; bytes a
/// request carried always go through [`authenticate`].
pub fn trusted_stripe_event(body: &[u8]) -> Result<WebhookEvent, Rejection> {
    stripe::parse_event(body)
}

// ---- shared by both schemes -------------------------------------------------------------

/// The configured secrets: comma-separated, each trimmed, empty items skipped.
fn secrets(config: &str) -> impl Iterator<Item = &str> {
    config.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A header's value: absent is [`Rejection::MissingHeader`], blank is
/// [`Rejection::MalformedHeader`].
fn header(headers: HeaderLookup<'_>, name: &str) -> Result<String, Rejection> {
    let value = headers(name).ok_or(Rejection::MissingHeader)?;
    if value.trim().is_empty() {
        return Err(Rejection::MalformedHeader);
    }
    Ok(value)
}

/// Unix seconds written as plain ASCII digits (no sign, no fraction, no exponent).
fn parse_unix(s: &str) -> Result<i64, Rejection> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::MalformedHeader);
    }
    s.parse().map_err(|_| Rejection::MalformedHeader)
}

fn check_tolerance(timestamp: i64, now_unix: i64) -> Result<(), Rejection> {
    if timestamp.abs_diff(now_unix) > TOLERANCE_SECS {
        return Err(Rejection::TimestampOutOfTolerance);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_round_trip() {
        for scheme in [Scheme::Stripe, Scheme::Standard] {
            assert_eq!(Scheme::parse(scheme.as_str()), Some(scheme));
        }
        assert_eq!(Scheme::Stripe.as_str(), "stripe");
        assert_eq!(Scheme::Standard.as_str(), "standard");
        assert_eq!(Scheme::parse("Stripe"), None);
        assert_eq!(Scheme::parse(""), None);
    }

    #[test]
    fn only_misconfiguration_is_a_server_error() {
        use Rejection::*;
        for r in [
            MissingHeader,
            MalformedHeader,
            TimestampOutOfTolerance,
            NoMatchingSignature,
            MalformedBody,
        ] {
            assert_eq!(r.status(), 400, "{r}");
        }
        assert_eq!(NoSecretConfigured.status(), 500);
        assert_eq!(BadSecret.status(), 500);
        assert_eq!(
            TimestampOutOfTolerance.to_string(),
            "timestamp_out_of_tolerance"
        );
    }

    #[test]
    fn secrets_are_trimmed_and_empty_items_skipped() {
        assert_eq!(secrets(" a , b,,c ,").collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(secrets("").count(), 0);
        assert_eq!(secrets(" , ,").count(), 0);
    }

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_unix("1767225600"), Ok(1_767_225_600));
        assert_eq!(parse_unix("0"), Ok(0));
        for bad in [
            "",
            " 1",
            "+1",
            "-1",
            "1.5",
            "1e9",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(parse_unix(bad), Err(Rejection::MalformedHeader), "{bad:?}");
        }
    }

    #[test]
    fn tolerance_is_300_seconds_inclusive_both_ways() {
        let t = 1_767_225_600;
        assert_eq!(check_tolerance(t, t), Ok(()));
        assert_eq!(check_tolerance(t, t + 300), Ok(()));
        assert_eq!(check_tolerance(t, t - 300), Ok(()));
        assert_eq!(
            check_tolerance(t, t + 301),
            Err(Rejection::TimestampOutOfTolerance)
        );
        assert_eq!(
            check_tolerance(t, t - 301),
            Err(Rejection::TimestampOutOfTolerance)
        );
        assert_eq!(
            check_tolerance(i64::MAX, i64::MIN),
            Err(Rejection::TimestampOutOfTolerance)
        );
    }

    #[test]
    fn blank_header_is_malformed_absent_is_missing() {
        let lookup = |name: &str| match name {
            "blank" => Some("  ".to_string()),
            "set" => Some("x".to_string()),
            _ => None,
        };
        assert_eq!(header(&lookup, "absent"), Err(Rejection::MissingHeader));
        assert_eq!(header(&lookup, "blank"), Err(Rejection::MalformedHeader));
        assert_eq!(header(&lookup, "set").as_deref(), Ok("x"));
    }
}
