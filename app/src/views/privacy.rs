//! `GET /privacy`: what the site keeps, who sees it, for how long, where it lives (the
//! database and its restore history, the cookies, Cloudflare and Stripe), and how to have it
//! erased. Every period is filled from the value the code applies: the retention job's
//! ([`Periods`]), D1's restore history ([`crate::retention::RESTORE_DAYS`]), the edge cache's
//! ([`Periods::erasure`]), the cookies' own declarations ([`crate::cookies`]); so the page
//! cannot say one thing while the site does another.

use super::{document, Links, PageMeta};
use crate::content::{fill, paragraphs, Text};
use crate::cookies::{self, Purpose};
use crate::i18n::Lang;
use crate::retention::{Periods, DAY};
use leptos::either::Either;
use leptos::prelude::*;

/// How long something lasts, in the largest whole unit: "30 days", "12 hours", "៣០ នាទី".
fn duration(lang: Lang, secs: i64) -> String {
    let t = lang.text();
    match secs {
        s if s >= DAY && s % DAY == 0 => lang.count(&t.duration_days, s / DAY),
        s if s >= 3600 && s % 3600 == 0 => lang.count(&t.duration_hours, s / 3600),
        s => lang.count(&t.duration_minutes, s / 60),
    }
}

/// A text that says what an erasure or a deletion still leaves, with its numbers filled in:
/// `{secs}` near where it was made, `{minutes}` everywhere else, `{days}` in D1's restore
/// history (`privacy_erase_reach`, `comment_deleted`).
pub(super) fn erasure_reach(lang: Lang, template: &str, periods: &Periods) -> String {
    let e = periods.erasure();
    fill(
        template,
        &[
            ("secs", &lang.number(e.here_secs)),
            ("minutes", &lang.number(e.elsewhere_minutes)),
            ("days", &lang.number(e.restore_days)),
        ],
    )
}

/// One cookie, as the page lists it: its name, how long it is kept, what it is for.
fn cookie_item(lang: Lang, name: &'static str, max_age: i64, purpose: Purpose) -> impl IntoView {
    let t = lang.text();
    let kept = fill(
        t.privacy_cookie_kept,
        &[("lifetime", &duration(lang, max_age))],
    );
    view! {
        <dt><code>{name}</code></dt>
        <dd>{kept}" "{purpose.words(t)}</dd>
    }
}

/// How to ask the campaign: its address when `CONTACT_EMAIL` is set, a link in the sentence
/// where the copy puts `{email}`; otherwise the other ways.
fn contact(t: &'static Text, email: Option<&str>) -> impl IntoView {
    match email {
        Some(email) => {
            let (before, after) = t
                .privacy_contact_email
                .split_once("{email}")
                .unwrap_or((t.privacy_contact_email, ""));
            Either::Left(view! {
                <p id="privacy-contact">{before}<a href=format!("mailto:{email}")>{email.to_string()}</a>{after}</p>
            })
        }
        None => Either::Right(view! { <p id="privacy-contact">{t.privacy_contact_none}</p> }),
    }
}

