//! The progress badge other sites show with an `<img>` (`/badge.svg`, `/km/badge.svg`): the
//! campaign's name, the amount raised of the goal, a bar and the number of gifts.
//!
//! A small SVG the program writes itself, every text escaped: text as text (Khmer shaped by the
//! reader's own fonts, none fetched), styled with presentation attributes only, since the
//! badge's CSP (`security::BADGE_CSP`) allows no stylesheet when the SVG is opened directly.
//! Its width comes from an estimate of the longest line, generous for Khmer, whose clusters
//! stack marks on a base that alone takes the room.

use crate::campaign::Campaign;
use crate::content::fill;
use crate::deadline::Standing;
use crate::i18n::Lang;
use std::borrow::Cow;

/// The badge's colours: the site's brand and ink (`assets/site.css`).
const BRAND: &str = "#8a1c4a";
const INK: &str = "#1d1b26";
const MUTED: &str = "#56506a";
const TRACK: &str = "#ece6df";
const LINE: &str = "#ddd5cc";
/// Fonts the reader already has; the Khmer ones first on the Khmer badge.
const FONTS_EN: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
const FONTS_KM: &str =
    "'Noto Sans Khmer', 'Khmer OS System', 'Khmer UI', 'Leelawadee UI', system-ui, sans-serif";

const PAD: u32 = 12;
const MIN_WIDTH: u32 = 240;
const MAX_WIDTH: u32 = 720;
const BAR_HEIGHT: u32 = 8;

/// The badge as drawn: its markup and its size in pixels (for the `<img>` snippet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

/// One line of text: its words, size and weight.
struct Line {
    text: String,
    size: u32,
    bold: bool,
    fill: &'static str,
}

/// The badge of `campaign` in `lang`.
pub fn badge(lang: Lang, campaign: &Campaign, deadline: Option<Standing>) -> Badge {
    let t = lang.text();
    let raised = fill(
        t.progress_raised,
        &[
            ("raised", &campaign.raised.to_string()),
            ("goal", &campaign.goal.to_string()),
        ],
    );
    let mut gifts = lang.count(&t.progress_gifts, campaign.gifts);
    // The deadline's few words after the gifts, on the same line (#28 §4).
    if let Some(d) = deadline {
        gifts = format!("{gifts} · {}", d.badge_words(lang));
    }
    let title = fill(
        t.badge_summary,
        &[
            ("campaign", t.site_name),
            ("progress", &raised),
            ("gifts", &gifts),
        ],
    );
    // Khmer reads small at Latin sizes and stacks marks above and below: larger, more spaced.
    let (big, small, leading) = match lang {
        Lang::En => (15, 12, 1.45),
        Lang::Km => (16, 13, 1.9),
    };
    let lines = [
        Line {
            text: t.site_name.to_string(),
            size: big,
            bold: true,
            fill: BRAND,
        },
        Line {
            text: raised,
            size: small,
            bold: false,
            fill: INK,
        },
        Line {
            text: gifts,
            size: small,
            bold: false,
            fill: MUTED,
        },
    ];
    let widest = lines
        .iter()
        .map(|l| text_width(&l.text, l.size, l.bold))
        .fold(0.0_f64, f64::max);
    let width = (widest.ceil() as u32 + 2 * PAD).clamp(MIN_WIDTH, MAX_WIDTH);
    let line_h = |size: u32| (f64::from(size) * leading).round() as u32;

    // Baselines: the name, the amount, then the bar, then the gifts.
    let y_name = PAD + line_h(big) - (line_h(big) - big) / 2 - 2;
    let y_raised = y_name + line_h(small);
    let bar_y = y_raised + line_h(small) / 2;
    let y_gifts = bar_y + BAR_HEIGHT + line_h(small) - 2;
    let height = y_gifts + line_h(small) - small + PAD / 2;

    let inner = width - 2 * PAD;
    let filled = (u64::from(inner) * campaign.percent().clamp(0, 100) as u64 / 100) as u32;
    let fonts = match lang {
        Lang::En => FONTS_EN,
        Lang::Km => FONTS_KM,
    };

    let mut svg = String::with_capacity(1400);
    svg.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"badge-title\" \
         lang=\"{code}\" xml:lang=\"{code}\">",
        code = lang.code()
    ));
    svg.push_str("<title id=\"badge-title\">");
    svg.push_str(&escape(&title));
    svg.push_str("</title>");
    svg.push_str(&format!(
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"#ffffff\" \
         stroke=\"{LINE}\"/>",
        width - 1,
        height - 1
    ));
    svg.push_str(&format!(
        "<g font-family=\"{}\" aria-hidden=\"true\">",
        escape(fonts)
    ));
    for (line, y) in lines.iter().zip([y_name, y_raised, y_gifts]) {
        svg.push_str(&format!(
            "<text x=\"{PAD}\" y=\"{y}\" font-size=\"{}\"{} fill=\"{}\">{}</text>",
            line.size,
            if line.bold {
                " font-weight=\"700\""
            } else {
                ""
            },
            line.fill,
            escape(&line.text)
        ));
    }
    svg.push_str("</g>");
    svg.push_str(&format!(
        "<rect x=\"{PAD}\" y=\"{bar_y}\" width=\"{inner}\" height=\"{BAR_HEIGHT}\" rx=\"4\" \
         fill=\"{TRACK}\"/>"
    ));
    if filled > 0 {
        svg.push_str(&format!(
            "<rect x=\"{PAD}\" y=\"{bar_y}\" width=\"{filled}\" height=\"{BAR_HEIGHT}\" rx=\"4\" \
             fill=\"{BRAND}\"/>"
        ));
    }
    svg.push_str("</svg>");
    Badge { svg, width, height }
}

