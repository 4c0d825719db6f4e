//! Stripe webhooks: the `Stripe-Signature` header and the Checkout events a donation needs.
//!
//! The header is `t=<unix>,v1=<hex>[,v1=<hex>...]`: the signature is HMAC-SHA256, keyed with
//! the endpoint secret's bytes as written (`whsec_...`, not decoded), over `"{t}.{raw body}"`,
//! in lowercase hex. Stripe sends one `v1` per active secret while a secret is being rolled;
//! other schemes (`v0`) and unknown keys are ignored.

use super::event::{self, Amount, Effect, IgnoreReason, WebhookEvent};
use super::{
    check_tolerance, header, parse_unix, secrets, Delivery, HeaderLookup, HmacSha256, Rejection,
    Scheme, SignatureScheme,
};
use crate::keys::{hex, hmac_sha256};
use hmac::Mac;
use serde::Deserialize;

/// The header Stripe signs with (looked up case-insensitively by the worker).
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// Verifies `Stripe-Signature` against one or more endpoint secrets.
#[derive(Clone)]
pub struct StripeVerifier {
    /// One keyed MAC per configured secret, cloned per delivery.
    macs: Vec<HmacSha256>,
}

impl StripeVerifier {
    /// From the secrets setting: comma-separated, trimmed, empty items skipped.
    /// [`Rejection::NoSecretConfigured`] if none is left.
    pub fn new(secrets_config: &str) -> Result<StripeVerifier, Rejection> {
        let macs: Vec<HmacSha256> = secrets(secrets_config)
            .map(|s| hmac_sha256(s.as_bytes()))
            .collect();
        if macs.is_empty() {
            return Err(Rejection::NoSecretConfigured);
        }
        Ok(StripeVerifier { macs })
    }
}

impl SignatureScheme for StripeVerifier {
    fn verify(
        &self,
        headers: HeaderLookup<'_>,
        body: &[u8],
        now_unix: i64,
    ) -> Result<Delivery, Rejection> {
        let value = header(headers, SIGNATURE_HEADER)?;
        let (t, timestamp) = parse_header(&value)?;
        check_tolerance(timestamp, now_unix)?;
        for base in &self.macs {
            let mut mac = base.clone();
            mac.update(t.as_bytes());
            mac.update(b".");
            mac.update(body);
            for candidate in v1_signatures(&value) {
                let mut sig = [0u8; 32];
                if decode_hex(candidate, &mut sig) && mac.clone().verify_slice(&sig).is_ok() {
                    return Ok(Delivery {
                        id: None,
                        timestamp,
                    });
                }
            }
        }
        Err(Rejection::NoMatchingSignature)
    }
}

/// The `Stripe-Signature` value for `body` signed with `secret` at `timestamp`, as Stripe
/// would send it (`t=...,v1=...`). For the local sandbox checkout, which plays Stripe.
pub fn sign_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = hmac_sha256(secret.as_bytes());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", hex(&mac.finalize().into_bytes()))
}

