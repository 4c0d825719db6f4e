//! What a write changed, named so the site's worker (which owns the edge cache) can follow it.
//!
//! A leaf: the request context records changes ([`crate::ctx::Ctx::changed`]), the office
//! names them in a header of its answer ([`CHANGED`]), and the site reads them back and
//! follows them in its cache. Neither side imports the other's code for it.

/// How long past its fresh-until time a page the edge keeps may still be served: one value,
/// `app::retention`'s, which the privacy page and the erase pages state.
pub use app::retention::STALE_SECS;

/// What a write changed, for the edge to follow (the site's `cache::apply`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The campaign page's numbers or comments (a payment, a moderation, a deletion).
    Home,
    /// An update was published, unpublished or edited (and so the campaign page too).
    Updates(i64),
}

/// The header in which the office's worker names what a request changed, for the site's
/// worker (which owns the edge cache) to follow: `home`, `update=ID`, comma-separated.
pub const CHANGED: &str = "X-Campaign-Changed";

/// The header beside [`CHANGED`] in which the office's worker gives the point of the database
/// its writes reached (its D1 session's bookmark), so that the site's redraw reads at least
/// them from whichever replica answers it.
pub const BOOKMARK: &str = "X-Campaign-Bookmark";

impl Change {
    /// The value of [`CHANGED`] for `changes`.
    pub fn header(changes: &[Change]) -> String {
        changes
            .iter()
            .map(|c| match c {
                Change::Home => "home".to_string(),
                Change::Updates(id) => format!("update={id}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The changes a [`CHANGED`] value names; anything else in it is ignored.
    pub fn parse_header(value: &str) -> Vec<Change> {
        value
            .split(',')
            .filter_map(|part| match part.trim() {
                "home" => Some(Change::Home),
                other => other
                    .strip_prefix("update=")
                    .and_then(|id| id.parse().ok())
                    .map(Change::Updates),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Change;

    #[test]
    fn changes_travel_from_the_office_in_a_header() {
        let all = [Change::Home, Change::Updates(42)];
        assert_eq!(Change::header(&all), "home,update=42");
        assert_eq!(Change::parse_header(&Change::header(&all)), all);
        assert_eq!(
            Change::parse_header(" home , update=x, purge-all ,update=7"),
            [Change::Home, Change::Updates(7)]
        );
        assert!(Change::parse_header("").is_empty());
    }
}
