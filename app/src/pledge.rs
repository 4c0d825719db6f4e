//! A pledge: what a visitor promises before the payment provider takes over.
//!
//! The form is parsed into [`PledgeForm`] (raw strings, so that a form with a mistake can come
//! back exactly as typed), then [`PledgeForm::validate`] turns it into a [`NewPledge`] or the
//! list of problems. Donors are anonymous unless they tick "show my name".
//!
//! Cambodian law on political parties forbids gifts from foreigners and foreign organisations
//! or companies, so no pledge is valid until its donor has ticked [`ELIGIBLE_FIELD`] (never
//! pre-ticked): a [`NewPledge`] exists only for a donor who said they may give, and the store
//! records when (`attested_at`). Gifts the site did not take (an external provider's) carry no
//! such record and are shown as not attested.
//!
//! A pledge's [`Status`] is read strictly, from D1 as from a query: a status this site does
//! not know is an error, so a row holding one is skipped and logged, never counted as another.

use crate::campaign::Tier;
use crate::form::{self, Problem, Problems};
use crate::money::Cents;
use crate::source_code::SourceCode;
use serde::Deserialize;
use std::fmt;

pub const MIN_DOLLARS: i64 = 5;
pub const MAX_DOLLARS: i64 = crate::money::MAX_GIFT_DOLLARS;
pub const NOTE_MAX: usize = 500;
pub const NAME_MAX: usize = 80;
/// The `tier` value of the "my own amount" choice.
pub const OWN_AMOUNT: &str = "own";
/// The designation "wherever it is needed most".
pub const GENERAL: &str = "general";
/// The designation "the purpose of the tier I chose" (the default).
pub const SAME_AS_TIER: &str = "tier";
/// The name of the eligibility checkbox: "I am a Cambodian citizen giving my own money".
pub const ELIGIBLE_FIELD: &str = "eligible";

/// The pledge form as posted, every field a string as typed.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PledgeForm {
    pub tier: String,
    pub amount: String,
    pub designation: String,
    pub name: String,
    pub email: String,
    pub show_name: Option<String>,
    pub note: String,
    /// The eligibility checkbox ([`ELIGIBLE_FIELD`]): ticked or not, as sent.
    pub eligible: Option<String>,
    /// [`FREQUENCY_FIELD`]: `month` for a monthly gift; anything else gives once.
    pub frequency: String,
    pub lang: String,
    /// The share link's source code ([`crate::reach::SOURCE_FIELD`]), as sent; only a valid
    /// one is kept.
    #[serde(rename = "ref")]
    pub source: String,
    /// [`RESUMED_FIELD`]: set on a form drawn again from a stored pledge (the checkout's
    /// "back"), whose donor is not asked again to give monthly (#28 §2).
    pub resumed: Option<String>,
}

/// The hidden field a resumed form carries ([`PledgeForm::resumed`]).
pub const RESUMED_FIELD: &str = "resumed";

/// What D1 keeps of a pledge's form ([`PledgeForm::from_stored`] turns it back into one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredPledgeForm {
    /// `None` for an own amount.
    pub tier: Option<String>,
    pub amount_cents: i64,
    pub designation: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub show_name: bool,
    pub note: Option<String>,
    pub frequency: Frequency,
    pub source: Option<String>,
}

/// A valid pledge, ready to be stored as pending: its donor has confirmed they may give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPledge {
    pub amount: Cents,
    /// The tier chosen, `None` for an own amount.
    pub tier: Option<String>,
    /// A tier id, or [`GENERAL`].
    pub designation: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub show_name: bool,
    pub note: Option<String>,
    pub frequency: Frequency,
    /// The share link's code it came with, if any.
    pub source: Option<SourceCode>,
}

