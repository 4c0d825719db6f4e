//! Erasing what is stored for an email address: the form a maintainer sends, what is checked
//! before anything is erased, and what the pages show of the rows found and of past erasures.
//!
//! The address is matched as D1 matches it (`lower(trim(email)) = lower(trim(?))`), so the
//! address is only trimmed here, never folded: the statement folds both sides the same way.
//! An erasure must be confirmed twice over: the maintainer ticks a box, and the form carries
//! how many rows they were shown ([`EraseForm::seen`]), so a page that went stale (a pledge or a
//! comment arrived since) is shown again rather than erasing rows nobody looked at.

use super::rows::int_bool;
use crate::comment::CommentStatus;
use crate::pledge::Status;
use serde::{Deserialize, Deserializer};

/// The longest address looked up: the forms store at most this many characters.
pub const ERASE_EMAIL_MAX: usize = 254;

/// The most rows of each kind the page lists (all of them are erased, and counted).
pub const ERASE_LIST_MAX: i64 = 200;

/// How much of a comment's text the list shows, in characters.
pub const EXCERPT_CHARS: usize = 80;

/// The fields of the search and of the erasure (`POST /admin/erase/find`, `POST /admin/erase`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct EraseForm {
    pub csrf: String,
    pub email: String,
    /// The confirmation box: sent only when ticked.
    pub confirm: String,
    /// How many rows the page that sent the form listed.
    pub seen: String,
}

/// Why nothing was looked up or erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EraseProblem {
    /// No address.
    NoEmail,
    /// Not shaped like an address: no `@`, too long, or with control characters.
    NotAnEmail,
    /// The confirmation box was not ticked.
    NotConfirmed,
    /// What is stored for the address changed since the page was drawn.
    Changed,
}

impl EraseProblem {
    pub fn message(self) -> &'static str {
        match self {
            EraseProblem::NoEmail => "Enter the email address to look for.",
            EraseProblem::NotAnEmail => "That is not an email address.",
            EraseProblem::NotConfirmed => {
                "Nothing was erased: tick the box to confirm that these are the rows to erase."
            }
            EraseProblem::Changed => {
                "Nothing was erased: what is stored for this address changed since the page was drawn. Check the rows below and confirm again."
            }
        }
    }
}

impl EraseForm {
    /// The address to look for, trimmed.
    pub fn email(&self) -> Result<String, EraseProblem> {
        let email = self.email.trim();
        if email.is_empty() {
            return Err(EraseProblem::NoEmail);
        }
        if email.chars().count() > ERASE_EMAIL_MAX
            || !email.contains('@')
            || email.chars().any(char::is_control)
        {
            return Err(EraseProblem::NotAnEmail);
        }
        Ok(email.to_string())
    }

    /// The number of rows the sending page listed, if it is one.
    pub fn seen(&self) -> Option<i64> {
        self.seen.trim().parse::<i64>().ok().filter(|n| *n >= 0)
    }

    /// Whether the erasure may go ahead, given how many rows are stored now: the box ticked,
    /// and the count the page showed still the count stored.
    pub fn check(&self, stored: i64) -> Result<(), EraseProblem> {
        if !crate::form::ticked(Some(&self.confirm)) {
            return Err(EraseProblem::NotConfirmed);
        }
        if self.seen() != Some(stored) {
            return Err(EraseProblem::Changed);
        }
        Ok(())
    }
}

/// A pledge found for the address: what the ledger keeps, and which personal fields it holds.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StoredPledge {
    pub id: String,
    pub status: Status,
    pub amount_cents: i64,
    pub currency: String,
    pub created_at: i64,
    #[serde(deserialize_with = "int_bool")]
    pub has_name: bool,
    #[serde(deserialize_with = "int_bool")]
    pub has_email: bool,
    #[serde(deserialize_with = "int_bool")]
    pub has_note: bool,
}

/// A comment found for the address. `kept`: a reply from someone else hangs under it, so the
/// erasure keeps it as an empty `removed` placeholder instead of deleting it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StoredComment {
    pub id: i64,
    pub created_at: i64,
    pub status: CommentStatus,
    /// The start of its text (the statement loads no more than a few hundred characters).
    pub body: String,
    #[serde(deserialize_with = "int_bool")]
    pub kept: bool,
}

impl StoredComment {
    pub fn excerpt(&self) -> String {
        excerpt(&self.body, EXCERPT_CHARS)
    }
}

/// An offer of help found for the address.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StoredVolunteer {
    pub id: i64,
    pub created_at: i64,
}

/// How many rows of each kind hold the address.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct StoredCounts {
    pub pledges: i64,
    pub comments: i64,
    pub volunteers: i64,
}

impl StoredCounts {
    pub fn total(&self) -> i64 {
        self.pledges
            .saturating_add(self.comments)
            .saturating_add(self.volunteers)
    }
}

/// Everything found for an address: the counts (every row) and the rows listed (at most
/// [`ERASE_LIST_MAX`] of each kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    pub email: String,
    pub counts: StoredCounts,
    pub pledges: Vec<StoredPledge>,
    pub comments: Vec<StoredComment>,
    pub volunteers: Vec<StoredVolunteer>,
}

/// What started an erasure (`erasures.kind`), read strictly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErasureKind {
    /// An author removed their own comment.
    OwnComment,
    /// A maintainer erased everything stored for an address.
    Email,
}

