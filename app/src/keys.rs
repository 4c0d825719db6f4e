//! One secret, many keys: every purpose gets its own key, derived from `SITE_SECRET` with
//! HMAC-SHA256 and a label, so no key serves two purposes and maintainers manage one secret.
//!
//! Also the two things those keys are for here: keyed hashes of visitors' IPs (the raw IP is
//! never stored) and signed form tokens (a form posted too fast or too late is refused).
//!
//! This is also where the site's two primitives live, so there is one of each: the HMAC-SHA256
//! constructor every MAC starts from ([`hmac_sha256`], webhook signatures included) and the
//! lowercase hex every id, token and tag is written in ([`hex`]).

use hmac::digest::{Key as BlockKey, KeyInit};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// HMAC with SHA-256, the site's one MAC.
pub type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed with any bytes, without a fallible constructor: a key longer than the
/// block is hashed first and a shorter one zero-padded, exactly as `new_from_slice` does
/// (HMAC, RFC 2104 §2), whose error path HMAC never takes but which would otherwise need an
/// `unwrap`. Every MAC of the site (keys, tokens, webhook signatures) starts here.
pub fn hmac_sha256(key: &[u8]) -> HmacSha256 {
    let mut block = BlockKey::<HmacSha256>::default();
    if key.len() > block.len() {
        block
            .iter_mut()
            .zip(Sha256::digest(key))
            .for_each(|(b, k)| *b = k);
    } else {
        block.iter_mut().zip(key).for_each(|(b, k)| *b = *k);
    }
    <HmacSha256 as KeyInit>::new(&block)
}

/// The purposes keys are derived for. Adding one is adding a label, never reusing one; a
/// label, once used, never changes (every stored IP hash and sealed cookie depends on it).
/// The admin area's CSRF token needs no key: it is random and stored with the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    FormToken,
    IpHash,
    HeldCookie,
    /// The AES-256-GCM key that seals TOTP secrets in D1 (`accounts.totp_secret`).
    TotpSecret,
    /// Keys the hashes of recovery codes ([`token_hash`]).
    RecoveryCode,
    /// Keys the hashes of invitation tokens ([`token_hash`]).
    InviteToken,
    /// Signs the donor's eligibility attestation the monthly step carries (#28 §2,
    /// [`attestation`]).
    UpsellAttestation,
    /// Signs the maintainers' device cookies (`admin::device`, #27).
    AdminDevice,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::FormToken => "campaign-site/v1/form-token",
            Purpose::IpHash => "campaign-site/v1/ip-hash",
            Purpose::HeldCookie => "campaign-site/v1/held-comments-cookie",
            Purpose::TotpSecret => "campaign-site/v1/totp-secret",
            Purpose::RecoveryCode => "campaign-site/v1/recovery-code",
            Purpose::InviteToken => "campaign-site/v1/invite-token",
            Purpose::AdminDevice => "campaign-site/v1/admin-device-cookie",
            Purpose::UpsellAttestation => "campaign-site/v1/upsell-attestation",
        }
    }
}

