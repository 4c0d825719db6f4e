//! The small pages: not found, errors, a pledge's thank-you page, stopping a monthly gift, the
//! sandbox checkout, the privacy page.

use super::{document, title_with, ErrorSummary, FormFields, LangField, Links, PageMeta};

use crate::content::{fill, Text};
use crate::form::Problems;
use crate::i18n::Lang;
use crate::pledge::{Frequency, NothingToStop, Pledge, Status, GENERAL};
use crate::retention::Periods;
use leptos::prelude::*;

/// A page that says one thing and leads back to the campaign page: a title, a sentence, the
/// way home. Never indexed.
fn notice(lang: Lang, links: Links<'_>, title: &'static str, says: &str) -> String {
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
            links,
            path: "/",
            title: title.to_string(),
            index: false,
        },
        main,
    )
}

/// A 404 page in the language of the path's prefix.
pub fn not_found<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    notice(lang, links.into(), t.not_found_title, t.not_found)
}

/// A 5xx page: says nothing of the cause (that goes to the log), everything about what to do.
pub fn error_page<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    notice(lang, links.into(), t.server_error_title, t.server_error)
}

/// A form posted from another site (or a page that is not ours): refused, and why.
pub fn cross_site<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    notice(lang, links.into(), t.cross_site_title, t.cross_site)
}

/// The payment provider failed or timed out: the pledge stays pending, nothing was charged.
pub fn checkout_failed<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    let main = view! {
        <h1>{t.checkout_failed_heading}</h1>
        <p>{t.checkout_failed}</p>
        <p><a class="button" href=format!("{}#give", lang.href("/"))>{t.pledge_back}</a></p>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
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
pub fn comment_delete<'a>(lang: Lang, links: impl Into<Links<'a>>, c: OwnComment) -> String {
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
            links: links.into(),
            path: "/",
            title: t.comment_delete_title.to_string(),
            index: false,
        },
        main,
    )
}

/// After a visitor deleted their own comment: gone from the page, when from every kept copy,
/// and how long the database's restore history keeps it ([`Periods::erasure`]).
pub fn comment_deleted<'a>(lang: Lang, links: impl Into<Links<'a>>, periods: &Periods) -> String {
    let t = lang.text();
    let says = super::privacy::erasure_reach(lang, t.comment_deleted, periods);
    notice(lang, links.into(), t.comment_deleted_title, &says)
}

/// A comment this browser did not write (or no longer remembers): it cannot be deleted here.
pub fn comment_not_yours<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    let says = fill(
        t.comment_not_yours,
        &[("days", &lang.number(crate::comment::OWN_COOKIE_DAYS))],
    );
    notice(lang, links.into(), t.comment_not_yours_title, &says)
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

/// A pledge's own page, with what it may offer beside the pledge itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PledgePage {
    pub pledge: Pledge,
    /// "Stop my monthly gift" ([`Pledge::offers_stop`]).
    pub stop: bool,
    /// The local sandbox's buttons for what the provider does in the months that follow (a
    /// renewal, a failed one); only with `CHECKOUT=sandbox` on a loopback host.
    pub sandbox: bool,
}

/// A pledge's page with nothing more known of it than the pledge: the stop link while it is
/// active, no sandbox buttons.
impl From<Pledge> for PledgePage {
    fn from(pledge: Pledge) -> PledgePage {
        let stop = pledge.offers_stop(false);
        PledgePage {
            pledge,
            stop,
            sandbox: false,
        }
    }
}

/// The facts of a pledge, as its page and the stop page list them: the amount (each month's,
/// for a monthly gift), where it goes, and for a monthly gift how often and the months given.
pub(super) fn pledge_facts(lang: Lang, pledge: &Pledge) -> impl IntoView {
    let t: &'static Text = lang.text();
    let monthly = pledge.frequency == Frequency::Monthly;
    let amount_label = if monthly {
        t.pledge_amount_monthly
    } else {
        t.pledge_amount
    };
    let monthly_facts = monthly.then(|| {
        view! {
            <dt>{t.pledge_frequency}</dt>
            <dd>{t.form_frequency_month}</dd>
            <dt>{t.pledge_months_paid}</dt>
            <dd id="pledge-months" data-months=pledge.payments.to_string()>{lang.count(&t.pledge_months, pledge.payments)}</dd>
        }
    });
    view! {
        <dt>{amount_label}</dt>
        <dd>{pledge.amount.to_string()}</dd>
        <dt>{t.pledge_goes_to}</dt>
        <dd>{goes_to(lang, &pledge.designation)}</dd>
        {monthly_facts}
    }
}

pub(super) fn pledge_path(id: &str) -> String {
    format!("/pledges/{id}")
}

/// The page that erases a pledge's name, email and note (`pledge_erase`).
pub(super) fn erase_path(id: &str) -> String {
    format!("/pledges/{id}/erase")
}