impl PledgeForm {
    /// The form as first shown: the first tier preselected, its purpose as the designation.
    pub fn initial(tiers: &[Tier]) -> PledgeForm {
        PledgeForm {
            tier: tiers
                .first()
                .map(|t| t.id.clone())
                .unwrap_or_else(|| OWN_AMOUNT.to_string()),
            designation: SAME_AS_TIER.to_string(),
            ..PledgeForm::default()
        }
    }

    /// The form that made a stored pledge, as its donor filled it in, for "back to the form"
    /// from the checkout: a tier gift names its tier and no amount, an own amount names
    /// [`OWN_AMOUNT`] and whole dollars, a designation equal to the tier is
    /// [`SAME_AS_TIER`]. The eligibility box comes back unticked: the donor confirms again
    /// (it is never ticked for them). The language is left for the page to set.
    pub fn from_stored(p: StoredPledgeForm) -> PledgeForm {
        PledgeForm {
            tier: p.tier.clone().unwrap_or_else(|| OWN_AMOUNT.to_string()),
            amount: if p.tier.is_none() {
                (p.amount_cents / 100).to_string()
            } else {
                String::new()
            },
            designation: if p.tier.as_deref() == Some(p.designation.as_str()) {
                SAME_AS_TIER.to_string()
            } else {
                p.designation
            },
            name: p.name.unwrap_or_default(),
            email: p.email.unwrap_or_default(),
            show_name: p.show_name.then(|| "on".to_string()),
            note: p.note.unwrap_or_default(),
            eligible: None,
            frequency: p.frequency.as_str().to_string(),
            lang: String::new(),
            source: p.source.unwrap_or_default(),
            resumed: Some("1".to_string()),
        }
    }

    pub fn show_name(&self) -> bool {
        form::ticked(self.show_name.as_deref())
    }

    /// How often, as chosen: monthly only when exactly asked for, never by default or by a
    /// value the form does not offer.
    pub fn frequency(&self) -> Frequency {
        Frequency::parse(&self.frequency).unwrap_or_default()
    }

    /// Drawn again from a stored pledge ([`RESUMED_FIELD`]).
    pub fn resumed(&self) -> bool {
        self.resumed.as_deref().is_some_and(|v| !v.is_empty())
    }

    /// The donor ticked the eligibility box.
    pub fn eligible(&self) -> bool {
        form::ticked(self.eligible.as_deref())
    }

    pub fn validate(&self, tiers: &[Tier]) -> Result<NewPledge, Problems> {
        let mut problems = Problems::default();
        let chosen = tiers.iter().find(|t| t.id == self.tier);
        let amount = match (chosen, self.tier.as_str()) {
            (Some(t), _) => Some(t.amount),
            (None, OWN_AMOUNT) => match parse_dollars(&self.amount) {
                Some(d) if (MIN_DOLLARS..=MAX_DOLLARS).contains(&d) => Some(Cents::from_dollars(d)),
                _ => {
                    problems.add("amount", Problem::Amount);
                    None
                }
            },
            (None, _) => {
                problems.add("tier", Problem::Choice);
                None
            }
        };
        let designation = match self.designation.as_str() {
            "" | SAME_AS_TIER => chosen
                .map(|t| t.id.clone())
                .unwrap_or_else(|| GENERAL.to_string()),
            GENERAL => GENERAL.to_string(),
            id if tiers.iter().any(|t| t.id == id) => id.to_string(),
            _ => {
                problems.add("designation", Problem::Choice);
                String::new()
            }
        };
        let name = form::optional(&mut problems, "name", &self.name, NAME_MAX);
        let email = form::optional_email(&mut problems, "email", &self.email);
        let note = form::optional(&mut problems, "note", &self.note, NOTE_MAX);
        if !self.eligible() {
            problems.add(ELIGIBLE_FIELD, Problem::Eligibility);
        }
        match amount {
            Some(amount) if problems.is_empty() => Ok(NewPledge {
                amount,
                tier: chosen.map(|t| t.id.clone()),
                designation,
                name,
                email,
                show_name: self.show_name(),
                note,
                frequency: self.frequency(),
                source: SourceCode::parse(&self.source),
            }),
            _ => Err(problems),
        }
    }
}