/// A key derived for one purpose.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl Key {
    pub fn derive(site_secret: &str, purpose: Purpose) -> Key {
        Key(mac(site_secret.as_bytes(), &[purpose.label().as_bytes()]))
    }

    /// The key's bytes, for a cipher outside this crate (the worker's AES-GCM, in Web Crypto,
    /// with the [`Purpose::TotpSecret`] key). Never for anything else.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn sign(&self, parts: &[&[u8]]) -> [u8; 32] {
        mac(&self.0, parts)
    }

    fn verify(&self, parts: &[&[u8]], tag_hex: &str) -> bool {
        let Ok(tag) = ::hex::decode(tag_hex) else {
            return false;
        };
        let mut m = hmac_sha256(&self.0);
        for p in parts {
            m.update(p);
        }
        m.verify_slice(&tag).is_ok()
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = hmac_sha256(key);
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// Lowercase hex, two digits a byte: how every id, nonce, hash and tag of the site is written.
pub fn hex(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// A visitor's IP as stored: 128 bits of a keyed hash, never the address.
pub fn ip_hash(key: &Key, ip: &str) -> String {
    hex(&key.sign(&[ip.as_bytes()])[..16])
}

/// A secret token as stored (a recovery code, normalised; an invitation's token): the hex
/// of its full HMAC under `key`, so that a copy of the database opens no account.
pub fn token_hash(key: &Key, token: &str) -> String {
    hex(&key.sign(&[token.as_bytes()]))
}

/// A form a person types into must be posted at least this long after it was served (bots
/// are faster)...
pub const TOKEN_MIN_AGE_SECS: i64 = 3;
/// ...and at most this long after. A used token's nonce is remembered this long.
pub const TOKEN_MAX_AGE_SECS: i64 = 24 * 60 * 60;

/// The visitor forms that carry a form token. Its name is signed into the token, so a token
/// of one form is refused by another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The campaign page's comment form.
    Comment,
    /// The campaign page's offer of help.
    Volunteer,
    /// "Yes, stop my monthly gift", on the pledge's stop page.
    PledgeStop,
    /// "Yes, erase my name, email and note", on the pledge's erase page.
    PledgeErase,
    /// "Every month" or "Once", on the monthly step after a one-off gift's form (#28 §2).
    PledgeUpsell,
}

/// What a visitor does with a form: it decides how old the form's token is when served
/// ([`issued_at`], the one rule). README, "What the site refuses" lists every form's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Typed into: a person takes seconds, a bot posts at once, so the token is served issued
    /// now and refused until it is [`TOKEN_MIN_AGE_SECS`] old.
    Typed,
    /// One button that confirms what its page shows: there is nothing to type, and a person
    /// may well press at once, so the token is served already [`TOKEN_MIN_AGE_SECS`] old.
    /// It is still signed, accepted once and refused from another site.
    Confirm,
}

impl Form {
    pub const ALL: [Form; 5] = [
        Form::Comment,
        Form::Volunteer,
        Form::PledgeStop,
        Form::PledgeErase,
        Form::PledgeUpsell,
    ];

    /// The name signed into its tokens. Never changed: tokens in open pages carry it.
    pub const fn name(self) -> &'static str {
        match self {
            Form::Comment => "comment",
            Form::Volunteer => "volunteer",
            Form::PledgeStop => "pledge-stop",
            Form::PledgeErase => "pledge-erase",
            Form::PledgeUpsell => "pledge-upsell",
        }
    }

    pub const fn kind(self) -> FormKind {
        match self {
            Form::Comment | Form::Volunteer => FormKind::Typed,
            Form::PledgeStop | Form::PledgeErase | Form::PledgeUpsell => FormKind::Confirm,
        }
    }
}

/// How a page with forms is served, which decides with each form's [`FormKind`] how old its
/// tokens say they are ([`issued_at`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tokens {
    /// As any visitor gets it; also the answer to a post whose token was missing, forged,
    /// too fresh or used, so the minimum age cannot be skipped by posting again.
    #[default]
    Fresh,
    /// The answer to a post whose own token was good (it proved the wait already): the form
    /// drawn again with its problems, or after the rate limit. Every form on it takes an
    /// immediate press.
    Aged,
}

/// When a token of `form`, served `now` on a page served as `tokens`, says it was issued:
/// now for a form typed into on a fresh page, [`TOKEN_MIN_AGE_SECS`] earlier for a form that
/// only confirms or that follows a post whose token was good. The one rule for a token's
/// minimum age; [`check_form_token`] then holds every form to the same window.
pub fn issued_at(form: Form, tokens: Tokens, now: i64) -> i64 {
    match (form.kind(), tokens) {
        (FormKind::Typed, Tokens::Fresh) => now,
        (FormKind::Confirm, _) | (FormKind::Typed, Tokens::Aged) => {
            now.saturating_sub(TOKEN_MIN_AGE_SECS)
        }
    }
}

