//! CSV exports, made to be opened by people in spreadsheet programs.
//!
//! A spreadsheet runs a cell that looks like a formula, so every cell is defused first
//! ([`defused`]); a cell never carries NUL or other C0 controls; quoting is RFC 4180, done by
//! the `csv` crate's writer; and the file starts with a UTF-8 byte order mark, without which
//! Excel reads Khmer names as mojibake. The columns are everything a maintainer may need of a
//! pledge or an offer of help.
//!
//! Only the office (the admin area) writes CSV, so `csv` and `unicode-properties` stay out of
//! what the site's worker links.

use super::rows::{PledgeRow, VolunteerRow};
use crate::money::decimal;
use std::borrow::Cow;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// UTF-8's byte order mark: spreadsheet programs take the file as UTF-8 only with it.
pub const BOM: &str = "\u{FEFF}";

/// What a spreadsheet runs as a formula when a cell starts with it: `=`, `+`, `-`, `@`, and
/// `|` (DDE in older Excel), plus their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20,
/// U+FF5C), which some spreadsheet programs and input methods turn into the ASCII ones.
const FORMULA_START: [char; 10] = [
    '=', '+', '-', '@', '|', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FF5C}',
];

/// Characters that show nothing, so a formula can hide behind them: spreadsheets (or a paste
/// through another program) may drop them and then see the formula. Unicode's general
/// category Cf (format characters: soft hyphen, Arabic number signs, zero-width space and
/// joiners, direction marks and isolates, word joiner and invisible operators, BOM /
/// zero-width no-break space, interlinear annotation, tags...), as `unicode-properties` knows
/// it, plus letters and marks that are invisible in practice: the combining grapheme joiner,
/// the Hangul fillers, Khmer's inherent vowels U+17B4/U+17B5, the variation selectors.
/// Controls and white space are skipped too, see [`looks_like_formula`]. Skipping too much
/// costs no more than a needless `'`.
fn is_invisible_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || matches!(
            c,
            '\u{034F}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
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

/// One cell's value as it goes to the writer: without C0 controls other than tab and line
/// breaks (so no NUL ever reaches the file), and defused (a leading `'` makes a spreadsheet
/// show a formula-looking value as text, and is how spreadsheets themselves mark text).
/// Borrowed when nothing changes. Quoting is the writer's ([`Csv::row`]).
pub fn defused(value: &str) -> Cow<'_, str> {
    let clean: Cow<'_, str> = if value.contains(is_dropped_control) {
        Cow::Owned(value.chars().filter(|c| !is_dropped_control(*c)).collect())
    } else {
        Cow::Borrowed(value)
    };
    if looks_like_formula(&clean) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// A CSV file being written: BOM first, every cell [`defused`], quoted per RFC 4180 where it
/// holds a quote, a comma or a line break, CRLF after every row.
pub struct Csv(csv::Writer<Vec<u8>>);

impl Csv {
    pub fn new(header: &[&str]) -> Csv {
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            // Rows need not have the header's length: nothing to refuse, so nothing can fail.
            .flexible(true)
            .from_writer(BOM.as_bytes().to_vec());
        let mut csv = Csv(writer);
        csv.row(header.iter().copied());
        csv
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        let cells: Vec<Cow<'a, str>> = cells.into_iter().map(defused).collect();
        // Writing into memory, with rows of any length, has no error to meet: the writer's
        // errors are I/O errors and rows of unequal length.
        let _ = self.0.write_record(cells.iter().map(|c| c.as_bytes()));
    }

