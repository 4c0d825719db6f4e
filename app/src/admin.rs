//! The maintainers' area without its platform: the rules and the file formats of `/admin`,
//! decided without I/O so they are tested natively.
//!
//! * **Sessions and lock-out.** The session cookie carries a random id only; D1 keeps a SHA-256
//!   of it (a leaked table opens no session). Sign-in tries are limited per keyed IP hash by
//!   the `Login` bucket of [`crate::limits`].
//! * **CSV.** Exports are opened by people in spreadsheet programs, so a cell that a
//!   spreadsheet would run as a formula is defused ([`csv_cell`]) and the file starts with a
//!   UTF-8 byte order mark, without which Excel reads Khmer names as mojibake.
//! * **The chart** of paid gifts per day is drawn here as SVG, on the server: the CSP allows no
//!   script, and SVG presentation attributes (`fill="…"`) are not inline styles.
//! * **What the views show**: the rows the worker loads, as plain types.

use crate::keys::hex;
use crate::money::Cents;
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt::Write;

// ---------------------------------------------------------------------------------------------
// Sessions and the login lock-out

/// The session cookie's name. Not `__Host-`: that prefix demands `Path=/`, and the cookie must
/// only ever travel to `/admin`.
pub const SESSION_COOKIE: &str = "admin_session";
/// A session lasts 12 hours from login, however busy it is.
pub const SESSION_SECS: i64 = 12 * 60 * 60;

/// A session id as the cookie carries it: 16 random bytes, lowercase hex.
pub fn session_id(random: [u8; 16]) -> String {
    hex(&random)
}

/// Whether a cookie value is shaped like a session id at all (anything else is not looked up).
pub fn is_session_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What D1 keeps of a session id. The id carries 128 random bits, so a plain hash is enough to
/// make the stored value useless as a cookie.
pub fn session_hash(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

/// `Set-Cookie` for a new session. `Secure` always: browsers accept it on `http://localhost`.
pub fn session_cookie(id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; Max-Age={SESSION_SECS}; Path=/admin; HttpOnly; Secure; SameSite=Strict")
}

/// `Set-Cookie` that makes the browser forget the session (the row is deleted as well).
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; Secure; SameSite=Strict")
}

/// Until when (Unix seconds) a visitor with these failed logins is refused, if at all: after
/// Why the login form came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginProblem {
    WrongPassword,
    LockedOut,
}

// ---------------------------------------------------------------------------------------------
// Moderation

/// The three moderation lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CommentList {
    /// Waiting for a maintainer, oldest first, link-heavy ones last and flagged.
    #[default]
    Held,
    /// Public, newest first.
    Approved,
    /// Kept out of sight (and available for a change of mind), newest first.
    Spam,
}

impl CommentList {
    pub const ALL: [CommentList; 3] = [CommentList::Held, CommentList::Approved, CommentList::Spam];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentList::Held => "held",
            CommentList::Approved => "approved",
            CommentList::Spam => "spam",
        }
    }

    /// Unknown or missing values mean the held queue: it is what a maintainer comes for.
    pub fn parse(s: &str) -> CommentList {
        match s {
            "approved" => CommentList::Approved,
            "spam" => CommentList::Spam,
            _ => CommentList::Held,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CommentList::Held => "Held for moderation",
            CommentList::Approved => "Approved",
            CommentList::Spam => "Spam",
        }
    }
}

/// What a moderation button does (the last segment of `/admin/comments/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Spam,
    Delete,
    Reply,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        Some(match s {
            "approve" => Moderation::Approve,
            "spam" => Moderation::Spam,
            "delete" => Moderation::Delete,
            "reply" => Moderation::Reply,
            _ => return None,
        })
    }

    /// The status a comment gets, for the actions that set one.
    pub fn new_status(self) -> Option<&'static str> {
        match self {
            Moderation::Approve => Some("approved"),
            Moderation::Spam => Some("spam"),
            Moderation::Delete | Moderation::Reply => None,
        }
    }
}

