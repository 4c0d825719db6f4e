//! One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238), as authenticator apps compute them,
//! and the `otpauth://` URI that enrols a secret in one.
//!
//! What an account accepts is fixed: SHA-1, 6 digits, 30-second steps (what every app
//! supports). The other hashes and lengths exist for the RFCs' test vectors.

use hmac::{Hmac, Mac};

/// The hash under the HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

/// Seconds a code lasts.
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret (160 bits, RFC 4226 §4's recommendation).
pub const SECRET_BYTES: usize = 20;

/// A typed code longer than this (bytes, spaces included) is refused before it is read.
const TYPED_MAX_BYTES: usize = 64;

fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length, so this never fails; without a key there is no code,
    // and an empty code matches nothing typed.
    let Ok(mut m) = <M as Mac>::new_from_slice(key) else {
        return Vec::new();
    };
    m.update(message);
    m.finalize().into_bytes().to_vec()
}

/// The HOTP value of `secret` at counter `step` (RFC 4226 §5.3: dynamic truncation), as
/// `digits` decimal digits, zero-padded. `digits` is at most 10 (a 31-bit value has 10).
pub fn code(secret: &[u8], step: u64, alg: Algorithm, digits: u32) -> String {
    let counter = step.to_be_bytes();
    let h = match alg {
        Algorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(secret, &counter),
        Algorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(secret, &counter),
        Algorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(secret, &counter),
    };
    let Some(&last) = h.last() else {
        return String::new();
    };
    let offset = usize::from(last & 0x0f);
    let Some(four) = h.get(offset..offset + 4) else {
        return String::new();
    };
    let binary = u64::from(u32::from_be_bytes([
        four[0] & 0x7f,
        four[1],
        four[2],
        four[3],
    ]));
    let digits = digits.min(10);
    let value = binary % 10u64.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The TOTP step a moment falls in (RFC 6238 §4, T0 = 0). Moments before 1970 are step 0.
pub fn step_at(unix: i64) -> u64 {
    u64::try_from(unix.div_euclid(STEP_SECS)).unwrap_or(0)
}

/// The code as typed, as 6 ASCII digits: spaces anywhere dropped, Khmer digits read as
/// digits. `None` for anything else.
fn typed_digits(typed: &str) -> Option<String> {
    if typed.len() > TYPED_MAX_BYTES {
        return None;
    }
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let latin = crate::form::latin_digits(&compact);
    (latin.len() == DIGITS as usize && latin.bytes().all(|b| b.is_ascii_digit()))
        .then(|| latin.into_owned())
}

/// Checks a typed code against `secret` at `now`: a 6-digit SHA-1 code of the step before,
/// the step of, or the step after `now` (a clock a little off, a code typed as it changed),
/// and only of a step **after `last_step`**, the one last accepted, so that no code is
/// accepted twice. The step it matched, which the worker stores with a statement that also
/// refuses it unless it is still greater than what is stored (two sign-ins racing with the
/// same code: one wins). Every candidate is compared, in constant time.
pub fn verify(secret: &[u8], typed: &str, now: i64, last_step: u64) -> Option<u64> {
    let typed = typed_digits(typed)?;
    let current = step_at(now);
    let candidates = [
        current.checked_sub(1),
        Some(current),
        current.checked_add(1),
    ];
    let mut matched = None;
    for step in candidates.into_iter().flatten() {
        let expected = code(secret, step, Algorithm::Sha1, DIGITS);
        let equal = crate::keys::constant_time_eq(expected.as_bytes(), typed.as_bytes());
        if equal && step > last_step {
            matched = Some(step);
        }
    }
    matched
}

/// RFC 4648 base32, uppercase, without padding: how authenticator apps take a secret.
pub fn base32(secret: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(secret.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in secret {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URI an authenticator app enrols (Google Authenticator's Key Uri Format), with the
/// parameters spelled out so that no app guesses: SHA-1, 6 digits, 30 seconds.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent_encode(account),
        base32(secret)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED1: &[u8] = b"12345678901234567890";
    const SEED256: &[u8] = b"12345678901234567890123456789012";
    const SEED512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 6238 Appendix B: every row.
    #[test]
    fn totp_passes_rfc_6238_appendix_b() {
        let rows: [(i64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in rows {
            let step = step_at(time);
            assert_eq!(
                code(SEED1, step, Algorithm::Sha1, 8),
                sha1,
                "SHA-1 at {time}"
            );
            assert_eq!(
                code(SEED256, step, Algorithm::Sha256, 8),
                sha256,
                "SHA-256 at {time}"
            );
            assert_eq!(
                code(SEED512, step, Algorithm::Sha512, 8),
                sha512,
                "SHA-512 at {time}"
            );
        }
        assert_eq!(step_at(1111111109), 0x23523EC);
        assert_eq!(step_at(20000000000), 0x27BC86AA);
    }

    /// RFC 4226 Appendix D: HOTP values for counters 0 to 9.
    #[test]
    fn hotp_passes_rfc_4226_appendix_d() {
        let want = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, want) in want.iter().enumerate() {
            assert_eq!(
                code(SEED1, counter as u64, Algorithm::Sha1, 6),
                *want,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn codes_are_zero_padded() {
        // RFC 6238's 1111111109 row: its 6-digit code begins with a zero.
        assert_eq!(
            code(SEED1, step_at(1111111109), Algorithm::Sha1, 6),
            "081804"
        );
        assert_eq!(code(SEED1, 0, Algorithm::Sha1, 0), "0");
        assert_eq!(code(SEED1, 0, Algorithm::Sha1, 99).len(), 10);
    }

    #[test]
    fn steps_before_1970_are_zero() {
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(29), 0);
        assert_eq!(step_at(30), 1);
        assert_eq!(step_at(-1), 0);
        assert_eq!(step_at(i64::MIN), 0);
        assert_eq!(step_at(i64::MAX), (i64::MAX / 30) as u64);
    }

    #[test]
    fn the_step_before_now_and_after_are_accepted() {
        let now = 1_234_567_890;
        let s = step_at(now);
        for step in [s - 1, s, s + 1] {
            let typed = code(SEED1, step, Algorithm::Sha1, 6);
            assert_eq!(verify(SEED1, &typed, now, 0), Some(step), "step {step}");
        }
        for step in [s - 2, s + 2] {
            let typed = code(SEED1, step, Algorithm::Sha1, 6);
            assert_eq!(verify(SEED1, &typed, now, 0), None, "step {step}");
        }
        // Another secret's code is not this one's.
        let other = code(b"another secret......", s, Algorithm::Sha1, 6);
        if other != code(SEED1, s, Algorithm::Sha1, 6) {
            assert_eq!(verify(SEED1, &other, now, 0), None);
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_never_an_older_one() {
        let now = 1_234_567_890;
        let s = step_at(now);
        let current = code(SEED1, s, Algorithm::Sha1, 6);
        assert_eq!(verify(SEED1, &current, now, s - 1), Some(s));
        // Once stored, the same code again is refused...
        assert_eq!(verify(SEED1, &current, now, s), None);
        // ...and so is the previous step's, still within the window.
        let previous = code(SEED1, s - 1, Algorithm::Sha1, 6);
        assert_eq!(verify(SEED1, &previous, now, s), None);
        // The next step's is still good.
        let next = code(SEED1, s + 1, Algorithm::Sha1, 6);
        assert_eq!(verify(SEED1, &next, now, s), Some(s + 1));
        assert_eq!(verify(SEED1, &next, now, s + 1), None);
        assert_eq!(verify(SEED1, &current, now, u64::MAX), None);
    }

    #[test]
    fn codes_are_read_with_spaces_and_khmer_digits() {
        let now = 59;
        let want = Some(step_at(now));
        // 94287082's last six digits.
        assert_eq!(verify(SEED1, "287082", now, 0), want);
        assert_eq!(verify(SEED1, " 287 082 ", now, 0), want);
        assert_eq!(verify(SEED1, "2 8 7 0 8 2", now, 0), want);
        assert_eq!(verify(SEED1, "២៨៧០៨២", now, 0), want);
        assert_eq!(verify(SEED1, "២៨៧ 082", now, 0), want);
        assert_eq!(verify(SEED1, "287\u{a0}082", now, 0), want);
    }

    #[test]
    fn malformed_codes_are_refused() {
        let now = 59;
        for typed in [
            "",
            " ",
            "28708",
            "2870820",
            "28708a",
            "+87082",
            "-87082",
            "287-082",
            "２８７０８２",
            "287082\u{0}",
            "94287082",
            "२८७०८२",
        ] {
            assert_eq!(verify(SEED1, typed, now, 0), None, "{typed:?}");
        }
        let long = format!("{}287082", " ".repeat(100));
        assert_eq!(verify(SEED1, &long, now, 0), None);
        assert_eq!(verify(b"", "287082", now, 0), None);
        // Any secret, any moment: no panic.
        assert_eq!(
            verify(b"", &code(b"", 1, Algorithm::Sha1, 6), 30, 0),
            Some(1)
        );
        // Step 0 is never accepted: it is what a new account has stored.
        assert_eq!(verify(b"", &code(b"", 0, Algorithm::Sha1, 6), 0, 0), None);
        let _ = verify(SEED1, "000000", i64::MIN, u64::MAX);
        let _ = verify(SEED1, "000000", i64::MAX, 0);
    }

    #[test]
    fn base32_follows_rfc_4648() {
        // RFC 4648 §10, without padding.
        for (input, want) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(input.as_bytes()), want, "{input:?}");
        }
        assert_eq!(base32(SEED1), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32(&[0xff; 5]), "77777777");
        assert_eq!(base32(&[0; SECRET_BYTES]).len(), 32);
    }

    #[test]
    fn the_otpauth_uri_names_everything() {
        assert_eq!(
            otpauth_uri("Women Lead KH", "sokha@campaign", SEED1),
            "otpauth://totp/Women%20Lead%20KH:sokha%40campaign?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Women%20Lead%20KH&algorithm=SHA1&digits=6&period=30"
        );
        let khmer = otpauth_uri("ស្ត្រី", "a:b&c", b"x");
        assert!(khmer.starts_with("otpauth://totp/%E1%9E%9F"), "{khmer}");
        assert!(khmer.contains(":a%3Ab%26c?secret=PA&"), "{khmer}");
    }
}
