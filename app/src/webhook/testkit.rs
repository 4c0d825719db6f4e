//! Runs the cases in `fixtures.json` through [`authenticate`].
//!
//! The fixtures are written by `tests/sign/make-fixtures.mjs`; every signature in them was made
//! by the `stripe` (23.1.0) or `standardwebhooks` (1.1.1) npm package, named per case in
//! `signed_by`, so these tests check this module against independent implementations rather
//! than against itself. Regenerate with
//! `node_modules/.bin/node tests/sign/make-fixtures.mjs` from the repository root.

use super::{authenticate, Effect, Scheme, WebhookEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const FIXTURES: &str = include_str!("fixtures.json");

#[derive(Deserialize)]
pub struct Case {
    pub name: String,
    pub scheme: String,
    /// The secrets setting exactly as the worker would read it.
    pub secrets: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub now: i64,
    pub signed_by: String,
    pub expect: Expect,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Event(Value),
    Error(String),
}

pub fn cases() -> Vec<Case> {
    serde_json::from_str(FIXTURES).unwrap()
}

pub fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// Runs one named case and panics with a description if the outcome differs.
pub fn run(name: &str) {
    if let Err(problem) = check(&case(name)) {
        panic!("{problem}");
    }
}

fn check(c: &Case) -> Result<(), String> {
    let scheme = Scheme::parse(&c.scheme)
        .ok_or_else(|| format!("{}: unknown scheme {}", c.name, c.scheme))?;
    // case-insensitive, like the worker's Headers.get
    let lookup = |name: &str| {
        c.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let got = authenticate(scheme, &c.secrets, &lookup, c.body.as_bytes(), c.now);
    let got = match got {
        Ok(event) => json!({ "event": describe(&event) }),
        Err(rejection) => json!({ "error": format!("{rejection:?}") }),
    };
    let want = match &c.expect {
        Expect::Event(v) => json!({ "event": v }),
        Expect::Error(e) => json!({ "error": e }),
    };
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{} (signed by {}):\n  want {want}\n  got  {got}",
            c.name, c.signed_by
        ))
    }
}

/// The event in the fixtures' JSON shape.
fn describe(e: &WebhookEvent) -> Value {
    let effect = match &e.effect {
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
            let mut paid = json!({
                "effect": "paid", "pledge_id": pledge_id, "amount_cents": amount_cents.stored(), "currency": currency,
                "provider_ref": provider_ref, "invoice": invoice, "subscription": subscription,
                "campaign": campaign, "session_id": session_id,
            });
            // Only where an event carries one, so the older fixtures keep their shape.
            if let Some(p) = presentment {
                paid["presentment"] = json!({"currency": p.currency, "amount": p.amount});
            }
            paid
        }
        Effect::InvoicePaidBy {
            invoice,
            payment_intent,
        } => {
            json!({ "effect": "invoice_paid_by", "invoice": invoice, "payment_intent": payment_intent })
        }
        Effect::RenewalFailed { pledge_id, invoice } => {
            json!({ "effect": "renewal_failed", "pledge_id": pledge_id, "invoice": invoice })
        }
        Effect::SubscriptionEnded {
            pledge_id,
            subscription,
        } => {
            json!({ "effect": "subscription_ended", "pledge_id": pledge_id, "subscription": subscription })
        }
        Effect::DisputeOpened {
            provider_ref,
            amount_cents,
            currency,
        } => json!({
            "effect": "dispute_opened", "provider_ref": provider_ref, "amount_cents": amount_cents.stored(), "currency": currency,
        }),
        Effect::DisputeLost {
            provider_ref,
            amount_cents,
            currency,
        } => json!({
            "effect": "dispute_lost", "provider_ref": provider_ref, "amount_cents": amount_cents.stored(), "currency": currency,
        }),
        Effect::Failed { pledge_id } => json!({ "effect": "failed", "pledge_id": pledge_id }),
        Effect::CardDeclined {
            pledge_id,
            payment_intent,
        } => {
            json!({ "effect": "card_declined", "pledge_id": pledge_id, "payment_intent": payment_intent })
        }
        Effect::Expired { pledge_id } => json!({ "effect": "expired", "pledge_id": pledge_id }),
        Effect::Refunded {
            provider_ref,
            refunded_total_cents,
            currency,
        } => json!({
            "effect": "refunded", "provider_ref": provider_ref,
            "refunded_total_cents": refunded_total_cents.stored(), "currency": currency,
        }),
        Effect::Ignored { reason } => json!({ "effect": "ignored", "reason": reason.as_str() }),
    };
    json!({
        "scheme": e.scheme.as_str(), "id": e.id, "kind": e.kind,
        "livemode": e.livemode, "created": e.created, "effect": effect,
    })
}

#[test]
fn every_fixture_case_passes() {
    let problems: Vec<String> = cases().iter().filter_map(|c| check(c).err()).collect();
    assert!(
        problems.is_empty(),
        "{} failing:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn fixture_names_are_unique_and_signed_by_a_package() {
    let all = cases();
    let mut names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate fixture names");
    for c in &all {
        let want = if c.scheme == "stripe" {
            "stripe@23.1.0"
        } else {
            "standardwebhooks@1.1.1"
        };
        assert!(
            c.signed_by.starts_with(want),
            "{}: signed by {}",
            c.name,
            c.signed_by
        );
    }
    assert!(all.iter().any(|c| c.scheme == "stripe") && all.iter().any(|c| c.scheme == "standard"));
}

#[test]
fn every_fixture_case_is_named_in_a_test() {
    // Keeps the named tests and the generator in step: a case nobody runs by name is a case
    // nobody looked at. (every_fixture_case_passes runs them all regardless.)
    let sources = [include_str!("stripe.rs"), include_str!("standard.rs")];
    for c in cases() {
        let quoted = format!("\"{}\"", c.name);
        assert!(
            sources.iter().any(|s| s.contains(&quoted)),
            "fixture {} is not named in a test",
            c.name
        );
    }
}
