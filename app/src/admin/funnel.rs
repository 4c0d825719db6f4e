//! The funnel's counts as the finance team sees them (`/admin/sources`, `/admin/sources.csv`):
//! one line per Phnom Penh day, language and source code, one column per [`Kind`]; a code's
//! cell under [`MASK_BELOW`] shows "< 5" (a code could name a person); and a small chart of the
//! days' forms, checkouts and payments.

use super::csv::Csv;
use crate::funnel::{Kind, Tally, OTHER_CODES};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A code's count below this shows as [`MASKED`].
pub const MASK_BELOW: i64 = 5;
pub const MASKED: &str = "< 5";

/// Days the funnel's chart covers, today included.
pub const FUNNEL_CHART_DAYS: i64 = 30;

/// One day, language and source, with a count per kind (in [`Kind::ALL`]'s order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunnelLine {
    pub day: i64,
    pub lang: &'static str,
    pub source: String,
    pub counts: [i64; Kind::ALL.len()],
}

impl FunnelLine {
    /// The source as shown: the code, "no code", or "other codes".
    pub fn source_label(&self) -> &str {
        match self.source.as_str() {
            "" => "no code",
            OTHER_CODES => "other codes",
            code => code,
        }
    }

    /// The cells, masked where a code's count is 1 to 4 (no code's counts, and 0, are shown).
    pub fn cells(&self) -> Vec<String> {
        (0..self.counts.len())
            .map(|col| {
                self.shown(col)
                    .map_or_else(|| MASKED.to_string(), |n| n.to_string())
            })
            .collect()
    }

    /// The count in column `col` unless it is masked.
    fn shown(&self, col: usize) -> Option<i64> {
        let n = self.counts.get(col).copied().unwrap_or(0);
        let masked = !self.source.is_empty() && (1..MASK_BELOW).contains(&n);
        (!masked).then_some(n)
    }

    pub fn date(&self) -> String {
        crate::time::date(self.day * 86_400)
    }
}

