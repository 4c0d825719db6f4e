//! Recovery codes: eight one-time codes shown once at enrolment, each of which stands in for
//! the second factor when the phone is lost. The worker stores only their keyed hashes
//! (`keys::token_hash` with the `RecoveryCode` key) of the [`normalise`]d form.

/// Codes made at enrolment.
pub const COUNT: usize = 8;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A code from 10 random bytes (80 bits): 16 lowercase base32 characters, shown in groups
/// of four, `xxxx-xxxx-xxxx-xxxx`.
pub fn code(random: [u8; 10]) -> String {
    let mut out = String::with_capacity(19);
    let (mut buffer, mut bits, mut n) = (0u32, 0u32, 0);
    for byte in random {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            if n > 0 && n % 4 == 0 {
                out.push('-');
            }
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
            n += 1;
        }
        buffer &= (1 << bits) - 1;
    }
    out
}

/// A code as typed, in the form that is hashed: spaces and dashes dropped, lowercase; `None`
/// unless that is 16 base32 characters.
pub fn normalise(typed: &str) -> Option<String> {
    if typed.len() > 64 {
        return None;
    }
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (s.len() == 16 && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_four_groups_of_four() {
        assert_eq!(code([0; 10]), "aaaa-aaaa-aaaa-aaaa");
        assert_eq!(code([0xff; 10]), "7777-7777-7777-7777");
        // "foobarbaz!" in RFC 4648 base32 is MZXW6YTBOJRGC6RB.
        assert_eq!(code(*b"foobarbaz!"), "mzxw-6ytb-ojrg-c6rb");
        assert_ne!(code([1; 10]), code([2; 10]));
    }

    #[test]
    fn typed_codes_are_normalised() {
        let c = code(*b"foobarbaz!");
        assert_eq!(normalise(&c).as_deref(), Some("mzxw6ytbojrgc6rb"));
        assert_eq!(
            normalise("MZXW 6YTB OJRG C6RB").as_deref(),
            Some("mzxw6ytbojrgc6rb")
        );
        assert_eq!(
            normalise(" mzxw6ytbojrgc6rb\n").as_deref(),
            Some("mzxw6ytbojrgc6rb")
        );
        for bad in [
            "",
            "mzxw-6ytb-ojrg-c6r",
            "mzxw-6ytb-ojrg-c6rbb",
            "mzxw-6ytb-ojrg-c6r1",
            "mzxw-6ytb-ojrg-c6r0",
            "mzxw_6ytb_ojrg_c6rb",
            "mzxw-6ytb-ojrg-c6rб",
            "ｍzxw-6ytb-ojrg-c6rb",
        ] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
        assert_eq!(
            normalise(&format!("{}mzxw6ytbojrgc6rb", "-".repeat(100))),
            None
        );
    }
}
