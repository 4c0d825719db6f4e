//! A fake of the part of Stripe's API the site calls, on a loopback port: Checkout Sessions
//! (create, retrieve) and the Events API (list, newest first, `types[]`, `created[gte]`,
//! `limit`, `starting_after`). It keeps its own record of what "happened at Stripe" (payments,
//! refunds), as events shaped like Stripe's, so a test can drop every webhook and let the
//! reconciliation find them. Every request must carry the secret key and the pinned version.
//!
//! `cargo run -p campaign-tests --bin fake-stripe` runs it for `make dev` (README).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// The version every call must pin (the worker's `checkout::STRIPE_VERSION`).
pub const VERSION: &str = "2026-10-28.endive";

#[derive(Default)]
struct State {
    sessions: Vec<Value>,
    /// In the order they happened; listed newest first.
    events: Vec<Value>,
    /// Every request: `METHOD path?query`.
    requests: Vec<String>,
    /// Sessions are paid as soon as they are made (for `make dev`).
    pay_at_once: bool,
    /// When the last thing happened: now, never earlier than before.
    clock: i64,
    /// Monthly gifts' subscriptions, made by a paid subscription-mode session.
    subscriptions: Vec<Value>,
    /// Each session's form fields as the site sent them, in the order of `sessions`.
    forms: Vec<Vec<(String, String)>>,
    /// The donor's own currency and a rate (minor units per US cent, in thousandths) when the
    /// site asked for Adaptive Pricing (`adaptive_pricing[enabled]=true`), for `make dev`.
    presents: Option<(String, i64)>,
}

/// Now, as Stripe dates what happens (Unix seconds, never going back).
fn tick(st: &mut State) -> i64 {
    st.clock = st.clock.max(super::now());
    st.clock
}

#[derive(Clone)]
pub struct FakeStripe {
    pub port: u16,
    key: String,
    state: Arc<Mutex<State>>,
}

