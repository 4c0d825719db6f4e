//! Maintainers' accounts: a name, a password (a slow hash), a required TOTP second factor,
//! recovery codes, roles, and an audit trail of what each account did.
//!
//! Pure like the rest of `app`: time and randomness are passed in, the worker does the I/O
//! and the Web Crypto calls (`worker/edge/src/crypto.rs`: PBKDF2 and AES-GCM, native in workerd).

pub mod audit;
pub mod password;
pub mod qr;
pub mod recovery;
pub mod roles;
pub mod status;
pub mod totp;

/// How long an invitation stays good: 48 hours from when it was made.
pub const INVITE_SECS: i64 = 48 * 3600;

/// An invitation token as it appears in its link: 32 lowercase hex digits (16 random bytes).
pub fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_lowercase_hex_digits() {
        assert!(is_token(&crate::keys::hex(&[0xab; 16])));
        assert!(is_token("0123456789abcdef0123456789abcdef"));
        assert!(!is_token("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_token("0123456789abcdef0123456789abcde"));
        assert!(!is_token("0123456789abcdef0123456789abcdef0"));
        assert!(!is_token("0123456789abcdeg0123456789abcdef"));
        assert!(!is_token(""));
        assert!(!is_token("០123456789abcdef0123456789abcde"));
    }
}
