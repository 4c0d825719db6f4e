//! Times are stored as Unix seconds and shown as RFC 3339 (API) or a plain date (pages).
//! The arithmetic is Howard Hinnant's `civil_from_days`, so no date crate rides in the wasm.

/// `(year, month, day, hour, minute, second)` in UTC.
fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// `2026-11-28T10:00:00Z`
pub fn rfc3339(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Cambodia's offset from UTC: seven hours, with no daylight saving (Asia/Phnom_Penh).
pub const PHNOM_PENH_OFFSET_SECS: i64 = 7 * 3600;

/// `(year, month, day)` of the instant in Cambodia (for visitor pages: `Lang::date`).
pub fn phnom_penh_date(secs: i64) -> (i64, u32, u32) {
    let (y, m, d, ..) = civil(secs.saturating_add(PHNOM_PENH_OFFSET_SECS));
    (y, m, d)
}

/// `2026-11-28`, the day of the instant in Cambodia: what the edge keeps a page that shows the
/// deadline under, so that a new day there starts a new key (#28 §4).
pub fn phnom_penh_day_key(secs: i64) -> String {
    let (y, m, d) = phnom_penh_date(secs);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-28`, in UTC: the admin area's dates.
pub fn date(secs: i64) -> String {
    let (y, mo, d, ..) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_861_845), "2026-11-28T10:30:45Z");
        assert_eq!(date(4_107_542_399), "2100-02-28");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn cambodia_is_seven_hours_ahead_all_year() {
        // 16:59:59 UTC is still the same day in Phnom Penh; 17:00 UTC is the next.
        assert_eq!(phnom_penh_date(1_795_885_199), (2026, 11, 28));
        assert_eq!(phnom_penh_date(1_795_885_200), (2026, 11, 29));
        // 17:00 UTC on New Year's Eve is New Year's Day there; the same hour in June too.
        assert_eq!(phnom_penh_date(1_798_736_399), (2026, 12, 31));
        assert_eq!(phnom_penh_date(1_798_736_400), (2027, 1, 1));
        assert_eq!(phnom_penh_date(1_782_838_800), (2026, 7, 1));
        assert_eq!(phnom_penh_day_key(1_795_885_199), "2026-11-28");
        assert_eq!(phnom_penh_day_key(1_795_885_200), "2026-11-29");
    }
}