fn stop_path(id: &str) -> String {
    format!("/pledges/{id}/stop")
}

/// `GET /pledges/{id}`: the thank-you page. For a monthly gift: the months given so far and,
/// while it runs, the way to stop it; once stopped, that nothing more is charged.
pub fn pledge_thanks<'a>(
    lang: Lang,
    links: impl Into<Links<'a>>,
    page: impl Into<PledgePage>,
) -> String {
    let PledgePage {
        pledge,
        stop,
        sandbox,
    } = page.into();
    let t = lang.text();
    let path = pledge_path(&pledge.id);
    let status_class = match pledge.status {
        Status::Paid | Status::Active => "status-paid",
        Status::Pending => "status-pending",
        _ => "",
    };
    let does = pledge.tier.as_deref().and_then(|id| t.tier(id)).map(|c| {
        view! {
            <dt>{t.pledge_does}</dt>
            <dd>{c.impact}</dd>
        }
    });
    let monthly = pledge.frequency == Frequency::Monthly;
    let stopped = (monthly && pledge.status == Status::Cancelled)
        .then(|| view! { <p class="notice" id="pledge-stopped">{t.pledge_stopped}</p> });
    let stop_section = stop.then(|| {
        view! {
            <section aria-labelledby="monthly-heading" id="monthly">
                <h2 id="monthly-heading">{t.pledge_monthly_heading}</h2>
                <p>{t.pledge_monthly_keep}</p>
                <p><a class="button secondary" id="stop-link" href=lang.href(&stop_path(&pledge.id))>{t.pledge_stop_link}</a></p>
                <p id="manage-hint">{t.pledge_manage_hint}" "<a href=lang.href("/manage")>{t.manage_title}</a></p>
            </section>
        }
    });
    // The donor's own details: the way to erase them while any is kept, else that none is.
    let erase = pledge.details.then(|| {
        view! {
            <p><a class="button secondary" id="erase-link" href=lang.href(&erase_path(&pledge.id))>{t.pledge_erase_link}</a></p>
        }
    });
    let details = view! {
        <section aria-labelledby="details-heading" id="details">
            <h2 id="details-heading">{t.pledge_details_heading}</h2>
            <p id="details-kept">{if pledge.details { t.pledge_details_kept } else { t.pledge_details_none }}</p>
            {erase}
        </section>
    };
    let renewals = (sandbox && monthly && pledge.status == Status::Active).then(|| {
        view! {
            <form method="post" action=lang.href(&format!("/sandbox/checkout/{}", pledge.id)) class="card" id="sandbox-renewals">
                <p class="notice">{t.sandbox_renewals}</p>
                <LangField lang=lang/>
                <button type="submit" name="action" value="renew">{t.sandbox_renew}</button>
                " "
                <button type="submit" name="action" value="fail" class="secondary">{t.sandbox_fail}</button>
            </form>
        }
    });
    let links: Links<'_> = links.into();
    let share = format!("{}{}", links.origin, lang.href("/"));
    // Thanks for a gift given or on its way; only its facts when it was not, or was refunded.
    let heading = match pledge.status {
        Status::Failed | Status::Expired | Status::Refunded => t.pledge_heading_other,
        Status::Pending | Status::Paid | Status::Active | Status::Cancelled => t.pledge_heading,
    };
    let main = view! {
        <h1>{heading}</h1>
        <dl class="facts">
            {pledge_facts(lang, &pledge)}
            <dt>{t.pledge_status}</dt>
            <dd class=status_class id="pledge-status" data-status=pledge.status.as_str()>{pledge.status.words(t)}</dd>
            {does}
        </dl>
        {stopped}
        {stop_section}
        {renewals}
        {details}
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
            links,
            path: &path,
            title: heading.to_string(),
            index: false,
        },
        main,
    )
}

/// The stop form has one button and no field: its problems are the form's.
static STOP_FIELDS: FormFields = FormFields {
    form: "stop",
    fields: &[],
};

/// `GET /pledges/{id}/stop`: "stop your monthly gift?", what stopping does, and the two ways
/// on. The button posts (with its form token); nothing is stopped by following a link.
/// `problems`: why the last press was refused (an expired or reused token).
pub fn pledge_stop<'a>(
    lang: Lang,
    links: impl Into<Links<'a>>,
    pledge: &Pledge,
    token: &str,
    problems: Problems,
) -> String {
    let t = lang.text();
    let ask = OneButton {
        path: stop_path(&pledge.id),
        form: "stop-form",
        fields: &STOP_FIELDS,
        title: t.stop_title,
        says: vec![t.stop_intro.to_string()],
        confirm: t.stop_confirm,
        keep: t.stop_keep,
    };
    one_button(lang, links.into(), pledge, ask, token, problems)
}

