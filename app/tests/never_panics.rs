//! Every parser a visitor or a payment provider reaches, fed random and mutated input: each
//! must give a typed answer (`Ok`/`Err`, `Some`/`None`, a value) and never panic. In the
//! worker a panic is a 500 at best, and for a webhook a provider retrying for days; a debug
//! build (which these tests are) also panics on arithmetic overflow, so overflow is caught too.
//!
//! Inputs come three ways: random bytes and strings; mutations (flipped, set, inserted and
//! deleted bytes) of real inputs, the signed bodies in `src/webhook/fixtures.json` above all;
//! and webhook bodies that are *correctly signed*, so that the JSON parsers behind the
//! signature check see hostile JSON (huge numbers, floats, negative amounts, strings where
//! numbers go, deep nesting) instead of stopping at the signature. For those, and only those,
//! the answer is checked to be past the signature check; otherwise only "no panic" is
//! asserted, never which answer: the rules themselves are tested in their modules. Form bodies
//! and query strings are decoded by the function the worker calls (`app::form::decode`), not
//! by a copy of it.
//!
//! The last properties hold the sanitisers (`admin::defused` and `admin::Csv`, `form::normalize`,
//! `log::clean`) to their promises on any input.
//!
//! Each property runs 256 cases; the file runs in a few seconds in a debug build.

use app::admin::{self, ActionForm, CommentList, Moderation};
use app::campaign::Tier;
use app::comment::{CommentForm, CommentStatus};
use app::i18n::Lang;
use app::keys::{self, Key, Purpose};
use app::ledger::{self, Settings};
use app::money::{self, Cents};
use app::pledge::{self, PledgeForm};
use app::volunteer::VolunteerForm;
use app::webhook::{self, authenticate, Rejection, Scheme, WebhookEvent};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;
use sha2::Sha256;
use std::borrow::Cow;
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    // No regression files written into the source tree; a failure prints its minimal input.
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the signed deliveries the webhook module is tested against

#[derive(Debug)]
struct Fixture {
    name: String,
    scheme: Scheme,
    secrets: String,
    headers: Vec<(String, String)>,
    body: String,
    now: i64,
}

fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let all: Vec<Value> = serde_json::from_str(include_str!("../src/webhook/fixtures.json"))
            .expect("fixtures.json is JSON");
        all.iter()
            .map(|c| {
                let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                Fixture {
                    name: text("name"),
                    scheme: match text("scheme").as_str() {
                        "stripe" => Scheme::Stripe,
                        "standard" => Scheme::Standard,
                        other => panic!("unknown scheme {other:?}"),
                    },
                    secrets: text("secrets"),
                    headers: c["headers"]
                        .as_object()
                        .map(|h| {
                            h.iter()
                                .map(|(k, v)| {
                                    (k.clone(), v.as_str().unwrap_or_default().to_string())
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    body: text("body"),
                    now: c["now"].as_i64().unwrap_or_default(),
                }
            })
            .collect()
    })
}

fn fixture(name: &str) -> &'static Fixture {
    fixtures()
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

fn fixtures_of(scheme: Scheme) -> Vec<&'static Fixture> {
    fixtures().iter().filter(|f| f.scheme == scheme).collect()
}

/// The secrets setting the signed bodies below are signed for.
fn secret(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Stripe => &fixture("stripe/paid_usd").secrets,
        Scheme::Standard => &fixture("standard/paid").secrets,
    }
}

/// A case-insensitive header lookup, as `Headers.get` is in the worker.
fn lookup(headers: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// A Standard Webhooks signature computed here, independently of `app::webhook::standard`.
fn standard_signature(secret: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .expect("the fixture secret is base64");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
    for part in [id.as_bytes(), b".", timestamp.as_bytes(), b".", body] {
        mac.update(part);
    }
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

/// Everything the worker does with an authenticated event that is decided in this crate.
fn act_on(event: &WebhookEvent) {
    for (livemode, exists) in [(false, false), (false, true), (true, false), (true, true)] {
        let settings = Settings {
            livemode,
            campaign_id: "spring-2026".to_string(),
        };
        let _ = ledger::decide(event, &settings, exists);
    }
    let _ = ledger::named_pledge(event);
    let _ = app::log::clean(&event.kind, app::log::MAX_PROVIDER_STR);
}

/// An answer that means the signature check was passed.
fn past_the_signature(r: &Result<WebhookEvent, Rejection>) -> bool {
    !matches!(
        r,
        Err(Rejection::MissingHeader
            | Rejection::MalformedHeader
            | Rejection::TimestampOutOfTolerance
            | Rejection::NoMatchingSignature)
    )
}

// ---------------------------------------------------------------------------------------------
// Mutations

#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Insert { at: usize, bytes: Vec<u8> },
    Delete { at: usize, len: usize },
}

/// Snippets that make JSON, headers and forms interesting when dropped anywhere.
fn snippet() -> impl Strategy<Value = Vec<u8>> {
    select(vec![
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "-",
        "null",
        "1e999",
        "-1",
        "99999999999999999999",
        "0.5",
        "\\u0000",
        "\\ud800",
        "\u{0}",
        "\r\n",
        "%",
        "%00",
        "&",
        "=",
        ".",
        " ",
        "é",
        "ក",
        "\u{FEFF}",
    ])
    .prop_map(|s| s.as_bytes().to_vec())
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (
            any::<usize>(),
            prop_oneof![prop::collection::vec(any::<u8>(), 1..8), snippet()]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<usize>(), 1usize..32).prop_map(|(at, len)| Mutation::Delete { at, len }),
    ]
}

