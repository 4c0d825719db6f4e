//! The campaign's updates for visitors: the latest on the campaign page, every one at
//! `/updates` (paged), each at its permalink `/updates/{id}`; both languages.
//!
//! An update's text reaches the page only as Leptos text values (escaped); its bare `https://`
//! addresses become links with `rel="nofollow ugc noopener"` ([`crate::update::pieces`]).
//! An update not yet in the page's language is shown in the other, marked with its own `lang`
//! and preceded by a note in the page's language.

use super::{document, Links, PageMeta};
use crate::content::{paragraphs, Text};
use crate::i18n::Lang;
use crate::update::{pieces, Piece, Update, LINK_REL, PER_PAGE};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

/// One paragraph: its text, and its addresses as links.
fn paragraph(p: &str) -> impl IntoView {
    let parts = pieces(p)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(s) => Either::Left(s.to_string()),
            Piece::Link(url) => {
                Either::Right(view! { <a href=url.to_string() rel=LINK_REL>{url.to_string()}</a> })
            }
        })
        .collect_view();
    view! { <p>{parts}</p> }
}

/// How an update is drawn: among the latest on the campaign page or in the list at `/updates`
/// (its title links to its permalink), or on its own page. Its heading is one level below the
/// heading it sits under (an `h2` on the campaign page, the page's `h1` in the list), so no
/// level is skipped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Latest,
    Listed,
    Alone,
}

fn article(lang: Lang, u: &Update, place: Place) -> Option<impl IntoView> {
    let t: &'static Text = lang.text();
    let shown = u.in_lang(lang)?;
    let href = lang.href(&format!("/updates/{}", u.id));
    let note = (!shown.translated).then(|| view! { <p class="hint">{t.update_not_translated}</p> });
    let other = (!shown.translated).then_some(shown.written_in.code());
    let title = shown.title.to_string();
    let heading = match place {
        Place::Latest => EitherOf3::A(view! { <h3 lang=other><a href=href>{title}</a></h3> }),
        Place::Listed => EitherOf3::B(view! { <h2 lang=other><a href=href>{title}</a></h2> }),
        Place::Alone => EitherOf3::C(view! { <h1 lang=other>{title}</h1> }),
    };
    let body = paragraphs(shown.body).map(paragraph).collect_view();
    let at = u.date();
    Some(view! {
        <article class="update" id=format!("update-{}", u.id)>
            {heading}
            <p class="hint"><time datetime=crate::time::rfc3339(at)>{lang.date(at)}</time></p>
            {note}
            <div lang=other>{body}</div>
        </article>
    })
}

/// The latest updates on the campaign page; nothing while none is published.
pub(super) fn latest(lang: Lang, updates: &[Update]) -> Option<impl IntoView> {
    if updates.is_empty() {
        return None;
    }
    let t: &'static Text = lang.text();
    let items = updates
        .iter()
        .filter_map(|u| article(lang, u, Place::Latest))
        .collect_view();
    Some(view! {
        <section id="updates" aria-labelledby="updates-heading">
            <h2 id="updates-heading">{t.updates_heading}</h2>
            {items}
            <p><a href=lang.href("/updates")>{t.updates_all_link}</a></p>
        </section>
    })
}

/// `GET /updates?page=n`: one page of the published updates, newest first. `total`: all of
/// them.
pub fn updates_list<'a>(
    lang: Lang,
    links: impl Into<Links<'a>>,
    page: i64,
    total: i64,
    updates: &[Update],
) -> String {
    let t: &'static Text = lang.text();
    let items = updates
        .iter()
        .filter_map(|u| article(lang, u, Place::Listed))
        .collect_view();
    let empty = updates
        .is_empty()
        .then(|| view! { <p>{t.updates_none}</p> });
    let base = lang.href("/updates");
    let older = (page * PER_PAGE < total).then(|| {
        view! { <a href=format!("{base}?page={}", page + 1) rel="next">{t.updates_older}</a> }
    });
    let newer = (page > 1).then(|| {
        let href = if page == 2 {
            base.clone()
        } else {
            format!("{base}?page={}", page - 1)
        };
        view! { <a href=href rel="prev">{t.updates_newer}</a> }
    });
    let main = view! {
        <h1>{t.updates_title}</h1>
        {empty}
        {items}
        <nav class="pager" aria-label=t.updates_pages_label>{newer}{older}</nav>
        <p><a href=lang.href("/updates.atom") type="application/atom+xml">{t.updates_feed_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
            path: "/updates",
            title: format!("{} | {}", t.updates_title, t.site_name),
            index: true,
        },
        main,
    )
}