/// Whole US dollars as typed, in ASCII or Khmer digits (០–៩). A `,`, `.` or space groups
/// thousands only when exactly three digits follow it, the same mark throughout; a trailing
/// `.00` or `,00` is allowed; a leading `US$` or `$` too. Anything else is `None`: CLDR's
/// Khmer writes `,` for the decimal mark and `.` for grouping, English the other way round, so
/// "1.000" is read as a thousand (grouping) and "12,5" or "12.50" are not guessed at.
fn parse_dollars(typed: &str) -> Option<i64> {
    let s = crate::form::latin_digits(typed);
    let s = s.trim();
    let s = s
        .strip_prefix("US$")
        .or_else(|| s.strip_prefix('$'))
        .unwrap_or(s)
        .trim_start();
    let s = s
        .strip_suffix(".00")
        .or_else(|| s.strip_suffix(",00"))
        .unwrap_or(s);
    let is_mark = |c: char| matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}');
    let mark = s.chars().find(|c| is_mark(*c));
    let mut groups = s.split(is_mark);
    let first = groups.next()?;
    let mut digits = first.to_string();
    if mark.is_some() {
        if first.is_empty()
            || first.len() > 3
            || s.chars().filter(|c| is_mark(*c)).any(|c| Some(c) != mark)
        {
            return None;
        }
        for g in groups {
            if g.len() != 3 {
                return None;
            }
            digits.push_str(g);
        }
    }
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Where a pledge stands. It only moves forward (the ledger enforces this in SQL; see the
/// worker's store): a one-off gift is pending, then failed or expired, then paid, then
/// refunded; a monthly one is pending, then active from its first payment, then cancelled
/// (the months paid stay counted: they are payments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Status {
    Pending,
    Failed,
    Expired,
    Paid,
    Refunded,
    Active,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Failed => "failed",
            Status::Expired => "expired",
            Status::Paid => "paid",
            Status::Refunded => "refunded",
            Status::Active => "active",
            Status::Cancelled => "cancelled",
        }
    }

    pub const ALL: [Status; 7] = [
        Status::Pending,
        Status::Failed,
        Status::Expired,
        Status::Paid,
        Status::Refunded,
        Status::Active,
        Status::Cancelled,
    ];

    /// [`Status::try_from`], for a query value where an unknown one simply means none.
    pub fn parse(s: &str) -> Option<Status> {
        Status::try_from(s).ok()
    }

    pub fn words(self, t: &crate::content::Text) -> &'static str {
        match self {
            Status::Pending => t.pledge_status_pending,
            Status::Failed => t.pledge_status_failed,
            Status::Expired => t.pledge_status_expired,
            Status::Paid => t.pledge_status_paid,
            Status::Refunded => t.pledge_status_refunded,
            Status::Active => t.pledge_status_active,
            Status::Cancelled => t.pledge_status_cancelled,
        }
    }
}

/// How often a pledge gives: once (the default, always), or every month until stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Frequency {
    #[default]
    Once,
    Monthly,
}

/// The pledge form's field for [`Frequency`].
pub const FREQUENCY_FIELD: &str = "frequency";

impl Frequency {
    pub const ALL: [Frequency; 2] = [Frequency::Once, Frequency::Monthly];

    /// As stored in `pledges.frequency` and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Once => "once",
            Frequency::Monthly => "month",
        }
    }

    /// Exactly a stored or posted name; anything else is not a frequency.
    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// For serde: a row with an unknown frequency does not decode.
impl TryFrom<String> for Frequency {
    type Error = UnknownStatus;

    fn try_from(s: String) -> Result<Frequency, UnknownStatus> {
        Frequency::parse(&s).ok_or(UnknownStatus(s))
    }
}

/// A pledge status this site does not know (the value is kept for the error message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown pledge status {:?}", self.0)
    }
}

