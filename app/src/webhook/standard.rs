//! Standard Webhooks (standardwebhooks.com): the headers `webhook-id`, `webhook-timestamp`
//! and `webhook-signature`, and this site's own `pledge.*` events.
//!
//! The signature is HMAC-SHA256 over `"{webhook-id}.{webhook-timestamp}.{raw body}"`, keyed
//! with the base64-decoded secret (after its `whsec_` prefix, if any), in standard base64.
//! `webhook-signature` holds space-separated `v1,<base64>` entries, any of which may match;
//! entries of other versions (`v1a,...` asymmetric signatures) are ignored.
//!
//! Body: `{"type": "pledge.paid" | "pledge.refunded", "data": {"pledge_id": string?,
//! "amount_cents": int, "currency": string, "provider_ref": string}}`; other types are
//! ignored. The event id is the `webhook-id` header, which stays the same across retries.

use super::event::{self, Amount, Effect, IgnoreReason, WebhookEvent};
use super::{
    check_tolerance, header, parse_unix, secrets, Delivery, HeaderLookup, HmacSha256, Rejection,
    Scheme, SignatureScheme,
};
use crate::keys::hmac_sha256;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::Mac;
use serde::Deserialize;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// Secrets may carry this prefix before their base64.
pub const SECRET_PREFIX: &str = "whsec_";

/// Verifies Standard Webhooks signatures against one or more secrets.
#[derive(Clone)]
pub struct StandardVerifier {
    /// One keyed MAC per configured secret, cloned per delivery.
    macs: Vec<HmacSha256>,
}

impl StandardVerifier {
    /// From the secrets setting: comma-separated, trimmed, empty items skipped.
    /// [`Rejection::NoSecretConfigured`] if none is left; [`Rejection::BadSecret`] if any of
    /// them is not base64 or decodes to no bytes (a half-valid setting is still a broken one).
    pub fn new(secrets_config: &str) -> Result<StandardVerifier, Rejection> {
        let macs = secrets(secrets_config)
            .map(|s| decode_secret(s).map(|key| hmac_sha256(&key)))
            .collect::<Result<Vec<_>, _>>()?;
        if macs.is_empty() {
            return Err(Rejection::NoSecretConfigured);
        }
        Ok(StandardVerifier { macs })
    }
}

