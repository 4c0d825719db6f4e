//! `GET /admin/erase` and `POST /admin/erase/find`: finding what is stored for an email
//! address, a phone number or a pledge, and the form that erases it. Apart from the other pages
//! because its wording is about what stays and what goes, which follows the erasure's rules
//! (`crate::admin::erase`).

use super::{plural, shell, when, Nav, Section, Viewer};
use crate::admin::{
    amount, EraseForm, EraseProblem, Erasure, Stored, ERASE_EMAIL_MAX, ERASE_LIST_MAX,
    ERASE_PLEDGE_MAX,
};
use crate::routes::Admin;
use crate::volunteer::PHONE_MAX;
use leptos::either::Either;
use leptos::prelude::*;

/// `GET /admin/erase`: the search form, the erasure just made, the latest erasures.
pub struct ErasePage {
    /// The erasure that just happened (`?done=`).
    pub done: Option<Erasure>,
    pub recent: Vec<Erasure>,
    /// What was typed, when it came back with a problem.
    pub typed: EraseForm,
    pub problem: Option<EraseProblem>,
}

/// The page's title and heading.
const TITLE: &str = "Erase personal data";

/// `3 pledges, 1 comment and no volunteers`: an erasure's record (comments are an author's own
/// removals, or the tool's before #26).
fn erased_counts(e: &Erasure) -> String {
    let n = |n: i64, one, other| match n {
        0 => format!("no {other}"),
        n => plural(n, one, other),
    };
    format!(
        "{}, {} and {}",
        n(e.pledges, "pledge", "pledges"),
        n(e.comments, "comment", "comments"),
        n(e.volunteers, "volunteer", "volunteers")
    )
}

