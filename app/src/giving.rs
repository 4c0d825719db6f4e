//! Stripe Checkout at its best (#28 §1): the settings a maintainer chooses for the checkout
//! page (the account's payment method configuration, Adaptive Pricing), and the donor's own
//! currency as Stripe presented it.
//!
//! With Adaptive Pricing a donor in France sees euros, but since API version 2025-03-31.basil
//! the session's `currency` and `amount_total` stay the integration's (US dollars) and the
//! presented currency and amount are in `presentment_details` (`presentment_currency`,
//! `presentment_amount`) on the Checkout Session, the PaymentIntent and the Charge. The ledger
//! therefore stays in US cents; a [`Presentment`] is kept beside a payment for the admin and
//! the CSV only, and never summed: it is [`crate::webhook::Presentment`], read with the event.

/// `STRIPE_PAYMENT_METHOD_CONFIGURATION` as the session sends it (`payment_method_configuration`):
/// one of Stripe's ids (`pmc_` and letters or digits, at most 255 bytes). Anything else is
/// none: the session then uses the account's default configuration.
pub fn payment_method_configuration(raw: &str) -> Option<String> {
    let v = raw.trim();
    (v.len() > 4
        && v.len() <= crate::webhook::MAX_ID_LEN
        && v.starts_with("pmc_")
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then(|| v.to_string())
}

/// What a maintainer chose for the checkout page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckoutChoices {
    /// `payment_method_configuration`: which wallets and methods Checkout offers.
    pub payment_method_configuration: Option<String>,
    /// `STRIPE_ADAPTIVE_PRICING=true`: the donor's own currency. Sent as
    /// `adaptive_pricing[enabled]` either way, so the dashboard's switch alone never turns it
    /// on before the account's API version is the pinned one (README).
    pub adaptive_pricing: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stripe_configuration_ids_are_sent() {
        assert_eq!(
            payment_method_configuration(" pmc_1AbC ").as_deref(),
            Some("pmc_1AbC")
        );
        for bad in ["", "pmc_", "pm_1", "pmc_1&mode=x", "pmc_1 2", "cs_1"] {
            assert_eq!(payment_method_configuration(bad), None, "{bad:?}");
        }
        assert_eq!(
            payment_method_configuration(&format!("pmc_{}", "a".repeat(252))),
            None
        );
    }
}