impl std::error::Error for UnknownStatus {}

/// Exactly the stored names: no default, no case folding.
impl TryFrom<&str> for Status {
    type Error = UnknownStatus;

    fn try_from(s: &str) -> Result<Status, UnknownStatus> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

/// For serde (`try_from = "String"`): a row with an unknown status does not decode.
impl TryFrom<String> for Status {
    type Error = UnknownStatus;

    fn try_from(s: String) -> Result<Status, UnknownStatus> {
        Status::try_from(s.as_str())
    }
}

/// A stored pledge, as the thank-you page and `/api/pledges/{id}` show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pledge {
    pub id: String,
    pub status: Status,
    /// The gift, or each month's.
    pub amount: Cents,
    /// Refunded so far, of every payment.
    pub refunded: Cents,
    pub currency: String,
    pub tier: Option<String>,
    pub designation: String,
    pub frequency: Frequency,
    /// Payments received: 1 for a paid one-off gift, the months paid for a monthly one.
    pub payments: i64,
    /// Whether it still holds a name, an email or a note: what its donor may erase from its
    /// page (the amount, tier, purpose and dates stay, for the ledger).
    pub details: bool,
}

/// Why a pledge's "stop my monthly gift" has nothing to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NothingToStop {
    /// A one-off gift: nothing repeats.
    Once,
    /// A monthly gift already stopped (by its donor, or by the provider after failed renewals).
    Stopped,
    /// A monthly gift whose first payment never went through: nothing is charged.
    NotRunning,
}

impl Pledge {
    /// A monthly gift that may still be stopped: pending (its checkout may have made a
    /// subscription the webhook has not reported yet) or active. Anything else has nothing to
    /// stop, and says why.
    pub fn stop(&self) -> Result<(), NothingToStop> {
        match (self.frequency, self.status) {
            (Frequency::Once, _) => Err(NothingToStop::Once),
            (Frequency::Monthly, Status::Pending | Status::Active) => Ok(()),
            (Frequency::Monthly, Status::Cancelled) => Err(NothingToStop::Stopped),
            (Frequency::Monthly, _) => Err(NothingToStop::NotRunning),
        }
    }

    /// Whether its page offers "stop my monthly gift": while it is active, or pending with a
    /// subscription the provider already made (`subscription_known`). A pending pledge whose
    /// checkout was never completed has nothing to stop yet.
    pub fn offers_stop(&self, subscription_known: bool) -> bool {
        self.stop().is_ok() && (self.status == Status::Active || subscription_known)
    }
}

/// How long after it was made a pending pledge's form can be brought back from the checkout's
/// "back" link (`/?resume={id}`): long enough to change one's mind at the checkout, short
/// enough that an old link someone saw shows nothing.
pub const RESUME_SECS: i64 = 60 * 60;

/// Whether `/?resume={id}` may show this pledge's form, with the donor's name, email and note:
/// only while it is pending and recent. A paid, refunded, failed or expired pledge, or an old
/// one, shows nothing personal to whoever holds its id.
pub fn may_resume(status: Status, created_at: i64, now: i64) -> bool {
    status == Status::Pending && (0..=RESUME_SECS).contains(&now.saturating_sub(created_at))
}

