//! Webhook signatures made by an independent implementation: the providers' own npm packages
//! (`stripe` and `standardwebhooks`), through `tests/sign/sign.mjs`, never the worker's code.

use super::{now, test_var, Resp, Worker};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// One delivery to sign.
pub struct Delivery<'a> {
    pub scheme: &'a str,
    pub secret: &'a str,
    pub body: &'a str,
    pub timestamp: i64,
    /// The `webhook-id` (Standard Webhooks only).
    pub id: &'a str,
}

/// The headers to send with each delivery, in order.
pub fn sign(deliveries: &[Delivery<'_>]) -> Vec<Vec<(String, String)>> {
    let mut input = String::new();
    for d in deliveries {
        input.push_str(&json!({"scheme": d.scheme, "secret": d.secret, "body": d.body, "timestamp": d.timestamp, "id": d.id}).to_string());
        input.push('\n');
    }
    let mut child = Command::new(super::root().join("node_modules/.bin/node"))
        .arg(super::root().join("tests/sign/sign.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run tests/sign/sign.mjs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("signer output");
    writer.join().expect("writer").expect("write to signer");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("signer json");
            assert!(v.get("error").is_none(), "signer: {line}");
            v.as_object()
                .expect("headers object")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .collect()
}

/// Delivers `body` to `/webhooks/stripe`, signed now with the test instance's Stripe secret.
pub fn send_stripe(w: &Worker, body: &str) -> Resp {
    let headers = &sign(&[Delivery {
        scheme: "stripe",
        secret: test_var("STRIPE_WEBHOOK_SECRET"),
        body,
        timestamp: now(),
        id: "",
    }])[0];
    w.post_json("/webhooks/stripe", headers, body)
}

/// Delivers `body` to `/webhooks/standard` as message `id`, signed now with the test
/// instance's Standard Webhooks secret.
pub fn send_standard(w: &Worker, id: &str, body: &str) -> Resp {
    let headers = &sign(&[Delivery {
        scheme: "standard",
        secret: test_var("STANDARD_WEBHOOK_SECRET"),
        body,
        timestamp: now(),
        id,
    }])[0];
    w.post_json("/webhooks/standard", headers, body)
}