fn apply(mut b: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        match m {
            Mutation::Flip { at, bit } if !b.is_empty() => {
                let i = at % b.len();
                b[i] ^= 1 << bit;
            }
            Mutation::Set { at, byte } if !b.is_empty() => {
                let i = at % b.len();
                b[i] = *byte;
            }
            Mutation::Insert { at, bytes } => {
                let i = at % (b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete { at, len } if !b.is_empty() => {
                let i = at % b.len();
                let end = (i + len).min(b.len());
                b.drain(i..end);
            }
            _ => {}
        }
    }
    b
}

/// `base`, with one to eight mutations.
fn mutated(base: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (base, prop::collection::vec(mutation(), 1..8)).prop_map(|(b, ms)| apply(b, &ms))
}

fn mutated_text(base: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    mutated(base.prop_map(String::into_bytes))
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

// ---------------------------------------------------------------------------------------------
// JSON

/// A JSON number as text, including those no `i64`, `u64` or `f64` holds.
fn raw_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        "-?[0-9]{1,60}",
        "-?[0-9]{1,4}\\.[0-9]{1,30}([eE][+-]?[0-9]{1,5})?",
        select(vec![
            "0",
            "-0",
            "-1",
            "5000",
            "5000.0",
            "5e3",
            "1e999",
            "-1e999",
            "9007199254740992",
            "9007199254740993",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "0.000000001",
        ])
        .prop_map(String::from),
    ]
}

/// A JSON string literal: anything serde escapes, or escapes it would refuse.
fn raw_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>().prop_map(|s| Value::String(s).to_string()),
        1 => select(vec!["\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00\"", "\"\\x41\"", "\"usd\"", "\"paid\"", "\"\"", "\"5000\""]).prop_map(String::from),
        1 => (0usize..400).prop_map(|n| Value::String("x".repeat(n)).to_string()),
    ]
}

/// Any JSON value as text, nested a little; or nested far past any sane depth.
fn raw_json() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        select(vec!["null", "true", "false", "[]", "{}"]).prop_map(String::from),
        raw_number(),
        raw_string(),
    ];
    let nested = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((raw_string(), inner), 0..6).prop_map(|kv| format!(
                "{{{}}}",
                kv.iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ]
    });
    prop_oneof![
        8 => nested,
        1 => (1usize..3000, any::<bool>(), any::<bool>()).prop_map(|(n, array, closed)| {
            let (open, close) = if array { ("[", "]") } else { ("{\"a\":", "}") };
            let mut s = open.repeat(n);
            s.push('1');
            if closed {
                s.push_str(&close.repeat(n));
            }
            s
        }),
    ]
    .boxed()
}

const STRIPE_KINDS: [&str; 7] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
];
const STANDARD_KINDS: [&str; 3] = ["pledge.paid", "pledge.refunded", "pledge.other"];

const STRIPE_PATHS: &[&[&str]] = &[
    &["id"],
    &["type"],
    &["livemode"],
    &["created"],
    &["data"],
    &["data", "object"],
    &["data", "object", "id"],
    &["data", "object", "amount_total"],
    &["data", "object", "amount_refunded"],
    &["data", "object", "currency"],
    &["data", "object", "client_reference_id"],
    &["data", "object", "payment_status"],
    &["data", "object", "payment_intent"],
    &["data", "object", "metadata"],
    &["data", "object", "metadata", "campaign"],
    &["data", "object", "metadata", "pledge_id"],
];
const STANDARD_PATHS: &[&[&str]] = &[
    &["type"],
    &["data"],
    &["data", "pledge_id"],
    &["data", "amount_cents"],
    &["data", "currency"],
    &["data", "provider_ref"],
    &["extra"],
];

/// Puts `value` at `path` (making the objects on the way), or removes the key for `None`.
fn set_path(v: &mut Value, path: &[&str], value: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for p in parents {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let Value::Object(map) = cur else { return };
        cur = map
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Default::default());
    }
    if let Value::Object(map) = cur {
        match value {
            Some(value) => {
                map.insert(last.to_string(), value);
            }
            None => {
                map.remove(*last);
            }
        }
    }
}

/// A value of the type the field has, or near it: what a provider that is merely wrong sends.
fn plausible_json() -> impl Strategy<Value = String> {
    prop_oneof![
        (-10_000_000_000_000i64..10_000_000_000_000).prop_map(|n| n.to_string()),
        "[a-z_]{0,12}".prop_map(|s| Value::String(s).to_string()),
        select(vec![
            "\"usd\"",
            "\"EUR\"",
            "\"paid\"",
            "\"unpaid\"",
            "\"pi_1\"",
            "\"pl_1\"",
            "true",
            "false",
            "null",
            "{}",
            "{\"campaign\":\"spring-2026\"}"
        ])
        .prop_map(String::from),
    ]
}

