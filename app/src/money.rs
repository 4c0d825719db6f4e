//! Money as whole cents in one type, so a dollar amount is never a float.

use std::fmt;

/// An amount in US cents. Signed, so that "raised minus refunded" cannot wrap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Cents(pub i64);

/// The largest gift the site takes, in whole dollars: the form's maximum, and the bound every
/// counted amount and every aggregate keeps to (so no stored row can overflow a `SUM`).
pub const MAX_GIFT_DOLLARS: i64 = 100_000;
/// [`MAX_GIFT_DOLLARS`] in cents.
pub const MAX_GIFT_CENTS: i64 = MAX_GIFT_DOLLARS * 100;

impl Cents {
    pub fn from_dollars(dollars: i64) -> Cents {
        Cents(dollars.saturating_mul(100))
    }
}

/// `US$1,250` for whole dollars, `US$12.50` otherwise.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (dollars, cents) = (abs / 100, abs % 100);
        write!(f, "{sign}US$")?;
        let digits = dollars.to_string();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                f.write_str(",")?;
            }
            write!(f, "{ch}")?;
        }
        if cents != 0 {
            write!(f, ".{cents:02}")?;
        }
        Ok(())
    }
}

/// Whole numbers with thousands separators (`12,345`), for counters.
pub fn group(n: i64) -> String {
    let s = Cents(n.saturating_mul(100)).to_string();
    s.trim_start_matches("US$").replace("-US$", "-")
}

/// `1234.50`: an amount as plain decimal digits, for a spreadsheet (which sums them) and for a
/// currency other than the dollar (`12.50 EUR`). No grouping, no currency sign.
pub fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dollars_and_cents() {
        assert_eq!(Cents(5000).to_string(), "US$50");
        assert_eq!(Cents(35000).to_string(), "US$350");
        assert_eq!(Cents(1250).to_string(), "US$12.50");
        assert_eq!(Cents(100_000_000).to_string(), "US$1,000,000");
        assert_eq!(Cents(0).to_string(), "US$0");
        assert_eq!(Cents(-105).to_string(), "-US$1.05");
        assert_eq!(Cents::from_dollars(100_000), Cents(10_000_000));
    }

    #[test]
    fn plain_decimals() {
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(-105), "-1.05");
        assert_eq!(decimal(123_450), "1234.50");
        assert_eq!(decimal(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn groups_counters() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1234567), "1,234,567");
    }
}
