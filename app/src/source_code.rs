//! A share link's source code (`?ref=fb-post-12`), parsed once into a type that is valid from
//! then on, the way zero2prod's `SubscriberEmail::parse` is.
//!
//! A leaf: it needs nothing else in the crate, so both [`crate::reach`] (which reads a code from
//! a link) and [`crate::pledge`] (which keeps the code a pledge came with) can use it without
//! needing each other. A code names a post or a chapter, never a person.

use std::fmt;
use std::ops::Deref;

/// The longest source code, in characters.
pub const SOURCE_MAX: usize = 40;

/// A source code as the site keeps it: 1 to [`SOURCE_MAX`] lowercase ASCII letters, digits and
/// `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceCode(String);

impl SourceCode {
    /// `s` if it has the shape of a code. Anything else (empty, uppercase, spaces, other
    /// scripts, too long) is no code at all: a link's code is ignored, never an error.
    pub fn parse(s: &str) -> Option<SourceCode> {
        let ok = !s.is_empty()
            && s.len() <= SOURCE_MAX
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| SourceCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Read as the string it is (`code.len()`, `Option<SourceCode>::as_deref()`), never built from
/// one except by [`SourceCode::parse`].
impl Deref for SourceCode {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SourceCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_lowercase_ascii_digits_and_dashes_up_to_40() {
        for good in [
            "fb-post-12",
            "chapter-paris",
            "a",
            "0",
            "-",
            &"x".repeat(40),
        ] {
            assert_eq!(SourceCode::parse(good).as_deref(), Some(good), "{good:?}");
        }
        for bad in [
            "",
            &"x".repeat(41),
            "FB-post",
            "fb post",
            "fb_post",
            "fb.post",
            "ភ្នំពេញ",
            "café",
            "fb-post-12\n",
            " fb",
            "a%20b",
            "<script>",
        ] {
            assert_eq!(SourceCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_code_reads_as_its_string() {
        let code = SourceCode::parse("fb-1").expect("a code");
        assert_eq!(
            (code.as_str(), code.len(), code.to_string()),
            ("fb-1", 4, "fb-1".into())
        );
        assert_eq!(code.into_string(), "fb-1");
    }
}
