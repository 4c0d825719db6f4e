//! "Manage my monthly gift" (`/manage`, `/km/manage`, #28 §3): the way back for a monthly
//! donor who lost their gift's page. It links to Stripe's customer portal
//! (`STRIPE_PORTAL_URL`) and says what Stripe will ask and show; without it, how to reach the
//! campaign. Nothing is stored or asked here.

use super::{document, Links, PageMeta};
use crate::i18n::Lang;
use leptos::either::Either;
use leptos::prelude::*;

/// The page in `lang`, linking to the portal's login page when there is one.
pub fn manage<'a>(lang: Lang, links: impl Into<Links<'a>>, portal: Option<&str>) -> String {
    let t = lang.text();
    let how = match portal {
        Some(url) => Either::Left(view! {
            <p>{t.manage_portal}</p>
            <p><a class="button" id="portal-link" href=url.to_string() rel="noreferrer">{t.manage_portal_link}</a></p>
            <p>{t.manage_two_gifts}</p>
        }),
        None => Either::Right(view! { <p id="manage-ask">{t.manage_no_portal}</p> }),
    };
    let main = view! {
        <h1>{t.manage_title}</h1>
        <p>{t.manage_intro}</p>
        {how}
        <p><a href=lang.href("/")>{t.home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
            path: "/manage",
            title: format!("{} | {}", t.manage_title, t.site_name),
            index: false,
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_links_to_the_portal_or_says_how_to_ask_in_both_languages() {
        let url = "https://billing.stripe.com/p/login/test_x";
        for lang in Lang::ALL {
            let t = lang.text();
            let with = manage(lang, Links::default(), Some(url));
            assert!(with.contains(&format!("href=\"{url}\"")), "{with}");
            assert!(with.contains(t.manage_two_gifts));
            assert!(with.contains(&format!("lang=\"{}\"", lang.code())));
            assert!(!with.contains(t.manage_no_portal));
            let without = manage(lang, Links::default(), None);
            assert!(without.contains(t.manage_no_portal));
            assert!(!without.contains("portal-link"));
        }
    }
}