impl SignatureScheme for StandardVerifier {
    fn verify(
        &self,
        headers: HeaderLookup<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<Delivery, Rejection> {
        let id = header(headers, ID_HEADER)?;
        let timestamp_header = header(headers, TIMESTAMP_HEADER)?;
        let signatures = header(headers, SIGNATURE_HEADER)?;
        let t = timestamp_header.trim();
        let timestamp = parse_unix(t)?;
        if v1_signatures(&signatures).next().is_none() {
            return Err(Rejection::MalformedHeader);
        }
        check_tolerance(timestamp, now_unix)?;
        for base in &self.macs {
            let mut mac = base.clone();
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(t.as_bytes());
            mac.update(b".");
            mac.update(body);
            for candidate in v1_signatures(&signatures) {
                // room for any 32-byte encoding; longer input does not fit and is skipped
                let mut buf = [0u8; 48];
                let Ok(len) = BASE64.decode_slice(candidate, &mut buf) else {
                    continue;
                };
                let Some(sig) = buf.get(..len) else { continue };
                if mac.clone().verify_slice(sig).is_ok() {
                    return Ok(Delivery {
                        id: Some(id),
                        timestamp,
                    });
                }
            }
        }
        Err(Rejection::NoMatchingSignature)
    }
}

/// The `webhook-signature` value (`v1,<base64>`) for `body` with this `id` and `timestamp`.
/// [`Rejection::BadSecret`] if `secret` does not decode. Test-only: nothing on the site sends
/// Standard Webhooks (the sandbox plays Stripe); it is checked against the npm package.
#[cfg(test)]
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, Rejection> {
    let mut mac = hmac_sha256(&decode_secret(secret.trim())?);
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

fn decode_secret(secret: &str) -> Result<Vec<u8>, Rejection> {
    let b64 = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    match BASE64.decode(b64) {
        Ok(key) if !key.is_empty() => Ok(key),
        _ => Err(Rejection::BadSecret),
    }
}

/// The signatures of `v1,<sig>` entries, in order.
fn v1_signatures(value: &str) -> impl Iterator<Item = &str> {
    value
        .split_ascii_whitespace()
        .filter_map(|entry| match entry.split_once(',') {
            Some(("v1", sig)) => Some(sig),
            _ => None,
        })
}

// ---- events ------------------------------------------------------------------------------

/// The type alone; `data` is read in a second pass, only for the types acted on.
#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct Envelope {
    data: Pledge,
}

#[derive(Deserialize)]
struct Pledge {
    pledge_id: Option<String>,
    amount_cents: Amount,
    currency: String,
    provider_ref: String,
}

/// A verified body into an event, its id from the delivery's `webhook-id`. Private to the
/// module tree: call [`super::authenticate`].
pub(super) fn parse_event(delivery: Delivery, body: &[u8]) -> Result<WebhookEvent, Rejection> {
    let id = event::id(delivery.id.ok_or(Rejection::MissingHeader)?)?;
    let head: Head = serde_json::from_slice(body).map_err(|_| Rejection::MalformedBody)?;
    let pledge = || -> Result<Pledge, Rejection> {
        serde_json::from_slice::<Envelope>(body)
            .map(|e| e.data)
            .map_err(|_| Rejection::MalformedBody)
    };
    let effect = match head.kind.as_str() {
        "pledge.paid" => {
            let p = pledge()?;
            Effect::Paid {
                pledge_id: event::opt_id(p.pledge_id)?,
                amount_cents: p.amount_cents,
                currency: event::currency(p.currency)?,
                provider_ref: Some(event::id(p.provider_ref)?),
                invoice: None,
                subscription: None,
                campaign: None,
                session_id: None,
                presentment: None,
            }
        }
        "pledge.refunded" => {
            let p = pledge()?;
            Effect::Refunded {
                provider_ref: event::id(p.provider_ref)?,
                refunded_total_cents: p.amount_cents,
                currency: event::currency(p.currency)?,
            }
        }
        _ => Effect::Ignored {
            reason: IgnoreReason::UnhandledType,
        },
    };
    Ok(WebhookEvent {
        scheme: Scheme::Standard,
        id,
        kind: head.kind,
        livemode: None,
        created: None,
        effect,
    })
}

#[cfg(test)]
mod tests {
    //! Signatures in the fixtures were made by the `standardwebhooks` npm package (1.1.1,
    //! `new Webhook(secret).sign(msgId, date, payload)`), not by this module: see
    //! `tests/sign/make-fixtures.mjs`, which writes `fixtures.json`.

    use super::*;
    use crate::webhook::testkit::{case, run};

    #[test]
    fn sign_reproduces_the_standardwebhooks_package() {
        let c = case("standard/paid");
        let signature = sign(
            &c.secrets,
            &c.headers["webhook-id"],
            c.now,
            c.body.as_bytes(),
        );
        assert_eq!(
            signature.as_deref(),
            Ok(c.headers["webhook-signature"].as_str())
        );
        assert_eq!(sign("whsec_!!", "msg", 1, b"{}"), Err(Rejection::BadSecret));
    }

    #[test]
    fn secrets_decode_with_or_without_prefix() {
        assert_eq!(decode_secret("whsec_AAEC"), Ok(vec![0, 1, 2]));
        assert_eq!(decode_secret("AAEC"), Ok(vec![0, 1, 2]));
        assert_eq!(decode_secret("whsec_"), Err(Rejection::BadSecret));
        assert_eq!(
            decode_secret("whsec_not base64!"),
            Err(Rejection::BadSecret)
        );
        assert_eq!(
            StandardVerifier::new(" , ").err(),
            Some(Rejection::NoSecretConfigured)
        );
    }

