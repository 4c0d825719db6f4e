//! Passwords: what a new one must be, and how a hash of one is stored.
//!
//! The hash itself is the worker's (`crypto::hash_password`: PBKDF2-HMAC-SHA256 in Web
//! Crypto, native in workerd); so is the look-up in the list of common passwords
//! (`common_passwords`, seeded by migration 0004), keyed by [`common_key`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The shortest password accepted, in characters (Unicode scalar values).
pub const MIN_CHARS: usize = 12;
/// The longest, in bytes: PBKDF2 hashes anything, but there is no reason to hash a megabyte.
pub const MAX_BYTES: usize = 1024;

/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    /// It contains the account's name.
    ContainsName,
}

/// A new password for the account `name`: long enough, not absurdly long, and not built on
/// the name (of 3 characters or more, compared in lowercase). Whether it is a common
/// password is the worker's question to D1.
pub fn check(password: &str, name: &str) -> Result<(), PasswordProblem> {
    if password.len() > MAX_BYTES {
        return Err(PasswordProblem::TooLong);
    }
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    let name = name.trim().to_lowercase();
    if name.chars().count() >= 3 && password.to_lowercase().contains(&name) {
        return Err(PasswordProblem::ContainsName);
    }
    Ok(())
}

/// What is looked up in `common_passwords`: the password trimmed and lowercased, as the
/// list was when it was seeded.
pub fn common_key(password: &str) -> String {
    password.trim().to_lowercase()
}

/// PBKDF2 iterations per `deriveBits` call: production workerd refuses more in one call.
pub const PER_CALL_ITERATIONS: u32 = 100_000;
/// Calls chained, each on the previous one's output: 600,000 iterations in all, OWASP's
/// figure for PBKDF2-HMAC-SHA256.
pub const CALLS: u32 = 6;
/// Bytes of a new salt.
pub const SALT_BYTES: usize = 16;

/// The most calls a stored hash may ask for: a row cannot make a sign-in take minutes.
const MAX_CALLS: u32 = 20;
/// Salts read back are at least and at most this long.
const SALT_RANGE: std::ops::RangeInclusive<usize> = 8..=64;

/// A password hash as stored in `accounts.password_hash`, with what made it, so that the
/// parameters can grow without invalidating older hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredHash {
    /// PBKDF2 iterations of each call.
    pub iterations: u32,
    /// Calls chained.
    pub calls: u32,
    pub salt: Vec<u8>,
    pub hash: [u8; 32],
}