impl ErasureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErasureKind::OwnComment => "own-comment",
            ErasureKind::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ErasureKind::OwnComment => "Comment removed by its author",
            ErasureKind::Email => "Everything for an email address",
        }
    }
}

impl<'de> Deserialize<'de> for ErasureKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ErasureKind, D::Error> {
        let s = String::deserialize(d)?;
        [ErasureKind::OwnComment, ErasureKind::Email]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown erasure kind {s:?}")))
    }
}

/// An erasure as recorded: when, what started it, and how many rows it touched. Never what it
/// erased.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Erasure {
    pub id: i64,
    pub at: i64,
    pub kind: ErasureKind,
    pub pledges: i64,
    pub comments: i64,
    pub volunteers: i64,
}

/// The start of a text on one line: whitespace runs become one space, and a text longer than
/// `max` characters is cut there and ends with `…`.
pub fn excerpt(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// An id from a query value (`?done=`): a positive integer, else none.
pub fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(email: &str, confirm: &str, seen: &str) -> EraseForm {
        EraseForm {
            csrf: "t".into(),
            email: email.into(),
            confirm: confirm.into(),
            seen: seen.into(),
        }
    }

    #[test]
    fn addresses_are_trimmed_not_folded() {
        assert_eq!(
            form("  Donor@Example.org \n", "", "").email(),
            Ok("Donor@Example.org".to_string())
        );
        assert_eq!(form(" \t", "", "").email(), Err(EraseProblem::NoEmail));
        assert_eq!(
            form("donor.example.org", "", "").email(),
            Err(EraseProblem::NotAnEmail)
        );
        assert_eq!(
            form("a@b\u{0}c", "", "").email(),
            Err(EraseProblem::NotAnEmail)
        );
        let long = format!("{}@example.org", "a".repeat(ERASE_EMAIL_MAX));
        assert_eq!(form(&long, "", "").email(), Err(EraseProblem::NotAnEmail));
        // Characters, not bytes.
        let khmer = format!("{}@x.kh", "ក".repeat(100));
        assert!(form(&khmer, "", "").email().is_ok());
    }

    #[test]
    fn an_erasure_needs_the_box_and_the_count_seen() {
        assert_eq!(
            form("a@b.c", "", "3").check(3),
            Err(EraseProblem::NotConfirmed)
        );
        assert_eq!(form("a@b.c", "yes", "3").check(3), Ok(()));
        assert_eq!(form("a@b.c", "yes", " 3 ").check(3), Ok(()));
        assert_eq!(
            form("a@b.c", "yes", "2").check(3),
            Err(EraseProblem::Changed)
        );
        for odd in ["", "x", "-1", "3.0", "99999999999999999999"] {
            assert_eq!(
                form("a@b.c", "yes", odd).check(3),
                Err(EraseProblem::Changed),
                "{odd:?}"
            );
        }
        for p in [
            EraseProblem::NoEmail,
            EraseProblem::NotAnEmail,
            EraseProblem::NotConfirmed,
            EraseProblem::Changed,
        ] {
            assert!(!p.message().is_empty());
        }
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("  Hello\n\n  world  ", 80), "Hello world");
        assert_eq!(excerpt("", 80), "");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ab cdef", 3), "ab…");
        assert_eq!(excerpt(&"ក".repeat(90), 80), format!("{}…", "ក".repeat(80)));
    }

    #[test]
    fn ids_from_a_query() {
        assert_eq!(parse_id("12"), Some(12));
        for odd in ["", "0", "-3", "x", "1e3"] {
            assert_eq!(parse_id(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn rows_decode_strictly() {
        let c: StoredComment = serde_json::from_value(json!({
            "id": 1, "created_at": 5, "status": "removed", "body": "", "kept": 1
        }))
        .unwrap();
        assert_eq!(c.status, CommentStatus::Removed);
        assert!(c.kept);
        let c: StoredComment = serde_json::from_value(json!({
            "id": 1, "created_at": 5, "status": "held", "body": "b", "kept": 0
        }))
        .unwrap();
        assert_eq!(c.status, CommentStatus::Held);
        assert_eq!(c.status.as_str(), "held");
        for bad in ["", "Removed", "deleted"] {
            let v = json!({ "id": 1, "created_at": 5, "status": bad, "body": "", "kept": 0 });
            assert!(
                serde_json::from_value::<StoredComment>(v).is_err(),
                "{bad:?}"
            );
        }
        let e: Erasure = serde_json::from_value(json!({
            "id": 1, "at": 5, "kind": "email", "pledges": 2, "comments": 1, "volunteers": 0
        }))
        .unwrap();
        assert_eq!(e.kind, ErasureKind::Email);
        let bad = json!({ "id": 1, "at": 5, "kind": "Email", "pledges": 0, "comments": 0, "volunteers": 0 });
        assert!(serde_json::from_value::<Erasure>(bad).is_err());
        let p: StoredPledge = serde_json::from_value(json!({
            "id": "ab", "status": "paid", "amount_cents": 5000, "currency": "usd", "created_at": 5,
            "has_name": 1, "has_email": 1, "has_note": 0
        }))
        .unwrap();
        assert!(p.has_name && p.has_email && !p.has_note);
        let counts = StoredCounts {
            pledges: 2,
            comments: 1,
            volunteers: 1,
        };
        assert_eq!(counts.total(), 4);
    }
}