impl FakeStripe {
    /// Listens on `port` (0: any free one) for requests made with `key`.
    pub fn start(port: u16, key: &str) -> FakeStripe {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the fake Stripe");
        let port = listener.local_addr().expect("addr").port();
        let fake = FakeStripe {
            port,
            key: key.to_string(),
            state: Arc::new(Mutex::new(State::default())),
        };
        let server = fake.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let server = server.clone();
                std::thread::spawn(move || server.serve(stream));
            }
        });
        fake
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every session made is paid at once, as a donor would (for `make dev`).
    pub fn pay_at_once(&self) {
        self.lock().pay_at_once = true;
    }

    /// Donors pay in `currency` at `per_mille` thousandths of a minor unit per US cent, on
    /// every session made with `adaptive_pricing[enabled]=true` (its `presentment_details`).
    pub fn present_in(&self, currency: &str, per_mille: i64) {
        self.lock().presents = Some((currency.to_string(), per_mille));
    }

    /// The form fields the site sent to make session `id`, in its order.
    pub fn session_form(&self, id: &str) -> Vec<(String, String)> {
        let st = self.lock();
        st.sessions
            .iter()
            .position(|s| s["id"] == id)
            .map(|i| st.forms[i].clone())
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fake Stripe state")
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// How many events Stripe holds.
    pub fn event_count(&self) -> usize {
        self.lock().events.len()
    }

    /// The events of `type` (the JSON Stripe would deliver), oldest first.
    pub fn events_of(&self, kind: &str) -> Vec<String> {
        self.lock()
            .events
            .iter()
            .filter(|e| e["type"] == kind)
            .map(Value::to_string)
            .collect()
    }

    /// The id of the session made for pledge `pledge`, if one was.
    pub fn session_of(&self, pledge: &str) -> Option<String> {
        self.lock()
            .sessions
            .iter()
            .find(|s| s["client_reference_id"] == pledge)
            .and_then(|s| s["id"].as_str().map(str::to_string))
    }

    /// The donor pays session `id` at Stripe: the session is paid, with PaymentIntent `pi`,
    /// and `checkout.session.completed` happens (`with_event: false`: the session is paid but
    /// no event is kept, as for a payment older than the Events API's 30 days).
    pub fn pay(&self, id: &str, pi: &str, with_event: bool) {
        let mut st = self.lock();
        let clock = tick(&mut st);
        let Some(session) = st.sessions.iter_mut().find(|s| s["id"] == id) else {
            panic!("no session {id}");
        };
        session["payment_status"] = json!("paid");
        session["status"] = json!("complete");
        session["payment_intent"] = json!(pi);
        let object = session.clone();
        if with_event {
            push_event(&mut st, "checkout.session.completed", object, clock);
        }
    }

    /// A card tried on session `id` at Stripe is declined (#27 §3): the session stays open, and
    /// `payment_intent.payment_failed` happens for its PaymentIntent, whose metadata names the
    /// pledge (`payment_intent_data[metadata]` of a one-off gift). `n` tells tries apart.
    pub fn decline(&self, id: &str, n: usize) {
        let mut st = self.lock();
        let clock = tick(&mut st);
        let Some(session) = st.sessions.iter().find(|s| s["id"] == id) else {
            panic!("no session {id}");
        };
        let pi = format!("pi_declined_{id}");
        let object = json!({"id": pi, "object": "payment_intent", "status": "requires_payment_method",
            "amount": session["amount_total"], "currency": "usd",
            "last_payment_error": {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                "charge": format!("ch_declined_{id}_{n}")},
            "metadata": {"pledge_id": session["client_reference_id"]}, "livemode": false, "created": clock});
        push_event(&mut st, "payment_intent.payment_failed", object, clock);
    }

    /// The `expires_at` the site gave session `id` (`None`: it gave none).
    pub fn expires_at(&self, id: &str) -> Option<i64> {
        self.lock()
            .sessions
            .iter()
            .find(|s| s["id"] == id)
            .and_then(|s| s["expires_at"].as_i64())
    }

    /// A session made elsewhere for this campaign, paid: only its event exists.
    pub fn outside_payment(&self, cents: i64, pi: &str, campaign: &str) {
        let mut st = self.lock();
        let clock = tick(&mut st);
        let object = json!({"id": format!("cs_out_{pi}"), "object": "checkout.session", "payment_status": "paid",
            "status": "complete", "amount_total": cents, "currency": "usd", "client_reference_id": null,
            "payment_intent": pi, "metadata": {"campaign": campaign}, "livemode": false, "created": clock});
        push_event(&mut st, "checkout.session.completed", object, clock);
    }

    /// Money goes back at Stripe: `charge.refunded` with the payment's refunded total.
    pub fn refund(&self, pi: &str, total_cents: i64) {
        let mut st = self.lock();
        let clock = tick(&mut st);
        let object = json!({"id": format!("ch_{pi}"), "object": "charge", "payment_intent": pi,
            "amount_refunded": total_cents, "currency": "usd", "refunded": true});
        push_event(&mut st, "charge.refunded", object, clock);
    }

    /// Events of other types, which the reconciliation must not ask for.
    pub fn noise(&self, n: usize) {
        let mut st = self.lock();
        for i in 0..n {
            let clock = tick(&mut st);
            push_event(
                &mut st,
                "customer.created",
                json!({"id": format!("cus_{i}"), "email": "x@example.org"}),
                clock,
            );
        }
    }

    /// The donor completes subscription-mode session `id` at Stripe: the session is paid and
    /// complete, and subscription `sub` exists, active, with the session's metadata. No event
    /// is kept (the tests deliver the webhooks they want themselves).
    pub fn pay_subscription(&self, id: &str, sub: &str) {
        let mut st = self.lock();
        let created = tick(&mut st);
        let Some(session) = st.sessions.iter_mut().find(|s| s["id"] == id) else {
            panic!("no session {id}");
        };
        assert_eq!(session["mode"], "subscription", "{session}");
        session["payment_status"] = json!("paid");
        session["status"] = json!("complete");
        session["subscription"] = json!(sub);
        let metadata = session["metadata"].clone();
        st.subscriptions.push(json!({
            "id": sub, "object": "subscription", "status": "active",
            "metadata": metadata, "livemode": false, "created": created,
        }));
    }

    /// Stripe ends subscription `id` itself (after the last failed retry, as the README's
    /// settings ask), without any webhook reaching the site.
    pub fn end_subscription(&self, id: &str) {
        let mut st = self.lock();
        let Some(sub) = st.subscriptions.iter_mut().find(|s| s["id"] == id) else {
            panic!("no subscription {id}");
        };
        sub["status"] = json!("canceled");
    }

    /// The status of subscription `id` at Stripe (`active`, `canceled`), if it exists.
    pub fn subscription_status(&self, id: &str) -> Option<String> {
        self.lock()
            .subscriptions
            .iter()
            .find(|s| s["id"] == id)
            .and_then(|s| s["status"].as_str().map(str::to_string))
    }

    fn serve(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let (mut auth, mut version, mut length) = (String::new(), String::new(), 0usize);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            } else if lower.starts_with("authorization:") {
                auth = line["authorization:".len()..].trim().to_string();
            } else if lower.starts_with("stripe-version:") {
                version = line["stripe-version:".len()..].trim().to_string();
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let mut parts = first.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        self.lock().requests.push(format!("{method} {target}"));
        let (status, answer) = if auth != format!("Bearer {}", self.key) {
            (401, json!({"error": {"message": "bad key"}}))
        } else if version != VERSION {
            (
                400,
                json!({"error": {"message": format!("unpinned version {version:?}")}}),
            )
        } else {
            self.answer(&method, &target, &body)
        };
        let text = answer.to_string();
        let mut s = stream;
        let _ = write!(
            s,
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        );
    }

    fn answer(&self, method: &str, target: &str, body: &[u8]) -> (u16, Value) {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let q: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let mut st = self.lock();
        match (method, path) {
            ("POST", "/v1/checkout/sessions") => {
                let form: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(body).unwrap_or_default();
                let field = |k: &str| {
                    form.iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| v.clone())
                };
                let created = tick(&mut st);
                let n = st.sessions.len() + 1;
                let id = format!("cs_fake_{n}");
                let session = json!({
                    "id": id, "object": "checkout.session", "url": format!("https://checkout.stripe.com/c/pay/{id}"),
                    "client_reference_id": field("client_reference_id"),
                    "amount_total": field("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok()),
                    "currency": "usd", "payment_status": "unpaid", "status": "open", "payment_intent": null,
                    "mode": field("mode"), "subscription": null,
                    "metadata": {"campaign": field("metadata[campaign]"), "pledge_id": field("metadata[pledge_id]")},
                    "livemode": false, "created": created,
                    "expires_at": field("expires_at").and_then(|a| a.parse::<i64>().ok()),
                });
                let pay = st.pay_at_once;
                let mut session = session;
                // Adaptive Pricing: the session's currency and amount stay the integration's
                // (US cents); what the donor saw is beside them (API 2025-03-31.basil on).
                if let (Some("true"), Some((currency, per_mille))) =
                    (field("adaptive_pricing[enabled]").as_deref(), &st.presents)
                {
                    let cents = session["amount_total"].as_i64().unwrap_or(0);
                    session["presentment_details"] = json!({"presentment_currency": currency,
                        "presentment_amount": cents * per_mille / 1000});
                }
                st.forms.push(form.clone());
                if pay {
                    // Paid at once: the "checkout" is the pledge's own thank-you page.
                    session["url"] = json!(field("success_url"));
                }
                st.sessions.push(session.clone());
                drop(st);
                if pay {
                    self.pay(&id, &format!("pi_fake_{n}"), true);
                }
                (200, session)
            }
            ("GET", "/v1/events") => {
                let types: Vec<String> = q
                    .iter()
                    .filter(|(k, _)| k == "types[]")
                    .map(|(_, v)| v.clone())
                    .collect();
                let since: i64 = get("created[gte]")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let limit: usize = get("limit")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(10)
                    .min(100);
                let mut newest_first: Vec<&Value> = st
                    .events
                    .iter()
                    .rev()
                    .filter(|e| types.is_empty() || types.iter().any(|t| e["type"] == t.as_str()))
                    .filter(|e| e["created"].as_i64().unwrap_or(0) >= since)
                    .collect();
                if let Some(after) = get("starting_after") {
                    match newest_first.iter().position(|e| e["id"] == after.as_str()) {
                        Some(i) => newest_first.drain(..=i).for_each(drop),
                        None => return (400, json!({"error": {"message": "no such event"}})),
                    }
                }
                let has_more = newest_first.len() > limit;
                let data: Vec<Value> = newest_first.into_iter().take(limit).cloned().collect();
                (
                    200,
                    json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/events"}),
                )
            }
            ("GET", p) if p.starts_with("/v1/checkout/sessions/") => {
                let id = &p["/v1/checkout/sessions/".len()..];
                match st.sessions.iter().find(|s| s["id"] == id) {
                    Some(s) => (200, s.clone()),
                    None => (404, json!({"error": {"message": "no such session"}})),
                }
            }
            ("DELETE", p) if p.starts_with("/v1/subscriptions/") => {
                cancel_subscription(&mut st, &p["/v1/subscriptions/".len()..])
            }
            ("GET", p) if p.starts_with("/v1/subscriptions/") => {
                let id = &p["/v1/subscriptions/".len()..];
                match st.subscriptions.iter().find(|s| s["id"] == id) {
                    Some(s) => (200, s.clone()),
                    None => (404, json!({"error": {"code": "resource_missing"}})),
                }
            }
            _ => (404, json!({"error": {"message": "not faked"}})),
        }
    }
}