/// `GET /updates/{id}`: one published update.
pub fn update_page<'a>(lang: Lang, links: impl Into<Links<'a>>, u: &Update) -> String {
    let t: &'static Text = lang.text();
    let title = u
        .in_lang(lang)
        .map(|s| s.title.to_string())
        .unwrap_or_default();
    let path = format!("/updates/{}", u.id);
    let main = view! {
        {article(lang, u, Place::Alone)}
        <p><a href=lang.href("/updates")>{t.updates_all_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
            path: &path,
            title: format!("{title} | {}", t.site_name),
            index: true,
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::update::UpdateStatus;

    fn update(id: i64, en: Option<(&str, &str)>, km: Option<(&str, &str)>) -> Update {
        Update {
            id,
            title_en: en.map(|(t, _)| t.to_string()),
            body_en: en.map(|(_, b)| b.to_string()),
            title_km: km.map(|(t, _)| t.to_string()),
            body_km: km.map(|(_, b)| b.to_string()),
            status: UpdateStatus::Published,
            published_at: Some(1_795_861_845),
            created_at: 1_795_861_000,
            updated_at: 1_795_861_845,
        }
    }

    #[test]
    fn text_is_escaped_and_only_https_becomes_a_link() {
        let u = update(
            7,
            Some((
                "<b>Radio</b>",
                "One <script>alert(1)</script> hour.\n\njavascript:alert(1) and https://example.org/report.",
            )),
            None,
        );
        let html = update_page(Lang::En, "https://x", &u);
        assert!(html.contains("&lt;b&gt;Radio&lt;/b&gt;"));
        assert!(html.contains("One &lt;script&gt;alert(1)&lt;/script&gt; hour."));
        assert!(!html.contains("<script>"));
        assert!(html.contains("<p>javascript:alert(1) and <a href=\"https://example.org/report\" rel=\"nofollow ugc noopener\">https://example.org/report</a>."));
        assert!(!html.contains("href=\"javascript"));
        assert!(html.contains("28 November 2026"));
        assert!(html.contains("type=\"application/atom+xml\""));
    }

    #[test]
    fn a_missing_language_is_marked_and_noted() {
        let u = update(3, None, Some(("ការបណ្ដុះបណ្ដាល", "ស្ត្រី ២៥ នាក់")));
        let html = update_page(Lang::En, "https://x", &u);
        assert!(html.contains(crate::content::EN.update_not_translated));
        assert!(html.contains("<h1 lang=\"km\">ការបណ្ដុះបណ្ដាល</h1>"));
        let km = update_page(Lang::Km, "https://x", &u);
        assert!(!km.contains(crate::content::KM.update_not_translated));
        assert!(km.contains("<h1>ការបណ្ដុះបណ្ដាល</h1>"));
    }

    #[test]
    fn the_list_pages_and_links_each_permalink() {
        let many: Vec<Update> = (1..=PER_PAGE)
            .map(|i| update(i, Some(("T", "B")), None))
            .collect();
        let first = updates_list(Lang::Km, "https://x", 1, PER_PAGE + 1, &many);
        assert!(first.contains("href=\"/km/updates/1\""));
        assert!(first.contains("href=\"/km/updates?page=2\" rel=\"next\""));
        assert!(!first.contains("rel=\"prev\""));
        let second = updates_list(Lang::En, "https://x", 2, PER_PAGE + 1, &many[..1]);
        assert!(second.contains("href=\"/updates\" rel=\"prev\""));
        assert!(!second.contains("rel=\"next\""));
        let none = updates_list(Lang::En, "https://x", 1, 0, &[]);
        assert!(none.contains(crate::content::EN.updates_none));
    }

    /// No heading level skipped: an update's title is an `h2` under the list's `h1`, an `h3`
    /// under the campaign page's "Updates" `h2`.
    #[test]
    fn titles_sit_one_level_below_their_heading() {
        let u = [update(1, Some(("T", "B")), None)];
        let list = updates_list(Lang::En, "https://x", 1, 1, &u);
        assert!(list.contains("<h2><a href=\"/updates/1\">T</a></h2>"));
        assert!(!list.contains("<h3"));
        let latest = Owner::new().with(|| latest(Lang::En, &u).to_html());
        assert!(latest.contains("<h2 id=\"updates-heading\">"));
        assert!(latest.contains("<h3><a href=\"/updates/1\">T</a></h3>"));
    }
}
