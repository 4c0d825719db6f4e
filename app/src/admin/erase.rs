//! Erasing what is stored for an email address, a phone number or a pledge: the form a
//! maintainer sends, what is checked before anything is erased, and what the pages show of the
//! rows found and of past erasures.
//!
//! What the form names ([`EraseBy`]) is parsed once: an address is matched as D1 matches it
//! (`lower(trim(email)) = lower(trim(?))`), so it is only trimmed here, never folded; a phone
//! number is normalised by the volunteer form's own [`phone_number`], and a Cambodian one is
//! looked for in each form it may have been stored in ([`phone_forms`]); a pledge id may be
//! pasted as the pledge's address. An erasure must be confirmed twice over: the maintainer ticks
//! a box, and the form carries how many rows they were shown ([`EraseForm::seen`]), so a page
//! that went stale (a pledge or a comment arrived since) is shown again rather than erasing rows
//! nobody looked at.
//!
//! Comments are not looked for: since #26 a commenter gives no email, so nothing ties a comment
//! to an address, a number or a pledge. A comment is removed on request through moderation
//! (found by its link, its name and words, and deleted by its id).

use super::rows::int_bool;
use crate::pledge::{is_pledge_id, Status};
use crate::volunteer::{phone_forms, phone_number, PHONE_MAX};
use serde::{Deserialize, Deserializer};

/// The longest address looked up: the forms store at most this many characters.
pub const ERASE_EMAIL_MAX: usize = 254;

/// The longest pledge id or pledge address looked up.
pub const ERASE_PLEDGE_MAX: usize = 200;

/// The most rows of each kind the page lists (all of them are erased, and counted).
pub const ERASE_LIST_MAX: i64 = 200;

/// The fields of the search and of the erasure (`POST /admin/erase/find`, `POST /admin/erase`):
/// one of `email`, `phone` and `pledge` is filled in.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct EraseForm {
    pub csrf: String,
    pub email: String,
    pub phone: String,
    pub pledge: String,
    /// The confirmation box: sent only when ticked.
    pub confirm: String,
    /// How many rows the page that sent the form listed.
    pub seen: String,
}

/// Why nothing was looked up or erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EraseProblem {
    /// None of the three fields filled in.
    Nothing,
    /// More than one filled in.
    Several,
    /// Not shaped like an address: no `@`, too long, or with control characters.
    NotAnEmail,
    /// Not a phone number as the volunteer form takes one.
    NotAPhone,
    /// Neither a pledge id nor a pledge's address.
    NotAPledge,
    /// The confirmation box was not ticked.
    NotConfirmed,
    /// What is stored changed since the page was drawn.
    Changed,
}

impl EraseProblem {
    pub fn message(self) -> &'static str {
        match self {
            EraseProblem::Nothing => {
                "Enter the email address, the phone number or the pledge id to look for."
            }
            EraseProblem::Several => {
                "Fill in one field only: look for an email address, a phone number or a pledge, one at a time."
            }
            EraseProblem::NotAnEmail => "That is not an email address.",
            EraseProblem::NotAPhone => {
                "That is not a phone number: 6 to 15 digits, with spaces, dashes or a leading + if you like."
            }
            EraseProblem::NotAPledge => {
                "That is not a pledge id: 32 letters and digits, or the pledge's address (…/pledges/…)."
            }
            EraseProblem::NotConfirmed => {
                "Nothing was erased: tick the box to confirm that these are the rows to erase."
            }
            EraseProblem::Changed => {
                "Nothing was erased: what is stored changed since the page was drawn. Check the rows below and confirm again."
            }
        }
    }

    /// The field the problem is about, by its name in the form.
    pub fn field(self) -> Option<&'static str> {
        match self {
            EraseProblem::NotAnEmail => Some("email"),
            EraseProblem::NotAPhone => Some("phone"),
            EraseProblem::NotAPledge => Some("pledge"),
            _ => None,
        }
    }
}

/// What an erasure looks for, parsed from the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EraseBy {
    /// An email address, trimmed (D1 folds its case).
    Email(String),
    /// A phone number as the volunteer form stores it, and every form it may be stored in
    /// (the first is the number itself).
    Phone(Vec<String>),
    /// A pledge id.
    Pledge(String),
}