/// A form token: when the form was served, a random nonce, and for which form, signed:
/// `issued.nonce.tag`. The nonce makes each token single-use (the worker records it when a
/// post presents the token); the signature makes it unforgeable.
pub fn form_token(key: &Key, form: Form, issued_at: i64, nonce: [u8; 16]) -> String {
    let t = issued_at.to_string();
    let n = hex(&nonce);
    format!(
        "{t}.{n}.{}",
        hex(&key.sign(&[
            form.name().as_bytes(),
            b".",
            t.as_bytes(),
            b".",
            n.as_bytes()
        ]))
    )
}

/// The token a page served `now` as `tokens` carries for `form` ([`issued_at`]).
pub fn serve_token(key: &Key, form: Form, tokens: Tokens, now: i64, nonce: [u8; 16]) -> String {
    form_token(key, form, issued_at(form, tokens, now), nonce)
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Forged,
    TooFresh,
    Expired,
    /// Presented before: a token is accepted once.
    Used,
}

/// A token whose signature and age are right; its nonce still has to be unused.
#[derive(Debug, PartialEq, Eq)]
pub struct GoodToken {
    pub nonce: String,
    /// Until when the nonce must be remembered: after that the token is expired anyway.
    pub remember_until: i64,
}

pub fn check_form_token(
    key: &Key,
    form: Form,
    token: &str,
    now: i64,
) -> Result<GoodToken, TokenProblem> {
    let mut parts = token.splitn(3, '.');
    let (Some(t), Some(n), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(TokenProblem::Forged);
    };
    if t.len() > 12
        || n.len() != 32
        || !key.verify(
            &[
                form.name().as_bytes(),
                b".",
                t.as_bytes(),
                b".",
                n.as_bytes(),
            ],
            tag,
        )
    {
        return Err(TokenProblem::Forged);
    }
    let issued: i64 = t.parse().map_err(|_| TokenProblem::Forged)?;
    let age = now.saturating_sub(issued);
    if age < TOKEN_MIN_AGE_SECS {
        Err(TokenProblem::TooFresh)
    } else if age > TOKEN_MAX_AGE_SECS {
        Err(TokenProblem::Expired)
    } else {
        Ok(GoodToken {
            nonce: n.to_string(),
            remember_until: issued.saturating_add(TOKEN_MAX_AGE_SECS),
        })
    }
}

/// The eligibility attestation the monthly step carries (#28 §2): when the donor ticked the
/// box (the first post's time), signed with the [`Purpose::UpsellAttestation`] key and bound
/// to the step's form token (`token`), so it cannot be moved to another answer or dated anew:
/// `at.tag`.
pub fn attestation(key: &Key, token: &str, at: i64) -> String {
    let t = at.to_string();
    let tag = key.sign(&[t.as_bytes(), b".", token_nonce(token).as_bytes()]);
    format!("{t}.{}", hex(&tag[..16]))
}

/// The attestation's time, if it is signed for this `token` and no older than a token may be
/// (never in the future).
pub fn attested_at(key: &Key, token: &str, attestation: &str, now: i64) -> Option<i64> {
    let (t, tag) = attestation.split_once('.')?;
    if t.len() > 12 {
        return None;
    }
    let expected = key.sign(&[t.as_bytes(), b".", token_nonce(token).as_bytes()]);
    if !constant_time_eq(hex(&expected[..16]).as_bytes(), tag.as_bytes()) {
        return None;
    }
    let at: i64 = t.parse().ok()?;
    (at <= now && now.saturating_sub(at) <= TOKEN_MAX_AGE_SECS).then_some(at)
}

/// A form token's nonce (its second part), or nothing.
fn token_nonce(token: &str) -> &str {
    token.split('.').nth(1).unwrap_or("")
}

/// A value signed with a key: `value.tag`. For cookies that must not be forged.
pub fn seal(key: &Key, value: &str) -> String {
    format!("{value}.{}", hex(&key.sign(&[value.as_bytes()])[..16]))
}

