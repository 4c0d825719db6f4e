//! Comments and the campaign's replies.
//!
//! Visitors' words are kept exactly as typed and only ever reach the page as text (the views
//! escape them); replies hang two levels deep as on the old page: a reply to a reply joins
//! its root thread.
//!
//! A comment's moderation state is a [`CommentStatus`], read strictly: a stored status this
//! site does not know is an error, never guessed, so a bad row is skipped (and logged) by the
//! worker instead of being shown as held or approved.

use crate::form::Problem;
use crate::order::{self, Direction};
use std::fmt;

/// Where a comment stands in moderation, as D1 stores it (`comments.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum CommentStatus {
    /// Waiting for a maintainer; shown only to its author.
    Held,
    /// Public.
    Approved,
    /// Kept out of sight (and available for a change of mind).
    Spam,
    /// Deleted by its author (or erased on their request) while others' replies hang under
    /// it: its words are gone, a placeholder keeps the thread readable.
    Removed,
}

impl CommentStatus {
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Held,
        CommentStatus::Approved,
        CommentStatus::Spam,
        CommentStatus::Removed,
    ];

    /// The stored name, as D1 and the admin query strings spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Held => "held",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Removed => "removed",
        }
    }
}

/// A comment status this site does not know (the value is kept for the error message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCommentStatus(pub String);

impl fmt::Display for UnknownCommentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown comment status {:?}", self.0)
    }
}

impl std::error::Error for UnknownCommentStatus {}

/// Exactly the stored names: no default, no case folding.
impl TryFrom<&str> for CommentStatus {
    type Error = UnknownCommentStatus;

    fn try_from(s: &str) -> Result<CommentStatus, UnknownCommentStatus> {
        CommentStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCommentStatus(s.to_string()))
    }
}

/// For serde (`try_from = "String"`): a row with an unknown status does not decode.
impl TryFrom<String> for CommentStatus {
    type Error = UnknownCommentStatus;

    fn try_from(s: String) -> Result<CommentStatus, UnknownCommentStatus> {
        CommentStatus::try_from(s.as_str())
    }
}

/// A comment as the page shows it. `held` ones are shown only to their own author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub website: Option<String>,
    pub body: String,
    pub is_campaign: bool,
    /// Approved (public), held (shown to its author only) or removed (a placeholder).
    pub status: CommentStatus,
    /// Written from this visitor's browser (its id is in their sealed cookie): they may delete it.
    pub own: bool,
    pub created_at: i64,
}

impl Comment {
    pub fn held(&self) -> bool {
        self.status == CommentStatus::Held
    }
    pub fn removed(&self) -> bool {
        self.status == CommentStatus::Removed
    }
}

/// How long the sealed cookie naming a visitor's own comments lasts, and how many it names:
/// within both, they may see their held comments and delete any of their comments.
pub const OWN_COOKIE_DAYS: i64 = 30;
pub const OWN_COOKIE_MAX: usize = 20;

/// The oldest a visitor's own comment may be, at `now`, and still be deleted by them.
pub fn own_since(now: i64) -> i64 {
    now - OWN_COOKIE_DAYS * 86_400
}

/// A root comment and every reply under it, oldest reply first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    pub root: Comment,
    pub replies: Vec<Comment>,
}

/// Threads per page: the page stays light on a slow network.
pub const THREADS_PER_PAGE: i64 = 10;

/// One page of threads, newest thread first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentPage {
    pub threads: Vec<Thread>,
    /// 1-based page number.
    pub page: i64,
    pub total_threads: i64,
    pub total_comments: i64,
}

impl CommentPage {
    pub fn has_older(&self) -> bool {
        self.page * THREADS_PER_PAGE < self.total_threads
    }
    pub fn has_newer(&self) -> bool {
        self.page > 1
    }
}