/// A count written as the encoder writes it: digits only, no sign, no leading zero.
fn parse_count(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl StoredHash {
    /// `pbkdf2-sha256$<iterations per call>$<calls>$<salt>$<hash>`, salt and hash in
    /// standard base64 with padding.
    pub fn encode(&self) -> String {
        format!(
            "pbkdf2-sha256${}${}${}${}",
            self.iterations,
            self.calls,
            STANDARD.encode(&self.salt),
            STANDARD.encode(self.hash)
        )
    }

    /// The stored form read back, strictly: exactly what [`encode`](Self::encode) writes,
    /// with at most [`PER_CALL_ITERATIONS`] per call and 20 calls, a salt of 8 to 64 bytes
    /// and a 32-byte hash. Anything else is `None` (the account cannot sign in until its
    /// password is set again), never a guess.
    pub fn decode(s: &str) -> Option<StoredHash> {
        if s.len() > 256 {
            return None;
        }
        let mut parts = s.split('$');
        let (Some("pbkdf2-sha256"), Some(i), Some(c), Some(salt), Some(hash), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let iterations = parse_count(i).filter(|i| *i <= PER_CALL_ITERATIONS)?;
        let calls = parse_count(c).filter(|c| *c <= MAX_CALLS)?;
        let salt = STANDARD
            .decode(salt)
            .ok()
            .filter(|s| SALT_RANGE.contains(&s.len()))?;
        let hash: [u8; 32] = STANDARD.decode(hash).ok()?.try_into().ok()?;
        let stored = StoredHash {
            iterations,
            calls,
            salt,
            hash,
        };
        // Base64 has more than one spelling of some bytes; only ours is read.
        (stored.encode() == s).then_some(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_long_enough_and_not_too_long() {
        assert_eq!(check("", "sokha"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check("elevenchars", "sokha"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(check("twelve chars", "sokha"), Ok(()));
        // Characters, not bytes: 11 Khmer code points are 33 bytes and still too short.
        assert_eq!(
            check(&"ក".repeat(11), "sokha"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(check(&"ក".repeat(12), "sokha"), Ok(()));
        assert_eq!(check(&"a".repeat(MAX_BYTES), "sokha"), Ok(()));
        assert_eq!(
            check(&"a".repeat(MAX_BYTES + 1), "sokha"),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check(&"ក".repeat(342), "sokha"),
            Err(PasswordProblem::TooLong)
        );
    }

    #[test]
    fn a_password_must_not_contain_the_name() {
        assert_eq!(
            check("my name is Sokha!!", "sokha"),
            Err(PasswordProblem::ContainsName)
        );
        assert_eq!(
            check("my name is SOKHA!!", " Sokha "),
            Err(PasswordProblem::ContainsName)
        );
        assert_eq!(
            check("ស្រីមុំ is my name", "ស្រីមុំ"),
            Err(PasswordProblem::ContainsName)
        );
        // A name of one or two characters is in too many passwords to mean anything.
        assert_eq!(check("a long passphrase", "ph"), Ok(()));
        assert_eq!(check("a long passphrase", ""), Ok(()));
        assert_eq!(check("a long pass phrase", "sok"), Ok(()));
        assert_eq!(
            check("a long sok phrase", "sok"),
            Err(PasswordProblem::ContainsName)
        );
    }

    #[test]
    fn the_common_key_is_trimmed_and_lowercase() {
        assert_eq!(common_key("  Password1234 "), "password1234");
        assert_eq!(common_key("ÉCOLE"), "école");
    }

    fn sample() -> StoredHash {
        StoredHash {
            iterations: PER_CALL_ITERATIONS,
            calls: CALLS,
            salt: (0..SALT_BYTES as u8).collect(),
            hash: [0xab; 32],
        }
    }

    #[test]
    fn stored_hashes_round_trip() {
        let h = sample();
        let s = h.encode();
        assert_eq!(
            s,
            "pbkdf2-sha256$100000$6$AAECAwQFBgcICQoLDA0ODw==$q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="
        );
        assert_eq!(StoredHash::decode(&s), Some(h));
    }

    #[test]
    fn stored_hashes_are_read_strictly() {
        let good = sample().encode();
        let bad = [
            String::new(),
            "pbkdf2-sha256".into(),
            good.replace("pbkdf2-sha256", "pbkdf2-sha512"),
            good.replace("$100000$", "$100001$"),
            good.replace("$100000$", "$0100000$"),
            good.replace("$100000$", "$+100000$"),
            good.replace("$100000$", "$0$"),
            good.replace("$6$", "$21$"),
            good.replace("$6$", "$0$"),
            good.replace("$6$", "$$"),
            good.replace("==", ""),
            good.replace("q6s=", "q6s"),
            good.replace("q6s=", "q6t="),
            good.replace("AAECAwQFBgcICQoLDA0ODw==", "AAECAw=="),
            format!("{good}$"),
            format!("{good} "),
            good.replace('$', "$$"),
            "pbkdf2-sha256$1$1$AAAAAAAAAAA=$AAAA".into(),
        ];
        for s in bad {
            assert_eq!(StoredHash::decode(&s), None, "{s}");
        }
        let mut h = sample();
        h.calls = 20;
        h.iterations = 1;
        assert_eq!(StoredHash::decode(&h.encode()), Some(h));
    }
}