/// Where a maintainer was when they pressed a button, so the answer puts them back there: the
/// same list, the same page, scrolled to the comment that took the acted-on one's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ListPlace {
    /// `None`: the "waiting for our reply" view.
    pub list: Option<CommentList>,
    pub page: i64,
    pub anchor: Option<i64>,
}

/// The form fields that say where to go back to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ActionForm {
    pub csrf: String,
    /// `held`, `approved`, `spam` or `waiting`.
    pub back: String,
    pub page: String,
    /// The comment to scroll to afterwards.
    pub next: String,
    /// A reply's text.
    pub text: String,
}

impl ActionForm {
    pub fn place(&self) -> ListPlace {
        ListPlace {
            list: (self.back != "waiting").then(|| CommentList::parse(&self.back)),
            page: parse_page(&self.page),
            anchor: self.next.trim().parse::<i64>().ok().filter(|n| *n > 0),
        }
    }
}

impl ListPlace {
    /// The path to go back to. Built from parsed values only, never from what was posted.
    pub fn href(&self) -> String {
        let mut href = match self.list {
            None => "/admin/waiting".to_string(),
            Some(list) => format!("/admin/comments?status={}", list.as_str()),
        };
        if self.list.is_some() && self.page > 1 {
            let _ = write!(href, "&page={}", self.page);
        }
        if let Some(id) = self.anchor {
            let _ = write!(href, "#comment-{id}");
        }
        href
    }
}

/// A 1-based page number from a query or form value; anything odd is page 1.
pub fn parse_page(s: &str) -> i64 {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

/// Why a reply was not posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyProblem {
    Empty,
    TooLong,
}

impl ReplyProblem {
    pub fn message(self) -> String {
        match self {
            ReplyProblem::Empty => "Write the reply first.".to_string(),
            ReplyProblem::TooLong => format!(
                "A reply can be at most {} characters.",
                crate::comment::TEXT_MAX
            ),
        }
    }
}

/// The campaign's reply as it will be stored: as typed, CRLF turned into LF, within the limit
/// visitors have.
pub fn reply_body(text: &str) -> Result<String, ReplyProblem> {
    let body = crate::form::clean_text(text);
    if body.trim().is_empty() {
        Err(ReplyProblem::Empty)
    } else if body.chars().count() > crate::comment::TEXT_MAX {
        Err(ReplyProblem::TooLong)
    } else {
        Ok(body)
    }
}

/// The name the campaign's replies carry: the site's name in the language of the comment
/// answered.
pub fn campaign_name(lang: &str) -> &'static str {
    crate::i18n::Lang::from_code(lang)
        .unwrap_or(crate::i18n::Lang::En)
        .text()
        .site_name
}

/// A comment as maintainers see it: everything but the IP hash.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct AdminComment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub body: String,
    pub lang: String,
    pub status: String,
    #[serde(deserialize_with = "int_bool")]
    pub is_campaign: bool,
    pub link_count: i64,
    #[serde(deserialize_with = "int_bool")]
    pub flagged: bool,
    pub created_at: i64,
}

/// How long a visitor has waited, in the largest whole unit: "3 hours", "2 days".
pub fn waited(secs: i64) -> String {
    let (n, unit) = match secs.max(0) {
        s if s < 60 => return "under a minute".to_string(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

// ---------------------------------------------------------------------------------------------
// Pledges and volunteers

/// Rows per page in the admin lists.
pub const PAGE_SIZE: i64 = 100;

/// A pledge as maintainers see it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PledgeRow {
    pub id: String,
    pub status: String,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub tier: Option<String>,
    pub designation: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    pub show_name: bool,
    pub note: Option<String>,
    pub lang: String,
    pub origin: String,
    pub provider_ref: Option<String>,
    pub flag: Option<String>,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

/// One line of the totals: pledges in a status, and their amounts (US dollars only).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: String,
    pub pledges: i64,
    pub cents: i64,
}

/// A refund whose payment has not arrived (see the `refunds` table): a maintainer should look.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct WaitingRefund {
    pub provider_ref: String,
    pub refunded_cents: i64,
    pub currency: String,
    pub updated_at: i64,
}

/// An offer of help as maintainers see it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub place: Option<String>,
    /// Comma-separated kinds, see [`crate::volunteer::HELP_KINDS`].
    pub help: String,
    pub message: Option<String>,
    pub lang: String,
    pub created_at: i64,
}