/// A body shaped like one of the scheme's events (a fixture's, mostly with its own type, else
/// another type the site acts on), with up to four fields replaced by other JSON, or removed.
fn event_body(scheme: Scheme) -> impl Strategy<Value = Vec<u8>> {
    let bases: Vec<Value> = fixtures_of(scheme)
        .iter()
        .filter_map(|f| serde_json::from_str::<Value>(&f.body).ok())
        .filter(Value::is_object)
        .collect();
    let (kinds, paths) = match scheme {
        Scheme::Stripe => (STRIPE_KINDS.to_vec(), STRIPE_PATHS.to_vec()),
        Scheme::Standard => (STANDARD_KINDS.to_vec(), STANDARD_PATHS.to_vec()),
    };
    let kind = prop_oneof![12 => Just(None), 3 => select(kinds).prop_map(|k| Some(k.to_string())), 1 => any::<String>().prop_map(Some)];
    let value = prop_oneof![2 => raw_json(), 1 => plausible_json().boxed()];
    let edit = (select(paths), prop::option::weighted(0.85, value));
    (
        select(bases),
        kind,
        prop::collection::vec(edit, 0..4),
        any::<bool>(),
    )
        .prop_map(|(mut v, kind, edits, pretty)| {
            if let Some(kind) = kind {
                set_path(&mut v, &["type"], Some(Value::String(kind)));
            }
            let mut holes = Vec::new();
            for (i, (path, raw)) in edits.into_iter().enumerate() {
                match raw {
                    Some(raw) => {
                        let hole = format!("@@hole{i}@@");
                        set_path(&mut v, path, Some(Value::String(hole.clone())));
                        holes.push((format!("\"{hole}\""), raw));
                    }
                    None => set_path(&mut v, path, None),
                }
            }
            let mut text = if pretty {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            }
            .unwrap_or_default();
            for (hole, raw) in holes {
                text = text.replace(&hole, &raw);
            }
            text.into_bytes()
        })
}

fn fixture_body(scheme: Scheme) -> impl Strategy<Value = Vec<u8>> {
    select(
        fixtures_of(scheme)
            .iter()
            .map(|f| f.body.clone().into_bytes())
            .collect::<Vec<_>>(),
    )
}

/// Bodies for a correctly signed delivery.
fn signed_body(scheme: Scheme) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => event_body(scheme),
        3 => mutated(fixture_body(scheme)),
        2 => mutated(event_body(scheme)),
        1 => raw_json().prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// Bodies for deliveries with random headers.
fn any_body(scheme: Scheme) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        fixture_body(scheme),
        mutated(fixture_body(scheme)),
        prop::collection::vec(any::<u8>(), 0..1024)
    ]
}

// ---------------------------------------------------------------------------------------------
// Headers and secrets

fn timestamp_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9]{0,30}",
        " *[-+0-9.eE]{0,14} *",
        Just("1767225600".to_string()),
    ]
}

fn stripe_signature_header() -> impl Strategy<Value = String> {
    let item = prop_oneof![
        timestamp_text().prop_map(|t| format!("t={t}")),
        "[0-9a-f]{64}".prop_map(|s| format!("v1={s}")),
        "[0-9a-fA-F]{0,70}".prop_map(|s| format!("v1={s}")),
        "[0-9a-f]{64}".prop_map(|s| format!("v0={s}")),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    let fixture_headers: Vec<String> = fixtures_of(Scheme::Stripe)
        .iter()
        .flat_map(|f| f.headers.iter().map(|(_, v)| v.clone()))
        .collect();
    prop_oneof![
        (
            prop::collection::vec(item, 0..6),
            select(vec![",", ", ", " , "])
        )
            .prop_map(|(items, sep)| items.join(sep)),
        any::<String>(),
        mutated_text(select(fixture_headers)),
    ]
}

fn standard_signature_header() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        "[A-Za-z0-9+/]{43}=".prop_map(|s| format!("v1,{s}")),
        "[A-Za-z0-9+/=]{0,70}".prop_map(|s| format!("v1,{s}")),
        "[A-Za-z0-9+/=]{0,70}".prop_map(|s| format!("v1a,{s}")),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    let fixture_headers: Vec<String> = fixtures_of(Scheme::Standard)
        .iter()
        .flat_map(|f| {
            f.headers
                .iter()
                .filter(|(k, _)| k == "webhook-signature")
                .map(|(_, v)| v.clone())
        })
        .collect();
    prop_oneof![
        (
            prop::collection::vec(entry, 0..5),
            select(vec![" ", "  ", "\t"])
        )
            .prop_map(|(entries, sep)| entries.join(sep)),
        any::<String>(),
        mutated_text(select(fixture_headers)),
    ]
}