/// `DELETE /v1/subscriptions/{id}`: cancelled at once, and `customer.subscription.deleted`
/// happens, as at Stripe. One already cancelled, or unknown, is refused.
fn cancel_subscription(st: &mut State, id: &str) -> (u16, Value) {
    let clock = tick(st);
    let Some(sub) = st.subscriptions.iter_mut().find(|s| s["id"] == id) else {
        return (
            404,
            json!({"error": {"code": "resource_missing", "message": format!("No such subscription: '{id}'")}}),
        );
    };
    if sub["status"] == "canceled" {
        return (
            400,
            json!({"error": {"message": "This subscription is already canceled."}}),
        );
    }
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(clock);
    let object = sub.clone();
    push_event(st, "customer.subscription.deleted", object.clone(), clock);
    (200, object)
}

fn push_event(st: &mut State, kind: &str, object: Value, created: i64) {
    let n = st.events.len() + 1;
    st.events.push(json!({
        "id": format!("evt_fake_{n}"), "object": "event", "type": kind, "api_version": VERSION,
        "created": created, "livemode": false, "data": {"object": object},
    }));
}

/// Whatever else happens at Stripe, for the tests that bring their own objects (a monthly
/// gift's invoices, disputes, its subscription: `support::monthly`).
impl FakeStripe {
    /// An event of `kind` about `object` happens now.
    pub fn happen(&self, kind: &str, object: Value) {
        let mut st = self.lock();
        let clock = tick(&mut st);
        push_event(&mut st, kind, object, clock);
    }
}