impl Default for EraseBy {
    fn default() -> EraseBy {
        EraseBy::Email(String::new())
    }
}

impl EraseBy {
    /// The form's field that names it, and its value: what the erase form posts again.
    pub fn field(&self) -> (&'static str, &str) {
        match self {
            EraseBy::Email(e) => ("email", e),
            EraseBy::Phone(forms) => ("phone", forms.first().map_or("", String::as_str)),
            EraseBy::Pledge(id) => ("pledge", id),
        }
    }

    /// What the page says it looked for: "the email address …", "the phone number … (also
    /// as …)", "the pledge …".
    pub fn describe(&self) -> String {
        match self {
            EraseBy::Email(e) => format!("the email address {e}"),
            EraseBy::Phone(forms) => match forms.split_first() {
                Some((number, others)) if !others.is_empty() => {
                    format!(
                        "the phone number {number} (also as {})",
                        others.join(" or ")
                    )
                }
                _ => format!("the phone number {}", self.field().1),
            },
            EraseBy::Pledge(id) => format!("the pledge {id}"),
        }
    }

    /// How an erasure by it is recorded.
    pub fn kind(&self) -> ErasureKind {
        match self {
            EraseBy::Email(_) => ErasureKind::Email,
            EraseBy::Phone(_) => ErasureKind::Phone,
            EraseBy::Pledge(_) => ErasureKind::Pledge,
        }
    }
}

/// A pledge id, typed or pasted as the pledge's address (`https://…/km/pledges/{id}/stop`).
pub fn pledge_in(typed: &str) -> Option<String> {
    let typed = typed.trim();
    let id = match typed.rfind("/pledges/") {
        Some(at) => typed[at + "/pledges/".len()..]
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default(),
        None => typed,
    };
    let id = id.to_ascii_lowercase();
    is_pledge_id(&id).then_some(id)
}

impl EraseForm {
    /// What to look for: exactly one of the three fields, well formed.
    pub fn target(&self) -> Result<EraseBy, EraseProblem> {
        let (email, phone, pledge) = (self.email.trim(), self.phone.trim(), self.pledge.trim());
        match [email, phone, pledge]
            .iter()
            .filter(|f| !f.is_empty())
            .count()
        {
            0 => return Err(EraseProblem::Nothing),
            1 => {}
            _ => return Err(EraseProblem::Several),
        }
        if !email.is_empty() {
            if email.chars().count() > ERASE_EMAIL_MAX
                || !email.contains('@')
                || email.chars().any(char::is_control)
            {
                return Err(EraseProblem::NotAnEmail);
            }
            return Ok(EraseBy::Email(email.to_string()));
        }
        if !phone.is_empty() {
            return phone_number(phone)
                .filter(|_| phone.chars().count() <= PHONE_MAX)
                .map(|number| EraseBy::Phone(phone_forms(&number)))
                .ok_or(EraseProblem::NotAPhone);
        }
        if pledge.chars().count() > ERASE_PLEDGE_MAX {
            return Err(EraseProblem::NotAPledge);
        }
        pledge_in(pledge)
            .map(EraseBy::Pledge)
            .ok_or(EraseProblem::NotAPledge)
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

/// A pledge found: what the ledger keeps, and which personal fields it holds.
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

/// An offer of help found.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StoredVolunteer {
    pub id: i64,
    pub created_at: i64,
}

/// How many rows of each kind were found.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct StoredCounts {
    pub pledges: i64,
    pub volunteers: i64,
}

impl StoredCounts {
    pub fn total(&self) -> i64 {
        self.pledges.saturating_add(self.volunteers)
    }
}

/// Everything found: what was looked for, the counts (every row) and the rows listed (at most
/// [`ERASE_LIST_MAX`] of each kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    pub by: EraseBy,
    pub counts: StoredCounts,
    pub pledges: Vec<StoredPledge>,
    pub volunteers: Vec<StoredVolunteer>,
}