fn secrets_setting(scheme: Scheme) -> impl Strategy<Value = String> {
    let from_fixtures: Vec<String> = fixtures_of(scheme)
        .iter()
        .map(|f| f.secrets.clone())
        .collect();
    prop_oneof![
        3 => select(from_fixtures.clone()),
        1 => mutated_text(select(from_fixtures)),
        1 => "(whsec_)?[A-Za-z0-9+/=]{0,60}( ?,[ A-Za-z0-9+/=_]{0,40}){0,3}",
        1 => any::<String>(),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,300}",
        Just(String::new()),
        Just("   ".to_string())
    ]
}

// ---------------------------------------------------------------------------------------------
// Forms

fn form_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,40}",
        2 => "[\\x00-\\x1f\\x7f \u{1780}-\u{17F9}a-z@.:/=+\\-]{0,60}",
        1 => "[-+$US,. 0-9e]{0,24}",
        1 => "[-+$US,.() \u{a0}\u{202f}0-9\u{17e0}-\u{17e9}]{0,24}",
        1 => "([\u{1780}-\u{17a2}]\u{17d2}[\u{1780}-\u{17a2}][\u{17b6}-\u{17c5}]?){0,700}",
        1 => "[0-9]{0,40}",
        1 => (0usize..6000).prop_map(|n| "ក".repeat(n)),
        2 => select(vec!["own", "general", "tier", "women-training", "on", "", " ", "radio", "training", "https://example.org", "a@b.org", "12", "-1", "0"])
            .prop_map(String::from),
    ]
}

/// A urlencoded form body as a browser (or a bot) would post it.
fn form_body(keys: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![8 => select(keys.to_vec()).prop_map(String::from), 1 => any::<String>()];
    let encoded = prop::collection::vec((key, form_value()), 0..14)
        .prop_map(|pairs| {
            serde_urlencoded::to_string(pairs)
                .unwrap_or_default()
                .into_bytes()
        })
        .boxed();
    prop_oneof![
        4 => encoded.clone(),
        2 => mutated(encoded),
        1 => prop::collection::vec(any::<u8>(), 0..512),
        1 => "[a-z_=&%0-9A-Fa-f+.]{0,200}".prop_map(String::into_bytes),
    ]
}

const PLEDGE_KEYS: &[&str] = &[
    "tier",
    "amount",
    "designation",
    "name",
    "email",
    "show_name",
    "note",
    "eligible",
    "lang",
];
const COMMENT_KEYS: &[&str] = &[
    "name",
    "email",
    "website",
    "text",
    "parent_id",
    "lang",
    "token",
    "homepage",
];
const VOLUNTEER_KEYS: &[&str] = &[
    "name", "email", "phone", "place", "help", "message", "lang", "token", "homepage",
];
const ACTION_KEYS: &[&str] = &["csrf", "back", "page", "next", "text"];
const ERASE_KEYS: &[&str] = &["csrf", "email", "phone", "pledge", "confirm", "seen"];

fn tiers() -> Vec<Tier> {
    vec![
        Tier {
            id: "women-training".into(),
            amount: Cents(5000),
            units: 25,
        },
        Tier {
            id: "information-year".into(),
            amount: Cents(35000),
            units: 1,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Keys, tokens and short strings

fn token_key() -> Key {
    Key::derive("property-test-secret", Purpose::FormToken)
}

fn cookie_key() -> Key {
    Key::derive("property-test-secret", Purpose::HeldCookie)
}

/// A clock reading: mostly a plausible one, sometimes any `i64`, sometimes the fixtures' `now`
/// (so that random headers' timestamps can land within the tolerance).
fn unix_time() -> impl Strategy<Value = i64> {
    prop_oneof![3 => 0i64..=4_102_444_800, 1 => any::<i64>(), 1 => Just(1_767_225_600)]
}

fn form_token() -> impl Strategy<Value = String> {
    let valid = (
        unix_time(),
        any::<[u8; 16]>(),
        select(keys::Form::ALL.to_vec()),
    )
        .prop_map(|(t, nonce, form)| keys::form_token(&token_key(), form, t, nonce))
        .boxed();
    prop_oneof![
        2 => valid.clone(),
        3 => mutated_text(valid),
        1 => "-?[0-9]{0,14}\\.[0-9a-f]{0,34}\\.[0-9a-f]{0,66}",
        1 => any::<String>(),
    ]
}

fn sealed() -> impl Strategy<Value = String> {
    let valid = prop_oneof![any::<String>(), "[0-9-]{0,40}"]
        .prop_map(|v| keys::seal(&cookie_key(), &v))
        .boxed();
    prop_oneof![
        valid.clone(),
        mutated_text(valid),
        any::<String>(),
        "[0-9a-f.\\-]{0,60}"
    ]
}

/// Short strings of the kind query values, path segments and cookies are.
fn short() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-+ 0-9]{0,25}",
        "[0-9a-fA-F]{30,34}",
        "/(km)?(/[a-z0-9.%]{0,8}){0,4}",
        select(vec![
            "held", "approved", "spam", "waiting", "approve", "delete", "reply", "en", "km",
            "stripe", "standard", "paid", "1", "100000", "100001"
        ])
        .prop_map(String::from),
    ]
}