    #[test]
    fn only_v1_entries_are_signatures() {
        let sigs: Vec<&str> = v1_signatures("v1a,AAA  v1,BBB v2,CCC garbage v1,DDD").collect();
        assert_eq!(sigs, ["BBB", "DDD"]);
    }

    #[test]
    fn delivery_without_id_is_not_an_event() {
        let delivery = Delivery {
            id: None,
            timestamp: 0,
        };
        assert_eq!(
            parse_event(delivery, br#"{"type":"x"}"#),
            Err(Rejection::MissingHeader)
        );
    }

    // ---- verification, against signatures from the `standardwebhooks` package ----

    #[test]
    fn accepts_a_valid_delivery() {
        run("standard/paid");
    }
    #[test]
    fn secret_without_prefix() {
        run("standard/secret_without_prefix");
    }
    #[test]
    fn rotation_second_of_two_secrets_matches() {
        run("standard/rotation_second_secret");
    }
    #[test]
    fn several_signatures_one_matching() {
        run("standard/several_signatures_one_matches");
    }
    #[test]
    fn several_signatures_none_matching() {
        run("standard/several_signatures_none_match");
    }
    #[test]
    fn non_v1_entries_ignored() {
        run("standard/non_v1_ignored");
    }
    #[test]
    fn undecodable_v1_entry_skipped() {
        run("standard/bad_base64_entry_skipped");
    }
    #[test]
    fn tolerance_edges() {
        run("standard/tolerance_now_plus_300");
        run("standard/tolerance_now_minus_300");
        run("standard/tolerance_now_plus_301");
        run("standard/tolerance_now_minus_301");
    }
    #[test]
    fn tampered_body_rejected() {
        run("standard/tampered_body");
    }
    #[test]
    fn changed_id_or_timestamp_rejected() {
        run("standard/tampered_id");
        run("standard/tampered_timestamp");
    }
    #[test]
    fn wrong_secret_rejected() {
        run("standard/wrong_secret");
    }
    #[test]
    fn missing_headers_rejected() {
        run("standard/missing_id");
        run("standard/missing_timestamp");
        run("standard/missing_signature");
    }
    #[test]
    fn malformed_headers_rejected() {
        for name in [
            "standard/signature_empty",
            "standard/signature_garbage",
            "standard/signature_only_non_v1",
            "standard/timestamp_non_numeric",
            "standard/timestamp_fractional",
            "standard/id_empty",
        ] {
            run(name);
        }
    }
    #[test]
    fn misconfigured_secrets_are_server_errors() {
        run("standard/no_secret");
        run("standard/bad_secret");
        run("standard/bad_secret_beside_good");
        run("standard/empty_secret");
    }

    // ---- events ----

    #[test]
    fn pledge_paid_is_paid() {
        run("standard/paid");
        run("standard/paid_without_pledge_id");
    }
    #[test]
    fn pledge_refunded_is_refunded_total_non_usd() {
        run("standard/refunded_eur");
    }
    #[test]
    fn unusable_amounts_are_still_events() {
        run("standard/refund_negative_amount");
        run("standard/paid_huge_amount");
    }
    #[test]
    fn other_types_ignored() {
        run("standard/other_type");
    }
    #[test]
    fn id_of_255_bytes_accepted() {
        run("standard/id_255_bytes");
    }
    #[test]
    fn malformed_bodies_behind_valid_signatures() {
        for name in [
            "standard/body_not_json",
            "standard/body_missing_type",
            "standard/body_missing_provider_ref",
            "standard/body_string_amount",
            "standard/body_bad_currency",
            "standard/body_empty_pledge_id",
            "standard/id_256_bytes",
        ] {
            run(name);
        }
    }
}
