//! The chart of paid gifts per day, drawn here as SVG on the server.
//!
//! The CSP allows no script, so there is no charting library in the browser; SVG presentation
//! attributes (`fill="…"`) are not inline styles, so the CSP needs no `style-src` exception.
//! The markup reaches the page through `inner_html`, which is safe because everything in it is
//! made here from numbers and dates, and escaped ([`xml`]) all the same.

use super::rows::DayTotal;
use crate::money::Cents;
use std::borrow::Cow;
use std::fmt::Write;

/// Days the chart covers, today included.
pub const CHART_DAYS: i64 = 90;

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

/// `&`, `<`, `>` and `"` escaped, for SVG text and double-quoted attribute values.
fn xml(s: &str) -> Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
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
        let what = crate::i18n::Lang::english_count(*gifts, "gift", "gifts");
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
}
