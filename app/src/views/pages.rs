//! The small pages: not found, errors, a pledge's thank-you page, the sandbox checkout, the
//! privacy page.

use super::{document, LangField, PageMeta};

use crate::content::{fill, paragraphs};
use crate::i18n::Lang;
use crate::pledge::{Pledge, Status, GENERAL};
use crate::retention::Periods;
use leptos::prelude::*;

/// A page that says one thing and leads back to the campaign page: a title, a sentence, the
/// way home. Never indexed.
fn notice(lang: Lang, origin: &str, title: &'static str, says: &str) -> String {
    let home = lang.text().home_link;
    let says = says.to_string();
    let main = view! {
        <h1>{title}</h1>
        <p>{says}</p>
        <p><a class="button" href=lang.href("/")>{home}</a></p>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: "/",
            title: title.to_string(),
            index: false,
        },
        main,
    )
}

/// A 404 page in the language of the path's prefix.
pub fn not_found(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    notice(lang, origin, t.not_found_title, t.not_found)
}

/// A 5xx page: says nothing of the cause (that goes to the log), everything about what to do.
pub fn error_page(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    notice(lang, origin, t.server_error_title, t.server_error)
}

/// A form posted from another site (or a page that is not ours): refused, and why.
pub fn cross_site(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    notice(lang, origin, t.cross_site_title, t.cross_site)
}

/// The payment provider failed or timed out: the pledge stays pending, nothing was charged.
pub fn checkout_failed(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    let main = view! {
        <h1>{t.checkout_failed_heading}</h1>
        <p>{t.checkout_failed}</p>
        <p><a class="button" href=format!("{}#give", lang.href("/"))>{t.pledge_back}</a></p>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: "/",
            title: t.checkout_failed_heading.to_string(),
            index: false,
        },
        main,
    )
}

/// A visitor's own comment, as the page asking "delete it?" shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnComment {
    pub id: i64,
    pub body: String,
    /// Others replied: deleting leaves a placeholder instead of the comment.
    pub has_replies: bool,
}

/// `GET /comments/{id}/delete`: what deleting does, the comment itself, and the two ways on.
/// The button posts; nothing is deleted by following a link.
pub fn comment_delete(lang: Lang, origin: &str, c: OwnComment) -> String {
    let t = lang.text();
    let action = lang.href(&format!("/comments/{}/delete", c.id));
    let keep = format!("{}#comment-{}", lang.href("/"), c.id);
    let main = view! {
        <h1>{t.comment_delete_title}</h1>
        <p>{t.comment_delete_intro}</p>
        {c.has_replies.then(|| view! { <p>{t.comment_delete_replies}</p> })}
        <blockquote class="card"><p class="body">{c.body}</p></blockquote>
        <form method="post" action=action>
            <LangField lang=lang/>
            <button type="submit">{t.comment_delete_confirm}</button>
            " "
            <a href=keep>{t.comment_delete_keep}</a>
        </form>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: "/",
            title: t.comment_delete_title.to_string(),
            index: false,
        },
        main,
    )
}

/// After a visitor deleted their own comment.
pub fn comment_deleted(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    notice(lang, origin, t.comment_deleted_title, t.comment_deleted)
}

/// A comment this browser did not write (or no longer remembers): it cannot be deleted here.
pub fn comment_not_yours(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    let says = fill(
        t.comment_not_yours,
        &[("days", &lang.number(crate::comment::OWN_COOKIE_DAYS))],
    );
    notice(lang, origin, t.comment_not_yours_title, &says)
}

/// Where a pledge's money goes, in words.
fn goes_to(lang: Lang, designation: &str) -> &'static str {
    let t = lang.text();
    match designation {
        GENERAL => t.form_designation_general,
        id => t
            .tier(id)
            .map(|c| c.purpose)
            .unwrap_or(t.form_designation_general),
    }
}