/// `&`, `<`, `>`, `"` and `'` as entities (`'` as `&#x27;`), safe in XML text and in either
/// kind of quoted attribute: `html-escape`'s encoder, the one Leptos escapes with.
fn escape(s: &str) -> Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
}

/// A generous estimate of a line's width in pixels at `size`, without the font's metrics:
/// the badge must be wide enough in whatever font the reader has.
fn text_width(s: &str, size: u32, bold: bool) -> f64 {
    let mut ems = 0.0;
    let mut after_coeng = false;
    for c in s.chars() {
        let em = match c {
            // The consonant after a coeng (្) is a subscript under the one before.
            _ if after_coeng => 0.0,
            '\u{17D2}' => 0.0,
            // Vowels and signs above or below their base.
            '\u{17B7}'..='\u{17BD}'
            | '\u{17C6}'
            | '\u{17C9}'..='\u{17D1}'
            | '\u{17D3}'
            | '\u{17DD}' => 0.0,
            // Vowels that take room beside their base (ា, ើ, េ, ោ, ះ...).
            '\u{17B6}' | '\u{17BE}'..='\u{17C5}' | '\u{17C7}' | '\u{17C8}' => 0.55,
            // Consonants and independent vowels.
            '\u{1780}'..='\u{17B5}' => 0.95,
            '\u{17D4}'..='\u{17DC}' => 0.7,
            '\u{17E0}'..='\u{17E9}' => 0.7,
            '\u{200B}' | '\u{200C}' | '\u{200D}' => 0.0,
            ' ' => 0.3,
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
            'f' | 't' | 'r' | '(' | ')' => 0.4,
            'm' | 'w' | 'M' | 'W' => 0.9,
            'A'..='Z' | '$' | '0'..='9' => 0.68,
            _ => 0.6,
        };
        after_coeng = c == '\u{17D2}';
        ems += em;
    }
    let weight = if bold { 1.08 } else { 1.0 };
    ems * f64::from(size) * weight * 1.05
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Campaign;
    use crate::money::Cents;

    fn campaign(raised: i64, gifts: i64) -> Campaign {
        Campaign {
            goal: Cents::from_dollars(50_000),
            raised: Cents(raised),
            gifts,
            monthly: 0,
            tiers: Vec::new(),
            recent: Vec::new(),
        }
    }

    /// A small well-formedness check: tags nest and close, attributes are quoted, and every
    /// `&` starts an entity. (The integration tests parse it with a real XML parser.)
    fn well_formed(svg: &str) -> Result<(), String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            check_text(text)?;
            let close = rest[open..].find('>').ok_or("a tag that never closes")? + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name) {
                    return Err(format!("</{name}> closes nothing open"));
                }
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.trim_end_matches('/');
                let name = body.split(' ').next().unwrap_or_default();
                let attrs = &body[name.len()..];
                if !attrs.matches('"').count().is_multiple_of(2) || attrs.contains('<') {
                    return Err(format!("bad attributes in <{name}>"));
                }
                check_text(attrs)?;
                if !self_closing {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
        }
        check_text(rest)?;
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("left open: {stack:?}"))
        }
    }

    fn check_text(s: &str) -> Result<(), String> {
        if s.contains('>') {
            return Err(format!("a bare > in {s:?}"));
        }
        for (i, _) in s.match_indices('&') {
            let entity = &s[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"]
                .iter()
                .any(|e| entity.starts_with(e))
            {
                return Err(format!("a bare & in {s:?}"));
            }
        }
        Ok(())
    }

    #[test]
    fn the_badge_is_well_formed_svg_with_a_title_in_both_languages() {
        for lang in Lang::ALL {
            let b = badge(lang, &campaign(123_400, 7), None);
            assert!(
                b.svg
                    .starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" "),
                "{}",
                b.svg
            );
            assert!(b.svg.ends_with("</svg>"));
            assert!(b.svg.contains(" role=\"img\""));
            assert!(b.svg.contains("<title id=\"badge-title\">"));
            assert!(b.svg.contains(&format!(" width=\"{}\"", b.width)));
            assert!(b.svg.contains(&format!(" height=\"{}\"", b.height)));
            well_formed(&b.svg).unwrap_or_else(|e| panic!("{lang:?}: {e}\n{}", b.svg));
            // No stylesheet and no style attribute: the CSP allows none.
            assert!(!b.svg.contains("<style") && !b.svg.contains("style="));
            // Nothing fetched: no link, no image, no font.
            assert!(!b.svg.contains("href") && !b.svg.contains("url("));
            assert!(b.svg.contains("US$1,234"), "{}", b.svg);
            assert!(b.svg.contains("US$50,000"));
            assert!(b.svg.len() < 2048, "{} bytes", b.svg.len());
        }
    }

    #[test]
    fn the_khmer_badge_is_in_khmer_with_khmer_digits_for_counts() {
        let b = badge(Lang::Km, &campaign(500, 12), None);
        assert!(b.svg.contains("lang=\"km\""));
        assert!(b.svg.contains(crate::content::KM.site_name));
        assert!(b.svg.contains("ការបរិច្ចាគចំនួន ១២ ដង"), "{}", b.svg);
        assert!(!b.svg.contains(" 12 "));
        let en = badge(Lang::En, &campaign(500, 12), None);
        assert!(en.svg.contains("12 gifts"), "{}", en.svg);
        assert!(en.svg.contains("lang=\"en\""));
        let one = badge(Lang::Km, &campaign(500, 1), None);
        assert!(one.svg.contains("ការបរិច្ចាគចំនួន ១ ដង"));
    }

    #[test]
    fn the_badge_says_the_days_left_the_last_day_and_the_end_in_both_languages() {
        use crate::deadline::{Phase, Standing};
        let at = |phase| {
            Some(Standing {
                phase,
                closes: false,
            })
        };
        let en = badge(Lang::En, &campaign(500, 12), at(Phase::DaysLeft(12)));
        assert!(
            en.svg.contains("12 gifts · 12 days left to give"),
            "{}",
            en.svg
        );
        let km = badge(Lang::Km, &campaign(500, 12), at(Phase::DaysLeft(12)));
        assert!(km.svg.contains("នៅសល់ ១២ ថ្ងៃ"), "{}", km.svg);
        let last = badge(Lang::En, &campaign(500, 12), at(Phase::LastDay));
        assert!(last.svg.contains("12 gifts · last day"), "{}", last.svg);
        let ended = badge(Lang::Km, &campaign(500, 12), at(Phase::Ended));
        assert!(ended.svg.contains(crate::content::KM.deadline_badge_ended));
        well_formed(&ended.svg).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn the_badge_is_wide_enough_for_its_longest_line() {
        for lang in Lang::ALL {
            let c = campaign(12_345_600, 1234);
            let b = badge(lang, &c, None);
            let t = lang.text();
            let raised = fill(
                t.progress_raised,
                &[
                    ("raised", &c.raised.to_string()),
                    ("goal", &c.goal.to_string()),
                ],
            );
            let size = if lang == Lang::Km { 13 } else { 12 };
            let need = text_width(&raised, size, false) as u32 + 2 * PAD;
            assert!(b.width >= need, "{lang:?}: {} < {need}", b.width);
            assert!((MIN_WIDTH..=MAX_WIDTH).contains(&b.width));
        }
        // Khmer clusters count their base only: a subscript and a mark above take no room.
        assert_eq!(text_width("ក្ក", 10, false), text_width("ក", 10, false));
        assert_eq!(text_width("កិ", 10, false), text_width("ក", 10, false));
        assert!(text_width("កា", 10, false) > text_width("ក", 10, false));
    }

    #[test]
    fn the_bar_follows_the_percentage_and_stays_inside() {
        let none = badge(Lang::En, &campaign(0, 0), None);
        assert_eq!(none.svg.matches("<rect").count(), 2, "frame and track only");
        let half = badge(Lang::En, &campaign(2_500_000, 3), None);
        let inner = half.width - 2 * PAD;
        assert!(half.svg.contains(&format!(
            "width=\"{}\" height=\"{BAR_HEIGHT}\" rx=\"4\" fill=\"{BRAND}\"",
            inner / 2
        )));
        let over = badge(Lang::En, &campaign(999_999_999, 3), None);
        let inner = over.width - 2 * PAD;
        assert!(over.svg.contains(&format!(
            "width=\"{inner}\" height=\"{BAR_HEIGHT}\" rx=\"4\" fill=\"{BRAND}\""
        )));
        let negative = badge(Lang::En, &campaign(-5, 0), None);
        assert_eq!(negative.svg.matches("<rect").count(), 2);
    }

    #[test]
    fn every_text_is_escaped() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#x27;");
        assert!(well_formed(&format!(
            "<t a=\"{}\">{}</t>",
            escape("\"<&"),
            escape("</t>&")
        ))
        .is_ok());
        assert!(well_formed("<t>a & b</t>").is_err(), "the check can fail");
        assert!(well_formed("<t><u></t>").is_err());
    }
}