/// The stored counts as lines, newest day first, then language, then source.
pub fn funnel_lines(rows: &[Tally]) -> Vec<FunnelLine> {
    let mut lines: BTreeMap<(std::cmp::Reverse<i64>, &'static str, &str), [i64; 11]> =
        BTreeMap::new();
    for r in rows {
        let Some(col) = Kind::ALL.iter().position(|k| *k == r.kind) else {
            continue;
        };
        let line = lines
            .entry((std::cmp::Reverse(r.day), r.lang.code(), r.source.as_str()))
            .or_insert([0; 11]);
        line[col] = line[col].saturating_add(r.n.max(0));
    }
    lines
        .into_iter()
        .map(|((day, lang, source), counts)| FunnelLine {
            day: day.0,
            lang,
            source: source.to_string(),
            counts,
        })
        .collect()
}

/// The lines as a CSV file, masked as on the page.
pub fn funnel_csv(lines: &[FunnelLine]) -> String {
    let mut header = vec!["day", "lang", "source"];
    header.extend(Kind::ALL.iter().map(|k| k.as_str()));
    let mut csv = Csv::new(&header);
    for l in lines {
        let date = l.date();
        let cells = l.cells();
        let mut row = vec![date.as_str(), l.lang, l.source_label()];
        row.extend(cells.iter().map(String::as_str));
        csv.row(row);
    }
    csv.finish()
}

const W: i64 = FUNNEL_CHART_DAYS * 12;
const TOP: i64 = 18;
const PLOT: i64 = 100;
const H: i64 = TOP + PLOT + 22;

/// The [`FUNNEL_CHART_DAYS`] days up to `today`: per day three thin bars, forms sent,
/// checkouts started and payments, all languages and sources together, each titled. The bars
/// sum the cells the table shows: a masked cell is left out, or a day's total less the shown
/// lines would give a lone masked code's count away.
pub fn funnel_svg(lines: &[FunnelLine], today: i64) -> String {
    let first = today - (FUNNEL_CHART_DAYS - 1);
    let shown = [
        (Kind::Sent, "#b8a9c9", "forms sent"),
        (Kind::Checkout, "#56506a", "checkouts"),
        (Kind::Paid, "#8a1c4a", "paid"),
    ];
    let mut days = vec![[0i64; 3]; FUNNEL_CHART_DAYS as usize];
    for l in lines.iter().filter(|l| (first..=today).contains(&l.day)) {
        if let Some(d) = days.get_mut((l.day - first) as usize) {
            for (i, (kind, ..)) in shown.iter().enumerate() {
                let col = Kind::ALL.iter().position(|k| k == kind).unwrap_or(0);
                d[i] = d[i].saturating_add(l.shown(col).unwrap_or(0));
            }
        }
    }
    let max = days
        .iter()
        .flat_map(|d| d.iter())
        .copied()
        .max()
        .unwrap_or(0);
    let mut svg = String::with_capacity(512 + 300 * days.len());
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="funnel-chart" viewBox="0 0 {W} {H}" width="100%" role="img" aria-labelledby="funnel-title"><title id="funnel-title">Gift forms sent, checkouts started and payments per day, last {FUNNEL_CHART_DAYS} days (a code's counts under 5 left out)</title>"##
    );
    let base = TOP + PLOT;
    let _ = write!(
        svg,
        r##"<line x1="0" y1="{base}" x2="{W}" y2="{base}" stroke="#ddd5cc" stroke-width="1"/><text x="0" y="12" font-size="11" fill="#56506a">{max}</text>"##
    );
    for (i, d) in days
        .iter()
        .enumerate()
        .filter(|(_, d)| d[0] + d[1] + d[2] > 0)
    {
        let date = crate::time::date((first + i as i64) * 86_400);
        for (j, (_, colour, what)) in shown.iter().enumerate() {
            let n = d[j];
            if n <= 0 || max == 0 {
                continue;
            }
            let h = ((n * PLOT + max / 2) / max).max(1);
            let x = i as i64 * 12 + 1 + j as i64 * 3;
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{}" width="3" height="{h}" fill="{colour}"><title>{date}: {n} {what}</title></rect>"##,
                base - h
            );
        }
    }
    let _ = write!(
        svg,
        r##"<text x="0" y="{y}" font-size="11" fill="#56506a">{}</text><text x="{W}" y="{y}" font-size="11" fill="#56506a" text-anchor="end">{}</text></svg>"##,
        crate::time::date(first * 86_400),
        crate::time::date(today * 86_400),
        y = base + 16
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn t(day: i64, kind: Kind, lang: Lang, source: &str, n: i64) -> Tally {
        Tally {
            day,
            kind,
            lang,
            source: source.into(),
            n,
        }
    }

    #[test]
    fn lines_mask_a_codes_small_counts_in_the_page_and_the_csv() {
        let rows = [
            t(20_000, Kind::Sent, Lang::En, "", 3),
            t(20_000, Kind::Sent, Lang::En, "fb-1", 3),
            t(20_000, Kind::Checkout, Lang::En, "fb-1", 7),
            t(20_001, Kind::Paid, Lang::Km, "fb-1", 1),
        ];
        let lines = funnel_lines(&rows);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].day, 20_001);
        let fb = &lines[2];
        assert_eq!((fb.lang, fb.source_label()), ("en", "fb-1"));
        let cells = fb.cells();
        assert_eq!(cells[0], MASKED);
        assert_eq!(cells[7], "7");
        assert_eq!(cells[1], "0");
        assert_eq!(lines[1].cells()[0], "3", "no code is never masked");
        let csv = funnel_csv(&lines);
        assert!(csv.contains("day,lang,source,sent,refused-amount"), "{csv}");
        assert!(
            csv.contains(&format!("{},en,fb-1,< 5,0,0,0,0,0,0,7,0,0,0", fb.date())),
            "{csv}"
        );
        let svg = funnel_svg(&lines, 20_001);
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert!(!svg.contains("style"));
    }

    #[test]
    fn the_chart_sums_only_what_the_table_shows() {
        // One masked code beside "no code": a day's bar less the shown line must not give
        // the code's 3 away.
        let rows = [
            t(20_000, Kind::Sent, Lang::En, "", 6),
            t(20_000, Kind::Sent, Lang::En, "aunt-sokha", 3),
            t(20_000, Kind::Sent, Lang::Km, "big-list", 9),
        ];
        let svg = funnel_svg(&funnel_lines(&rows), 20_000);
        let date = crate::time::date(20_000 * 86_400);
        assert!(svg.contains(&format!("{date}: 15 forms sent")), "{svg}");
        assert!(!svg.contains("18 forms sent"), "{svg}");
    }
}
