//! The card-testing shield's pages for a visitor (issue #27, §3): new gifts paused for a while,
//! and too many pledge forms from one connection in a minute; and the gift form closed after
//! the campaign's deadline (#28 §4). None records nor charges anything; each leads back to the
//! campaign page.

use super::{document, Links, PageMeta};
use crate::i18n::Lang;
use leptos::prelude::*;

fn page(lang: Lang, links: Links<'_>, heading: &'static str, says: [String; 2]) -> String {
    let [first, then] = says;
    let main = view! {
        <h1>{heading}</h1>
        <p>{first}</p>
        <p>{then}</p>
        <p><a class="button" href=lang.href("/")>{lang.text().home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links,
            path: "/",
            title: heading.to_string(),
            index: false,
        },
        main,
    )
}

/// `POST /pledges` while the shield pauses new gifts: why, and when to come back (`secs_left`
/// rounded up to whole minutes).
pub fn giving_paused<'a>(lang: Lang, links: impl Into<Links<'a>>, secs_left: i64) -> String {
    let t = lang.text();
    let minutes = (secs_left.max(1) + 59) / 60;
    page(
        lang,
        links.into(),
        t.shield_paused_heading,
        [
            t.shield_paused.to_string(),
            lang.count(&t.shield_paused_back, minutes),
        ],
    )
}

/// `POST /pledges` refused by the Rate Limiting binding.
pub fn pledge_too_fast<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    page(
        lang,
        links.into(),
        t.shield_too_fast_heading,
        [
            t.shield_too_fast.to_string(),
            t.shield_too_fast_wait.to_string(),
        ],
    )
}

/// `POST /pledges` after the deadline of a campaign whose form closes (`CLOSE_AFTER_DEADLINE`).
pub fn giving_closed<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    page(
        lang,
        links.into(),
        t.deadline_closed_heading,
        [
            t.deadline_closed.to_string(),
            t.deadline_closed_nothing.to_string(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_page_says_when_in_each_language() {
        let en = giving_paused(Lang::En, Links::default(), 1799);
        assert!(en.contains("30 minutes"), "{en}");
        assert!(giving_paused(Lang::En, Links::default(), 30).contains("1 minute."));
        let km = giving_paused(Lang::Km, Links::default(), 1799);
        assert!(km.contains("៣០ នាទី"), "{km}");
        assert!(km.contains("lang=\"km\""));
        let fast = pledge_too_fast(Lang::Km, Links::default());
        assert!(fast.contains(Lang::Km.text().shield_too_fast_heading));
    }
}