/// What a one-button page of a pledge's says and does (stop a monthly gift, erase the gift's
/// details): drawn by [`one_button`], so both pages are one view.
pub(super) struct OneButton {
    /// The page's path, and its form's action.
    pub path: String,
    /// The form's id.
    pub form: &'static str,
    /// Its fields for the error summary (none: a press's problems are the form's).
    pub fields: &'static FormFields,
    pub title: &'static str,
    /// Its paragraphs, in order.
    pub says: Vec<String>,
    /// The button's words, and the link's that leaves without pressing it.
    pub confirm: &'static str,
    pub keep: &'static str,
}

/// A one-button page of a pledge's: what pressing does, the pledge's facts, the button (a
/// post, with its form token) and the way back; `problems`, why the last press was refused
/// (an expired or reused token). Nothing is done by following a link.
pub(super) fn one_button(
    lang: Lang,
    links: Links<'_>,
    pledge: &Pledge,
    ask: OneButton,
    token: &str,
    problems: Problems,
) -> String {
    let t = lang.text();
    let keep = lang.href(&pledge_path(&pledge.id));
    let token = token.to_string();
    let title = title_with(t, &problems, ask.title.to_string());
    let says = ask
        .says
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view();
    let main = view! {
        <h1>{ask.title}</h1>
        <ErrorSummary t=t fields=ask.fields problems=problems h2=true/>
        {says}
        <dl class="facts">{pledge_facts(lang, pledge)}</dl>
        <form method="post" action=lang.href(&ask.path) id=ask.form>
            <LangField lang=lang/>
            <input type="hidden" name="token" value=token/>
            <button type="submit">{ask.confirm}</button>
            " "
            <a href=keep>{ask.keep}</a>
        </form>
    };
    document(
        PageMeta {
            lang,
            links,
            path: &ask.path,
            title,
            index: false,
        },
        main,
    )
}

/// A title, a sentence, and the ways on from one of a pledge's one-button pages (`path`: its
/// stop or erase page): back to the pledge's page, and `again` (try the same again) when it
/// failed.
pub(super) fn pledge_notice(
    lang: Lang,
    links: Links<'_>,
    (id, path): (&str, &str),
    title: &'static str,
    says: &'static str,
    again: bool,
) -> String {
    let t = lang.text();
    let again = again.then(|| {
        view! { <a class="button" href=lang.href(path)>{t.stop_try_again}</a>" " }
    });
    let main = view! {
        <h1>{title}</h1>
        <p id="says">{says}</p>
        <p>{again}<a class="button secondary" href=lang.href(&pledge_path(id))>{t.stop_back}</a></p>
    };
    document(
        PageMeta {
            lang,
            links,
            path,
            title: title.to_string(),
            index: false,
        },
        main,
    )
}

/// A stop asked of a pledge that has nothing to stop, and why.
pub fn pledge_nothing_to_stop<'a>(
    lang: Lang,
    links: impl Into<Links<'a>>,
    id: &str,
    why: NothingToStop,
) -> String {
    let t = lang.text();
    let says = match why {
        NothingToStop::Once => t.stop_nothing_once,
        NothingToStop::Stopped => t.stop_nothing_stopped,
        NothingToStop::NotRunning => t.stop_nothing_not_running,
    };
    pledge_notice(
        lang,
        links.into(),
        (id, &stop_path(id)),
        t.stop_nothing_title,
        says,
        false,
    )
}

/// The provider did not stop the subscription: nothing changed, try again.
pub fn pledge_stop_failed<'a>(lang: Lang, links: impl Into<Links<'a>>, id: &str) -> String {
    let t = lang.text();
    pledge_notice(
        lang,
        links.into(),
        (id, &stop_path(id)),
        t.stop_failed_title,
        t.stop_failed,
        true,
    )
}

/// The local sandbox's stand-in for the provider's checkout page.
pub fn sandbox_checkout<'a>(lang: Lang, links: impl Into<Links<'a>>, pledge: Pledge) -> String {
    let t = lang.text();
    let path = format!("/sandbox/checkout/{}", pledge.id);
    let action = lang.href(&path);
    let main = view! {
        <h1>{t.sandbox_heading}</h1>
        <p class="notice">{t.sandbox_intro}</p>
        <dl class="facts">{pledge_facts(lang, &pledge)}</dl>
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
            links: links.into(),
            path: &path,
            title: t.sandbox_heading.to_string(),
            index: false,
        },
        main,
    )
}

/// After a volunteer's offer is stored.
pub fn volunteer_thanks<'a>(lang: Lang, links: impl Into<Links<'a>>) -> String {
    let t = lang.text();
    let main = view! {
        <h1>{t.volunteer_thanks_heading}</h1>
        <p>{t.volunteer_thanks}</p>
        <p><a class="button" href=lang.href("/")>{t.home_link}</a></p>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
            path: "/volunteer/thanks",
            title: t.volunteer_thanks_heading.to_string(),
            index: false,
        },
        main,
    )
}