/// `GET /privacy`, in `lang`, with the periods in force.
pub fn privacy<'a>(lang: Lang, links: impl Into<Links<'a>>, periods: &Periods) -> String {
    let t = lang.text();
    let links: Links<'_> = links.into();
    let section = |id: &'static str, heading: &'static str, body: &str| {
        let paras = paragraphs(body)
            .map(|p| view! { <p>{p.to_string()}</p> })
            .collect_view();
        view! {
            <section aria-labelledby=id>
                <h2 id=id>{heading}</h2>
                {paras}
            </section>
        }
    };
    let n = |template: &str, v: i64| fill(template, &[("n", &lang.number(v))]);
    let keep = [
        n(t.privacy_keep_donor, periods.donor_days),
        n(t.privacy_keep_spam, periods.spam_days),
        n(t.privacy_keep_held, periods.held_days),
        t.privacy_keep_approved.to_string(),
        n(t.privacy_keep_volunteer, periods.volunteer_days),
        n(t.privacy_keep_pending, periods.pending_hours),
    ]
    .into_iter()
    .map(|line| view! { <li>{line}</li> })
    .collect_view();
    let site_cookies = cookies::SITE
        .iter()
        .map(|c| cookie_item(lang, c.name, c.max_age, c.purpose))
        .collect_view();
    let zone_cookies = cookies::ZONE
        .iter()
        .map(|c| cookie_item(lang, c.name, c.max_age, c.purpose))
        .collect_view();
    let erase = fill(
        t.privacy_erase,
        &[
            ("days", &lang.number(crate::comment::OWN_COOKIE_DAYS)),
            ("n", &lang.number(crate::comment::OWN_COOKIE_MAX as i64)),
        ],
    );
    let backups = fill(
        t.privacy_backups,
        &[("days", &lang.number(crate::retention::RESTORE_DAYS))],
    );
    let main = view! {
        <h1>{t.privacy_title}</h1>
        <p>{t.privacy_intro}</p>
        {section("privacy-pledge", t.privacy_pledge_heading, &format!("{}\n\n{}\n\n{}", t.privacy_pledge, t.privacy_source, t.privacy_funnel))}
        {section("privacy-comment", t.privacy_comment_heading, t.privacy_comment)}
        {section("privacy-volunteer", t.privacy_volunteer_heading, t.privacy_volunteer)}
        {section("privacy-why", t.privacy_why_heading, t.privacy_why)}
        <section aria-labelledby="privacy-who">
            <h2 id="privacy-who">{t.privacy_who_heading}</h2>
            <ul>
                <li>{t.privacy_who_public}</li>
                <li>{t.privacy_who_maintainers}</li>
                <li>{t.privacy_who_stripe}</li>
                <li>{t.privacy_who_cloudflare}</li>
            </ul>
            <p id="privacy-manage">{t.privacy_manage}" "<a href=lang.href("/manage")>{t.manage_title}</a></p>
        </section>
        <section aria-labelledby="privacy-how-long">
            <h2 id="privacy-how-long">{t.privacy_how_long_heading}</h2>
            <ul>{keep}</ul>
        </section>
        <section aria-labelledby="privacy-cookies">
            <h2 id="privacy-cookies">{t.privacy_cookies_heading}</h2>
            <p>{t.privacy_cookies}</p>
            <dl class="facts" id="cookies-site">{site_cookies}</dl>
            <p>{t.privacy_cookies_zone}</p>
            <dl class="facts" id="cookies-zone">{zone_cookies}</dl>
        </section>
        {section("privacy-never", t.privacy_never_heading, t.privacy_never)}
        {section("privacy-backups", t.privacy_backups_heading, &backups)}
        <section aria-labelledby="privacy-erase">
            <h2 id="privacy-erase">{t.privacy_erase_heading}</h2>
            <p>{erase}</p>
            <p>{t.privacy_erase_ask}</p>
            {contact(t, links.contact)}
            <p>{erasure_reach(lang, t.privacy_erase_reach, periods)}</p>
        </section>
        {section("privacy-platforms", t.privacy_platforms_heading, t.privacy_platforms)}
        <p><a class="button" href=lang.href("/")>{t.home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links,
            path: "/privacy",
            title: t.privacy_title.to_string(),
            index: true,
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_said_in_their_largest_whole_unit() {
        assert_eq!(duration(Lang::En, 30 * DAY), "30 days");
        assert_eq!(duration(Lang::En, DAY), "1 day");
        assert_eq!(duration(Lang::En, 12 * 3600), "12 hours");
        assert_eq!(duration(Lang::En, 30 * 60), "30 minutes");
        assert_eq!(duration(Lang::Km, 30 * DAY), "៣០ ថ្ងៃ");
        assert_eq!(duration(Lang::Km, 3600), "១ ម៉ោង");
    }

    /// Every cookie the site declares, and every one Cloudflare may set, is named on the page
    /// in both languages, with its lifetime and its purpose.
    #[test]
    fn the_page_names_every_declared_cookie() {
        for lang in Lang::ALL {
            let html = privacy(lang, "", &Periods::default());
            let t = lang.text();
            for (name, max_age, purpose) in cookies::SITE
                .iter()
                .map(|c| (c.name, c.max_age, c.purpose))
                .chain(cookies::ZONE.iter().map(|c| (c.name, c.max_age, c.purpose)))
            {
                assert!(
                    html.contains(&format!("<dt><code>{name}</code></dt>")),
                    "{lang:?}: {name}"
                );
                let kept = fill(
                    t.privacy_cookie_kept,
                    &[("lifetime", &duration(lang, max_age))],
                );
                let said = format!("{kept} {}", purpose.words(t));
                assert!(
                    html.contains(&said.replace('\'', "&#39;")),
                    "{lang:?}: {name}: {said}"
                );
            }
        }
    }

    /// D1's restore history and what an erasure reaches are stated from the values the site
    /// runs with: the restore days, the isolates' memory, the edge cache's freshness.
    #[test]
    fn the_page_states_the_restore_history_and_what_an_erasure_reaches() {
        for lang in Lang::ALL {
            let t = lang.text();
            let html = privacy(lang, "", &Periods::default());
            let backups = fill(t.privacy_backups, &[("days", &lang.number(30))]);
            assert!(html.contains(&backups), "{lang:?}: {backups}");
            let reach = fill(
                t.privacy_erase_reach,
                &[
                    ("secs", &lang.number(10)),
                    ("minutes", &lang.number(12)),
                    ("days", &lang.number(30)),
                ],
            );
            assert!(html.contains(&reach), "{lang:?}: {reach}");
            for left in [
                "{secs}",
                "{minutes}",
                "{days}",
                "{n}",
                "{email}",
                "{lifetime}",
            ] {
                assert!(!html.contains(left), "{lang:?}: {left}");
            }
            // The edge cache switched off: kept copies last no longer than the stale window.
            let off = Periods {
                edge_ttl: 0,
                ..Periods::default()
            };
            assert!(erasure_reach(lang, t.privacy_erase_reach, &off).contains(&lang.number(11)));
        }
    }

    /// A number written into a plain text rather than a count table is one the code fixes,
    /// never 1, so its English plural is always right ("30 days", "20 comments"): the own
    /// comments' cookie, the retention periods (the volunteers' at least 30 days), D1's
    /// restore history, what an erasure leaves, the forms' limits.
    #[test]
    fn the_numbers_in_plain_texts_are_never_one() {
        use crate::retention::*;
        let e = Periods::default().erasure();
        let fixed = [
            crate::comment::OWN_COOKIE_DAYS,
            crate::comment::OWN_COOKIE_MAX as i64,
            SPAM_DAYS,
            HELD_DAYS,
            DONOR_DAYS,
            VOLUNTEER_DAYS_RANGE.0,
            PENDING_HOURS,
            RESTORE_DAYS,
            e.here_secs,
            e.elsewhere_minutes,
            crate::pledge::NAME_MAX as i64,
            crate::pledge::NOTE_MAX as i64,
            crate::volunteer::MESSAGE_MAX as i64,
        ];
        assert!(fixed.iter().all(|n| *n > 1), "{fixed:?}");
    }

    /// The texts that name the show-name box name it as the form labels it.
    #[test]
    fn the_show_name_box_is_named_as_the_form_labels_it() {
        for lang in Lang::ALL {
            let t = lang.text();
            for (key, text) in [
                ("form_privacy", t.form_privacy),
                ("privacy_pledge", t.privacy_pledge),
            ] {
                assert!(text.contains(t.form_show_name), "{lang:?}: {key}");
            }
        }
    }

    #[test]
    fn the_way_to_ask_is_the_address_when_there_is_one() {
        for lang in Lang::ALL {
            let t = lang.text();
            let without = privacy(lang, "", &Periods::default());
            assert!(without.contains(t.privacy_contact_none), "{lang:?}");
            assert!(!without.contains("mailto:"), "{lang:?}");
            let links = Links {
                origin: "",
                contact: Some("team@campaign.example"),
            };
            let with = privacy(lang, links, &Periods::default());
            assert!(
                with.contains(
                    r#"<a href="mailto:team@campaign.example">team@campaign.example</a>"#
                ),
                "{lang:?}"
            );
            assert!(!with.contains(t.privacy_contact_none), "{lang:?}");
            assert!(!with.contains("{email}"), "{lang:?}");
        }
    }
}
