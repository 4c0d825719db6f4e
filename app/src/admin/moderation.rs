//! Moderation: the three lists, what a button does, where it sends the maintainer back to, and
//! the campaign's replies.
//!
//! A list is the comments in one [`CommentStatus`]. The `?status=` that names a list is read
//! leniently (anything unknown is the held queue, which is what a maintainer comes for), unlike
//! a stored status, which is read strictly. The way back after a click is rebuilt from parsed
//! values only, never from what was posted, so a form cannot redirect anywhere else. A reply
//! follows the same body rule as a visitor's comment ([`crate::comment::body_rule`]).

use crate::comment::CommentStatus;
use crate::form::Problem;
use crate::routes::Admin;
use serde::Deserialize;
use std::fmt::Write;

/// Comments per page in the moderation lists.
pub const COMMENTS_PER_PAGE: i64 = 50;

/// The three moderation lists, one per [`CommentStatus`] a maintainer acts on (a removed
/// comment is a placeholder with nothing left to moderate: it is in no list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CommentList {
    /// Waiting for a maintainer, oldest first, link-heavy ones last and flagged.
    #[default]
    Held,
    /// Public, newest first.
    Approved,
    /// Kept out of sight (and available for a change of mind), newest first.
    Spam,
}

impl From<CommentList> for CommentStatus {
    fn from(list: CommentList) -> CommentStatus {
        list.status()
    }
}

impl CommentList {
    pub const ALL: [CommentList; 3] = [CommentList::Held, CommentList::Approved, CommentList::Spam];

    /// The status of the comments the list shows.
    pub fn status(self) -> CommentStatus {
        match self {
            CommentList::Held => CommentStatus::Held,
            CommentList::Approved => CommentStatus::Approved,
            CommentList::Spam => CommentStatus::Spam,
        }
    }

    /// The list's name in a query string and a form: its status's stored name.
    pub fn as_str(self) -> &'static str {
        self.status().as_str()
    }

    /// The list a `?status=` query value (or a form's `back`) names. Unknown or missing values
    /// mean the held queue: it is what a maintainer comes for. A query default, never a
    /// stored status's: D1's are read with [`CommentStatus::try_from`].
    pub fn from_query(s: &str) -> CommentList {
        CommentList::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .unwrap_or_default()
    }

    pub fn title(self) -> &'static str {
        match self {
            CommentList::Held => "Held for moderation",
            CommentList::Approved => "Approved",
            CommentList::Spam => "Spam",
        }
    }
}

/// What a moderation button does (the last segment of `/admin/comments/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Spam,
    Delete,
    Reply,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        Some(match s {
            "approve" => Moderation::Approve,
            "spam" => Moderation::Spam,
            "delete" => Moderation::Delete,
            "reply" => Moderation::Reply,
            _ => return None,
        })
    }

    /// The status a comment gets, for the actions that set one.
    pub fn new_status(self) -> Option<CommentStatus> {
        match self {
            Moderation::Approve => Some(CommentStatus::Approved),
            Moderation::Spam => Some(CommentStatus::Spam),
            Moderation::Delete | Moderation::Reply => None,
        }
    }
}

/// Where a maintainer was when they pressed a button, so the answer puts them back there: the
/// same list, the same page, scrolled to the comment that took the acted-on one's place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ListPlace {
    /// `None`: the "waiting for our reply" view.
    pub list: Option<CommentList>,
    pub page: i64,
    pub anchor: Option<i64>,
}

/// The form fields that say where to go back to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ActionForm {
    pub csrf: String,
    /// `held`, `approved`, `spam` or `waiting`.
    pub back: String,
    pub page: String,
    /// The comment to scroll to afterwards.
    pub next: String,
    /// A reply's text.
    pub text: String,
}

impl ActionForm {
    pub fn place(&self) -> ListPlace {
        ListPlace {
            list: (self.back != "waiting").then(|| CommentList::from_query(&self.back)),
            page: parse_page(&self.page),
            anchor: self.next.trim().parse::<i64>().ok().filter(|n| *n > 0),
        }
    }
}

impl ListPlace {
    /// The path to go back to. Built from parsed values only, never from what was posted.
    pub fn href(&self) -> String {
        let mut href = match self.list {
            None => Admin::Waiting.path().to_string(),
            Some(list) => format!("{}?status={}", Admin::Comments.path(), list.as_str()),
        };
        if self.list.is_some() && self.page > 1 {
            let _ = write!(href, "&page={}", self.page);
        }
        if let Some(id) = self.anchor {
            let _ = write!(href, "#comment-{id}");
        }
        href
    }
}