#[cfg(test)]
mod monthly {
    use super::*;
    use crate::money::Cents;

    fn pledge(frequency: Frequency, status: Status, payments: i64) -> Pledge {
        Pledge {
            id: "0123456789abcdef0123456789abcdef".into(),
            status,
            amount: Cents(2000),
            refunded: Cents(0),
            currency: "usd".into(),
            tier: None,
            designation: GENERAL.into(),
            frequency,
            payments,
            details: false,
        }
    }

    fn page(p: Pledge, stop: bool, sandbox: bool) -> PledgePage {
        PledgePage {
            pledge: p,
            stop,
            sandbox,
        }
    }

    #[test]
    fn a_one_off_gift_s_page_says_nothing_of_months_or_stopping() {
        for lang in [Lang::En, Lang::Km] {
            let html = pledge_thanks(lang, "", pledge(Frequency::Once, Status::Paid, 1));
            let t = lang.text();
            for absent in [
                "pledge-months",
                "stop-link",
                "sandbox-renewals",
                t.pledge_amount_monthly,
            ] {
                assert!(!html.contains(absent), "{lang:?}: {absent}");
            }
            assert!(html.contains(t.pledge_amount));
        }
    }

    #[test]
    fn a_running_monthly_gift_shows_its_months_and_the_way_to_stop_it() {
        let html = pledge_thanks(
            Lang::Km,
            "",
            page(pledge(Frequency::Monthly, Status::Active, 3), true, false),
        );
        let t = Lang::Km.text();
        assert!(html.contains("data-months=\"3\"") && html.contains("៣ ខែ"));
        assert!(html.contains(t.pledge_monthly_keep));
        assert!(html.contains("href=\"/km/pledges/0123456789abcdef0123456789abcdef/stop\""));
        assert!(!html.contains("sandbox-renewals"), "only in the sandbox");
        let sandbox = pledge_thanks(
            Lang::En,
            "",
            page(pledge(Frequency::Monthly, Status::Active, 1), true, true),
        );
        assert!(sandbox.contains("id=\"sandbox-renewals\""));
        assert!(sandbox.contains("value=\"renew\"") && sandbox.contains("value=\"fail\""));
        assert!(sandbox.contains("1 month<"));
        // From a pledge alone: the link while active, none while pending.
        assert!(
            pledge_thanks(Lang::En, "", pledge(Frequency::Monthly, Status::Active, 1))
                .contains("stop-link")
        );
        assert!(
            !pledge_thanks(Lang::En, "", pledge(Frequency::Monthly, Status::Pending, 0))
                .contains("stop-link")
        );
    }

    #[test]
    fn a_stopped_monthly_gift_says_so_and_offers_nothing_more() {
        let html = pledge_thanks(
            Lang::En,
            "",
            page(
                pledge(Frequency::Monthly, Status::Cancelled, 2),
                false,
                true,
            ),
        );
        let t = Lang::En.text();
        assert!(html.contains(t.pledge_stopped) && html.contains(t.pledge_status_cancelled));
        assert!(html.contains("2 months"));
        assert!(!html.contains("stop-link") && !html.contains("sandbox-renewals"));
    }

    #[test]
    fn the_stop_page_posts_with_its_token_and_language() {
        let p = pledge(Frequency::Monthly, Status::Active, 1);
        let html = pledge_stop(Lang::Km, "", &p, "TOKEN.x.y", Problems::default());
        assert!(html.contains(&format!("action=\"/km/pledges/{}/stop\"", p.id)));
        assert!(html.contains("name=\"lang\" value=\"km\""));
        assert!(html.contains("name=\"token\" value=\"TOKEN.x.y\""));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\""));
        let mut problems = Problems::default();
        problems.add("", crate::form::Problem::Token);
        let refused = pledge_stop(Lang::En, "", &p, "t", problems);
        assert!(refused.contains(Lang::En.text().error_token));
        // The problems' heading comes right under the page's h1.
        assert!(refused.contains("<h2>") && !refused.contains("<h3>"));
        for (why, says) in [
            (NothingToStop::Once, Lang::En.text().stop_nothing_once),
            (NothingToStop::Stopped, Lang::En.text().stop_nothing_stopped),
            (
                NothingToStop::NotRunning,
                Lang::En.text().stop_nothing_not_running,
            ),
        ] {
            assert!(pledge_nothing_to_stop(Lang::En, "", &p.id, why).contains(says));
        }
        let failed = pledge_stop_failed(Lang::En, "", &p.id);
        assert!(failed.contains(&format!("href=\"/pledges/{}/stop\"", p.id)));
    }
}
