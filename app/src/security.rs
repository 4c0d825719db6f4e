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
}