/// What started an erasure (`erasures.kind`), read strictly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErasureKind {
    /// An author removed their own comment.
    OwnComment,
    /// A maintainer erased everything stored for an email address.
    Email,
    /// A maintainer erased the offers of help that gave a phone number.
    Phone,
    /// A maintainer erased a pledge's personal fields, by its id (a request made in person).
    Pledge,
    /// A donor erased their gift's name, email and note from the pledge's own page.
    OwnPledge,
}

impl ErasureKind {
    /// Every kind, as `erasures.kind`'s CHECK lists them (migration 0007).
    pub const ALL: [ErasureKind; 5] = [
        ErasureKind::OwnComment,
        ErasureKind::Email,
        ErasureKind::Phone,
        ErasureKind::Pledge,
        ErasureKind::OwnPledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErasureKind::OwnComment => "own-comment",
            ErasureKind::Email => "email",
            ErasureKind::Phone => "phone",
            ErasureKind::Pledge => "pledge",
            ErasureKind::OwnPledge => "own-pledge",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ErasureKind::OwnComment => "Comment removed by its author",
            ErasureKind::Email => "Everything for an email address",
            ErasureKind::Phone => "Offers of help for a phone number",
            ErasureKind::Pledge => "A gift's details, by its pledge id",
            ErasureKind::OwnPledge => "A gift's details, erased by its donor",
        }
    }
}

impl<'de> Deserialize<'de> for ErasureKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ErasureKind, D::Error> {
        let s = String::deserialize(d)?;
        ErasureKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown erasure kind {s:?}")))
    }
}