/// A webhook event recorded as flagged (a second payment, a refund in another currency or
/// from another scheme, an amount that cannot be counted): for a maintainer to look at.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FlaggedEvent {
    pub scheme: String,
    pub event_id: String,
    pub outcome: String,
    pub pledge_id: Option<String>,
    pub provider_ref: Option<String>,
    pub amount_cents: Option<i64>,
    pub currency: Option<String>,
    pub received_at: i64,
}

impl FlaggedEvent {
    /// Why it was flagged, in words.
    pub fn why(&self) -> &'static str {
        use crate::ledger::{Flag, Outcome};
        match Outcome::parse(&self.outcome) {
            Some(Outcome::Flagged(Flag::Amount)) => "an amount that cannot be counted",
            Some(Outcome::Flagged(Flag::SecondPayment)) => {
                "a second payment for a pledge already paid"
            }
            Some(Outcome::Flagged(Flag::RefundCurrency)) => {
                "a refund in another currency than its payment"
            }
            Some(Outcome::Flagged(Flag::RefundScheme)) => {
                "a refund naming another provider's payment"
            }
            Some(Outcome::Flagged(Flag::Currency)) => "a gift in another currency",
            _ => "flagged",
        }
    }
}

impl VolunteerRow {
    /// How they want to help, in words.
    pub fn help_words(&self) -> String {
        self.help
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| crate::volunteer::help_label(&crate::content::EN, k))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// An amount in its currency: `US$50` for dollars (the ledger's currency), `12.50 EUR` else.
pub fn amount(cents: i64, currency: &str) -> String {
    if currency.eq_ignore_ascii_case("usd") {
        Cents(cents).to_string()
    } else {
        format!("{} {}", decimal(cents), currency.to_uppercase())
    }
}

/// `1234.50`: an amount for a spreadsheet, which sums plain decimals.
pub fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// D1 stores booleans as 0 and 1.
fn int_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(i64::deserialize(d)? != 0)
}

// ---------------------------------------------------------------------------------------------
// CSV

/// UTF-8's byte order mark: spreadsheet programs take the file as UTF-8 only with it.
pub const BOM: &str = "\u{FEFF}";

/// What a spreadsheet runs as a formula when a cell starts with it: `=`, `+`, `-`, `@`, and
/// `|` (DDE in older Excel), plus their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20,
/// U+FF5C), which some spreadsheet programs and input methods turn into the ASCII ones.
const FORMULA_START: [char; 10] = [
    '=', '+', '-', '@', '|', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FF5C}',
];

/// Characters that show nothing, so a formula can hide behind them: spreadsheets (or a paste
/// through another program) may drop them and then see the formula. This is Unicode's general
/// category Cf (format characters: soft hyphen, Arabic number signs, zero-width space and
/// joiners, direction marks and isolates, word joiner and invisible operators, BOM /
/// zero-width no-break space, interlinear annotation, tags...), listed by hand as of Unicode
/// 15.1 because the standard library has no category lookup, plus a few letters and marks
/// that are invisible in practice (combining grapheme joiner, Hangul fillers, Khmer's
/// inherent vowels U+17B4/U+17B5, variation selectors). Controls and white space are skipped
/// too, see [`looks_like_formula`]. Skipping too much costs no more than a needless `'`.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// C0 controls a cell loses: all but tab, line feed and carriage return (the line breaks
/// quoting keeps). A NUL cuts the file short in some readers, and none of these has a meaning
/// in a spreadsheet.
fn is_dropped_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}')
}

