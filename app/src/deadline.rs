//! The campaign's deadline (`CAMPAIGN_DEADLINE`, issue #28): its last day, in Phnom Penh time
//! (UTC+7 all year), and where a given instant stands against it. Pure date arithmetic on
//! whole days (Howard Hinnant's `days_from_civil`), so no date crate rides in the wasm.

use crate::i18n::Lang;
use crate::time::PHNOM_PENH_OFFSET_SECS;

/// The campaign's last day, as days since 1970-01-01 (a calendar date, no time of day): gifts
/// count until its midnight in Phnom Penh; and whether the gift form closes after it
/// (`CLOSE_AFTER_DEADLINE=true`) or stays open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    last_day: i64,
    closes: bool,
}

/// Where the campaign stands at an instant: what its page and badge say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub phase: Phase,
    /// The form closes once the campaign has ended.
    pub closes: bool,
}

/// Where an instant stands against the deadline, in Phnom Penh's calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Whole days after today until the last day: 1 on the day before it.
    DaysLeft(i64),
    /// Today is the last day.
    LastDay,
    /// The last day is over: the campaign has ended.
    Ended,
}

impl Deadline {
    /// A strict `YYYY-MM-DD` (a real calendar date, four-digit year from 2000 to 2999);
    /// anything else is `None` (the worker logs the refused value's name, never the value).
    pub fn parse(s: &str) -> Option<Deadline> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = &b[r];
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(2000..=2999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > month_len(y, m) {
            return None;
        }
        Some(Deadline {
            last_day: days_from_civil(y, m, d),
            closes: false,
        })
    }

    /// The same deadline, the form closing after it when `closes`.
    pub fn closing(self, closes: bool) -> Deadline {
        Deadline { closes, ..self }
    }

    /// Where `now` (Unix seconds) stands against the last day.
    pub fn phase(self, now: i64) -> Phase {
        match self.last_day - phnom_penh_day(now) {
            left if left > 0 => Phase::DaysLeft(left),
            0 => Phase::LastDay,
            _ => Phase::Ended,
        }
    }

    /// What the page and the badge say at `now`.
    pub fn at(self, now: i64) -> Standing {
        Standing {
            phase: self.phase(now),
            closes: self.closes,
        }
    }
}

impl Standing {
    /// The campaign has ended and its form takes no more gifts.
    pub fn closed(self) -> bool {
        self.closes && self.phase == Phase::Ended
    }

    /// The line the campaign page shows beside its progress, in `lang` (Khmer digits on
    /// Khmer pages).
    pub fn page_line(self, lang: Lang) -> String {
        let t = lang.text();
        match self.phase {
            Phase::DaysLeft(n) => lang.count(&t.deadline_days_left, n),
            Phase::LastDay => t.deadline_last_day.to_string(),
            Phase::Ended if self.closes => t.deadline_ended.to_string(),
            Phase::Ended => t.deadline_ended_open.to_string(),
        }
    }

    /// The badge's few words for it: the days left, "last day", "ended".
    pub fn badge_words(self, lang: Lang) -> String {
        let t = lang.text();
        match self.phase {
            Phase::DaysLeft(n) => lang.count(&t.deadline_days_left, n),
            Phase::LastDay => t.deadline_badge_last_day.to_string(),
            Phase::Ended => t.deadline_badge_ended.to_string(),
        }
    }
}

/// Days since 1970-01-01 of the calendar day `now` falls on in Phnom Penh.
pub fn phnom_penh_day(now: i64) -> i64 {
    now.saturating_add(PHNOM_PENH_OFFSET_SECS)
        .div_euclid(86_400)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unix seconds of `h:m:s` on a day (days since the epoch) in Phnom Penh.
    fn pp(day: i64, h: i64, m: i64, s: i64) -> i64 {
        day * 86_400 + h * 3600 + m * 60 + s - PHNOM_PENH_OFFSET_SECS
    }

    #[test]
    fn days_from_civil_agrees_with_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2026-11-28 is 1_795_861_845 s (app::time's own test) in days.
        assert_eq!(days_from_civil(2026, 11, 28), 1_795_861_845 / 86_400);
        assert_eq!(
            days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28),
            1
        );
    }

    #[test]
    fn only_a_real_date_in_the_strict_form_is_a_deadline() {
        assert!(Deadline::parse("2030-01-10").is_some());
        assert!(Deadline::parse("2028-02-29").is_some(), "a leap day");
        for bad in [
            "",
            "2030-1-10",
            "2030-01-1",
            "2030/01/10",
            "2030-13-01",
            "2030-00-10",
            "2030-02-29",
            "2100-02-29",
            "2030-04-31",
            "1999-12-31",
            "+030-01-10",
            "2030-01-10T00:00",
            " 2030-01-10",
            "2030-០១-10",
        ] {
            assert_eq!(Deadline::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_days_turn_at_midnight_in_phnom_penh() {
        let d = Deadline::parse("2030-01-10").unwrap();
        let last = days_from_civil(2030, 1, 10);
        assert_eq!(d.phase(pp(last - 3, 12, 0, 0)), Phase::DaysLeft(3));
        assert_eq!(d.phase(pp(last - 2, 23, 59, 59)), Phase::DaysLeft(2));
        assert_eq!(d.phase(pp(last - 1, 0, 0, 0)), Phase::DaysLeft(1));
        assert_eq!(d.phase(pp(last - 1, 23, 59, 59)), Phase::DaysLeft(1));
        assert_eq!(d.phase(pp(last, 0, 0, 0)), Phase::LastDay);
        assert_eq!(d.phase(pp(last, 23, 59, 59)), Phase::LastDay);
        assert_eq!(d.phase(pp(last + 1, 0, 0, 0)), Phase::Ended);
        assert_eq!(d.phase(pp(last + 400, 0, 0, 0)), Phase::Ended);
        // 17:00 UTC is Phnom Penh's midnight.
        assert_eq!(
            crate::time::rfc3339(pp(last, 0, 0, 0)),
            "2030-01-09T17:00:00Z"
        );
    }

    #[test]
    fn the_words_in_both_languages_and_closed_only_when_ended_and_closing() {
        let d = Deadline::parse("2030-01-10").unwrap();
        let last = days_from_civil(2030, 1, 10);
        let open = d.at(pp(last - 12, 9, 0, 0));
        assert_eq!(open.page_line(Lang::En), "12 days left to give");
        assert!(open.page_line(Lang::Km).contains("១២"), "Khmer digits");
        assert_eq!(
            d.at(pp(last - 1, 9, 0, 0)).page_line(Lang::En),
            "1 day left to give"
        );
        let last_day = d.closing(true).at(pp(last, 9, 0, 0));
        assert!(last_day.page_line(Lang::En).starts_with("Last day"));
        assert!(!last_day.closed(), "the last day still takes gifts");
        let ended = d.at(pp(last + 1, 9, 0, 0));
        assert!(
            !ended.closed(),
            "open after the deadline unless told to close"
        );
        assert!(ended.page_line(Lang::En).contains("still welcome"));
        let closed = d.closing(true).at(pp(last + 1, 9, 0, 0));
        assert!(closed.closed());
        assert_ne!(closed.page_line(Lang::En), ended.page_line(Lang::En));
        assert_eq!(closed.badge_words(Lang::En), "ended");
        assert_ne!(closed.badge_words(Lang::Km), "ended");
    }
}