    pub fn finish(self) -> String {
        // Flushing into a Vec cannot fail; were it to, what was flushed is kept.
        let bytes = match self.0.into_inner() {
            Ok(bytes) => bytes,
            Err(e) => e.into_inner().get_ref().clone(),
        };
        // Every cell was a `&str` and every byte the writer adds is ASCII.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
        // What the donor was shown and paid in, in its minor units (#28 §1); never summed.
        "presented_currency",
        "presented_amount",
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
        "attested",
        "frequency",
        "payments",
        "source",
    ]);
    for p in rows {
        let created = crate::time::rfc3339(p.created_at);
        let paid = p.paid_at.map(crate::time::rfc3339).unwrap_or_default();
        let attested = p.attested_at.map(crate::time::rfc3339).unwrap_or_default();
        let (amount, refunded) = (decimal(p.amount_cents), decimal(p.refunded_cents));
        // In the presented currency's minor units, exactly as Stripe said (#28 §1).
        let presented = p.presented();
        let presented_amount = presented
            .as_ref()
            .map(|p| p.amount.to_string())
            .unwrap_or_default();
        csv.row([
            p.id.as_str(),
            p.status.as_str(),
            &created,
            &paid,
            &amount,
            &refunded,
            &p.currency,
            presented.as_ref().map_or("", |p| p.currency.as_str()),
            &presented_amount,
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
            &attested,
            p.frequency.as_str(),
            &p.payments.to_string(),
            opt(&p.source),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pledge::{Frequency, Status};

    /// One cell as the file has it: defused, then quoted by the writer.
    fn cell(value: &str) -> String {
        let mut csv = Csv::new(&["h"]);
        csv.row([value]);
        let out = csv.finish();
        let row = out
            .strip_prefix("\u{FEFF}h\r\n")
            .and_then(|r| r.strip_suffix("\r\n"));
        row.expect("one row after the header").to_string()
    }

    #[test]
    fn formula_looking_cells_are_defused() {
        assert_eq!(cell("=SUM(A1:A9)"), "'=SUM(A1:A9)");
        assert_eq!(cell("+855 12 345 678"), "'+855 12 345 678");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@cmd"), "'@cmd");
        assert_eq!(cell("\t=1"), "'\t=1");
        // Only the first visible character matters, and ordinary values pass untouched.
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("a|b"), "a|b");
        assert_eq!(cell("x \u{200B}="), "x \u{200B}=");
        assert_eq!(cell("50.00"), "50.00");
        assert!(matches!(defused("plain"), Cow::Borrowed(_)));
        assert_eq!(defused(""), "");
    }

    #[test]
    fn formulas_behind_invisible_characters_are_defused() {
        // Zero-width space, BOM, word joiner, direction marks: the prefix goes first, the
        // value stays as it was.
        assert_eq!(cell("\u{200B}=1+1"), "'\u{200B}=1+1");
        assert_eq!(cell("\u{FEFF}+1"), "'\u{FEFF}+1");
        assert_eq!(
            cell("\u{2060}\u{200F}\u{061C}@x"),
            "'\u{2060}\u{200F}\u{061C}@x"
        );
        assert_eq!(cell("\u{180E}-1"), "'\u{180E}-1");
        // Leading white space, ASCII or not, and C1 controls hide nothing either.
        assert_eq!(cell("   =1"), "'   =1");
        assert_eq!(cell("\u{A0}\u{3000}=1"), "'\u{A0}\u{3000}=1");
        assert_eq!(cell("\u{85}=1"), "'\u{85}=1");
        assert_eq!(cell("\n=1"), "\"'\n=1\"");
        // Invisible characters before an ordinary value change nothing.
        assert!(matches!(defused("\u{200B}abc"), Cow::Borrowed(_)));
    }

    #[test]
    fn pipes_and_full_width_formula_signs_are_defused() {
        assert_eq!(cell("|calc"), "'|calc");
        for c in ['\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\u{FF5C}'] {
            let value = format!("{c}SUM(A1)");
            assert_eq!(cell(&value), format!("'{value}"), "{c:?}");
        }
        assert_eq!(cell("\u{FF1D}1+1"), "'\u{FF1D}1+1");
    }

    #[test]
    fn cells_never_carry_nul_or_other_c0_controls() {
        assert_eq!(cell("\0=1"), "'=1");
        assert_eq!(cell("a\0b\u{7}c\u{1B}[31m"), "abc[31m");
        assert_eq!(defused("\u{1F}\u{0B}"), "");
        // Tab and line breaks stay (and line breaks are quoted).
        assert_eq!(cell("a\tb"), "a\tb");
        assert_eq!(cell("a\0\r\nb"), "\"a\r\nb\"");
        // Khmer around a NUL is kept byte for byte.
        assert_eq!(cell("សុខា\0ចាន់"), "សុខាចាន់");
        let mut csv = Csv::new(&["name"]);
        csv.row(["\0\0=cmd"]);
        let out = csv.finish();
        assert!(!out.contains('\0'));
        assert!(out.ends_with("\r\n'=cmd\r\n"), "{out:?}");
    }

    #[test]
    fn quotes_commas_and_line_breaks_are_quoted() {
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("line 1\nline 2"), "\"line 1\nline 2\"");
        assert_eq!(cell("a\r\nb"), "\"a\r\nb\"");
        // Defused first, then quoted: the prefix sits inside the quotes.
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn a_row_of_one_empty_cell_is_not_a_blank_line() {
        // The writer quotes it, so that a reader does not skip it as an empty line.
        assert_eq!(cell(""), "\"\"");
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(["", ""]);
        csv.row(["x"]);
        assert_eq!(csv.finish(), "\u{FEFF}a,b\r\n,\r\nx\r\n");
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
            status: Status::Paid,
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
            attested_at: Some(1_795_861_845),
            frequency: Frequency::Once,
            payments: 1,
            failed_renewals: 0,
            unpaid_invoice: None,
            ended_at: None,
            source: Some("fb-post-12".into()),
            presented_currency: Some("eur".into()),
            presented_amount: Some(4620),
        }
    }

    #[test]
    fn pledge_csv_has_every_column_and_defuses_names() {
        let out = pledges_csv(&[pledge()]);
        let mut lines = out.trim_start_matches(BOM).split("\r\n");
        assert_eq!(
            lines.next(),
            Some("id,status,created,paid,amount,refunded,currency,presented_currency,presented_amount,tier,designation,name,show_name,email,note,lang,origin,provider_ref,flag,attested,frequency,payments,source")
        );
        let row = lines.next().unwrap_or_default();
        assert!(
            row.starts_with(&format!(
                "{},paid,2026-11-28T10:30:45Z,,50.50,0.00,usd,eur,4620,,general,'=cmd|' /C calc'!A0,yes,",
                "ab".repeat(16)
            )),
            "{row}"
        );
        assert!(
            out.contains(
                ",\"two\nlines\",km,site,pi_1,,2026-11-28T10:30:45Z,once,1,fb-post-12\r\n"
            ),
            "{out}"
        );
        // A gift nobody attested (made outside the site) has an empty cell, not a date.
        // ... and a gift without a presented currency (or a malformed one) has empty cells.
        let external = PledgeRow {
            attested_at: None,
            source: None,
            presented_currency: Some("EUR".into()),
            ..pledge()
        };
        let out = pledges_csv(&[external]);
        assert!(out.ends_with(",pi_1,,,once,1,\r\n"), "{out}");
        assert!(out.contains(",50.50,0.00,usd,,,,general,"), "{out}");
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
}