/// An erasure as recorded: when, what started it, and how many rows it touched. Never what it
/// erased. `comments` counts an author's own removals (and the erase tool's before #26).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Erasure {
    pub id: i64,
    pub at: i64,
    pub kind: ErasureKind,
    pub pledges: i64,
    pub comments: i64,
    pub volunteers: i64,
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
            ..EraseForm::default()
        }
    }

    fn by(field: &str, value: &str) -> Result<EraseBy, EraseProblem> {
        let mut f = EraseForm::default();
        match field {
            "email" => f.email = value.into(),
            "phone" => f.phone = value.into(),
            _ => f.pledge = value.into(),
        }
        f.target()
    }

    #[test]
    fn addresses_are_trimmed_not_folded() {
        assert_eq!(
            form("  Donor@Example.org \n", "", "").target(),
            Ok(EraseBy::Email("Donor@Example.org".to_string()))
        );
        assert_eq!(form(" \t", "", "").target(), Err(EraseProblem::Nothing));
        assert_eq!(
            form("donor.example.org", "", "").target(),
            Err(EraseProblem::NotAnEmail)
        );
        assert_eq!(
            form("a@b\u{0}c", "", "").target(),
            Err(EraseProblem::NotAnEmail)
        );
        let long = format!("{}@example.org", "a".repeat(ERASE_EMAIL_MAX));
        assert_eq!(form(&long, "", "").target(), Err(EraseProblem::NotAnEmail));
        // Characters, not bytes.
        let khmer = format!("{}@x.kh", "ក".repeat(100));
        assert!(form(&khmer, "", "").target().is_ok());
    }

    #[test]
    fn one_field_at_a_time() {
        let mut f = form("a@b.c", "", "");
        f.phone = "012 345 678".into();
        assert_eq!(f.target(), Err(EraseProblem::Several));
        f.email = "  ".into();
        assert!(matches!(f.target(), Ok(EraseBy::Phone(_))));
        f.pledge = "x".into();
        assert_eq!(f.target(), Err(EraseProblem::Several));
        assert_eq!(EraseForm::default().target(), Err(EraseProblem::Nothing));
    }

    #[test]
    fn phones_are_normalised_as_the_volunteer_form_stores_them_in_every_cambodian_form() {
        // The number as the volunteer form stores it first, then its other forms.
        for (typed, stored) in [
            ("+855 12 345 678", "+85512345678"),
            ("012-345-678", "012345678"),
            ("០១២ ៣៤៥ ៦៧៨", "012345678"),
            ("+៨៥៥ ១២ ៣៤៥ ៦៧៨", "+85512345678"),
            ("00855 12 345 678", "0085512345678"),
            (" (012) 345.678 ", "012345678"),
        ] {
            let Ok(EraseBy::Phone(mut forms)) = by("phone", typed) else {
                panic!("{typed}: a phone number");
            };
            assert_eq!(forms[0], stored, "{typed}");
            forms.sort();
            assert_eq!(
                forms,
                ["+85512345678", "0085512345678", "012345678"],
                "{typed}"
            );
        }
        // Another country's number is looked for as it is stored, once.
        assert_eq!(
            by("phone", "+33 6 12 34 56 78"),
            Ok(EraseBy::Phone(vec!["+33612345678".into()]))
        );
        for bad in ["call me", "12345", "+855 +12", &"1".repeat(16)] {
            assert_eq!(by("phone", bad), Err(EraseProblem::NotAPhone), "{bad}");
        }
        let Ok(found) = by("phone", "012 345 678") else {
            panic!("a phone number");
        };
        assert_eq!(found.field(), ("phone", "012345678"));
        assert_eq!(found.kind(), ErasureKind::Phone);
        assert_eq!(
            found.describe(),
            "the phone number 012345678 (also as +85512345678 or 0085512345678)"
        );
    }

    #[test]
    fn pledges_by_id_or_by_their_address() {
        let id = "0123456789abcdef0123456789abcdef";
        for typed in [
            id.to_string(),
            format!("  {} ", id.to_uppercase()),
            format!("https://campaign.example/pledges/{id}"),
            format!("https://campaign.example/km/pledges/{id}/stop?x=1"),
            format!("/pledges/{id}#monthly"),
        ] {
            assert_eq!(
                by("pledge", &typed),
                Ok(EraseBy::Pledge(id.into())),
                "{typed}"
            );
        }
        for bad in ["abc", "/pledges/", &format!("{id}0"), &"z".repeat(32)] {
            assert_eq!(by("pledge", bad), Err(EraseProblem::NotAPledge), "{bad}");
        }
        let long = format!("{}/pledges/{id}", "x".repeat(ERASE_PLEDGE_MAX));
        assert_eq!(by("pledge", &long), Err(EraseProblem::NotAPledge));
        let found = EraseBy::Pledge(id.into());
        assert_eq!(
            (found.field(), found.kind()),
            (("pledge", id), ErasureKind::Pledge)
        );
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
            EraseProblem::Nothing,
            EraseProblem::Several,
            EraseProblem::NotAnEmail,
            EraseProblem::NotAPhone,
            EraseProblem::NotAPledge,
            EraseProblem::NotConfirmed,
            EraseProblem::Changed,
        ] {
            assert!(!p.message().is_empty());
        }
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
        let e: Erasure = serde_json::from_value(json!({
            "id": 1, "at": 5, "kind": "email", "pledges": 2, "comments": 1, "volunteers": 0
        }))
        .unwrap();
        assert_eq!(e.kind, ErasureKind::Email);
        for kind in ErasureKind::ALL {
            let e: Erasure = serde_json::from_value(json!({
                "id": 1, "at": 5, "kind": kind.as_str(), "pledges": 0, "comments": 0, "volunteers": 0
            }))
            .unwrap();
            assert_eq!(e.kind, kind);
            assert!(!kind.label().is_empty());
        }
        for bad in ["Email", "own_pledge", "phone ", ""] {
            let bad = json!({ "id": 1, "at": 5, "kind": bad, "pledges": 0, "comments": 0, "volunteers": 0 });
            assert!(serde_json::from_value::<Erasure>(bad).is_err());
        }
        let p: StoredPledge = serde_json::from_value(json!({
            "id": "ab", "status": "paid", "amount_cents": 5000, "currency": "usd", "created_at": 5,
            "has_name": 1, "has_email": 1, "has_note": 0
        }))
        .unwrap();
        assert!(p.has_name && p.has_email && !p.has_note);
        let counts = StoredCounts {
            pledges: 2,
            volunteers: 1,
        };
        assert_eq!(counts.total(), 3);
    }
}
