//! `GET /admin/sources`: pledges and money by share-link code over a period, and a builder
//! for share links. English, like the rest of the admin area.

use super::admin::{shell, Nav, Section, Viewer};
use crate::admin::{FunnelLine, MASKED, MASK_BELOW};
use crate::funnel::Kind;
use crate::money::Cents;
use crate::reach::{self, SourceRow};
use crate::routes::Admin;
use crate::source_code::SourceCode;
use leptos::prelude::*;

/// What the link builder was given (`?code=&tier=&lang=`), as typed.
#[derive(Clone, Debug, Default)]
pub struct LinkBuilder {
    pub code: String,
    pub tier: String,
    pub km: bool,
}

pub struct SourcesPage {
    pub days: i64,
    pub rows: Vec<SourceRow>,
    /// The tiers a link may preselect.
    pub tiers: Vec<String>,
    pub builder: LinkBuilder,
    /// The site's address: `SITE_URL`, else the request's origin.
    pub base: String,
    /// The giving funnel's counts of these days (issue #28 §5), newest first.
    pub funnel: Vec<FunnelLine>,
    /// Its chart (`app::admin::funnel_svg`), made here from numbers only.
    pub funnel_svg: String,
}

pub fn sources(v: &Viewer<'_>, p: SourcesPage) -> String {
    let SourcesPage {
        days,
        rows,
        tiers,
        builder,
        base,
        funnel,
        funnel_svg,
    } = p;
    let body = rows
        .iter()
        .map(|r| {
            let code = r.source.clone().unwrap_or_else(|| "no code".to_string());
            view! {
                <tr>
                    <td data-label="Source" class="text">{code}</td>
                    <td data-label="Pledges">{r.pledges}</td>
                    <td data-label="Paid pledges">{r.paid}</td>
                    <td data-label="Amount (net)">{Cents(r.net_cents).to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = rows
        .is_empty()
        .then(|| view! { <p class="hint">"No pledges in this period."</p> });
    let code = SourceCode::parse(builder.code.trim());
    let bad_code = !builder.code.trim().is_empty() && code.is_none();
    let tier = tiers.iter().find(|t| **t == builder.tier).cloned();
    let link = (code.is_some() || tier.is_some())
        .then(|| reach::share_link(&base, builder.km, code.as_deref(), tier.as_deref()));
    let tier_options = tiers
        .iter()
        .map(|t| view! { <option value=t.clone() selected=builder.tier == *t>{t.clone()}</option> })
        .collect_view();
    let main = view! {
        <h1>"By source"</h1>
        <p class="hint">
            "A source code names the post or the group (a chapter) that shared a link, never a person: "
            "never put a name, a phone number or an email address in a code. A code is lowercase letters, digits and '-', at most 40."
        </p>
        <form method="get" action=Admin::Sources.path() class="card">
            <label for="days">"Days"</label>
            <input type="text" inputmode="numeric" name="days" id="days" value=days.to_string()/>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        <p class="hint">{format!("The last {}: pledges made, pledges paid, and their counted payments, net of refunds (a monthly gift's renewals count for its pledge's code).", crate::i18n::Lang::english_count(days, "day", "days"))}</p>
        <table>
            <thead><tr>
                <th scope="col">"Source"</th><th scope="col">"Pledges"</th>
                <th scope="col">"Paid pledges"</th><th scope="col">"Amount (net)"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
        {empty}
        {funnel_section(days, funnel, funnel_svg)}
        <h2>"Make a share link"</h2>
        <form method="get" action=Admin::Sources.path() class="card" id="link-builder">
            <input type="hidden" name="days" value=days.to_string()/>
            <label for="code">"Code (the post or group)"</label>
            {bad_code.then(|| view! { <p class="error" id="code-error" role="alert">"A code is lowercase letters, digits and '-', at most 40."</p> })}
            <input type="text" name="code" id="code" value=builder.code.clone() maxlength="40"
                aria-invalid=bad_code.then_some("true") aria-describedby=bad_code.then_some("code-error")/>
            <label for="tier">"Tier to preselect"</label>
            <select name="tier" id="tier">
                <option value="" selected=tier.is_none()>"None"</option>
                {tier_options}
            </select>
            <fieldset>
                <legend>"Language"</legend>
                <div class="choice">
                    <input type="radio" name="lang" id="lang-en" value="en" checked=!builder.km/>
                    <label for="lang-en">"English"</label>
                </div>
                <div class="choice">
                    <input type="radio" name="lang" id="lang-km" value="km" checked=builder.km/>
                    <label for="lang-km">"Khmer"</label>
                </div>
            </fieldset>
            <button type="submit">"Make the link"</button>
        </form>
        {link.map(|l| view! { <p>"The share link, to copy: "<code id="share-link">{l}</code></p> })}
    };
    shell("By source", Some(Nav::new(Section::Sources, v)), main)
}

/// The funnel's table and chart: one line per Phnom Penh day, language and code.
fn funnel_section(days: i64, lines: Vec<FunnelLine>, svg: String) -> impl IntoView {
    let heads = Kind::ALL
        .iter()
        .map(|k| view! { <th scope="col">{k.short()}</th> })
        .collect_view();
    let empty = lines
        .is_empty()
        .then(|| view! { <p class="hint">"No gift forms in this period."</p> });
    let body = lines
        .iter()
        .map(|l| {
            let cells = Kind::ALL
                .iter()
                .zip(l.cells())
                .map(|(k, c)| view! { <td data-label=k.heading()>{c}</td> })
                .collect_view();
            view! {
                <tr>
                    <td data-label="Day" class="text">{l.date()}</td>
                    <td data-label="Language" class="text">{l.lang}</td>
                    <td data-label="Source" class="text">{l.source_label().to_string()}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let csv = format!("{}?days={days}", Admin::SourcesCsv.path());
    view! {
        <h2 id="funnel">"The giving funnel"</h2>
        <p class="hint">{format!(
            "Counts only, per Phnom Penh day, language and source code: nothing about anyone. A code's count from 1 to {} shows \"{MASKED}\" (a code could name a person). Refusals by the rate limit and the breaker are added within about a minute.",
            MASK_BELOW - 1
        )}</p>
        <p class="hint">"Sent: gift forms sent. Amount, Eligibility, Lengths, Other, Rate limit, Breaker: forms refused, by reason. Checkout: checkouts started. Asked, Chose: the monthly question asked, and monthly chosen. Paid: first payments."</p>
        <figure class="card" inner_html=svg></figure>
        <table id="funnel-table">
            <thead><tr>
                <th scope="col">"Day"</th><th scope="col">"Lang"</th><th scope="col">"Source"</th>
                {heads}
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
        {empty}
        <p><a href=csv>"Download the funnel (CSV)"</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::roles::{Role, Roles};

    fn page(rows: Vec<SourceRow>, builder: LinkBuilder) -> String {
        let v = Viewer {
            name: "fin",
            roles: Roles::default().with(Role::Finance),
            csrf: "c",
        };
        sources(
            &v,
            SourcesPage {
                days: 30,
                rows,
                tiers: vec!["women-radio".into()],
                builder,
                base: "https://x.org".into(),
                funnel: crate::admin::funnel_lines(&[crate::funnel::Tally {
                    day: 20_000,
                    kind: Kind::Checkout,
                    lang: crate::i18n::Lang::Km,
                    source: "fb-post-12".into(),
                    n: 2,
                }]),
                funnel_svg: "<svg></svg>".into(),
            },
        )
    }

    #[test]
    fn the_report_and_the_link_builder() {
        let html = page(
            vec![
                SourceRow {
                    source: Some("fb-post-12".into()),
                    pledges: 2,
                    paid: 1,
                    net_cents: 5000,
                },
                SourceRow {
                    source: None,
                    pledges: 1,
                    paid: 0,
                    net_cents: 0,
                },
            ],
            LinkBuilder {
                code: "chapter-paris".into(),
                tier: "women-radio".into(),
                km: true,
            },
        );
        assert!(html.contains("fb-post-12</td>"), "{html}");
        assert!(html.contains("<td data-label=\"Amount (net)\">US$50</td>"));
        assert!(html.contains("no code"));
        assert!(
            html.contains("<td data-label=\"Checkouts started\">&lt; 5</td>"),
            "{html}"
        );
        assert!(html.contains("/admin/sources.csv?days=30"));
        assert!(html.contains("never a person"));
        assert!(html.contains(
            "<code id=\"share-link\">https://x.org/km/?ref=chapter-paris&amp;tier=women-radio#give</code>"
        ));
        assert!(html.contains("href=\"/admin/sources\""));
        // Every cell carries its heading.
        assert_eq!(
            html.matches("<td").count(),
            html.matches("<td data-label=").count()
        );
        let bad = page(
            vec![],
            LinkBuilder {
                code: "Bad Code".into(),
                ..Default::default()
            },
        );
        assert!(bad.contains("code-error") && !bad.contains("share-link"));
    }
}