/// A 1-based page number from a query or form value; anything odd is page 1.
pub fn parse_page(s: &str) -> i64 {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

/// Why a reply was not posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyProblem {
    Empty,
    TooLong,
}

impl ReplyProblem {
    pub fn message(self) -> String {
        match self {
            ReplyProblem::Empty => "Write the reply first.".to_string(),
            ReplyProblem::TooLong => format!(
                "A reply can be at most {} characters.",
                crate::comment::TEXT_MAX
            ),
        }
    }
}

/// The campaign's reply as it will be stored: the visitors' body rule
/// ([`crate::comment::body_rule`]), its problems in the maintainers' words.
pub fn reply_body(text: &str) -> Result<String, ReplyProblem> {
    crate::comment::body_rule(text).map_err(|p| match p {
        Problem::TooLong(_) => ReplyProblem::TooLong,
        // `body_rule` names no other problem than these two.
        _ => ReplyProblem::Empty,
    })
}

/// The name the campaign's replies carry: the site's name in the language of the comment
/// answered.
pub fn campaign_name(lang: &str) -> &'static str {
    crate::i18n::Lang::from_code(lang)
        .unwrap_or(crate::i18n::Lang::En)
        .text()
        .site_name
}

/// How long a visitor has waited, in the largest whole unit: "3 hours", "2 days".
pub fn waited(secs: i64) -> String {
    use crate::i18n::Lang;
    match secs.max(0) {
        s if s < 60 => "under a minute".to_string(),
        s if s < 3600 => Lang::english_count(s / 60, "minute", "minutes"),
        s if s < 86_400 => Lang::english_count(s / 3600, "hour", "hours"),
        s => Lang::english_count(s / 86_400, "day", "days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_lists_and_the_way_back() {
        assert_eq!(
            Moderation::parse("approve").and_then(Moderation::new_status),
            Some(CommentStatus::Approved)
        );
        assert_eq!(
            Moderation::parse("spam").and_then(Moderation::new_status),
            Some(CommentStatus::Spam)
        );
        assert_eq!(
            Moderation::parse("delete").map(Moderation::new_status),
            Some(None)
        );
        assert_eq!(Moderation::parse("drop"), None);
        assert_eq!(CommentList::from_query("<x>"), CommentList::Held);
        assert_eq!(CommentList::from_query("<x>"), CommentList::Held);
        let form = ActionForm {
            back: "approved".into(),
            page: "3".into(),
            next: "42".into(),
            ..Default::default()
        };
        assert_eq!(
            form.place().href(),
            "/admin/comments?status=approved&page=3#comment-42"
        );
        let form = ActionForm {
            back: "waiting".into(),
            next: "x\"><script>".into(),
            ..Default::default()
        };
        assert_eq!(form.place().href(), "/admin/waiting");
        let form = ActionForm {
            back: "javascript:alert(1)".into(),
            page: "-1".into(),
            ..Default::default()
        };
        assert_eq!(form.place().href(), "/admin/comments?status=held");
    }

    #[test]
    fn lists_are_statuses_and_their_query_defaults_to_held() {
        for list in CommentList::ALL {
            assert_eq!(CommentStatus::from(list).as_str(), list.as_str());
            assert_eq!(CommentList::from_query(list.as_str()), list);
        }
        for odd in ["", "Approved", "waiting", "spam ", "removed"] {
            assert_eq!(CommentList::from_query(odd), CommentList::Held, "{odd:?}");
        }
    }

    #[test]
    fn replies_are_kept_as_typed_within_the_limit() {
        assert_eq!(
            reply_body("Thank you!\r\nសូមអរគុណ"),
            Ok("Thank you!\nសូមអរគុណ".to_string())
        );
        assert_eq!(reply_body(" \n "), Err(ReplyProblem::Empty));
        assert_eq!(
            reply_body(&"ក".repeat(crate::comment::TEXT_MAX + 1)),
            Err(ReplyProblem::TooLong)
        );
        assert_eq!(campaign_name("km"), crate::content::KM.site_name);
        assert_eq!(campaign_name("??"), crate::content::EN.site_name);
    }

    #[test]
    fn waiting_times_in_the_largest_unit() {
        assert_eq!(waited(-5), "under a minute");
        assert_eq!(waited(59), "under a minute");
        assert_eq!(waited(60), "1 minute");
        assert_eq!(waited(3599), "59 minutes");
        assert_eq!(waited(3600), "1 hour");
        assert_eq!(waited(86_399), "23 hours");
        assert_eq!(waited(86_400), "1 day");
        assert_eq!(waited(10 * 86_400 + 5), "10 days");
    }
}
