//! The comments section: threads, the campaign's replies marked, and the comment form.
//!
//! A visitor's own comments (named by their sealed cookie) carry a "Delete" link to a
//! confirmation page; a comment its author deleted while others had replied stays as a
//! placeholder with no name, no website and no words, so the replies still make sense.

use super::{
    invalid, outer_max, textarea_text, ErrorSummary, Field, FieldError, FormFields, Hole,
    LangField, LengthHint, Placed, PrivacyLink,
};
use crate::comment::{Comment, CommentForm, CommentPage, CommentStatus, Thread};
use crate::content::{fill, Text};
use crate::form::{is_web_url, Problems};
use crate::i18n::Lang;
use crate::keys::Form;
use leptos::either::Either;
use leptos::prelude::*;

/// The comment form as it should be drawn.
#[derive(Clone, Debug, Default)]
pub struct CommentFormState {
    pub form: CommentForm,
    pub problems: Problems,
    /// The comment being answered, `(id, name)`, when the visitor pressed "Reply".
    pub reply_to: Option<(i64, String)>,
}

fn class_of(c: &Comment) -> &'static str {
    match (c.is_campaign, c.status) {
        (_, CommentStatus::Removed) => "comment removed",
        (true, _) => "comment campaign",
        (false, CommentStatus::Held) => "comment held",
        _ => "comment",
    }
}

/// One comment's box: who, when, a permalink, its text; or the placeholder of a removed one.
#[component]
fn CommentBody(lang: Lang, comment: Comment) -> impl IntoView {
    let t: &'static Text = lang.text();
    if comment.removed() {
        return Either::Left(view! {
            <article>
                <p class="body notice">{t.comment_removed}</p>
            </article>
        });
    }
    let anchor = format!("#comment-{}", comment.id);
    let held = comment.held();
    let who = match comment.website.filter(|w| is_web_url(w)) {
        Some(url) => {
            Either::Left(view! { <a class="who" href=url rel="nofollow ugc">{comment.name}</a> })
        }
        None => Either::Right(view! { <span class="who">{comment.name}</span> }),
    };
    // Replies hang two levels deep: only a thread's root offers "Reply".
    let reply = (comment.parent_id.is_none() && !held).then(|| {
        let href = format!("{}?reply={}#comment-form", lang.href("/"), comment.id);
        view! { <a href=href>{t.comment_reply}</a> }
    });
    let delete = comment.own.then(|| {
        let href = lang.href(&format!("/comments/{}/delete", comment.id));
        view! { <a href=href rel="nofollow">{t.comment_delete}</a> }
    });
    Either::Right(view! {
        <article>
            <p class="meta">
                {who}
                {comment.is_campaign.then(|| view! { <span class="badge">{t.comment_campaign_badge}</span> })}
                <time datetime=crate::time::rfc3339(comment.created_at)>{lang.date(comment.created_at)}</time>
                <a href=anchor aria-label=t.comment_permalink>"#"</a>
                {reply}
                {delete}
            </p>
            {held.then(|| view! { <p class="notice">{t.comment_awaiting}</p> })}
            <p class="body">{comment.body}</p>
        </article>
    })
}

/// A thread: its root comment with the replies listed under it.
#[component]
fn ThreadItem(lang: Lang, thread: Thread) -> impl IntoView {
    let Thread { root, replies } = thread;
    let replies = (!replies.is_empty()).then(|| {
        let items = replies
            .into_iter()
            .map(|c| {
                let (class, id) = (class_of(&c), format!("comment-{}", c.id));
                view! { <li class=class id=id><CommentBody lang=lang comment=c/></li> }
            })
            .collect_view();
        view! { <ol>{items}</ol> }
    });
    let (class, id) = (class_of(&root), format!("comment-{}", root.id));
    view! {
        <li class=class id=id>
            <CommentBody lang=lang comment=root/>
            {replies}
        </li>
    }
}