/// The value of a sealed string, if its tag is right.
pub fn unseal<'a>(key: &Key, sealed: &'a str) -> Option<&'a str> {
    let (value, tag) = sealed.rsplit_once('.')?;
    let expected = hex(&key.sign(&[value.as_bytes()])[..16]);
    constant_time_eq(expected.as_bytes(), tag.as_bytes()).then_some(value)
}

/// Compares without leaking where the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // Hashing both sides first makes the comparison independent of the lengths too.
    let (ha, hb) = (mac(b"cmp", &[a]), mac(b"cmp", &[b]));
    ha.iter()
        .zip(hb.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_never_change() {
        // Changing one would orphan every IP hash, token and cookie made with the old key.
        assert_eq!(Purpose::FormToken.label(), "campaign-site/v1/form-token");
        assert_eq!(Purpose::IpHash.label(), "campaign-site/v1/ip-hash");
        assert_eq!(
            Purpose::HeldCookie.label(),
            "campaign-site/v1/held-comments-cookie"
        );
        assert_eq!(Purpose::TotpSecret.label(), "campaign-site/v1/totp-secret");
        assert_eq!(
            Purpose::RecoveryCode.label(),
            "campaign-site/v1/recovery-code"
        );
        assert_eq!(
            Purpose::InviteToken.label(),
            "campaign-site/v1/invite-token"
        );
        assert_eq!(
            Purpose::AdminDevice.label(),
            "campaign-site/v1/admin-device-cookie"
        );
    }

    #[test]
    fn token_hashes_are_keyed_full_macs() {
        let k = Key::derive("s", Purpose::RecoveryCode);
        let h = token_hash(&k, "mzxw6ytbojrgc6rb");
        assert_eq!(h.len(), 64);
        assert_eq!(h, token_hash(&k, "mzxw6ytbojrgc6rb"));
        assert_ne!(h, token_hash(&k, "mzxw6ytbojrgc6rc"));
        assert_ne!(
            h,
            token_hash(&Key::derive("s", Purpose::InviteToken), "mzxw6ytbojrgc6rb")
        );
        assert_ne!(Key::derive("s", Purpose::TotpSecret).bytes(), k.bytes());
    }

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }

    #[test]
    fn tags_in_any_other_shape_are_forged() {
        let k = Key::derive("s", Purpose::FormToken);
        let tag = hex(&k.sign(&[b"x"]));
        assert!(k.verify(&[b"x"], &tag));
        assert!(!k.verify(&[b"x"], &tag[1..]));
        assert!(!k.verify(&[b"x"], &format!("{tag}0")));
        assert!(!k.verify(&[b"x"], "é"));
        // The hand-written decoder used `from_str_radix`, which takes a sign: "+f" read as
        // 0x0f, so a tag starting with "0" had a twin. Only hex digits are hex now.
        let (msg, tag) = (0u8..=255)
            .map(|i| ([i], hex(&k.sign(&[&[i]]))))
            .find(|(_, t)| t.starts_with('0'))
            .unwrap();
        assert!(k.verify(&[&msg], &tag));
        assert!(!k.verify(&[&msg], &format!("+{}", &tag[1..])));
    }

    /// RFC 4231 §4.2-4.8, every HMAC-SHA-256 test case: key, data and expected MAC in hex.
    /// Case 5's MAC is truncated to its first 128 bits, as the RFC gives it.
    #[test]
    fn hmac_sha256_passes_rfc_4231() {
        let cases: [(&str, &str, &str); 7] = [
            (
                "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
                "4869205468657265",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                "4a656665",
                "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                "0102030405060708090a0b0c0d0e0f10111213141516171819",
                "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
                "546573742057697468205472756e636174696f6e",
                "a3b6167473100ee06e0c796c2955552b",
            ),
            (
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (i, (key, data, want)) in cases.iter().enumerate() {
            let mut m = hmac_sha256(&::hex::decode(key).unwrap());
            m.update(&::hex::decode(data).unwrap());
            let full = hex(&m.finalize().into_bytes());
            assert_eq!(&full[..want.len()], *want, "RFC 4231 test case {}", i + 1);
        }
    }

    #[test]
    fn hmac_sha256_matches_new_from_slice_for_every_key_length() {
        for len in [0usize, 1, 31, 32, 63, 64, 65, 100, 200] {
            let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut ours = hmac_sha256(&key);
            let mut theirs = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
            ours.update(b"message");
            theirs.update(b"message");
            assert_eq!(
                ours.finalize().into_bytes(),
                theirs.finalize().into_bytes(),
                "key length {len}"
            );
        }
    }

    #[test]
    fn purposes_get_different_keys() {
        let a = Key::derive("s", Purpose::FormToken);
        let b = Key::derive("s", Purpose::IpHash);
        assert_ne!(a.0, b.0);
        assert_ne!(Key::derive("t", Purpose::IpHash).0, b.0);
    }

    #[test]
    fn ip_hashes_are_keyed_and_stable() {
        let k = Key::derive("s", Purpose::IpHash);
        assert_eq!(ip_hash(&k, "203.0.113.7"), ip_hash(&k, "203.0.113.7"));
        assert_ne!(ip_hash(&k, "203.0.113.7"), ip_hash(&k, "203.0.113.8"));
        assert_ne!(
            ip_hash(&k, "203.0.113.7"),
            ip_hash(&Key::derive("other", Purpose::IpHash), "203.0.113.7")
        );
        assert!(!ip_hash(&k, "203.0.113.7").contains("203"));
    }

    #[test]
    fn tokens_have_a_window_a_nonce_and_cannot_be_forged() {
        let k = Key::derive("s", Purpose::FormToken);
        let tok = form_token(&k, Form::Comment, 1000, [7; 16]);
        assert_eq!(
            check_form_token(&k, Form::Comment, &tok, 1002),
            Err(TokenProblem::TooFresh)
        );
        let good = check_form_token(&k, Form::Comment, &tok, 1003).expect("a good token");
        assert_eq!(
            good,
            GoodToken {
                nonce: hex(&[7; 16]),
                remember_until: 1000 + TOKEN_MAX_AGE_SECS
            }
        );
        assert!(check_form_token(&k, Form::Comment, &tok, 1000 + TOKEN_MAX_AGE_SECS).is_ok());
        assert_eq!(
            check_form_token(&k, Form::Comment, &tok, 1001 + TOKEN_MAX_AGE_SECS),
            Err(TokenProblem::Expired)
        );
        assert_eq!(
            check_form_token(&k, Form::Volunteer, &tok, 1010),
            Err(TokenProblem::Forged)
        );
        assert_eq!(
            check_form_token(&k, Form::Comment, "999.abcd", 1010),
            Err(TokenProblem::Forged)
        );
        assert_eq!(
            check_form_token(&k, Form::Comment, "", 1010),
            Err(TokenProblem::Forged)
        );
        assert_eq!(
            check_form_token(&k, Form::Comment, "1.é", 1010),
            Err(TokenProblem::Forged)
        );
        // Another nonce under the same signature is a forgery.
        let swapped = tok.replacen(&hex(&[7; 16]), &hex(&[8; 16]), 1);
        assert_eq!(
            check_form_token(&k, Form::Comment, &swapped, 1010),
            Err(TokenProblem::Forged)
        );
        // Two tokens for the same form and second differ by their nonce.
        assert_ne!(tok, form_token(&k, Form::Comment, 1000, [8; 16]));
        let other = Key::derive("t", Purpose::FormToken);
        assert_eq!(
            check_form_token(&other, Form::Comment, &tok, 1010),
            Err(TokenProblem::Forged)
        );
        assert_eq!(
            check_form_token(&k, Form::Comment, &tok, i64::MIN),
            Err(TokenProblem::TooFresh)
        );
    }

    /// The one rule: a typed form's token on a fresh page waits the minimum age; a confirming
    /// form's, or any form's after a post with a good token, is old enough at once; and every
    /// token is still held to the same window and signature.
    #[test]
    fn typed_forms_wait_and_confirming_forms_take_an_immediate_press() {
        let k = Key::derive("s", Purpose::FormToken);
        let now = 5000;
        for form in Form::ALL {
            for tokens in [Tokens::Fresh, Tokens::Aged] {
                let tok = serve_token(&k, form, tokens, now, [1; 16]);
                let at_once = check_form_token(&k, form, &tok, now);
                let waits = form.kind() == FormKind::Typed && tokens == Tokens::Fresh;
                assert_eq!(
                    at_once.is_err(),
                    waits,
                    "{form:?} served {tokens:?}, sent at once: {at_once:?}"
                );
                if waits {
                    assert_eq!(at_once, Err(TokenProblem::TooFresh));
                    assert!(check_form_token(&k, form, &tok, now + TOKEN_MIN_AGE_SECS).is_ok());
                }
                let latest = issued_at(form, tokens, now) + TOKEN_MAX_AGE_SECS;
                assert!(check_form_token(&k, form, &tok, latest).is_ok());
                assert_eq!(
                    check_form_token(&k, form, &tok, latest + 1),
                    Err(TokenProblem::Expired)
                );
            }
        }
        assert_eq!(Form::PledgeStop.kind(), FormKind::Confirm);
        assert_eq!(Form::PledgeErase.kind(), FormKind::Confirm);
        assert_eq!(Form::PledgeUpsell.kind(), FormKind::Confirm);
        assert_eq!(Form::Comment.kind(), FormKind::Typed);
        assert_eq!(Form::Volunteer.kind(), FormKind::Typed);
        // Names are signed into open pages' tokens: they never change.
        let names: Vec<&str> = Form::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            [
                "comment",
                "volunteer",
                "pledge-stop",
                "pledge-erase",
                "pledge-upsell"
            ]
        );
        // A stop token is no comment token.
        let stop = serve_token(&k, Form::PledgeStop, Tokens::Fresh, now, [2; 16]);
        assert_eq!(
            check_form_token(&k, Form::Comment, &stop, now),
            Err(TokenProblem::Forged)
        );
    }

    #[test]
    fn sealed_values_round_trip_and_reject_tampering() {
        let k = Key::derive("s", Purpose::HeldCookie);
        let s = seal(&k, "1-2-3");
        assert_eq!(unseal(&k, &s), Some("1-2-3"));
        assert_eq!(unseal(&k, &s.replace("1-2", "1-9")), None);
        assert_eq!(unseal(&k, "nodot"), None);
    }

    #[test]
    fn an_attestation_keeps_its_time_only_with_its_own_token() {
        let k = Key::derive("s", Purpose::UpsellAttestation);
        let tok = form_token(&k, Form::PledgeUpsell, 997, [3; 16]);
        let other = form_token(&k, Form::PledgeUpsell, 997, [4; 16]);
        let a = attestation(&k, &tok, 1000);
        assert_eq!(attested_at(&k, &tok, &a, 1000), Some(1000));
        assert_eq!(
            attested_at(&k, &tok, &a, 1000 + TOKEN_MAX_AGE_SECS),
            Some(1000)
        );
        assert_eq!(attested_at(&k, &tok, &a, 1001 + TOKEN_MAX_AGE_SECS), None);
        assert_eq!(attested_at(&k, &tok, &a, 999), None, "never in the future");
        assert_eq!(
            attested_at(&k, &other, &a, 1000),
            None,
            "bound to its token"
        );
        let (_, tag) = a.split_once('.').expect("at.tag");
        assert_eq!(attested_at(&k, &tok, &format!("1001.{tag}"), 1002), None);
        let elsewhere = Key::derive("s", Purpose::FormToken);
        assert_eq!(attested_at(&elsewhere, &tok, &a, 1000), None);
        assert_eq!(attested_at(&k, &tok, "", 1000), None);
        assert_eq!(attested_at(&k, &tok, "1000", 1000), None);
    }
}