/// `key=value` items, trimmed; items without `=` are skipped.
fn items(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value
        .split(',')
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

fn v1_signatures(value: &str) -> impl Iterator<Item = &str> {
    items(value).filter(|(k, _)| *k == "v1").map(|(_, v)| v)
}

/// The timestamp as written (it is what was signed) and as a number. Exactly one `t` and at
/// least one `v1` are required.
fn parse_header(value: &str) -> Result<(&str, i64), Rejection> {
    let mut t = None;
    for (k, v) in items(value) {
        if k == "t" {
            if t.is_some() {
                return Err(Rejection::MalformedHeader);
            }
            t = Some(v);
        }
    }
    let t = t.ok_or(Rejection::MalformedHeader)?;
    let timestamp = parse_unix(t)?;
    if v1_signatures(value).next().is_none() {
        return Err(Rejection::MalformedHeader);
    }
    Ok((t, timestamp))
}

/// Lowercase hex of exactly `out.len()` bytes into `out`; false for anything else.
///
/// Stripe writes lowercase, and `hex::decode_to_slice` also takes `A`-`F`: those are refused
/// first, so one signature has one spelling (`uppercase_hex_does_not_match`).
fn decode_hex(s: &str, out: &mut [u8]) -> bool {
    !s.bytes().any(|b| matches!(b, b'A'..=b'F')) && ::hex::decode_to_slice(s, out).is_ok()
}

// ---- events ------------------------------------------------------------------------------

/// The top of every Stripe event; `data` is read in a second pass, and only for the types
/// acted on, so an unrelated event's object can have any shape.
#[derive(Deserialize)]
struct Head {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    livemode: bool,
    created: i64,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Data<T>,
}

#[derive(Deserialize)]
struct Data<T> {
    object: T,
}

/// The fields of a Checkout Session this site reads.
#[derive(Deserialize)]
struct Session {
    id: Option<String>,
    client_reference_id: Option<String>,
    payment_status: Option<String>,
    amount_total: Option<Amount>,
    currency: Option<String>,
    payment_intent: Option<String>,
    /// Subscription mode: the first invoice, which `invoice.paid` reports too.
    invoice: Option<String>,
    subscription: Option<String>,
    metadata: Option<Metadata>,
    /// Adaptive Pricing (API 2025-03-31.basil on): what the donor was shown and paid in,
    /// while `amount_total` and `currency` stay the integration's.
    presentment_details: Option<PresentmentDetails>,
}

/// `presentment_details` of a Checkout Session (the PaymentIntent and the Charge have the same).
#[derive(Deserialize)]
struct PresentmentDetails {
    presentment_amount: Option<serde_json::Value>,
    presentment_currency: Option<serde_json::Value>,
}

impl PresentmentDetails {
    /// Well formed or nothing: a malformed presentment never refuses the payment it is beside.
    fn read(&self) -> Option<crate::webhook::Presentment> {
        let currency = self.presentment_currency.as_ref()?.as_str()?;
        let amount = self.presentment_amount.as_ref()?.as_i64()?;
        crate::webhook::Presentment::new(currency, amount)
    }
}

#[derive(Deserialize)]
struct Metadata {
    campaign: Option<String>,
    pledge_id: Option<String>,
}

/// The fields of an Invoice this site reads. Since API 2025-03-31 an invoice names its
/// subscription and that subscription's metadata under `parent.subscription_details`, and no
/// longer its PaymentIntent or charge (see [`InvoicePayment`]).
#[derive(Deserialize)]
struct Invoice {
    id: String,
    amount_paid: Option<Amount>,
    currency: Option<String>,
    parent: Option<InvoiceParent>,
}

#[derive(Deserialize)]
struct InvoiceParent {
    subscription_details: Option<SubscriptionDetails>,
}

#[derive(Deserialize)]
struct SubscriptionDetails {
    subscription: Option<String>,
    metadata: Option<Metadata>,
}

impl Invoice {
    fn details(&self) -> Option<&SubscriptionDetails> {
        self.parent.as_ref()?.subscription_details.as_ref()
    }

    fn metadata(&self) -> Option<&Metadata> {
        self.details()?.metadata.as_ref()
    }
}

/// An InvoicePayment: which payment paid which invoice.
#[derive(Deserialize)]
struct InvoicePayment {
    invoice: Option<String>,
    payment: Option<PaymentRef>,
}

#[derive(Deserialize)]
struct PaymentRef {
    payment_intent: Option<String>,
}

#[derive(Deserialize)]
struct Subscription {
    id: String,
    metadata: Option<Metadata>,
}

/// A PaymentIntent whose card was declined: its id and the pledge its metadata names.
#[derive(Deserialize)]
struct PaymentIntent {
    id: String,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Dispute {
    payment_intent: Option<String>,
    amount: Option<Amount>,
    currency: Option<String>,
    status: Option<String>,
}

/// A non-empty metadata value, as an id.
fn meta_id(v: Option<&String>) -> Result<Option<String>, Rejection> {
    event::opt_id(v.filter(|s| !s.is_empty()).cloned())
}

/// The fields of a Charge this site reads.
#[derive(Deserialize)]
struct Charge {
    payment_intent: Option<String>,
    amount_refunded: Option<Amount>,
    currency: Option<String>,
}

fn object<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T, Rejection> {
    serde_json::from_slice::<Envelope<T>>(body)
        .map(|e| e.data.object)
        .map_err(|_| Rejection::MalformedBody)
}

fn required<T>(v: Option<T>) -> Result<T, Rejection> {
    v.ok_or(Rejection::MalformedBody)
}

/// A verified body into an event. Private to the module tree: call [`super::authenticate`].
pub(super) fn parse_event(body: &[u8]) -> Result<WebhookEvent, Rejection> {
    let head: Head = serde_json::from_slice(body).map_err(|_| Rejection::MalformedBody)?;
    let effect = match head.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            let s: Session = object(body)?;
            let paid = s.payment_status.as_deref() == Some("paid");
            if head.kind == "checkout.session.completed" && !paid {
                Effect::Ignored {
                    reason: IgnoreReason::NotPaidYet,
                }
            } else {
                Effect::Paid {
                    pledge_id: event::opt_id(s.client_reference_id)?,
                    amount_cents: required(s.amount_total)?,
                    currency: event::currency(required(s.currency)?)?,
                    provider_ref: event::opt_id(s.payment_intent)?,
                    invoice: event::opt_id(s.invoice)?,
                    subscription: event::opt_id(s.subscription)?,
                    campaign: s
                        .metadata
                        .and_then(|m| m.campaign)
                        .filter(|c| !c.is_empty()),
                    session_id: Some(event::id(required(s.id)?)?),
                    presentment: s
                        .presentment_details
                        .as_ref()
                        .and_then(PresentmentDetails::read),
                }
            }
        }
        "checkout.session.async_payment_failed" => {
            let s: Session = object(body)?;
            Effect::Failed {
                pledge_id: event::opt_id(s.client_reference_id)?,
            }
        }
        "payment_intent.payment_failed" => {
            let p: PaymentIntent = object(body)?;
            Effect::CardDeclined {
                pledge_id: meta_id(p.metadata.as_ref().and_then(|m| m.pledge_id.as_ref()))?,
                payment_intent: event::id(p.id)?,
            }
        }
        "checkout.session.expired" => {
            let s: Session = object(body)?;
            Effect::Expired {
                pledge_id: event::opt_id(s.client_reference_id)?,
            }
        }
        "charge.refunded" => {
            let c: Charge = object(body)?;
            let refunded_total_cents = required(c.amount_refunded)?;
            let currency = event::currency(required(c.currency)?)?;
            match c.payment_intent {
                Some(pi) => Effect::Refunded {
                    provider_ref: event::id(pi)?,
                    refunded_total_cents,
                    currency,
                },
                None => Effect::Ignored {
                    reason: IgnoreReason::NoPaymentRef,
                },
            }
        }
        // A month of a monthly gift (the first one too: the session's completion names the
        // same invoice, and the invoice is the payment's key).
        "invoice.paid" => {
            let i: Invoice = object(body)?;
            let meta = i.metadata();
            Effect::Paid {
                pledge_id: meta_id(meta.and_then(|m| m.pledge_id.as_ref()))?,
                amount_cents: required(i.amount_paid)?,
                currency: event::currency(required(i.currency.clone())?)?,
                provider_ref: None,
                invoice: Some(event::id(i.id.clone())?),
                subscription: event::opt_id(i.details().and_then(|d| d.subscription.clone()))?,
                campaign: meta
                    .and_then(|m| m.campaign.clone())
                    .filter(|c| !c.is_empty()),
                session_id: None,
                // A renewal's presented amount is not kept: the pledge keeps its first month's,
                // from the session (README, "Checkout at Stripe", the decision for renewals).
                presentment: None,
            }
        }
        "invoice_payment.paid" => {
            let p: InvoicePayment = object(body)?;
            match (p.invoice, p.payment.and_then(|p| p.payment_intent)) {
                (Some(invoice), Some(pi)) => Effect::InvoicePaidBy {
                    invoice: event::id(invoice)?,
                    payment_intent: event::id(pi)?,
                },
                _ => Effect::Ignored {
                    reason: IgnoreReason::NoPaymentRef,
                },
            }
        }
        "invoice.payment_failed" => {
            let i: Invoice = object(body)?;
            Effect::RenewalFailed {
                pledge_id: meta_id(i.metadata().and_then(|m| m.pledge_id.as_ref()))?,
                invoice: event::id(i.id)?,
            }
        }
        "customer.subscription.deleted" => {
            let s: Subscription = object(body)?;
            Effect::SubscriptionEnded {
                pledge_id: meta_id(s.metadata.as_ref().and_then(|m| m.pledge_id.as_ref()))?,
                subscription: event::id(s.id)?,
            }
        }
        "charge.dispute.created" | "charge.dispute.closed" => {
            let d: Dispute = object(body)?;
            let amount_cents = required(d.amount)?;
            let currency = event::currency(required(d.currency)?)?;
            let Some(pi) = d.payment_intent else {
                return finish(
                    head,
                    Effect::Ignored {
                        reason: IgnoreReason::NoPaymentRef,
                    },
                );
            };
            let provider_ref = event::id(pi)?;
            if head.kind == "charge.dispute.created" {
                Effect::DisputeOpened {
                    provider_ref,
                    amount_cents,
                    currency,
                }
            } else if d.status.as_deref() == Some("lost") {
                Effect::DisputeLost {
                    provider_ref,
                    amount_cents,
                    currency,
                }
            } else {
                Effect::Ignored {
                    reason: IgnoreReason::DisputeNotLost,
                }
            }
        }
        _ => Effect::Ignored {
            reason: IgnoreReason::UnhandledType,
        },
    };
    finish(head, effect)
}