/// Groups roots (given newest first) with their replies (any order, any depth).
pub fn thread(roots: Vec<Comment>, mut replies: Vec<Comment>) -> Vec<Thread> {
    order::sort_by_key(&mut replies, Direction::Ascending, |c| {
        (Some(c.created_at), c.id)
    });
    let parents: Vec<(i64, Option<i64>)> = replies.iter().map(|c| (c.id, c.parent_id)).collect();
    let mut threads: Vec<Thread> = roots
        .into_iter()
        .map(|root| Thread {
            root,
            replies: Vec::new(),
        })
        .collect();
    for reply in replies {
        // A reply's parent may itself be a reply: follow the parents up to a root. The walk is
        // bounded, so a cycle in bad data cannot hang the page.
        let mut parent = reply.parent_id;
        let mut home = None;
        for _ in 0..parents.len() + 1 {
            let Some(p) = parent else { break };
            if let Some(i) = threads.iter().position(|t| t.root.id == p) {
                home = Some(i);
                break;
            }
            parent = parents
                .iter()
                .find(|(id, _)| *id == p)
                .and_then(|(_, up)| *up);
        }
        if let Some(t) = home.and_then(|i| threads.get_mut(i)) {
            t.replies.push(reply);
        }
    }
    threads
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, parent: Option<i64>, at: i64) -> Comment {
        Comment {
            id,
            parent_id: parent,
            name: format!("n{id}"),
            website: None,
            body: "b".into(),
            is_campaign: false,
            status: CommentStatus::Approved,
            own: false,
            created_at: at,
        }
    }

    #[test]
    fn replies_to_replies_join_their_root_thread_in_time_order() {
        let roots = vec![c(5, None, 50), c(1, None, 10)];
        // 7 answers 6 but is older than it; 10 and 11 point at each other.
        let replies = vec![
            c(7, Some(6), 5),
            c(6, Some(1), 60),
            c(8, Some(5), 80),
            c(9, Some(404), 90),
            c(10, Some(11), 1),
            c(11, Some(10), 2),
        ];
        let t = thread(roots, replies);
        assert_eq!(t[0].root.id, 5);
        assert_eq!(
            t[0].replies.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![8]
        );
        assert_eq!(
            t[1].replies.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![7, 6]
        );
    }

    #[test]
    fn pages_know_their_neighbours() {
        let p = CommentPage {
            threads: vec![],
            page: 1,
            total_threads: 11,
            total_comments: 20,
        };
        assert!(p.has_older() && !p.has_newer());
        let p = CommentPage { page: 2, ..p };
        assert!(!p.has_older() && p.has_newer());
    }
}

/// The comment form as posted, every field a string as typed. No email is asked (#26): nothing
/// needs one, since the campaign answers in public; an `email` still posted by a page cached
/// before that, or by a bot, is an unknown field, dropped unread like any other.
#[derive(Clone, Debug, Default, serde::Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct CommentForm {
    pub name: String,
    pub website: String,
    pub text: String,
    pub parent_id: String,
    pub lang: String,
    pub token: String,
    /// The honeypot: hidden from people, filled by bots.
    pub homepage: String,
}

pub const NAME_MAX: usize = 80;
pub const TEXT_MAX: usize = 4000;
/// More links than this and a comment goes to the bottom of the moderation queue, flagged.
pub const LINKS_FLAGGED_ABOVE: usize = 2;

/// The rule for the text of a comment, a visitor's or the campaign's reply alike: kept exactly
/// as typed (any script, inner and outer spaces), except CRLF -> LF and control characters,
/// which nobody types (a NUL would cut SQLite's `length()`); not blank; at most [`TEXT_MAX`]
/// characters. The problem is [`Problem::Required`] or [`Problem::TooLong`], nothing else.
pub fn body_rule(text: &str) -> Result<String, Problem> {
    let body = crate::form::clean_text(text);
    if body.trim().is_empty() {
        Err(Problem::Required)
    } else if crate::form::too_long(&body, TEXT_MAX) {
        Err(Problem::TooLong(TEXT_MAX))
    } else {
        Ok(body)
    }
}

/// A valid comment, ready to be held for moderation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    pub name: String,
    pub website: Option<String>,
    /// The text as typed, with CRLF turned into LF; nothing else changed.
    pub body: String,
    pub parent_id: Option<i64>,
    pub link_count: usize,
}

impl NewComment {
    pub fn flagged(&self) -> bool {
        self.link_count > LINKS_FLAGGED_ABOVE
    }
}

/// How many links a text carries (what link spam is made of).
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
        - lower.matches("://www.").count()
}

impl CommentForm {
    /// The honeypot was filled: a bot. Answered with a silent redirect and nothing stored.
    pub fn is_bot(&self) -> bool {
        !self.homepage.trim().is_empty()
    }

    pub fn validate(&self) -> Result<NewComment, crate::form::Problems> {
        use crate::form::{self, Problems};
        let mut problems = Problems::default();
        let name = form::required(&mut problems, "name", &self.name, NAME_MAX);
        let website = form::optional_url(&mut problems, "website", &self.website);
        // An empty body only stands in while a problem is recorded: it is never returned.
        let body = body_rule(&self.text).unwrap_or_else(|p| {
            problems.add("text", p);
            String::new()
        });
        let parent_id = match self.parent_id.trim() {
            "" => None,
            p => match p.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    problems.add("parent_id", Problem::Parent);
                    None
                }
            },
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let link_count = count_links(&body) + usize::from(website.is_some());
        Ok(NewComment {
            name,
            website,
            body,
            parent_id,
            link_count,
        })
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;