/// Text mixing the characters the sanitisers care about with anything else.
fn tricky_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        2 => any::<char>(),
        2 => prop::char::range('\0', '\u{1f}'),
        3 => select(vec![
            '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}', '\u{ad}', '\u{200b}', '\u{200f}', '\u{feff}', '\u{2028}', '\u{2029}', '\u{061c}', '\u{180e}',
            '\u{2060}', '\u{3000}', '=', '+', '-', '@', '|', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}', '\u{ff5c}', ' ', '\t', '\r', '\n', '"',
            ',', '\'', '\\', 'ក', '្', 'a',
        ]),
    ];
    prop::collection::vec(ch, 0..64).prop_map(|v| v.into_iter().collect())
}

fn c0_but_tab_and_line_breaks(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{feff}' | '\u{061c}' | '\u{180e}' | '\u{2060}'..='\u{2064}')
}

// ---------------------------------------------------------------------------------------------
// Sanity: the signing helpers above sign as the providers do, so the signed bodies really get
// past the signature check and the properties are not vacuous.

#[test]
fn signed_fixture_bodies_get_past_the_signature() {
    let paid = fixture("standard/paid");
    let id = &lookup(&paid.headers)("webhook-id").unwrap_or_default();
    let signature = standard_signature(
        &paid.secrets,
        id,
        &paid.now.to_string(),
        paid.body.as_bytes(),
    );
    assert_eq!(Some(signature), lookup(&paid.headers)("webhook-signature"));
    for scheme in [Scheme::Stripe, Scheme::Standard] {
        for f in fixtures_of(scheme) {
            let body = f.body.as_bytes();
            let r = deliver_signed(scheme, body, f.now, "msg_sanity");
            assert!(past_the_signature(&r), "{}: {r:?}", f.name);
        }
    }
}

/// `body`, correctly signed at `now`, through [`authenticate`].
fn deliver_signed(
    scheme: Scheme,
    body: &[u8],
    now: i64,
    id: &str,
) -> Result<WebhookEvent, Rejection> {
    let secrets = secret(scheme);
    let headers: Vec<(String, String)> = match scheme {
        Scheme::Stripe => vec![(
            webhook::stripe::SIGNATURE_HEADER.to_string(),
            webhook::stripe::sign_header(secrets, now, body),
        )],
        Scheme::Standard => {
            let t = now.to_string();
            vec![
                (webhook::standard::ID_HEADER.to_string(), id.to_string()),
                (webhook::standard::TIMESTAMP_HEADER.to_string(), t.clone()),
                (
                    webhook::standard::SIGNATURE_HEADER.to_string(),
                    standard_signature(secrets, id, &t, body),
                ),
            ]
        }
    };
    deliver(scheme, secrets, &headers, body, now)
}

/// One delivery through [`authenticate`], as the worker makes it.
fn deliver(
    scheme: Scheme,
    secrets: &str,
    headers: &[(String, String)],
    body: &[u8],
    now: i64,
) -> Result<WebhookEvent, Rejection> {
    let get = lookup(headers);
    authenticate(scheme, secrets, &get, body, now)
}