/// `GET /pledges/{id}`: the thank-you page.
pub fn pledge_thanks(lang: Lang, origin: &str, pledge: Pledge) -> String {
    let t = lang.text();
    let path = format!("/pledges/{}", pledge.id);
    let status_class = match pledge.status {
        Status::Paid => "status-paid",
        Status::Pending => "status-pending",
        _ => "",
    };
    let does = pledge.tier.as_deref().and_then(|id| t.tier(id)).map(|c| {
        view! {
            <dt>{t.pledge_does}</dt>
            <dd>{c.impact}</dd>
        }
    });
    let share = format!("{origin}{}", lang.href("/"));
    let main = view! {
        <h1>{t.pledge_heading}</h1>
        <dl class="facts">
            <dt>{t.pledge_amount}</dt>
            <dd>{pledge.amount.to_string()}</dd>
            <dt>{t.pledge_goes_to}</dt>
            <dd>{goes_to(lang, &pledge.designation)}</dd>
            <dt>{t.pledge_status}</dt>
            <dd class=status_class id="pledge-status" data-status=pledge.status.as_str()>{pledge.status.words(t)}</dd>
            {does}
        </dl>
        <section aria-labelledby="share-heading">
            <h2 id="share-heading">{t.pledge_share}</h2>
            <p>{t.pledge_share_text}</p>
            <p><a href=share.clone()>{share.clone()}</a></p>
        </section>
        <p><a class="button" href=lang.href("/")>{t.pledge_back}</a></p>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: &path,
            title: t.pledge_heading.to_string(),
            index: false,
        },
        main,
    )
}

/// The local sandbox's stand-in for the provider's checkout page.
pub fn sandbox_checkout(lang: Lang, origin: &str, pledge: Pledge) -> String {
    let t = lang.text();
    let path = format!("/sandbox/checkout/{}", pledge.id);
    let action = lang.href(&path);
    let main = view! {
        <h1>{t.sandbox_heading}</h1>
        <p class="notice">{t.sandbox_intro}</p>
        <dl class="facts">
            <dt>{t.pledge_amount}</dt>
            <dd>{pledge.amount.to_string()}</dd>
            <dt>{t.pledge_goes_to}</dt>
            <dd>{goes_to(lang, &pledge.designation)}</dd>
        </dl>
        <form method="post" action=action class="card">
            <LangField lang=lang/>
            <button type="submit" name="action" value="pay">{t.sandbox_pay}</button>
            " "
            <button type="submit" name="action" value="cancel" class="secondary">{t.sandbox_cancel}</button>
        </form>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: &path,
            title: t.sandbox_heading.to_string(),
            index: false,
        },
        main,
    )
}

/// After a volunteer's offer is stored.
pub fn volunteer_thanks(lang: Lang, origin: &str) -> String {
    let t = lang.text();
    let main = view! {
        <h1>{t.volunteer_thanks_heading}</h1>
        <p>{t.volunteer_thanks}</p>
        <p><a class="button" href=lang.href("/")>{t.home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: "/volunteer/thanks",
            title: t.volunteer_thanks_heading.to_string(),
            index: false,
        },
        main,
    )
}

/// `GET /privacy`: what the site keeps, who sees it, for how long, and how to have it erased.
/// The periods are the ones the retention job applies ([`Periods`]), so the page cannot say
/// one thing while the job does another.
pub fn privacy(lang: Lang, origin: &str, periods: &Periods) -> String {
    let t = lang.text();
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
    let erase = fill(
        t.privacy_erase,
        &[
            ("days", &lang.number(crate::comment::OWN_COOKIE_DAYS)),
            ("n", &lang.number(crate::comment::OWN_COOKIE_MAX as i64)),
        ],
    );
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
    let main = view! {
        <h1>{t.privacy_title}</h1>
        <p>{t.privacy_intro}</p>
        {section("privacy-pledge", t.privacy_pledge_heading, t.privacy_pledge)}
        {section("privacy-comment", t.privacy_comment_heading, t.privacy_comment)}
        {section("privacy-volunteer", t.privacy_volunteer_heading, t.privacy_volunteer)}
        {section("privacy-why", t.privacy_why_heading, t.privacy_why)}
        <section aria-labelledby="privacy-who">
            <h2 id="privacy-who">{t.privacy_who_heading}</h2>
            <ul>
                <li>{t.privacy_who_public}</li>
                <li>{t.privacy_who_maintainers}</li>
                <li>{t.privacy_who_stripe}</li>
            </ul>
        </section>
        <section aria-labelledby="privacy-how-long">
            <h2 id="privacy-how-long">{t.privacy_how_long_heading}</h2>
            <ul>{keep}</ul>
        </section>
        {section("privacy-never", t.privacy_never_heading, t.privacy_never)}
        {section("privacy-erase", t.privacy_erase_heading, &erase)}
        {section("privacy-platforms", t.privacy_platforms_heading, t.privacy_platforms)}
        <p><a class="button" href=lang.href("/")>{t.home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            origin,
            path: "/privacy",
            title: t.privacy_title.to_string(),
            index: true,
        },
        main,
    )
}
