//! The moderation pages: `GET /admin/comments?status=…` and `GET /admin/waiting`. Each comment
//! comes with its buttons (approve, spam, delete), the way back to where the maintainer was,
//! and for an approved visitor's comment the campaign's reply form; the rules behind them are
//! `crate::admin::moderation`'s.

use super::{pager, shell, when, Nav, Section, Viewer};
use crate::admin::{waited, AdminComment, CommentList, ReplyProblem, COMMENTS_PER_PAGE};
use crate::comment::CommentStatus;
use crate::content::EN;
use crate::routes::Admin;
use crate::views::textarea_text;
use leptos::prelude::*;

/// A reply that came back with a problem, to draw again under its comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyDraft {
    pub parent: i64,
    pub text: String,
    pub problem: ReplyProblem,
}

/// Where a comment's buttons send the maintainer back to.
#[derive(Clone, Copy)]
struct Back {
    list: Option<CommentList>,
    page: i64,
}

impl Back {
    fn value(self) -> &'static str {
        self.list.map_or("waiting", CommentList::as_str)
    }
}

/// One comment with its buttons. `next` is the comment to scroll to once this one has left the
/// list; `waited_for` is set in the "awaiting our reply" view.
fn comment_item(
    csrf: &str,
    back: Back,
    c: AdminComment,
    next: Option<i64>,
    draft: Option<&ReplyDraft>,
    waited_for: Option<String>,
) -> impl IntoView {
    let id = c.id;
    let class = match (c.is_campaign, c.status) {
        (true, _) => "comment campaign",
        (false, CommentStatus::Approved) => "comment",
        _ => "comment held",
    };
    let action = |what: &str| Admin::Moderate.href(&[&id.to_string(), what]);
    let hidden = {
        let (csrf, page, next) = (
            csrf.to_string(),
            back.page.to_string(),
            next.map(|n| n.to_string()).unwrap_or_default(),
        );
        move || {
            view! {
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="back" value=back.value()/>
                <input type="hidden" name="page" value=page.clone()/>
                <input type="hidden" name="next" value=next.clone()/>
            }
        }
    };
    let approve = (c.status != CommentStatus::Approved)
        .then(|| view! { <button type="submit" formaction=action("approve")>"Approve"</button> });
    let spam = (c.status != CommentStatus::Spam).then(|| view! { <button type="submit" formaction=action("spam") class="secondary">"Spam"</button> });
    // Every button names its own action; the form's own is the gentlest one, never "delete".
    let default = if c.status == CommentStatus::Approved {
        action("spam")
    } else {
        action("approve")
    };
    let buttons = view! {
        <form method="post" action=default class="actions">
            {hidden()}
            {approve}" "{spam}" "
            <button type="submit" formaction=action("delete") class="secondary">"Delete"</button>
        </form>
    };
    // The campaign answers visitors, so its own replies get no reply form.
    let reply = (c.status == CommentStatus::Approved && !c.is_campaign).then(|| {
        let mine = draft.filter(|d| d.parent == id);
        let problem = mine.map(|d| {
            let field = format!("reply-{id}-error");
            view! { <p class="error" id=field role="alert">{d.problem.message()}</p> }
        });
        let text = mine.map(|d| textarea_text(&d.text)).unwrap_or_default();
        let field = format!("reply-{id}");
        let described = mine.map(|_| format!("reply-{id}-error"));
        view! {
            <details open=mine.is_some()>
                <summary>"Reply as the campaign"</summary>
                <form method="post" action=action("reply")>
                    {hidden()}
                    <label for=field.clone()>{format!("Reply to {}", c.name)}</label>
                    {problem}
                    <textarea name="text" id=field required maxlength=crate::comment::TEXT_MAX.to_string() aria-describedby=described>{text}</textarea>
                    <p><button type="submit">"Post reply"</button></p>
                </form>
            </details>
        }
    });
    let in_reply = c
        .parent_id
        .map(|p| view! { <span>{format!("reply to #{p}")}</span> });
    let flagged = c
        .flagged
        .then(|| view! { <span class="badge">{crate::i18n::Lang::english_count(c.link_count, "link", "links")}</span> });
    let campaign = c
        .is_campaign
        .then(|| view! { <span class="badge">{EN.comment_campaign_badge}</span> });
    let waited =
        waited_for.map(|w| view! { <strong class="waited">{format!("waiting {w}")}</strong> });
    view! {
        <li class=class id=format!("comment-{id}")>
            <article>
                <p class="meta">
                    <span class="who">{c.name.clone()}</span>
                    {campaign}
                    {flagged}
                    {when(c.created_at)}
                    {waited}
                    <span>{format!("#{id} · {}", c.lang)}</span>
                    {in_reply}
                </p>
                {c.website.clone().map(|site| view! { <p class="hint">{site}</p> })}
                <p class="body">{c.body}</p>
                {buttons}
                {reply}
            </article>
        </li>
    }
}

/// Each comment's neighbour to scroll to once it leaves the list: the next, else the one before.
fn neighbours(ids: &[i64]) -> Vec<Option<i64>> {
    (0..ids.len())
        .map(|i| {
            ids.get(i + 1)
                .or_else(|| i.checked_sub(1).and_then(|j| ids.get(j)))
                .copied()
        })
        .collect()
}

fn comment_items(
    csrf: &str,
    back: Back,
    comments: Vec<AdminComment>,
    draft: Option<&ReplyDraft>,
    now: Option<i64>,
) -> impl IntoView {
    let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    comments
        .into_iter()
        .zip(neighbours(&ids))
        .map(|(c, next)| {
            let waited_for = now.map(|now| waited(now - c.created_at));
            comment_item(csrf, back, c, next, draft, waited_for)
        })
        .collect_view()
}