proptest! {
    #![proptest_config(config())]

    // ---- webhooks: random headers ----------------------------------------------------------

    #[test]
    fn stripe_with_random_headers_answers(
        signature in prop::option::weighted(0.9, stripe_signature_header()),
        body in any_body(Scheme::Stripe),
        secrets in secrets_setting(Scheme::Stripe),
        now in unix_time(),
    ) {
        let headers: Vec<(String, String)> = signature.into_iter().map(|s| ("Stripe-Signature".to_string(), s)).collect();
        if let Ok(event) = deliver(Scheme::Stripe, &secrets, &headers, &body, now) {
            act_on(&event);
        }
    }

    #[test]
    fn standard_with_random_headers_answers(
        id in prop::option::weighted(0.9, header_value()),
        timestamp in prop::option::weighted(0.9, timestamp_text()),
        signature in prop::option::weighted(0.9, standard_signature_header()),
        body in any_body(Scheme::Standard),
        secrets in secrets_setting(Scheme::Standard),
        now in unix_time(),
    ) {
        let headers: Vec<(String, String)> = [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
        if let Ok(event) = deliver(Scheme::Standard, &secrets, &headers, &body, now) {
            act_on(&event);
        }
    }

    /// A real delivery with one part mutated: the body, a header, the clock or the secrets.
    #[test]
    fn mutated_fixture_deliveries_answer(
        index in 0..fixtures().len(),
        part in 0u8..4,
        mutations in prop::collection::vec(mutation(), 1..6),
        skew in -400i64..400,
    ) {
        let f = &fixtures()[index];
        let mut headers = f.headers.clone();
        let mut body = f.body.clone().into_bytes();
        let mut secrets = f.secrets.clone();
        let mut now = f.now;
        match part {
            0 => body = apply(body, &mutations),
            1 => {
                if let Some((_, v)) = headers.get_mut(mutations.len() % f.headers.len().max(1)) {
                    *v = String::from_utf8_lossy(&apply(v.clone().into_bytes(), &mutations)).into_owned();
                }
            }
            2 => now = now.saturating_add(skew),
            _ => secrets = String::from_utf8_lossy(&apply(secrets.into_bytes(), &mutations)).into_owned(),
        }
        if let Ok(event) = deliver(f.scheme, &secrets, &headers, &body, now) {
            act_on(&event);
        }
    }

    // ---- webhooks: hostile JSON behind a good signature -------------------------------------

    #[test]
    fn signed_stripe_bodies_reach_the_parser_and_answer(body in signed_body(Scheme::Stripe), now in 0i64..=i64::MAX) {
        let r = deliver_signed(Scheme::Stripe, &body, now, "");
        prop_assert!(past_the_signature(&r), "{:?}", r);
        if let Ok(event) = r {
            act_on(&event);
        }
    }

    #[test]
    fn signed_standard_bodies_reach_the_parser_and_answer(
        body in signed_body(Scheme::Standard),
        now in 0i64..=i64::MAX,
        id in prop_oneof![3 => Just("msg_2fixtureDeliveryId0001".to_string()), 1 => header_value().prop_filter("not blank", |s| !s.trim().is_empty())],
    ) {
        let r = deliver_signed(Scheme::Standard, &body, now, &id);
        prop_assert!(past_the_signature(&r), "{:?}", r);
        if let Ok(event) = r {
            act_on(&event);
        }
    }

    // ---- visitor forms, decoded by the worker's own decoder -----------------------------------

    #[test]
    fn pledge_forms_answer(body in form_body(PLEDGE_KEYS)) {
        let form: PledgeForm = app::form::decode(&body);
        let _ = Lang::from_code(&form.lang);
        let _ = form.show_name();
        let _ = form.validate(&tiers());
        let _ = form.validate(&[]);
        let _ = app::form::parse_count(&form.amount);
        let _ = app::form::length(&form.note);
    }

    #[test]
    fn comment_forms_answer(body in form_body(COMMENT_KEYS)) {
        let form: CommentForm = app::form::decode(&body);
        let _ = Lang::from_code(&form.lang);
        let _ = form.is_bot();
        if let Ok(comment) = form.validate() {
            let _ = comment.flagged();
        }
    }

    #[test]
    fn volunteer_forms_answer(body in form_body(VOLUNTEER_KEYS)) {
        let form = VolunteerForm::from_pairs(app::form::decode(&body));
        let _ = Lang::from_code(&form.lang);
        let _ = form.is_bot();
        let _ = form.helps("radio");
        let _ = form.validate();
        if let Some(number) = app::volunteer::phone_number(&form.phone) {
            prop_assert_eq!(&app::volunteer::phone_forms(&number)[0], &number);
        }
    }

    #[test]
    fn admin_action_forms_answer(body in form_body(ACTION_KEYS)) {
        let form: ActionForm = app::form::decode(&body);
        let _ = form.place().href();
        let _ = admin::reply_body(&form.text);
    }

    #[test]
    fn admin_erase_forms_answer(body in form_body(ERASE_KEYS), stored in any::<i64>()) {
        let form: admin::EraseForm = app::form::decode(&body);
        if let Ok(by) = form.target() {
            let _ = (by.describe(), by.field(), by.kind());
        }
        let _ = form.check(stored);
    }

    // ---- tokens, cookies, ids ----------------------------------------------------------------

    #[test]
    fn form_tokens_answer(token in form_token(), now in unix_time(), form in select(keys::Form::ALL.to_vec())) {
        let _ = keys::check_form_token(&token_key(), form, &token, now);
    }

    #[test]
    fn sealed_cookies_answer(value in sealed()) {
        let _ = keys::unseal(&cookie_key(), &value);
        let _ = keys::unseal(&token_key(), &value);
    }

    #[test]
    fn ids_paths_and_query_values_answer(s in short(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let lossy = String::from_utf8_lossy(&bytes);
        for s in [s.as_str(), &lossy] {
            let _ = pledge::is_pledge_id(s);
            let _ = pledge::Status::parse(s);
            let _ = admin::is_session_id(s);
            let _ = admin::parse_page(s);
            let _ = CommentList::from_query(s);
            let _ = CommentStatus::try_from(s);
            let _ = Moderation::parse(s).map(Moderation::new_status);
            let _ = admin::reply_body(s);
            let _ = admin::parse_id(s);
            let _ = admin::pledge_in(s);
            let page = app::paging::page_asked(s);
            prop_assert!(page >= 1);
            let _ = app::paging::Paged::of(page, app::paging::last_page(page, 10));
            let _ = app::volunteer::phone_forms(s);
            let (lang, rest) = Lang::split_path(s);
            let _ = lang.href(rest);
            let _ = keys::constant_time_eq(s.as_bytes(), &bytes);
        }
    }

    // ---- money -------------------------------------------------------------------------------

    #[test]
    fn money_formats_any_amount(n in any::<i64>(), currency in prop_oneof![Just("usd".to_string()), "[a-zA-Z]{3}", any::<String>()]) {
        let _ = Cents(n).to_string();
        let _ = money::group(n);
        let _ = Cents::from_dollars(n);
        let _ = money::decimal(n);
        let _ = admin::amount(n, &currency);
        let _ = admin::waited(n);
    }

    // ---- the sanitisers keep their promises ---------------------------------------------------

    #[test]
    fn csv_cells_carry_no_control_and_no_formula(s in prop_oneof![tricky_text(), any::<String>()]) {
        let cell = admin::defused(&s);
        prop_assert!(!cell.contains(c0_but_tab_and_line_breaks), "{:?} -> {:?}", s, cell);
        if let Cow::Borrowed(b) = cell {
            prop_assert_eq!(b, s.as_str());
        }
        let kept: String = s.chars().filter(|c| !c0_but_tab_and_line_breaks(*c)).collect();
        let first = kept.chars().find(|c| !invisible(*c));
        if first.is_some_and(|c| "=+-@|\u{ff1d}\u{ff0b}\u{ff0d}\u{ff20}\u{ff5c}".contains(c)) {
            let cell = admin::defused(&s);
            prop_assert!(cell.starts_with('\''), "{:?} -> {:?}", s, cell);
        }
        // The file holds no control either, and reads back as the defused cells.
        let mut csv = admin::Csv::new(&["a", "b"]);
        csv.row([s.as_str(), "x"]);
        let file = csv.finish();
        prop_assert!(!file.contains(c0_but_tab_and_line_breaks), "{:?} -> {:?}", s, file);
        let body = file.strip_prefix(admin::BOM).unwrap_or_default();
        let rows = csv::Reader::from_reader(body.as_bytes())
            .records()
            .map(|r| r.map(|r| r.iter().map(String::from).collect::<Vec<_>>()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(rows, vec![vec![admin::defused(&s).into_owned(), "x".to_string()]]);
    }

    #[test]
    fn normalized_text_has_no_control_but_tab_and_newline(s in prop_oneof![tricky_text(), any::<String>()]) {
        let n = app::form::normalize(&s);
        prop_assert!(!n.contains(|c: char| (c < ' ' && c != '\t' && c != '\n') || c == '\u{7f}'), "{:?} -> {:?}", s, n);
        prop_assert_eq!(n.trim(), n.as_str());
        prop_assert_eq!(app::form::normalize(&n), n.clone());
    }

    #[test]
    fn logged_strings_are_one_bounded_line(s in prop_oneof![tricky_text(), any::<String>(), (0usize..3000).prop_map(|n| "x\n".repeat(n))], max in 0usize..300) {
        let out = app::log::clean(&s, max);
        prop_assert!(out.chars().count() <= max, "{:?} -> {:?}", s, out);
        prop_assert!(!out.contains(|c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}'), "{:?} -> {:?}", s, out);
        let fits = !s.contains(|c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}') && s.chars().count() <= max;
        prop_assert_eq!(matches!(out, Cow::Borrowed(_)), fits);
        if fits {
            prop_assert_eq!(out.as_ref(), s.as_str());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts (issue 16): what a sign-in, an enrolment or a stored row hands the account module

/// Typed codes: six digits (ASCII, Khmer), spaced, and anything else.
fn typed_code() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{6}",
        "[0-9 ]{0,12}",
        "[០-៩]{6}",
        "[0-9០-៩ \u{a0}]{0,14}",
        tricky_text(),
        any::<String>(),
    ]
}

fn stored_hash() -> impl Strategy<Value = String> {
    let valid = (
        1u32..=100_000,
        1u32..=20,
        prop::collection::vec(any::<u8>(), 8..=64),
        any::<[u8; 32]>(),
    )
        .prop_map(|(iterations, calls, salt, hash)| {
            app::account::password::StoredHash {
                iterations,
                calls,
                salt,
                hash,
            }
            .encode()
        })
        .boxed();
    prop_oneof![
        2 => valid.clone(),
        3 => mutated_text(valid),
        1 => "pbkdf2-sha256\\$[0-9+-]{0,8}\\$[0-9]{0,3}\\$[A-Za-z0-9+/=]{0,30}\\$[A-Za-z0-9+/=]{0,50}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn totp_codes_answer(secret in prop::collection::vec(any::<u8>(), 0..80), typed in typed_code(), now in unix_time(), last in any::<u64>()) {
        if let Some(step) = app::account::totp::verify(&secret, &typed, now, last) {
            prop_assert!(step > last);
        }
        let _ = app::account::totp::code(&secret, last, app::account::totp::Algorithm::Sha512, (last % 12) as u32);
        let _ = app::account::totp::otpauth_uri(&typed, &typed, &secret);
    }

    #[test]
    fn passwords_and_their_stored_hashes_answer(password in prop_oneof![tricky_text(), any::<String>()], name in short(), stored in stored_hash()) {
        let _ = app::account::password::check(&password, &name);
        let _ = app::account::password::common_key(&password);
        if let Some(h) = app::account::password::StoredHash::decode(&stored) {
            prop_assert_eq!(h.encode(), stored);
        }
    }

    #[test]
    fn recovery_codes_roles_and_tokens_answer(s in prop_oneof![short(), tricky_text(), "[a-z2-7 -]{0,24}", "(owner|moderator|finance|organiser|,){0,6}"], random in any::<[u8; 10]>()) {
        let code = app::account::recovery::code(random);
        prop_assert!(app::account::recovery::normalise(&code).is_some());
        let _ = app::account::recovery::normalise(&s);
        if let Some(roles) = app::account::roles::Roles::from_list(&s) {
            prop_assert_eq!(app::account::roles::Roles::from_list(&roles.to_list()), Some(roles));
        }
        let _ = app::account::is_token(&s);
        let _ = app::account::audit::Action::parse(&s);
    }

    #[test]
    fn qr_codes_answer(text in prop_oneof![tricky_text(), any::<String>()]) {
        if let Some(svg) = app::account::qr::svg(&text) {
            prop_assert!(svg.starts_with("<svg"));
        }
    }

    #[test]
    fn share_links_and_kept_holes_answer(
        pairs in prop::collection::vec((prop_oneof![Just("ref".to_string()), Just("tier".to_string()), Just("amount".to_string()), Just("frequency".to_string()), short()], prop_oneof![tricky_text(), any::<String>(), "[a-z0-9-]{0,45}", "[0-9០-៩]{0,12}"]), 0..6),
        html in prop_oneof![tricky_text(), any::<String>()],
        rows in prop::collection::vec((0usize..64, select(vec!["token", "source", "amount", "pick-tier", "pick-frequency", "pick", ""]), prop_oneof![Just("comment".to_string()), Just("once".to_string()), Just("own".to_string()), Just("a%0Ab%25".to_string()), any::<String>()], any::<bool>()), 0..8),
    ) {
        // A holes table as the edge might hand it back, true or not, over any text.
        let table: String = rows.iter().map(|(at, kind, value, default)| format!("{at} {kind} {} {value}\n", u8::from(*default))).collect();
        if let Some(page) = app::views::Template::from_kept(&table, html.clone()) {
            let _ = page.serve(&app::reach::Reach::from_query(&pairs), |f| f.name().to_string());
            let _ = page.parts().count();
        }
        let reach = app::reach::Reach::from_query(&pairs);
        if let Some(code) = &reach.source {
            prop_assert!(code.len() <= app::source_code::SOURCE_MAX && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
        // A kept page's holes table, from anywhere: read back or refused, never a panic.
        if let Some(page) = app::views::Template::from_kept(&html, html.clone()) {
            let _ = page.serve(&reach, |f| f.name().to_string());
        }
        let _ = app::reach::share_link(&html, pairs.len() % 2 == 0, reach.source.as_deref(), reach.tier.as_deref());
        let _ = app::reach::report_days(pairs.first().map(|(_, v)| v.as_str()));
    }

    /// A query string as the worker reads it (`http::query_pairs`): any bytes, percent
    /// escapes whole or cut, `+`, `&` and `=` anywhere.
    #[test]
    fn query_strings_answer(query in prop_oneof![
        tricky_text(),
        any::<String>(),
        "((ref|tier|amount|frequency|status|page|days|x)=([a-z0-9+-]|%[0-9A-Fa-f]{0,2}|%E1%9E%[8-9A-B][0-9A-F]){0,12}&?){0,6}",
    ]) {
        let pairs: Vec<(String, String)> = app::form::decode(query.as_bytes());
        let reach = app::reach::Reach::from_query(&pairs);
        let _ = app::views::Template::from_kept(&query, query.clone());
        let _ = reach.choose(std::iter::empty()).amount();
        for (_, v) in &pairs {
            let _ = CommentList::from_query(v);
            let _ = admin::parse_page(v);
            let _ = app::reach::report_days(Some(v));
        }
    }

    /// An update's text: its pieces give back every byte in order, a link is only ever an
    /// `https://` address with no character that could end an attribute, and the feed's
    /// escaping leaves no markup.
    #[test]
    fn update_texts_answer(
        text in prop_oneof![tricky_text(), any::<String>(), "(https://|javascript:|<a href=\"|[ .,()<>\"'a-z/]){0,12}"],
        title in prop_oneof![tricky_text(), any::<String>()],
    ) {
        let pieces = app::update::pieces(&text);
        let mut joined = String::new();
        for p in &pieces {
            match p {
                app::update::Piece::Text(t) => joined.push_str(t),
                app::update::Piece::Link(url) => {
                    prop_assert!(url.starts_with("https://") && url.len() > 8);
                    prop_assert!(!url.contains(|c: char| c == '"' || c == '<' || c == '>' || c == '\'' || c.is_whitespace()));
                    joined.push_str(url);
                }
            }
        }
        prop_assert_eq!(joined, text.clone());
        let html = app::feed::body_html(&text, None);
        let mut escaped = String::new();
        app::feed::xml_escape(&html, &mut escaped);
        prop_assert!(!escaped.contains('<') && !escaped.contains('>'));
        let form = app::update::UpdateForm { title_en: title.clone(), body_en: text.clone(), title_km: text, body_km: title };
        let _ = form.validate();
    }
}
