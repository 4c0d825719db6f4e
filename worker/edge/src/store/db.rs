//! The database as one piece of work reads it: a D1 session (the Sessions API), opened where
//! the work may read ([`Reads`]). Every store function takes a [`Db`].
//!
//! With read replication switched on for the database (README, "Read replicas"), only queries
//! made through a session may be served by a replica near the visitor; a session is
//! sequentially consistent (each of its queries sees at least what the one before saw, and its
//! own writes). Without replication every session reads the primary, as plain queries do.

use crate::error::AppError;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// Where a session's first query may be answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reads {
    /// The primary (D1's `first-primary`: the first query there, the next ones at a copy at
    /// least as new as what it saw): the office's writes, webhooks, jobs and admin, and a
    /// visitor's reads after their own write (their held comments, their pledge's page, a
    /// resumed form).
    Primary,
    /// Any replica, however far behind: what a visitor reads that may be a moment old (a miss
    /// of the edge cache, a background refresh, the badge, the API, the updates).
    AnyReplica,
    /// A replica that has at least the write this bookmark names (D1's
    /// `getBookmark()` after it): the redraw that follows that write.
    AtLeast(String),
}

impl Reads {
    /// At least the write `bookmark` names; without one, the primary.
    pub fn after(bookmark: Option<String>) -> Reads {
        bookmark.map_or(Reads::Primary, Reads::AtLeast)
    }
}

/// One D1 session, opened where [`Reads`] says.
pub struct Db(worker::D1DatabaseSession);

impl Db {
    pub fn open(d1: &D1Database, reads: &Reads) -> Result<Db, AppError> {
        let at = match reads {
            Reads::Primary => "first-primary",
            Reads::AnyReplica => "first-unconstrained",
            Reads::AtLeast(bookmark) => bookmark,
        };
        d1.with_session(Some(at)).map(Db).map_err(AppError::Storage)
    }

    /// A statement of this session (it unwraps as `D1Database::prepare` does: the binding's
    /// `prepare` only builds an object and never throws).
    pub fn prepare(&self, sql: &str) -> D1PreparedStatement {
        self.0.prepare(sql)
    }

    pub async fn batch(&self, stmts: Vec<D1PreparedStatement>) -> worker::Result<Vec<D1Result>> {
        self.0.batch(stmts).await
    }

    /// The latest point of the database this session has seen (after a write: at least that
    /// write), or `None` before its first query.
    pub fn bookmark(&self) -> Option<String> {
        self.0.get_bookmark().ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::Reads;

    #[test]
    fn a_write_without_a_bookmark_is_read_from_the_primary() {
        assert_eq!(Reads::after(None), Reads::Primary);
        assert_eq!(
            Reads::after(Some("0001".into())),
            Reads::AtLeast("0001".into())
        );
    }
}