/// Whether a spreadsheet could run `value` as a formula: it starts with a tab or a carriage
/// return (which programs strip, exposing what follows), or its first character that is not
/// white space, a control or invisible ([`is_invisible_format`]) starts a formula.
fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['\t', '\r'])
        || value
            .chars()
            .find(|c| !(c.is_whitespace() || c.is_control() || is_invisible_format(*c)))
            .is_some_and(|c| FORMULA_START.contains(&c))
}

/// One cell as written: without C0 controls other than tab and line breaks (so no NUL ever
/// reaches the file), defused (a leading `'` makes a spreadsheet show a formula-looking value
/// as text, and is how spreadsheets themselves mark text) and quoted per RFC 4180 when it
/// holds a quote, a comma or a line break. Borrowed when nothing changes.
pub fn csv_cell(value: &str) -> Cow<'_, str> {
    let clean: Cow<'_, str> = if value.contains(is_dropped_control) {
        Cow::Owned(value.chars().filter(|c| !is_dropped_control(*c)).collect())
    } else {
        Cow::Borrowed(value)
    };
    let defused: Cow<'_, str> = if looks_like_formula(&clean) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    };
    if defused.contains(['"', ',', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", defused.replace('"', "\"\"")))
    } else {
        defused
    }
}

/// A CSV file being written: BOM first, CRLF after every row (RFC 4180).
pub struct Csv(String);

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv(String::from(BOM));
        csv.row(header.iter().copied());
        csv
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push_str(&csv_cell(cell));
        }
        self.0.push_str("\r\n");
    }

    pub fn finish(self) -> String {
        self.0
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// Every pledge column a maintainer may need, in a spreadsheet.
pub fn pledges_csv(rows: &[PledgeRow]) -> String {
    let mut csv = Csv::new(&[
        "id",
        "status",
        "created",
        "paid",
        "amount",
        "refunded",
        "currency",
        "tier",
        "designation",
        "name",
        "show_name",
        "email",
        "note",
        "lang",
        "origin",
        "provider_ref",
        "flag",
    ]);
    for p in rows {
        let created = crate::time::rfc3339(p.created_at);
        let paid = p.paid_at.map(crate::time::rfc3339).unwrap_or_default();
        let (amount, refunded) = (decimal(p.amount_cents), decimal(p.refunded_cents));
        csv.row([
            p.id.as_str(),
            &p.status,
            &created,
            &paid,
            &amount,
            &refunded,
            &p.currency,
            opt(&p.tier),
            &p.designation,
            opt(&p.name),
            if p.show_name { "yes" } else { "no" },
            opt(&p.email),
            opt(&p.note),
            &p.lang,
            &p.origin,
            opt(&p.provider_ref),
            opt(&p.flag),
        ]);
    }
    csv.finish()
}

/// The offers of help, in a spreadsheet.
pub fn volunteers_csv(rows: &[VolunteerRow]) -> String {
    let mut csv = Csv::new(&[
        "id", "created", "name", "email", "phone", "place", "help", "message", "lang",
    ]);
    for v in rows {
        let (id, created, help) = (
            v.id.to_string(),
            crate::time::rfc3339(v.created_at),
            v.help_words(),
        );
        csv.row([
            id.as_str(),
            &created,
            &v.name,
            opt(&v.email),
            opt(&v.phone),
            opt(&v.place),
            &help,
            opt(&v.message),
            &v.lang,
        ]);
    }
    csv.finish()
}

// ---------------------------------------------------------------------------------------------
// The chart of paid gifts per day

/// Days the chart covers, today included.
pub const CHART_DAYS: i64 = 90;

/// What was paid on one UTC day (days since 1970-01-01), in US cents.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct DayTotal {
    pub day: i64,
    pub cents: i64,
    pub gifts: i64,
}

