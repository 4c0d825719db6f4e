//! The headers every response carries, built once per isolate.
//!
//! The CSP allows no script at all (`connect-src 'self'` only lets tools such as Lighthouse fetch
//! `/robots.txt` from the page's context), the inline stylesheet only by its hash, and forms to post
//! to this site and to the payment provider's checkout (Chromium applies `form-action` to the
//! redirect that follows a post).

use crate::content::CSS_HASH;
use std::sync::OnceLock;

pub const CHECKOUT_ORIGIN: &str = "https://checkout.stripe.com";

pub fn content_security_policy() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'none'; style-src '{CSS_HASH}'; img-src 'self' data:; connect-src 'self'; form-action 'self' {CHECKOUT_ORIGIN}; \
             frame-ancestors 'none'; base-uri 'none'"
        )
    })
}

/// The progress badge's CSP (`/badge.svg`), which the handler sets in place of the page's: an
/// image that loads nothing, runs nothing and styles itself with presentation attributes only,
/// so opened directly it is as inert as inside another site's `<img>`.
pub const BADGE_CSP: &str =
    "default-src 'none'; style-src 'none'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox";

/// `(name, value)` pairs set on every response.
pub fn headers() -> [(&'static str, &'static str); 5] {
    [
        ("Content-Security-Policy", content_security_policy()),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_forbids_inline_script_and_frames() {
        let csp = content_security_policy();
        assert!(!csp.contains("unsafe-inline") && !csp.contains('*'));
        assert!(csp.contains("default-src 'none'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("form-action 'self' https://checkout.stripe.com"));
        assert!(csp.contains(CSS_HASH));
    }

    #[test]
    fn the_badge_loads_nothing_and_allows_no_style() {
        assert!(BADGE_CSP.starts_with("default-src 'none';"));
        assert!(BADGE_CSP.contains("style-src 'none'"));
        assert!(!BADGE_CSP.contains("unsafe") && !BADGE_CSP.contains('*'));
    }
}
