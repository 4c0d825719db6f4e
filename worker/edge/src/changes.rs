//! What a write changed, named so the site's worker (which owns the edge cache) can follow it.
//!
//! A leaf: the request context records changes ([`crate::ctx::Ctx::changed`]), the office
//! names them in a header of its answer ([`CHANGED`]), and the site reads them back and
//! follows them in its cache. Neither side imports the other's code for it.

/// How long past its fresh-until time a page the edge keeps may still be served (once per data
/// centre, while it is drawn anew): after that the Cache API drops it and the next visitor
/// waits. Ten minutes keeps a data centre's copy warm between visits, and bounds how long a
/// comment deleted or removed, or a name erased, can still be shown by a data centre nobody
/// asked since: `EDGE_CACHE_SECS` + this ([`shown_elsewhere_secs`]). The site's cache keeps
/// its entries by it (`cache::store_as`); the pages that promise erasure say it.
pub const STALE_SECS: u32 = 600;

/// The longest a change (an erasure, a removal, a deletion) can take to reach every copy of a
/// page the edge keeps, given `EDGE_CACHE_SECS`: the data centre that made it drops its copies
/// at once (other isolates there within 10 s), every other one within its copy's freshness
/// and staleness. `None` when the edge keeps nothing (`EDGE_CACHE_SECS=0`).
pub fn shown_elsewhere_secs(edge_ttl: u32) -> Option<u32> {
    (edge_ttl > 0).then(|| edge_ttl.saturating_add(STALE_SECS))
}

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

    #[test]
    fn a_change_reaches_every_copy_within_freshness_and_staleness() {
        use super::shown_elsewhere_secs;
        assert_eq!(shown_elsewhere_secs(60), Some(660));
        assert_eq!(shown_elsewhere_secs(1), Some(601));
        assert_eq!(shown_elsewhere_secs(0), None);
    }
}
