//! Stripe Checkout at its best (#28 §1): the settings a maintainer chooses for the checkout
//! page (the account's payment method configuration, Adaptive Pricing), and the donor's own
//! currency as Stripe presented it.
//!
//! With Adaptive Pricing a donor in France sees euros, but since API version 2025-03-31.basil
//! the session's `currency` and `amount_total` stay the integration's (US dollars) and the
//! presented currency and amount are in `presentment_details` (`presentment_currency`,
//! `presentment_amount`) on the Checkout Session, the PaymentIntent and the Charge. The ledger
//! therefore stays in US cents; a [`Presentment`] is kept beside a payment for the admin and
//! the CSV only, and never summed.

/// What the donor was shown and paid in: `amount` in the minor units of `currency` (cents,
/// yen: whatever that currency's smallest unit is), `currency` three lowercase ASCII letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentment {
    pub currency: String,
    pub amount: i64,
}

impl Presentment {
    /// From a provider's fields, strictly: a currency of exactly three lowercase ASCII letters
    /// (no case folding, so what is stored is what was sent) and a whole amount from 0 to
    /// 2^53. Anything else is no presentment at all (the payment itself still counts: it is
    /// in US cents elsewhere in the event).
    pub fn new(currency: &str, amount: i64) -> Option<Presentment> {
        let code = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_lowercase());
        let exact = (0..=crate::webhook::EXACT_LIMIT).contains(&amount);
        (code && exact).then(|| Presentment {
            currency: currency.to_string(),
            amount,
        })
    }

    /// The amount as a person reads it: `12.34 EUR` (two decimals: the admin's and the CSV's
    /// column says minor units are shown as if hundredths; a zero-decimal currency such as
    /// JPY is shown as its whole units).
    pub fn display(&self) -> String {
        let code = self.currency.to_ascii_uppercase();
        if ZERO_DECIMAL.contains(&self.currency.as_str()) {
            format!("{} {code}", self.amount)
        } else {
            format!("{}.{:02} {code}", self.amount / 100, self.amount % 100)
        }
    }
}

/// Stripe's zero-decimal currencies (its "Supported currencies" page): their minor unit is the
/// whole unit.
const ZERO_DECIMAL: &[&str] = &[
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

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
    fn presentments_are_strict_about_their_currency_and_amount() {
        assert_eq!(
            Presentment::new("eur", 4620),
            Some(Presentment {
                currency: "eur".into(),
                amount: 4620
            })
        );
        for bad in ["EUR", "Eur", "eu", "euro", "e1r", "", "€ur"] {
            assert_eq!(Presentment::new(bad, 100), None, "{bad:?}");
        }
        assert_eq!(Presentment::new("eur", -1), None);
        assert_eq!(Presentment::new("eur", (1 << 53) + 1), None);
        assert!(Presentment::new("eur", 0).is_some());
    }

    #[test]
    fn presentments_read_in_their_own_units() {
        let p = |c: &str, a| Presentment::new(c, a).map(|p| p.display());
        assert_eq!(p("eur", 4620).as_deref(), Some("46.20 EUR"));
        assert_eq!(p("aud", 5).as_deref(), Some("0.05 AUD"));
        assert_eq!(p("jpy", 7300).as_deref(), Some("7300 JPY"));
    }

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