    fn form(name: &str, text: &str) -> CommentForm {
        CommentForm {
            name: name.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn control_characters_leave_the_body_and_spaces_stay() {
        let f = CommentForm {
            name: "N".into(),
            text: "  សួស្តី\0 ពិភពលោក\u{7}\r\n\tend  ".into(),
            ..Default::default()
        };
        assert_eq!(
            f.validate().map(|c| c.body).ok().as_deref(),
            Some("  សួស្តី ពិភពលោក\n\tend  ")
        );
    }

    #[test]
    fn khmer_round_trips_and_crlf_becomes_lf() {
        let text = "  លោកជំទាវជាទីគោរព!\r\nខ្ញុំបាទសូមចូលរួម  ";
        let c = form("កែវ", text).validate().unwrap();
        assert_eq!(c.body, "  លោកជំទាវជាទីគោរព!\nខ្ញុំបាទសូមចូលរួម  ");
        assert_eq!(c.name, "កែវ");
    }

    #[test]
    fn limits_are_in_characters_after_crlf() {
        let at_limit = "ក\r\n".repeat(TEXT_MAX / 2);
        assert!(form("n", &at_limit).validate().is_ok());
        let over = format!("{at_limit}x");
        assert_eq!(
            form("n", &over).validate().unwrap_err().for_field("text"),
            Some(&Problem::TooLong(TEXT_MAX))
        );
        assert_eq!(form("", " \n ").validate().unwrap_err().0.len(), 2);
        assert_eq!(
            form(&"a".repeat(81), "t")
                .validate()
                .unwrap_err()
                .for_field("name"),
            Some(&Problem::TooLong(80))
        );
    }

    #[test]
    fn websites_must_be_web_links() {
        let mut f = form("n", "t");
        f.website = "javascript:alert(1)".into();
        assert_eq!(
            f.validate().unwrap_err().for_field("website"),
            Some(&Problem::Url)
        );
        f.website = "https://example.org".into();
        assert_eq!(
            f.validate().unwrap().website.as_deref(),
            Some("https://example.org")
        );
    }

    #[test]
    fn links_are_counted_and_many_are_flagged() {
        assert_eq!(
            count_links("see https://a.org and http://www.b.org and www.c.org"),
            3
        );
        assert!(form("n", "https://a https://b https://c")
            .validate()
            .unwrap()
            .flagged());
        assert!(!form("n", "https://a https://b")
            .validate()
            .unwrap()
            .flagged());
    }

    #[test]
    fn an_email_posted_by_an_old_page_is_ignored() {
        let posted: CommentForm =
            crate::form::decode(b"name=N&email=not-an-address&text=words&lang=en");
        let expected = CommentForm {
            lang: "en".into(),
            ..form("N", "words")
        };
        assert_eq!(posted, expected);
        let c = posted.validate().unwrap();
        assert_eq!((c.name.as_str(), c.body.as_str()), ("N", "words"));
    }

    #[test]
    fn parents_and_honeypot() {
        let mut f = form("n", "t");
        f.parent_id = "12".into();
        assert_eq!(f.validate().unwrap().parent_id, Some(12));
        f.parent_id = "x".into();
        assert_eq!(
            f.validate().unwrap_err().for_field("parent_id"),
            Some(&Problem::Parent)
        );
        assert!(!f.is_bot());
        f.homepage = "http://spam".into();
        assert!(f.is_bot());
    }

    #[test]
    fn one_body_rule_for_comments_and_replies() {
        assert_eq!(body_rule("a\r\nb "), Ok("a\nb ".to_string()));
        assert_eq!(body_rule(" \n\0 "), Err(Problem::Required));
        assert_eq!(
            body_rule(&"ក".repeat(TEXT_MAX + 1)),
            Err(Problem::TooLong(TEXT_MAX))
        );
        assert_eq!(
            body_rule(&"ក".repeat(TEXT_MAX)).map(|b| b.len()),
            Ok(3 * TEXT_MAX)
        );
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_errors() {
        for s in CommentStatus::ALL {
            assert_eq!(CommentStatus::try_from(s.as_str()), Ok(s));
        }
        for bad in ["", "Held", "APPROVED", " spam", "deleted"] {
            assert_eq!(
                CommentStatus::try_from(bad),
                Err(UnknownCommentStatus(bad.to_string()))
            );
        }
    }

    #[test]
    fn rows_with_an_unknown_status_do_not_decode() {
        let ok: Result<CommentStatus, _> = serde_json::from_value(serde_json::json!("spam"));
        assert_eq!(ok.ok(), Some(CommentStatus::Spam));
        for bad in [
            serde_json::json!("pending"),
            serde_json::json!("Held"),
            serde_json::json!(1),
            serde_json::json!(null),
        ] {
            let got: Result<CommentStatus, _> = serde_json::from_value(bad.clone());
            assert!(got.is_err(), "{bad}");
        }
    }
}
