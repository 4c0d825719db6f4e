//! Strings from outside, made safe to log and to store as a label.
//!
//! A webhook's event type, an id or any other string a provider or visitor chooses ends up in
//! `console.log` lines and in D1 columns that maintainers read. Written raw, a line feed in it
//! starts a new log line that can pose as the platform's own (`\n[wrangler:info] ...`), an ESC
//! recolours a terminal, U+2028 breaks a line in JavaScript-based viewers, and a megabyte of it
//! fills the log. [`clean`] makes such a string one bounded line, and costs nothing (borrows)
//! when the string was fine, which is almost always.

use std::borrow::Cow;

/// The cap, in characters, for provider strings (event types and the like) that are logged
/// and stored. Real ones are far shorter, so whatever is longer is junk and [`clean`] cuts it.
pub const MAX_PROVIDER_STR: usize = 100;

/// Whether `c` is escaped: every control character (C0, DEL, C1) and the Unicode line and
/// paragraph separators U+2028 and U+2029.
fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// How many characters `c` takes in the output.
fn width(c: char) -> usize {
    if needs_escape(c) {
        c.escape_unicode().len()
    } else {
        1
    }
}

/// `s` as one line of at most `max_chars` characters.
///
/// Each character [`needs_escape`] is written as Rust's `char::escape_unicode` writes it,
/// always in that one form: a line feed becomes `\u{a}`, NUL `\u{0}`, U+2028 `\u{2028}`.
/// Backslashes are not escaped, so the result is for reading, not for decoding back. The cap
/// counts the output, escapes included; an escape is never split. When `s` does not fit, it is
/// cut to `max_chars - 1` characters and `…` is appended, so the result is never longer than
/// `max_chars` characters (with `max_chars == 0`, a non-empty `s` becomes empty).
///
/// Borrows `s` when nothing is escaped and nothing is cut.
pub fn clean(s: &str, max_chars: usize) -> Cow<'_, str> {
    if !s.contains(needs_escape) && s.chars().nth(max_chars).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    // Characters written so far, and the byte length of the output while those still left
    // room for the ellipsis: where to cut back to if a later character does not fit.
    let mut used = 0usize;
    let mut room_for_ellipsis = 0usize;
    for c in s.chars() {
        let w = width(c);
        if used + w > max_chars {
            out.truncate(room_for_ellipsis);
            if max_chars > 0 {
                out.push('…');
            }
            return Cow::Owned(out);
        }
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
        used += w;
        if used < max_chars {
            room_for_ellipsis = out.len();
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_log_line_stays_on_its_own_line() {
        let out = clean("x\n[wrangler:info] FAKE", MAX_PROVIDER_STR);
        assert_eq!(out, "x\\u{a}[wrangler:info] FAKE");
        assert!(!out.contains('\n'));
        assert_eq!(out.lines().count(), 1);
        assert_eq!(
            clean("a\r\nb\u{0}c\u{1b}[31m\u{7f}", 100),
            "a\\u{d}\\u{a}b\\u{0}c\\u{1b}[31m\\u{7f}"
        );
        assert_eq!(
            clean("a\u{85}b\u{2028}c\u{2029}d", 100),
            "a\\u{85}b\\u{2028}c\\u{2029}d"
        );
        assert_eq!(clean("tab\there", 100), "tab\\u{9}here");
    }

    #[test]
    fn long_strings_are_capped_with_an_ellipsis() {
        let long = "e".repeat(10_000);
        let out = clean(&long, MAX_PROVIDER_STR);
        assert_eq!(out.chars().count(), MAX_PROVIDER_STR);
        assert!(out.ends_with('…'));
        assert_eq!(out, format!("{}…", "e".repeat(MAX_PROVIDER_STR - 1)));
        // Characters, not bytes: Khmer is cut on a character boundary.
        let khmer = "ក".repeat(10_000);
        assert_eq!(clean(&khmer, 5), "កកកក…");
        // Exactly at the cap nothing is cut.
        assert_eq!(
            clean(&"e".repeat(MAX_PROVIDER_STR), MAX_PROVIDER_STR)
                .chars()
                .count(),
            MAX_PROVIDER_STR
        );
        assert!(!clean(&"e".repeat(MAX_PROVIDER_STR), MAX_PROVIDER_STR).ends_with('…'));
    }

    #[test]
    fn escapes_count_towards_the_cap_and_are_never_split() {
        // `\u{a}` is five characters: "ab" + five fit in seven, not in six.
        assert_eq!(clean("ab\n", 7), "ab\\u{a}");
        assert_eq!(clean("ab\n", 6), "ab…");
        assert_eq!(clean("ab\ncd", 8), "ab\\u{a}…");
        assert_eq!(clean("abc", 0), "");
        assert_eq!(clean("", 0), "");
        assert_eq!(clean("abc", 1), "…");
    }

    #[test]
    fn clean_input_is_borrowed() {
        assert!(matches!(
            clean("checkout.session.completed", MAX_PROVIDER_STR),
            Cow::Borrowed("checkout.session.completed")
        ));
        assert!(matches!(
            clean("ជំរាបសួរ", MAX_PROVIDER_STR),
            Cow::Borrowed(_)
        ));
        assert!(matches!(clean("", MAX_PROVIDER_STR), Cow::Borrowed("")));
        assert!(matches!(clean("a\nb", MAX_PROVIDER_STR), Cow::Owned(_)));
        assert!(matches!(
            clean(&"e".repeat(101), MAX_PROVIDER_STR),
            Cow::Owned(_)
        ));
    }
}