/// The UTC day a Unix time falls on.
pub fn day_of(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

const BAR: i64 = 8;
const GAP: i64 = 2;
const TOP: i64 = 20;
const PLOT: i64 = 150;
const WIDTH: i64 = CHART_DAYS * BAR;
const HEIGHT: i64 = TOP + PLOT + 24;

/// `&`, `<`, `>` and `"` escaped, for SVG text and attribute values.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The paid gifts of the [`CHART_DAYS`] days up to `today` (a day number) as an inline `<svg>`:
/// one bar per day with gifts, scaled to the best day, each with a `<title>` a pointer or a
/// screen reader can read. Days outside the window are left out; repeated days are added up.
pub fn paid_per_day_svg(rows: &[DayTotal], today: i64) -> String {
    let first = today - (CHART_DAYS - 1);
    let mut days = vec![(0i64, 0i64); CHART_DAYS as usize];
    for r in rows.iter().filter(|r| (first..=today).contains(&r.day)) {
        if let Some(d) = days.get_mut((r.day - first) as usize) {
            d.0 = d.0.saturating_add(r.cents.max(0));
            d.1 = d.1.saturating_add(r.gifts.max(0));
        }
    }
    let max = days.iter().map(|d| d.0).max().unwrap_or(0);
    let total: i64 = days.iter().map(|d| d.0).sum();
    let label = format!(
        "Paid gifts per day, last {CHART_DAYS} days: {} in all",
        Cents(total)
    );
    let mut svg = String::with_capacity(256 + 160 * days.len());
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="chart-title"><title id="chart-title">{}</title>"##,
        xml(&label)
    );
    let base = TOP + PLOT;
    let _ = write!(
        svg,
        r##"<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#ddd5cc" stroke-width="1"/>"##
    );
    if max == 0 {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" text-anchor="middle" font-size="14" fill="#56506a">No paid gifts in these {CHART_DAYS} days</text>"##,
            WIDTH / 2,
            TOP + PLOT / 2
        );
    } else {
        let _ = write!(
            svg,
            r##"<text x="0" y="14" font-size="12" fill="#56506a">{}</text>"##,
            xml(&Cents(max).to_string())
        );
    }
    for (i, (cents, gifts)) in days.iter().enumerate().filter(|(_, d)| d.0 > 0) {
        // Rounded to the nearest pixel, but never so small that a gift disappears.
        let h = ((i128::from(*cents) * i128::from(PLOT) + i128::from(max) / 2) / i128::from(max))
            .max(1) as i64;
        let x = i as i64 * BAR + GAP / 2;
        let date = crate::time::date((first + i as i64) * 86_400);
        let what = if *gifts == 1 {
            "1 gift".to_string()
        } else {
            format!("{gifts} gifts")
        };
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="{}" width="{}" height="{h}" fill="#8a1c4a"><title>{}</title></rect>"##,
            base - h,
            BAR - GAP,
            xml(&format!("{date}: {} from {what}", Cents(*cents)))
        );
    }
    let _ = write!(
        svg,
        r##"<text x="0" y="{y}" font-size="12" fill="#56506a">{}</text><text x="{WIDTH}" y="{y}" font-size="12" fill="#56506a" text-anchor="end">{}</text></svg>"##,
        crate::time::date(first * 86_400),
        crate::time::date(today * 86_400),
        y = base + 18,
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_cells_are_defused() {
        assert_eq!(csv_cell("=SUM(A1:A9)"), "'=SUM(A1:A9)");
        assert_eq!(csv_cell("+855 12 345 678"), "'+855 12 345 678");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@cmd"), "'@cmd");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        // Only the first visible character matters, and ordinary values pass untouched.
        assert_eq!(csv_cell("a=b"), "a=b");
        assert_eq!(csv_cell("a|b"), "a|b");
        assert_eq!(csv_cell("x \u{200B}="), "x \u{200B}=");
        assert_eq!(csv_cell("50.00"), "50.00");
        assert!(matches!(csv_cell("plain"), Cow::Borrowed(_)));
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn formulas_behind_invisible_characters_are_defused() {
        // Zero-width space, BOM, word joiner, direction marks: the prefix goes first, the
        // value stays as it was.
        assert_eq!(csv_cell("\u{200B}=1+1"), "'\u{200B}=1+1");
        assert_eq!(csv_cell("\u{FEFF}+1"), "'\u{FEFF}+1");
        assert_eq!(
            csv_cell("\u{2060}\u{200F}\u{061C}@x"),
            "'\u{2060}\u{200F}\u{061C}@x"
        );
        assert_eq!(csv_cell("\u{180E}-1"), "'\u{180E}-1");
        // Leading white space, ASCII or not, and C1 controls hide nothing either.
        assert_eq!(csv_cell("   =1"), "'   =1");
        assert_eq!(csv_cell("\u{A0}\u{3000}=1"), "'\u{A0}\u{3000}=1");
        assert_eq!(csv_cell("\u{85}=1"), "'\u{85}=1");
        assert_eq!(csv_cell("\n=1"), "\"'\n=1\"");
        // Invisible characters before an ordinary value change nothing.
        assert!(matches!(csv_cell("\u{200B}abc"), Cow::Borrowed(_)));
    }

    #[test]
    fn pipes_and_full_width_formula_signs_are_defused() {
        assert_eq!(csv_cell("|calc"), "'|calc");
        for c in ['\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FF5C}'] {
            let cell = format!("{c}SUM(A1)");
            assert_eq!(csv_cell(&cell), format!("'{cell}"), "{c:?}");
        }
        assert_eq!(csv_cell("\u{FF1D}1+1"), "'\u{FF1D}1+1");
    }

    #[test]
    fn cells_never_carry_nul_or_other_c0_controls() {
        assert_eq!(csv_cell("\0=1"), "'=1");
        assert_eq!(csv_cell("a\0b\u{7}c\u{1B}[31m"), "abc[31m");
        assert_eq!(csv_cell("\u{1F}\u{0B}"), "");
        // Tab and line breaks stay (and line breaks are quoted).
        assert_eq!(csv_cell("a\tb"), "a\tb");
        assert_eq!(csv_cell("a\0\r\nb"), "\"a\r\nb\"");
        // Khmer around a NUL is kept byte for byte.
        assert_eq!(csv_cell("សុខា\0ចាន់"), "សុខាចាន់");
        let mut csv = Csv::new(&["name"]);
        csv.row(["\0\0=cmd"]);
        let out = csv.finish();
        assert!(!out.contains('\0'));
        assert!(out.ends_with("\r\n'=cmd\r\n"), "{out:?}");
    }

    #[test]
    fn quotes_commas_and_line_breaks_are_quoted() {
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("line 1\nline 2"), "\"line 1\nline 2\"");
        assert_eq!(csv_cell("a\r\nb"), "\"a\r\nb\"");
        // Defused first, then quoted: the prefix sits inside the quotes.
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn files_start_with_a_bom_and_end_rows_with_crlf_and_keep_khmer() {
        let mut csv = Csv::new(&["name", "note"]);
        csv.row(["សុខា ចាន់", "ជំរាបសួរ, hello"]);
        let out = csv.finish();
        assert!(out.starts_with('\u{FEFF}'));
        assert_eq!(out.as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
        assert_eq!(out, "\u{FEFF}name,note\r\nសុខា ចាន់,\"ជំរាបសួរ, hello\"\r\n");
    }

    fn pledge() -> PledgeRow {
        PledgeRow {
            id: "ab".repeat(16),
            status: "paid".into(),
            amount_cents: 5050,
            refunded_cents: 0,
            currency: "usd".into(),
            tier: None,
            designation: "general".into(),
            name: Some("=cmd|' /C calc'!A0".into()),
            email: Some("d@example.org".into()),
            show_name: true,
            note: Some("two\nlines".into()),
            lang: "km".into(),
            origin: "site".into(),
            provider_ref: Some("pi_1".into()),
            flag: None,
            created_at: 1_795_861_845,
            paid_at: None,
        }
    }

    #[test]
    fn pledge_csv_has_every_column_and_defuses_names() {
        let out = pledges_csv(&[pledge()]);
        let mut lines = out.trim_start_matches(BOM).split("\r\n");
        assert_eq!(
            lines.next(),
            Some("id,status,created,paid,amount,refunded,currency,tier,designation,name,show_name,email,note,lang,origin,provider_ref,flag")
        );
        let row = lines.next().unwrap_or_default();
        assert!(
            row.starts_with(&format!(
                "{},paid,2026-11-28T10:30:45Z,,50.50,0.00,usd,,general,'=cmd|' /C calc'!A0,yes,",
                "ab".repeat(16)
            )),
            "{row}"
        );
        assert!(out.contains(",\"two\nlines\",km,site,pi_1,\r\n"), "{out}");
    }

    #[test]
    fn volunteer_csv_names_the_kinds_of_help() {
        let v = VolunteerRow {
            id: 7,
            name: "ស្រីមុំ".into(),
            email: None,
            phone: Some("+855 12 345 678".into()),
            place: Some("Siem Reap".into()),
            help: "radio,training".into(),
            message: None,
            lang: "km".into(),
            created_at: 0,
        };
        let out = volunteers_csv(&[v]);
        let help = format!(
            "{}; {}",
            crate::content::EN.volunteer_help_radio,
            crate::content::EN.volunteer_help_training
        );
        assert!(
            out.ends_with(&format!(
                "\r\n7,1970-01-01T00:00:00Z,ស្រីមុំ,,'+855 12 345 678,Siem Reap,{help},,km\r\n"
            )),
            "{out}"
        );
    }

    #[test]
    fn amounts_in_words_and_for_spreadsheets() {
        assert_eq!(amount(5000, "usd"), "US$50");
        assert_eq!(amount(1250, "eur"), "12.50 EUR");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(-105), "-1.05");
    }

    #[test]
    fn waiting_times_in_the_largest_unit() {
        assert_eq!(waited(-5), "under a minute");
        assert_eq!(waited(59), "under a minute");
        assert_eq!(waited(60), "1 minute");
        assert_eq!(waited(3599), "59 minutes");
        assert_eq!(waited(3600), "1 hour");
        assert_eq!(waited(86_399), "23 hours");
        assert_eq!(waited(86_400), "1 day");
        assert_eq!(waited(10 * 86_400 + 5), "10 days");
    }

    #[test]
    fn session_ids_cookies_and_hashes() {
        let id = session_id([0xab; 16]);
        assert!(is_session_id(&id));
        assert!(!is_session_id(&id.to_uppercase()));
        assert!(!is_session_id("abc"));
        assert!(!is_session_id(&format!("{}g", &id[..31])));
        let h = session_hash(&id);
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&id));
        assert_ne!(h, session_hash(&session_id([0xac; 16])));
        let c = session_cookie(&id);
        for part in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/admin",
            "Max-Age=43200",
        ] {
            assert!(c.split("; ").any(|p| p == part), "{c} lacks {part}");
        }
        assert!(cleared_session_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn actions_lists_and_the_way_back() {
        assert_eq!(
            Moderation::parse("approve").and_then(Moderation::new_status),
            Some("approved")
        );
        assert_eq!(
            Moderation::parse("spam").and_then(Moderation::new_status),
            Some("spam")
        );
        assert_eq!(
            Moderation::parse("delete").map(Moderation::new_status),
            Some(None)
        );
        assert_eq!(Moderation::parse("drop"), None);
        assert_eq!(CommentList::parse("<x>"), CommentList::Held);
        let form = ActionForm {
            back: "approved".into(),
            page: "3".into(),
            next: "42".into(),
            ..Default::default()
        };
        assert_eq!(
            form.place().href(),
            "/admin/comments?status=approved&page=3#comment-42"
        );
        let form = ActionForm {
            back: "waiting".into(),
            next: "x\"><script>".into(),
            ..Default::default()
        };
        assert_eq!(form.place().href(), "/admin/waiting");
        let form = ActionForm {
            back: "javascript:alert(1)".into(),
            page: "-1".into(),
            ..Default::default()
        };
        assert_eq!(form.place().href(), "/admin/comments?status=held");
    }

    #[test]
    fn replies_are_kept_as_typed_within_the_limit() {
        assert_eq!(
            reply_body("Thank you!\r\nសូមអរគុណ"),
            Ok("Thank you!\nសូមអរគុណ".to_string())
        );
        assert_eq!(reply_body(" \n "), Err(ReplyProblem::Empty));
        assert_eq!(
            reply_body(&"ក".repeat(crate::comment::TEXT_MAX + 1)),
            Err(ReplyProblem::TooLong)
        );
        assert_eq!(campaign_name("km"), crate::content::KM.site_name);
        assert_eq!(campaign_name("??"), crate::content::EN.site_name);
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn the_chart_draws_one_titled_bar_per_day_with_gifts() {
        let today = day_of(1_795_861_845);
        let rows = [
            DayTotal {
                day: today,
                cents: 10_000,
                gifts: 2,
            },
            DayTotal {
                day: today - 1,
                cents: 2_500,
                gifts: 1,
            },
            DayTotal {
                day: today - 1,
                cents: 2_500,
                gifts: 1,
            },
            DayTotal {
                day: today - CHART_DAYS,
                cents: 99_999,
                gifts: 9,
            }, // outside the window
            DayTotal {
                day: today + 1,
                cents: 99_999,
                gifts: 9,
            }, // the future, ignored
        ];
        let svg = paid_per_day_svg(&rows, today);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(count(&svg, "<rect"), 2);
        assert_eq!(count(&svg, "<title"), 2 + 1);
        assert!(
            svg.contains("<title>2026-11-28: US$100 from 2 gifts</title>"),
            "{svg}"
        );
        assert!(svg.contains("<title>2026-11-27: US$50 from 2 gifts</title>"));
        assert!(svg.contains("US$150 in all"));
        // The best day fills the plot; half of it, half the height. Today is the last bar.
        assert!(
            svg.contains(&format!(
                r#"<rect x="{}" y="{TOP}" width="6" height="{PLOT}""#,
                (CHART_DAYS - 1) * BAR + 1
            )),
            "{svg}"
        );
        assert!(svg.contains(&format!(r#"height="{}""#, PLOT / 2)));
        // Presentation attributes only: the CSP forbids inline styles.
        assert!(!svg.contains("style"));
        assert!(svg.contains(&crate::time::date((today - 89) * 86_400)));
    }

    #[test]
    fn small_days_stay_visible_and_an_empty_chart_says_so() {
        let today = 20_000;
        let svg = paid_per_day_svg(
            &[
                DayTotal {
                    day: today,
                    cents: 10_000_000,
                    gifts: 1,
                },
                DayTotal {
                    day: today - 3,
                    cents: 1,
                    gifts: 1,
                },
            ],
            today,
        );
        assert!(svg.contains(r#"height="1" fill"#));
        let empty = paid_per_day_svg(&[], today);
        assert_eq!(count(&empty, "<rect"), 0);
        assert!(empty.contains("No paid gifts"));
    }

    #[test]
    fn rows_deserialize_from_d1_integers() {
        let v: VolunteerRow = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "n", "email": null, "phone": null, "place": null, "help": "", "message": null, "lang": "en", "created_at": 5
        }))
        .unwrap();
        assert_eq!(v.help_words(), "");
        let c: AdminComment = serde_json::from_value(serde_json::json!({
            "id": 1, "parent_id": null, "name": "n", "email": null, "website": null, "body": "b", "lang": "en",
            "status": "held", "is_campaign": 0, "link_count": 3, "flagged": 1, "created_at": 5
        }))
        .unwrap();
        assert!(c.flagged && !c.is_campaign);
    }
}