fn finish(head: Head, effect: Effect) -> Result<WebhookEvent, Rejection> {
    Ok(WebhookEvent {
        scheme: Scheme::Stripe,
        id: event::id(head.id)?,
        kind: head.kind,
        livemode: Some(head.livemode),
        created: Some(head.created),
        effect,
    })
}

#[cfg(test)]
mod tests {
    //! Signatures in the fixtures were made by the `stripe` npm package (23.1.0,
    //! `Stripe.webhooks.generateTestHeaderString`), not by this module: see
    //! `tests/sign/make-fixtures.mjs`, which writes `fixtures.json`.

    use super::*;
    use crate::webhook::testkit::{case, run};

    #[test]
    fn sign_header_reproduces_the_stripe_package() {
        let c = case("stripe/paid_usd");
        let t = c.now;
        assert_eq!(
            sign_header(&c.secrets, t, c.body.as_bytes()),
            c.headers["Stripe-Signature"]
        );
    }

    #[test]
    fn hex_decoding_is_strict_lowercase() {
        let mut out = [0u8; 2];
        assert!(decode_hex("0aff", &mut out));
        assert_eq!(out, [0x0a, 0xff]);
        assert!(!decode_hex("0AFF", &mut out));
        assert!(!decode_hex("0af", &mut out));
        assert!(!decode_hex("0afff", &mut out));
        assert!(!decode_hex("0agf", &mut out));
        assert!(!decode_hex("é", &mut [0u8; 1]));
    }

