//! One monthly gift's life at Stripe, as the objects of the events Stripe sends (API versions
//! since 2025-03-31: an invoice names its subscription under `parent.subscription_details` and
//! no longer its PaymentIntent; `invoice_payment.paid` says which PaymentIntent paid it). The
//! webhook tests deliver these signed; the reconciliation tests let the fake Stripe hold them.

use serde_json::{json, Value};

/// Each month's amount, US cents.
pub const MONTH: i64 = 2500;
pub const CAMPAIGN: &str = "women-lead-cambodia";

/// The subscription's metadata, as the checkout set it (`subscription_data[metadata]`).
pub fn metadata(p: &str) -> Value {
    json!({"pledge_id": p, "campaign": CAMPAIGN, "eligibility": "attested-cambodian-citizen-own-money"})
}

/// Invoice `n` of pledge `p`'s subscription, paid or not.
pub fn invoice(p: &str, n: u32, paid: bool) -> Value {
    json!({"id": format!("in_{p}_{n}"), "object": "invoice", "amount_due": MONTH, "amount_paid": if paid { MONTH } else { 0 },
           "currency": "usd", "customer": "cus_test", "customer_email": "donor@example.org",
           "billing_reason": if n == 1 { "subscription_create" } else { "subscription_cycle" },
           "status": if paid { "paid" } else { "open" },
           "parent": {"type": "subscription_details", "quote_details": null,
                      "subscription_details": {"subscription": format!("sub_{p}"), "metadata": metadata(p)}}})
}

/// Every event of the pledge's life, in the order Stripe would send them, as
/// `(label, type, object)`: the checkout completes (the first month, invoice 1), invoice 1 is
/// paid (the same month again), three renewals (invoices 2 to 4), each with the
/// `invoice_payment.paid` that names its PaymentIntent, a renewal that fails (invoice 5),
/// month 2 refunded, month 3 disputed and the dispute lost, and the subscription cancelled.
/// In any order: 4 months paid, 2 of them taken back, 1 failed renewal, cancelled.
pub fn life(p: &str) -> Vec<(String, &'static str, Value)> {
    let paid = |n: u32| (format!("inv{n}"), "invoice.paid", invoice(p, n, true));
    let link = |n: u32| {
        (
            format!("link{n}"),
            "invoice_payment.paid",
            json!({"id": format!("inpay_{p}_{n}"), "object": "invoice_payment", "invoice": format!("in_{p}_{n}"),
                   "amount_paid": MONTH, "currency": "usd", "status": "paid", "is_default": true,
                   "payment": {"type": "payment_intent", "payment_intent": format!("pi_{p}_{n}")}}),
        )
    };
    let dispute = |status: &str| {
        json!({"id": format!("dp_{p}"), "object": "dispute", "amount": MONTH, "currency": "usd",
               "charge": format!("ch_{p}_3"), "payment_intent": format!("pi_{p}_3"), "reason": "fraudulent", "status": status})
    };
    vec![
        (
            "session".into(),
            "checkout.session.completed",
            json!({"id": format!("cs_{p}"), "object": "checkout.session", "mode": "subscription", "payment_status": "paid",
                   "status": "complete", "amount_total": MONTH, "currency": "usd", "client_reference_id": p,
                   "payment_intent": null, "invoice": format!("in_{p}_1"), "subscription": format!("sub_{p}"),
                   "customer_details": {"email": "donor@example.org"}, "metadata": metadata(p)}),
        ),
        paid(1),
        link(1),
        paid(2),
        link(2),
        paid(3),
        link(3),
        paid(4),
        link(4),
        (
            "fail5".into(),
            "invoice.payment_failed",
            invoice(p, 5, false),
        ),
        (
            "refund2".into(),
            "charge.refunded",
            json!({"id": format!("ch_{p}_2"), "object": "charge", "amount": MONTH, "amount_refunded": MONTH,
                   "currency": "usd", "payment_intent": format!("pi_{p}_2"), "refunded": true}),
        ),
        (
            "dispute3".into(),
            "charge.dispute.created",
            dispute("needs_response"),
        ),
        ("lost3".into(), "charge.dispute.closed", dispute("lost")),
        (
            "cancel".into(),
            "customer.subscription.deleted",
            json!({"id": format!("sub_{p}"), "object": "subscription", "status": "canceled", "metadata": metadata(p)}),
        ),
    ]
}

/// A monthly pledge as the site stores it before its checkout completes.
pub fn pending_sql(p: &str) -> String {
    format!(
        "INSERT INTO pledges (id, status, frequency, amount_cents, tier, designation, created_at, attested_at) \
         VALUES ('{p}', 'pending', 'month', {MONTH}, 'women-training', 'women-training', 0, 0)"
    )
}

/// What the ledger should hold for pledge `p` after its whole [`life`], in any order, as
/// [`ledger_sql`] reads it.
pub fn expected(p: &str) -> Value {
    let payment = |n: u32, refunded: i64| json!({"ref": format!("in_{p}_{n}"), "payment_intent": format!("pi_{p}_{n}"), "amount_cents": MONTH, "refunded_cents": refunded});
    json!({
        "pledge": {"status": "cancelled", "failed_renewals": 1, "subscription_id": format!("sub_{p}"), "paid": 1, "ended": 1},
        "payments": [payment(1, 0), payment(2, MONTH), payment(3, MONTH), payment(4, 0)],
    })
}

/// The two statements that read what the ledger holds for pledge `p`: the pledge, and its
/// payments by key.
pub fn ledger_sql(p: &str) -> [String; 2] {
    [
        format!("SELECT status, failed_renewals, subscription_id, paid_at IS NOT NULL AS paid, ended_at IS NOT NULL AS ended FROM pledges WHERE id = '{p}'"),
        format!("SELECT ref, payment_intent, amount_cents, refunded_cents FROM payments WHERE pledge_id = '{p}' ORDER BY ref"),
    ]
}