/// One moderation list.
pub struct CommentsPage {
    pub list: CommentList,
    pub page: i64,
    /// Comments in the list, all pages.
    pub total: i64,
    pub comments: Vec<AdminComment>,
    pub draft: Option<ReplyDraft>,
}

/// `GET /admin/comments?status=…`.
pub fn comments(v: &Viewer<'_>, p: CommentsPage) -> String {
    let csrf = v.csrf;
    let CommentsPage {
        list,
        page,
        total,
        comments,
        draft,
    } = p;
    let tabs = CommentList::ALL
        .iter()
        .map(|l| {
            let current = (*l == list).then_some("page");
            view! { <li><a href=format!("{}?status={}", Admin::Comments.path(), l.as_str()) aria-current=current>{l.title()}</a></li> }
        })
        .collect_view();
    let intro = match list {
        CommentList::Held => "Oldest first; comments with more than two links come last, marked with their number of links.",
        CommentList::Approved => "On the public page. Newest first.",
        CommentList::Spam => "Never shown. Newest first.",
    };
    let empty = comments
        .is_empty()
        .then(|| view! { <p>"Nothing here."</p> });
    let back = Back {
        list: Some(list),
        page,
    };
    let items = comment_items(csrf, back, comments, draft.as_ref(), None);
    let base = format!("{}?status={}", Admin::Comments.path(), list.as_str());
    let main = view! {
        <h1>{format!("Comments: {}", list.title())}</h1>
        <nav aria-label="Lists"><ul>{tabs}</ul></nav>
        <p class="hint">{format!("{total} in all. {intro}")}</p>
        {empty}
        <ol class="comments">{items}</ol>
        {pager(&base, page, COMMENTS_PER_PAGE, total)}
    };
    shell(list.title(), Some(Nav::new(Section::Comments, v)), main)
}

/// `GET /admin/waiting`: approved visitors' comments with no reply from the campaign after them.
pub fn waiting(
    v: &Viewer<'_>,
    comments: Vec<AdminComment>,
    now: i64,
    draft: Option<ReplyDraft>,
) -> String {
    let csrf = v.csrf;
    let count = crate::i18n::Lang::english_count(
        comments.len() as i64,
        "approved comment has",
        "approved comments have",
    );
    let empty = comments
        .is_empty()
        .then(|| view! { <p>"Every approved comment has had our reply."</p> });
    let items = comment_items(
        csrf,
        Back {
            list: None,
            page: 1,
        },
        comments,
        draft.as_ref(),
        Some(now),
    );
    let main = view! {
        <h1>"Awaiting our reply"</h1>
        <p class="hint">{format!("{count} no reply from the campaign after them. Oldest first.")}</p>
        {empty}
        <ol class="comments">{items}</ol>
    };
    shell(
        "Awaiting our reply",
        Some(Nav::new(Section::Waiting, v)),
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::owner;
    use super::*;

    fn comment(id: i64, status: CommentStatus) -> AdminComment {
        AdminComment {
            id,
            parent_id: None,
            name: "<b>Dara</b>".into(),
            website: Some("https://dara.example".into()),
            body: "<script>alert(1)</script>".into(),
            lang: "km".into(),
            status,
            is_campaign: false,
            link_count: 3,
            flagged: true,
            created_at: 0,
        }
    }

    #[test]
    fn pages_are_noindex_escaped_and_carry_the_token() {
        let html = comments(
            &owner("tok123"),
            CommentsPage {
                list: CommentList::Held,
                page: 1,
                total: 2,
                comments: vec![
                    comment(1, CommentStatus::Held),
                    comment(2, CommentStatus::Held),
                ],
                draft: None,
            },
        );
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(!html.contains("<b>Dara"));
        assert!(!html.contains(" style="));
        // The contact line is the public website; no email is asked of a commenter (#26).
        assert!(html.contains(r#"<p class="hint">https://dara.example</p>"#));
        // The logout form and both comments' forms carry the token.
        assert_eq!(html.matches(r#"name="csrf" value="tok123""#).count(), 3);
        assert!(html.contains(r#"formaction="/admin/comments/1/approve""#));
        assert!(html.contains("3 links"));
        // Each comment points at its neighbour, so the list stays in place after an action.
        assert!(
            html.contains(r#"name="next" value="2""#) && html.contains(r#"name="next" value="1""#)
        );
        // Held comments get no reply form: only approved ones can be answered.
        assert!(!html.contains("Reply as the campaign"));
    }

    #[test]
    fn approved_comments_offer_a_reply_and_drafts_come_back_escaped() {
        let draft = ReplyDraft {
            parent: 5,
            text: "</textarea><script>x</script>".into(),
            problem: ReplyProblem::TooLong,
        };
        let html = waiting(
            &owner("t"),
            vec![comment(5, CommentStatus::Approved)],
            7200,
            Some(draft),
        );
        assert!(html.contains("Reply as the campaign"));
        assert!(html.contains("waiting 2 hours"));
        assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(html.contains("at most 4000 characters"));
        assert!(html.contains(r#"name="back" value="waiting""#));
    }

    #[test]
    fn neighbours_prefer_the_next_comment() {
        assert_eq!(neighbours(&[1, 2, 3]), vec![Some(2), Some(3), Some(2)]);
        assert_eq!(neighbours(&[1]), vec![None]);
    }
}