    #[test]
    fn header_needs_one_t_and_a_v1() {
        assert_eq!(parse_header("t=12,v1=ab"), Ok(("12", 12)));
        assert_eq!(parse_header(" t = 12 , v1 = ab "), Ok(("12", 12)));
        assert_eq!(parse_header("v1=ab"), Err(Rejection::MalformedHeader));
        assert_eq!(parse_header("t=12"), Err(Rejection::MalformedHeader));
        assert_eq!(parse_header("t=12,v0=ab"), Err(Rejection::MalformedHeader));
        assert_eq!(
            parse_header("t=12,t=12,v1=ab"),
            Err(Rejection::MalformedHeader)
        );
        assert_eq!(parse_header("t=x,v1=ab"), Err(Rejection::MalformedHeader));
    }

    // ---- verification, against signatures from the `stripe` package ----

    #[test]
    fn accepts_a_valid_delivery() {
        run("stripe/paid_usd");
    }
    #[test]
    fn rotation_second_of_two_secrets_matches() {
        run("stripe/rotation_second_secret");
    }
    #[test]
    fn rotation_first_of_two_secrets_matches() {
        run("stripe/rotation_first_secret");
    }
    #[test]
    fn rotation_config_skips_blank_items() {
        run("stripe/rotation_blank_items");
    }
    #[test]
    fn several_signatures_one_matching() {
        run("stripe/several_signatures_one_matches");
    }
    #[test]
    fn several_signatures_none_matching() {
        run("stripe/several_signatures_none_match");
    }
    #[test]
    fn tolerance_now_300_after_accepted() {
        run("stripe/tolerance_now_plus_300");
    }
    #[test]
    fn tolerance_now_300_before_accepted() {
        run("stripe/tolerance_now_minus_300");
    }
    #[test]
    fn tolerance_now_301_after_rejected() {
        run("stripe/tolerance_now_plus_301");
    }
    #[test]
    fn tolerance_now_301_before_rejected() {
        run("stripe/tolerance_now_minus_301");
    }
    #[test]
    fn tampered_body_rejected() {
        run("stripe/tampered_body");
    }
    #[test]
    fn changed_timestamp_rejected() {
        run("stripe/tampered_timestamp");
    }
    #[test]
    fn wrong_secret_rejected() {
        run("stripe/wrong_secret");
    }
    #[test]
    fn missing_header_rejected() {
        run("stripe/missing_header");
    }
    #[test]
    fn malformed_headers_rejected() {
        for name in [
            "stripe/header_empty",
            "stripe/header_garbage",
            "stripe/header_missing_t",
            "stripe/header_non_numeric_t",
            "stripe/header_signed_t",
            "stripe/header_duplicate_t",
            "stripe/header_no_v1",
            "stripe/header_only_v0",
        ] {
            run(name);
        }
    }
    #[test]
    fn v0_entries_ignored() {
        run("stripe/v0_ignored_beside_v1");
    }
    #[test]
    fn unknown_keys_ignored() {
        run("stripe/unknown_keys_ignored");
    }
    #[test]
    fn whitespace_around_items_tolerated() {
        run("stripe/whitespace_tolerated");
    }
    #[test]
    fn undecodable_v1_entry_skipped() {
        run("stripe/bad_hex_entry_skipped");
    }
    #[test]
    fn uppercase_hex_does_not_match() {
        run("stripe/uppercase_hex");
    }
    #[test]
    fn no_secret_configured() {
        run("stripe/no_secret_empty");
        run("stripe/no_secret_only_commas");
    }