#[component]
pub fn CommentsSection(lang: Lang, page: CommentPage, form: CommentFormState) -> impl IntoView {
    let t: &'static Text = lang.text();
    let count = lang.count(&t.comments_count, page.total_comments);
    let older = page.has_older().then(|| {
        let href = format!("{}?page={}#comments", lang.href("/"), page.page + 1);
        view! { <a href=href rel="next">{t.comments_older}</a> }
    });
    let newer = page.has_newer().then(|| {
        let href = if page.page == 2 {
            format!("{}#comments", lang.href("/"))
        } else {
            format!("{}?page={}#comments", lang.href("/"), page.page - 1)
        };
        view! { <a href=href rel="prev">{t.comments_newer}</a> }
    });
    let empty = page.threads.is_empty();
    let threads = page
        .threads
        .into_iter()
        .map(|thread| view! { <ThreadItem lang=lang thread=thread/> })
        .collect_view();
    view! {
        <section id="comments" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{t.comments_heading}</h2>
            <p class="hint">{count}</p>
            {empty.then(|| view! { <p>{t.comments_none}</p> })}
            <ol class="comments">{threads}</ol>
            <nav class="pager" aria-label=t.comments_heading>{newer}{older}</nav>
            <CommentFormView lang=lang state=form/>
        </section>
    }
}

/// The comment form's id, and the fragment it posts to (`/comments#comment-form`): the
/// comments above it can run long, so its answer opens at the form itself.
const FORM: &str = "comment-form";

/// The comment form's fields, for its problems. (A reply to a comment that is gone is the
/// form's problem, not a field's: it is named without a link.)
static FIELDS: FormFields = FormFields {
    form: "comment",
    fields: &[
        Field {
            name: "name",
            control: "comment-name",
            label: Some(|t| t.comment_name),
        },
        Field {
            name: "website",
            control: "comment-website",
            label: Some(|t| t.comment_website),
        },
        Field {
            name: "text",
            control: "comment-text",
            label: Some(|t| t.comment_text),
        },
    ],
};

#[component]
fn CommentFormView(lang: Lang, state: CommentFormState) -> impl IntoView {
    let t: &'static Text = lang.text();
    let CommentFormState {
        form,
        problems,
        reply_to,
    } = state;
    let parent = reply_to
        .as_ref()
        .map(|(id, _)| id.to_string())
        .unwrap_or_default();
    let replying = reply_to.map(|(id, name)| {
        let href = format!("#comment-{id}");
        view! { <p class="hint"><a href=href>{fill(t.comment_replying_to, &[("name", &name)])}</a></p> }
    });
    let fields = &FIELDS;
    let described_by = |field: &str| fields.described_by(&problems, field);
    view! {
        <form method="post" action=format!("{}#{FORM}", lang.href("/comments")) class="card" id=FORM novalidate>
            <ErrorSummary t=t fields=fields problems=problems.clone()/>
            <h3>{t.comment_form_heading}</h3>
            {replying}
            <p class="hint">{t.comment_form_intro}</p>
            <LangField lang=lang/>
            // Every response fills in a token of its own.
            <input type="hidden" name="token" value=Placed::Hole(Hole::Token(Form::Comment))/>
            <input type="hidden" name="parent_id" value=parent/>
            <div class="hp" aria-hidden="true">
                <label for="comment-homepage">{t.honeypot_label}</label>
                <input type="text" name="homepage" id="comment-homepage" tabindex="-1" autocomplete="off"/>
            </div>
            <label for="comment-name">{t.comment_name}</label>
            <FieldError t=t fields=fields problems=problems.clone() field="name"/>
            <input type="text" name="name" id="comment-name" value=form.name.clone() autocomplete="name" maxlength=outer_max(crate::comment::NAME_MAX) required
                aria-invalid=invalid(&problems, "name") aria-describedby=described_by("name")/>
            <label for="comment-website">{t.comment_website}</label>
            <FieldError t=t fields=fields problems=problems.clone() field="website"/>
            // Text with the URL keyboard, not `type="url"`: a refused form sends back what was
            // typed, and HTML allows no `value` on a URL field that is not an absolute URL.
            <input type="text" inputmode="url" autocapitalize="none" spellcheck="false" name="website" id="comment-website" value=form.website.clone() autocomplete="url"
                aria-invalid=invalid(&problems, "website") aria-describedby=described_by("website")/>
            <label for="comment-text">{t.comment_text}</label>
            <LengthHint lang=lang max=crate::comment::TEXT_MAX/>
            <FieldError t=t fields=fields problems=problems.clone() field="text"/>
            <textarea name="text" id="comment-text" required maxlength=outer_max(crate::comment::TEXT_MAX)
                aria-invalid=invalid(&problems, "text") aria-describedby=described_by("text")>{textarea_text(&form.text)}</textarea>
            <p class="hint">{fill(t.comment_delete_later, &[("days", &lang.number(crate::comment::OWN_COOKIE_DAYS)), ("n", &lang.number(crate::comment::OWN_COOKIE_MAX as i64))])}</p>
            <PrivacyLink lang=lang/>
            <button type="submit">{t.comment_submit}</button>
        </form>
    }
}