/// One field of the search form, with its hint; described by the error when it is the one in
/// error (or when the error is about the form as a whole).
fn search_field(
    (name, label, kind, max): (&'static str, &'static str, &'static str, usize),
    value: String,
    hint: &'static str,
    problem: Option<EraseProblem>,
) -> impl IntoView {
    let id = format!("erase-{name}");
    let hint_id = format!("{id}-hint");
    let described = match problem {
        Some(p) if p.field().is_none_or(|f| f == name) => format!("erase-error {hint_id}"),
        _ => hint_id.clone(),
    };
    view! {
        <label for=id.clone()>{label}</label>
        <input type=kind name=name id=id value=value maxlength=max.to_string() autocomplete="off" aria-describedby=described/>
        <p class="hint" id=hint_id>{hint}</p>
    }
}

/// The search form: posted, so what is looked for never lands in a URL.
fn erase_search(csrf: &str, typed: EraseForm, problem: Option<EraseProblem>) -> impl IntoView {
    let error =
        problem.map(|p| view! { <p class="error" id="erase-error" role="alert">{p.message()}</p> });
    let csrf = csrf.to_string();
    view! {
        <form method="post" action=Admin::EraseFind.path() class="card">
            <input type="hidden" name="csrf" value=csrf/>
            {error}
            <p>"Fill in one of the three. Nothing is erased yet: the next page lists what is stored."</p>
            {search_field(("email", "Email address", "email", ERASE_EMAIL_MAX), typed.email, "Pledges and offers of help. Matched ignoring case and surrounding spaces.", problem)}
            {search_field(("phone", "Phone number", "tel", PHONE_MAX), typed.phone, "Offers of help, the one place a phone number is kept. Read as the volunteer form reads it; a Cambodian number is found whether it was given as +855…, 0… or 00855….", problem)}
            {search_field(("pledge", "Pledge id", "text", ERASE_PLEDGE_MAX), typed.pledge, "For a request made in person: the id, or the address of the gift's page (…/pledges/…). Its name, email and note.", problem)}
            <p><button type="submit">"Find what is stored"</button></p>
        </form>
    }
}

pub fn erase(v: &Viewer<'_>, p: ErasePage) -> String {
    let csrf = v.csrf;
    let ErasePage {
        done,
        recent,
        typed,
        problem,
    } = p;
    let done = done.map(|e| {
        view! {
            <div class="card" role="status">
                <p><strong>{format!("Erased: {}.", erased_counts(&e))}</strong></p>
                <p class="hint">"Pledges keep their amounts, status and dates, so the totals still add up. Erase the customer at Stripe too (see the README)."</p>
            </div>
        }
    });
    let recent_part = if recent.is_empty() {
        Either::Left(view! { <p>"No erasure yet."</p> })
    } else {
        let items = recent
            .into_iter()
            .map(|e| {
                view! {
                    <tr>
                        <td data-label="When">{when(e.at)}</td>
                        <td data-label="What">{e.kind.label()}</td>
                        <td data-label="Pledges">{e.pledges.to_string()}</td>
                        <td data-label="Comments">{e.comments.to_string()}</td>
                        <td data-label="Volunteers">{e.volunteers.to_string()}</td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table>
                <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Pledges"</th><th scope="col">"Comments"</th><th scope="col">"Volunteers"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
        })
    };
    let main = view! {
        <h1>{TITLE}</h1>
        {done}
        <p>"Find everything stored for an email address (pledges, offers of help), a phone number (offers of help) or a pledge, then erase its personal fields in one step."</p>
        {comments_note()}
        {erase_search(csrf, typed, problem)}
        <section aria-labelledby="erasures-heading">
            <h2 id="erasures-heading">"Erasures recorded"</h2>
            <p class="hint">"Each erasure is recorded with its time and counts only, never what was looked for or what was erased. Donors who erase their gift's details from its page are listed too."</p>
            {recent_part}
        </section>
    };
    shell(TITLE, Some(Nav::new(Section::Erase, v)), main)
}

/// Why comments are not looked for here, and how one is removed on request.
fn comments_note() -> impl IntoView {
    view! {
        <p class="hint" id="erase-comments">
            "Comments are not looked for here: the comment form asks for no email, so nothing ties a comment to an address, a number or a pledge. To remove a comment on request, find it in "
            <a href=Admin::Comments.path()>"Comments"</a>
            " (its link ends in its number, #comment-…; or ask for the name and words it was written with) and delete it there: its words and name go, and others' replies under it stay, under a “removed” placeholder."
        </p>
    }
}

/// `1 offer of help`, `2 offers of help`.
fn offers_of_help(n: i64) -> String {
    plural(n, "offer of help", "offers of help")
}

/// "Held" or "—": whether a personal field is still stored.
fn held(yes: bool) -> &'static str {
    if yes {
        "held"
    } else {
        "—"
    }
}

/// `POST /admin/erase/find` (and an erasure refused): what is stored for what was looked for,
/// and the form that erases it.
pub fn erase_found(v: &Viewer<'_>, stored: Stored, problem: Option<EraseProblem>) -> String {
    let csrf = v.csrf;
    let Stored {
        by,
        counts,
        pledges,
        volunteers,
    } = stored;
    let total = counts.total();
    let more = |shown: usize, all: i64| {
        (i64::try_from(shown).unwrap_or(i64::MAX) < all)
            .then(|| view! { <p class="hint">{format!("The first {ERASE_LIST_MAX} of {all} are listed; all of them will be erased.")}</p> })
    };
    let pledge_part = (counts.pledges > 0).then(|| {
        let shown = pledges.len();
        let items = pledges
            .into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td data-label="Id"><code>{p.id}</code></td>
                        <td data-label="Created">{when(p.created_at)}</td>
                        <td data-label="Status">{p.status.as_str()}</td>
                        <td data-label="Amount">{amount(p.amount_cents, &p.currency)}</td>
                        <td data-label="Name">{held(p.has_name)}</td>
                        <td data-label="Email">{held(p.has_email)}</td>
                        <td data-label="Note">{held(p.has_note)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="pledges-heading">
                <h2 id="pledges-heading">{plural(counts.pledges, "pledge", "pledges")}</h2>
                <p class="hint">"Name, email and note are erased and the name is no longer shown; the amount, status, tier, dates and payment references stay for the ledger."</p>
                <table>
                    <thead><tr>
                        <th scope="col">"Id"</th><th scope="col">"Created"</th><th scope="col">"Status"</th><th scope="col">"Amount"</th>
                        <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Note"</th>
                    </tr></thead>
                    <tbody>{items}</tbody>
                </table>
                {more(shown, counts.pledges)}
            </section>
        }
    });
    let volunteer_part = (counts.volunteers > 0).then(|| {
        let shown = volunteers.len();
        let items = volunteers
            .into_iter()
            .map(
                |v| view! { <tr><td data-label="Id">{format!("#{}", v.id)}</td><td data-label="Sent">{when(v.created_at)}</td></tr> },
            )
            .collect_view();
        view! {
            <section aria-labelledby="volunteers-heading">
                <h2 id="volunteers-heading">{offers_of_help(counts.volunteers)}</h2>
                <p class="hint">"Deleted: every field of an offer of help is personal."</p>
                <table>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Sent"</th></tr></thead>
                    <tbody>{items}</tbody>
                </table>
                {more(shown, counts.volunteers)}
            </section>
        }
    });
    let looked_for = by.describe();
    let erase_form = if total == 0 {
        Either::Left(
            view! { <p><strong>{format!("Nothing is stored for {looked_for}.")}</strong></p> },
        )
    } else {
        let error =
            problem.map(|p| view! { <div class="errors" role="alert"><p>{p.message()}</p></div> });
        let (field, value) = by.field();
        let (csrf, value, seen) = (csrf.to_string(), value.to_string(), total.to_string());
        Either::Right(view! {
            <form method="post" action=Admin::EraseRun.path() class="card">
                {error}
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name=field value=value/>
                <input type="hidden" name="seen" value=seen/>
                <p>
                    <input type="checkbox" name="confirm" value="yes" id="erase-confirm" required/>
                    <label for="erase-confirm">{format!("Erase these {}. This cannot be undone.", plural(total, "row", "rows"))}</label>
                </p>
                <p><button type="submit">"Erase"</button></p>
            </form>
        })
    };
    let main = view! {
        <h1>{TITLE}</h1>
        <p>{format!("Stored for {looked_for}: ")}<strong>{plural(total, "row", "rows")}</strong>"."</p>
        {pledge_part}
        {volunteer_part}
        {erase_form}
        <h2>"Look for something else"</h2>
        {erase_search(csrf, EraseForm::default(), None)}
    };
    shell(TITLE, Some(Nav::new(Section::Erase, v)), main)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{owner, stored};
    use super::*;

    #[test]
    fn the_erase_form_carries_the_address_the_count_and_a_box_to_tick() {
        let html = erase_found(&owner("tok"), stored(), Some(EraseProblem::NotConfirmed));
        assert!(!html.contains("<script>") && !html.contains("<b>Donor"));
        assert!(html.contains("&lt;b&gt;Donor&lt;/b&gt;@example.org"));
        assert!(html.contains(r#"name="seen" value="2""#));
        assert!(html.contains(r#"type="checkbox" name="confirm""#));
        assert!(
            html.contains(r#"action="/admin/erase""#)
                && html.contains(r#"action="/admin/erase/find""#)
        );
        assert!(html.contains("tick the box"));
        assert!(html.contains("1 offer of help") && html.contains("US$50"));
        // No comment is looked for: none holds an email since #26.
        assert!(!html.contains("comments-heading"));
        // The logout form, the erase form and the search form carry the token.
        assert_eq!(html.matches(r#"name="csrf" value="tok""#).count(), 3);
        assert!(html.contains(r#"href="/admin/erase" aria-current="page""#));
        // Nothing found: no erase form.
        let none = erase_found(&owner("tok"), Stored::default(), None);
        assert!(none.contains("Nothing is stored") && !none.contains(r#"name="confirm""#));
        // A phone number: posted again as the number stored, and every form looked for named.
        let phone = Stored {
            by: crate::admin::EraseBy::Phone(vec!["+85512345678".into(), "012345678".into()]),
            ..stored()
        };
        let html = erase_found(&owner("tok"), phone, None);
        assert!(html.contains(r#"name="phone" value="+85512345678""#));
        assert!(html.contains("the phone number +85512345678 (also as 012345678)"));
        assert!(!html.contains(r#"type="hidden" name="email""#));
    }

    #[test]
    fn the_erase_page_shows_counts_only() {
        use crate::admin::ErasureKind;
        let e = Erasure {
            id: 4,
            at: 0,
            kind: ErasureKind::Email,
            pledges: 2,
            comments: 0,
            volunteers: 1,
        };
        let html = erase(
            &owner("tok"),
            ErasePage {
                done: Some(e),
                recent: vec![e],
                typed: EraseForm::default(),
                problem: None,
            },
        );
        assert!(html.contains("Erased: 2 pledges, no comments and 1 volunteer."));
        assert!(html.contains("Everything for an email address"));
        // Where a comment is removed on request instead.
        let note = html
            .split(r#"id="erase-comments""#)
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default();
        assert!(note.contains(r#"href="/admin/comments""#), "{note}");
        assert!(!html.contains("role=\"alert\""));
        let html = erase(
            &owner("tok"),
            ErasePage {
                done: None,
                recent: vec![],
                typed: EraseForm {
                    email: "\"><x".into(),
                    ..EraseForm::default()
                },
                problem: Some(EraseProblem::NotAnEmail),
            },
        );
        assert!(html.contains("not an email address") && html.contains("No erasure yet."));
        assert!(html.contains("&quot;&gt;&lt;x") || html.contains("\"&gt;&lt;x"));
        assert!(!html.contains("\"><x"));
        // The field in error is described by the error; the others only by their hints.
        assert!(html.contains(r#"aria-describedby="erase-error erase-email-hint""#));
        assert!(html.contains(r#"aria-describedby="erase-phone-hint""#));
    }
}