/// A pledge id is 32 lowercase hex digits (128 random bits); anything else is not one of ours.
pub fn is_pledge_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lowercase hex of 16 random bytes from the platform's CSPRNG.
pub fn pledge_id(random: [u8; 16]) -> String {
    crate::keys::hex(&random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_recent_pending_pledge_may_be_resumed() {
        assert!(may_resume(Status::Pending, 1000, 1000));
        assert!(may_resume(Status::Pending, 1000, 1000 + RESUME_SECS));
        assert!(!may_resume(Status::Pending, 1000, 1001 + RESUME_SECS));
        assert!(
            !may_resume(Status::Pending, 1000, 999),
            "not from the future"
        );
        for s in [
            Status::Paid,
            Status::Refunded,
            Status::Failed,
            Status::Expired,
        ] {
            assert!(!may_resume(s, 1000, 1000), "{s:?}");
        }
    }

    fn tiers() -> Vec<Tier> {
        vec![
            Tier {
                id: "women-training".into(),
                amount: Cents(5000),
                units: 25,
            },
            Tier {
                id: "information-year".into(),
                amount: Cents(35000),
                units: 1,
            },
        ]
    }

    fn form(tier: &str, amount: &str) -> PledgeForm {
        PledgeForm {
            tier: tier.into(),
            amount: amount.into(),
            eligible: Some("on".into()),
            ..PledgeForm::default()
        }
    }

    #[test]
    fn no_pledge_without_the_eligibility_box() {
        for unticked in [None, Some(String::new())] {
            let mut f = form("women-training", "");
            f.eligible = unticked.clone();
            let e = f.validate(&tiers()).unwrap_err();
            assert_eq!(
                e.for_field(ELIGIBLE_FIELD),
                Some(&Problem::Eligibility),
                "{unticked:?}"
            );
        }
        // Named alongside the other problems, not instead of them.
        let mut f = form(OWN_AMOUNT, "3");
        f.eligible = None;
        let e = f.validate(&tiers()).unwrap_err();
        assert_eq!(e.for_field("amount"), Some(&Problem::Amount));
        assert_eq!(e.for_field(ELIGIBLE_FIELD), Some(&Problem::Eligibility));
        // The initial form and a resumed one never come ticked.
        assert!(!PledgeForm::initial(&tiers()).eligible());
        assert!(!PledgeForm::from_stored(stored(None, GENERAL)).eligible());
    }

    #[test]
    fn a_tier_gift_goes_to_its_tier_unless_the_donor_chose_otherwise() {
        let p = form("information-year", "").validate(&tiers()).unwrap();
        assert_eq!(
            (p.amount, p.designation.as_str(), p.tier.as_deref()),
            (Cents(35000), "information-year", Some("information-year"))
        );
        let mut f = form("information-year", "");
        f.designation = GENERAL.into();
        assert_eq!(f.validate(&tiers()).unwrap().designation, GENERAL);
        f.designation = "women-training".into();
        assert_eq!(f.validate(&tiers()).unwrap().designation, "women-training");
    }

    #[test]
    fn own_amounts_are_whole_dollars_in_range() {
        for (typed, cents) in [
            ("5", 500),
            ("100,000", 10_000_000),
            (" 25.00 ", 2500),
            ("$60", 6000),
            ("US$ 60", 6000),
            // Khmer digits, as a Khmer keyboard types them, with either grouping mark.
            ("៥០", 5000),
            ("១០០.០០០", 10_000_000),
            ("១.០០០,០០", 100_000),
            ("1.000", 100_000),
            ("1 000", 100_000),
            ("1,000.00", 100_000),
            ("២៥,០០", 2500),
        ] {
            let p = form(OWN_AMOUNT, typed).validate(&tiers()).unwrap();
            assert_eq!(p.amount, Cents(cents), "{typed}");
            assert_eq!(p.designation, GENERAL);
            assert_eq!(p.tier, None);
        }
        for bad in [
            "4",
            "100001",
            "12.5",
            "12,5",
            "12.50",
            "១២,៥",
            "1,00",
            "10,0000",
            "1.000,000",
            "1,000.000",
            ",500",
            "1000,",
            "1234,567",
            "5.0",
            "-5",
            "",
            "abc",
            "1e3",
            "99999999999999999999",
            "٥٠",
        ] {
            let e = form(OWN_AMOUNT, bad).validate(&tiers()).unwrap_err();
            assert_eq!(e.for_field("amount"), Some(&Problem::Amount), "{bad}");
        }
    }

    #[test]
    fn unknown_choices_are_named() {
        let e = form("gold", "").validate(&tiers()).unwrap_err();
        assert_eq!(e.for_field("tier"), Some(&Problem::Choice));
        let mut f = form("women-training", "");
        f.designation = "elsewhere".into();
        assert_eq!(
            f.validate(&tiers()).unwrap_err().for_field("designation"),
            Some(&Problem::Choice)
        );
    }

    #[test]
    fn anonymous_by_default_and_limits_apply() {
        let mut f = form("women-training", "");
        f.name = "Dara".into();
        let p = f.validate(&tiers()).unwrap();
        assert!(!p.show_name);
        f.show_name = Some("on".into());
        assert!(f.validate(&tiers()).unwrap().show_name);
        f.note = "ក".repeat(NOTE_MAX + 1);
        f.email = "nope".into();
        let e = f.validate(&tiers()).unwrap_err();
        assert_eq!(e.for_field("note"), Some(&Problem::TooLong(NOTE_MAX)));
        assert_eq!(e.for_field("email"), Some(&Problem::Email));
    }

    #[test]
    fn form_decodes_from_urlencoded_with_khmer() {
        let body =
            "tier=own&amount=20&designation=general&name=%E1%9E%8A%E1%9E%B6&note=a%0D%0Ab&eligible=on&lang=km";
        let f: PledgeForm = serde_urlencoded::from_str(body).unwrap();
        assert_eq!(f.name, "ដា");
        let p = f.validate(&tiers()).unwrap();
        assert_eq!(p.note.as_deref(), Some("a\nb"));
    }

    #[test]
    fn ids_and_statuses() {
        let id = pledge_id([0xab; 16]);
        assert_eq!(id.len(), 32);
        assert!(is_pledge_id(&id));
        assert!(!is_pledge_id("ABABABABABABABABABABABABABABABAB"));
        assert!(!is_pledge_id("../etc"));
        for s in [
            Status::Pending,
            Status::Failed,
            Status::Expired,
            Status::Paid,
            Status::Refunded,
        ] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            pledge_id(*b"\x00\x01\x0a\xff0123456789ab"),
            "00010aff303132333435363738396162"
        );
    }

    #[test]
    fn statuses_decode_strictly() {
        for s in Status::ALL {
            let got: Result<Status, _> = serde_json::from_value(serde_json::json!(s.as_str()));
            assert_eq!(got.ok(), Some(s));
        }
        for bad in ["", "Paid", "PENDING", "paid ", "canceled"] {
            assert_eq!(Status::try_from(bad), Err(UnknownStatus(bad.to_string())));
            assert_eq!(Status::parse(bad), None);
            let got: Result<Status, _> = serde_json::from_value(serde_json::json!(bad));
            assert!(got.is_err(), "{bad:?}");
        }
        let number: Result<Status, _> = serde_json::from_value(serde_json::json!(3));
        assert!(number.is_err());
    }

    fn pledge(frequency: Frequency, status: Status) -> Pledge {
        Pledge {
            id: pledge_id([1; 16]),
            status,
            amount: Cents(5000),
            refunded: Cents(0),
            currency: "usd".into(),
            tier: None,
            designation: GENERAL.into(),
            frequency,
            payments: 0,
            details: true,
        }
    }

    #[test]
    fn only_a_running_monthly_gift_can_be_stopped() {
        for status in Status::ALL {
            assert_eq!(
                pledge(Frequency::Once, status).stop(),
                Err(NothingToStop::Once),
                "{status:?}"
            );
            assert!(!pledge(Frequency::Once, status).offers_stop(true));
        }
        let monthly = |s| pledge(Frequency::Monthly, s);
        assert_eq!(monthly(Status::Active).stop(), Ok(()));
        assert_eq!(monthly(Status::Pending).stop(), Ok(()));
        assert_eq!(
            monthly(Status::Cancelled).stop(),
            Err(NothingToStop::Stopped)
        );
        for s in [Status::Failed, Status::Expired] {
            assert_eq!(monthly(s).stop(), Err(NothingToStop::NotRunning), "{s:?}");
        }
        // The page offers the stop while active, or pending once a subscription exists.
        assert!(monthly(Status::Active).offers_stop(false));
        assert!(monthly(Status::Pending).offers_stop(true));
        assert!(!monthly(Status::Pending).offers_stop(false));
        assert!(!monthly(Status::Cancelled).offers_stop(true));
    }

    #[test]
    fn the_frequency_is_once_unless_exactly_monthly_and_survives_a_resume() {
        for (sent, want) in [
            ("", Frequency::Once),
            ("once", Frequency::Once),
            ("month", Frequency::Monthly),
            ("Month", Frequency::Once),
            ("monthly", Frequency::Once),
            (" month", Frequency::Once),
        ] {
            let mut f = form("women-training", "");
            f.frequency = sent.into();
            assert_eq!(
                f.validate(&tiers()).map(|p| p.frequency),
                Ok(want),
                "{sent:?}"
            );
        }
        assert_eq!(PledgeForm::initial(&tiers()).frequency(), Frequency::Once);
        // The same limits for a monthly amount as for a one-off.
        let mut f = form(OWN_AMOUNT, "100001");
        f.frequency = "month".into();
        assert!(f.validate(&tiers()).is_err());
        let resumed = PledgeForm::from_stored(StoredPledgeForm {
            frequency: Frequency::Monthly,
            ..stored(None, GENERAL)
        });
        assert_eq!(resumed.frequency(), Frequency::Monthly);
    }

    fn stored(tier: Option<&str>, designation: &str) -> StoredPledgeForm {
        StoredPledgeForm {
            frequency: Frequency::Once,
            tier: tier.map(str::to_string),
            amount_cents: 2599,
            designation: designation.into(),
            ..StoredPledgeForm::default()
        }
    }

    #[test]
    fn a_stored_pledge_comes_back_as_its_form() {
        // A tier gift to its own tier: the tier, no amount, "same as the tier".
        let f = PledgeForm::from_stored(StoredPledgeForm {
            name: Some("ដា".into()),
            email: Some("d@example.org".into()),
            show_name: true,
            note: Some("a\nb".into()),
            ..stored(Some("women-training"), "women-training")
        });
        assert_eq!(
            f,
            PledgeForm {
                tier: "women-training".into(),
                amount: String::new(),
                designation: SAME_AS_TIER.into(),
                name: "ដា".into(),
                email: "d@example.org".into(),
                show_name: Some("on".into()),
                note: "a\nb".into(),
                eligible: None,
                frequency: "once".into(),
                lang: String::new(),
                source: String::new(),
                // Marked, so its donor is not asked again to give monthly (#28 §2).
                resumed: Some("1".into()),
            }
        );
        let f = PledgeForm {
            eligible: Some("on".into()),
            ..f
        };
        assert_eq!(
            f.validate(&tiers()).map(|p| p.designation).ok().as_deref(),
            Some("women-training")
        );
        // A tier gift sent elsewhere keeps its designation.
        let f = PledgeForm::from_stored(stored(Some("women-training"), GENERAL));
        assert_eq!((f.designation.as_str(), f.amount.as_str()), (GENERAL, ""));
        // An own amount: whole dollars (cents dropped), nothing personal, not shown.
        let f = PledgeForm::from_stored(stored(None, GENERAL));
        assert_eq!(
            f,
            PledgeForm {
                tier: OWN_AMOUNT.into(),
                amount: "25".into(),
                designation: GENERAL.into(),
                frequency: "once".into(),
                resumed: Some("1".into()),
                ..PledgeForm::default()
            }
        );
        let f = PledgeForm {
            eligible: Some("on".into()),
            ..f
        };
        assert_eq!(f.validate(&tiers()).map(|p| p.amount), Ok(Cents(2500)));
    }
}