    // ---- events ----

    #[test]
    fn completed_and_paid_is_paid() {
        run("stripe/paid_usd");
    }
    #[test]
    fn completed_paid_eur_livemode_without_reference() {
        run("stripe/paid_eur_livemode");
    }
    #[test]
    fn a_declined_card_is_recorded_with_its_intent_and_pledge() {
        run("stripe/payment_intent_payment_failed");
        run("stripe/payment_intent_payment_failed_no_metadata");
        run("stripe/payment_intent_payment_failed_no_id");
    }
    #[test]
    fn completed_but_unpaid_is_ignored() {
        run("stripe/completed_unpaid");
        run("stripe/completed_no_payment_required");
    }
    #[test]
    fn async_payment_succeeded_is_paid() {
        run("stripe/async_payment_succeeded");
    }
    #[test]
    fn async_payment_failed_is_failed() {
        run("stripe/async_payment_failed");
    }
    #[test]
    fn expired_session_is_expired() {
        run("stripe/expired");
        run("stripe/expired_without_reference");
    }
    #[test]
    fn charge_refunded_is_refunded_total_non_usd() {
        run("stripe/charge_refunded_gbp");
    }
    #[test]
    fn charge_refunded_without_payment_intent_is_ignored() {
        run("stripe/charge_refunded_no_payment_intent");
    }
    #[test]
    fn other_types_ignored_whatever_their_object() {
        run("stripe/other_type");
        run("stripe/payment_intent_succeeded");
    }
    #[test]
    fn unusable_amounts_are_still_events() {
        // The ledger flags these; rejecting them would make Stripe retry for days.
        for name in [
            "stripe/amount_negative",
            "stripe/amount_zero",
            "stripe/amount_fractional",
            "stripe/amount_exponent",
            "stripe/amount_two_to_the_53",
            "stripe/amount_beyond_two_to_the_53",
            "stripe/amount_five_e18",
            "stripe/amount_beyond_u64",
            "stripe/refund_negative",
        ] {
            run(name);
        }
    }
    #[test]
    fn id_of_255_bytes_accepted() {
        run("stripe/id_255_bytes");
    }
    #[test]
    fn malformed_bodies_behind_valid_signatures() {
        for name in [
            "stripe/body_not_json",
            "stripe/body_empty",
            "stripe/body_array",
            "stripe/body_missing_id",
            "stripe/body_empty_id",
            "stripe/body_id_256_bytes",
            "stripe/body_livemode_string",
            "stripe/body_missing_created",
            "stripe/body_duplicate_key",
            "stripe/body_null_amount",
            "stripe/body_bad_currency",
            "stripe/body_empty_pledge_id",
            "stripe/body_pledge_id_256_bytes",
            "stripe/body_session_without_object",
        ] {
            run(name);
        }
    }
    #[test]
    fn monthly_gift_events_since_the_2025_invoice_shape() {
        for name in [
            "stripe/completed_subscription",
            "stripe/invoice_paid",
            "stripe/invoice_paid_not_a_subscription",
            "stripe/invoice_payment_paid",
            "stripe/invoice_payment_failed",
            "stripe/subscription_deleted",
            "stripe/dispute_created",
            "stripe/dispute_lost",
            "stripe/dispute_won",
        ] {
            run(name);
        }
    }
    #[test]
    fn the_donors_own_currency_is_read_strictly_and_money_stays_in_us_cents() {
        // #28 §1: the presented currency beside the payment; a malformed one is none at all,
        // and a refund or a lost dispute of such a payment is in US cents.
        for name in [
            "stripe/paid_presented_eur",
            "stripe/paid_presented_upper",
            "stripe/paid_presented_fraction",
            "stripe/paid_presented_string_amount",
            "stripe/refund_presented_eur",
            "stripe/dispute_lost_presented_eur",
        ] {
            run(name);
        }
    }
}
