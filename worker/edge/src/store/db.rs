//! The database as one piece of work reads it: a D1 session (the Sessions API), opened where
//! the work may read ([`Reads`]). Every store function takes a [`Db`].
//!
//! With read replication switched on for the database (README, "Read replicas"), only queries
//! made through a session may be served by a replica near the visitor; a session is
//! sequentially consistent (each of its queries sees at least what the one before saw, and its
//! own writes). Without replication every session reads the primary, as plain queries do.

use crate::error::AppError;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use worker::js_sys::{Array, Promise, JSON};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::{
    D1Database as DatabaseSys, D1DatabaseSession as SessionSys, D1Result as ResultSys,
};
use worker::{D1Database, D1PreparedStatement};

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

/// One D1 session, opened where [`Reads`] says; or plain queries, outside any session.
pub struct Db(Conn);

enum Conn {
    Session(worker::D1DatabaseSession),
    Plain(D1Database),
}

impl Db {
    pub fn open(d1: &D1Database, reads: &Reads) -> Result<Db, AppError> {
        let at = match reads {
            Reads::Primary => "first-primary",
            Reads::AnyReplica => "first-unconstrained",
            Reads::AtLeast(bookmark) => bookmark,
        };
        d1.with_session(Some(at))
            .map(|s| Db(Conn::Session(s)))
            .map_err(AppError::Storage)
    }

    /// Plain queries: the primary, as every session reads while the database has no replicas,
    /// without a session's cost (`Config::read_replicas`). No bookmark.
    pub fn plain(d1: &D1Database) -> Db {
        let same: DatabaseSys = d1.as_ref().clone().unchecked_into();
        Db(Conn::Plain(D1Database::from(same)))
    }

    /// A statement (it unwraps as `D1Database::prepare` does: the binding's `prepare` only
    /// builds an object and never throws).
    pub fn prepare(&self, sql: &str) -> D1PreparedStatement {
        match &self.0 {
            Conn::Session(s) => s.prepare(sql),
            Conn::Plain(d1) => d1.prepare(sql),
        }
    }

    /// Runs the statements as one batch (one transaction); their rows in the same order.
    pub async fn batch(&self, stmts: Vec<Stmt>) -> worker::Result<Vec<Rows>> {
        let list: Array = stmts
            .into_iter()
            .map(|s| JsValue::from(s.0.inner().clone()))
            .collect();
        let sent = match &self.0 {
            Conn::Session(s) => s.as_ref().unchecked_ref::<SessionSys>().session_batch(list),
            Conn::Plain(d1) => d1.as_ref().unchecked_ref::<DatabaseSys>().batch(list),
        };
        Ok(settle(sent)
            .await?
            .dyn_into::<Array>()
            .map(|a| a.iter().map(Rows::of).collect())
            .unwrap_or_default())
    }

    /// The latest point of the database this session has seen (after a write: at least that
    /// write), or `None` before its first query or outside a session.
    pub fn bookmark(&self) -> Option<String> {
        match &self.0 {
            Conn::Session(s) => s.get_bookmark().ok().flatten(),
            Conn::Plain(_) => None,
        }
    }
}

/// A bound statement, of a session or of plain queries ([`Db`]).
///
/// Its results cross from the binding into Rust as JSON text, in one call (`JSON.stringify`
/// in the runtime) and one parse (serde_json), rather than value by value through
/// `serde_wasm_bindgen` into a `serde_json::Value` and then into the row's type, as the
/// `worker` crate's `D1Result::results` would (#29 §2: 14 KB less of the visitor's wasm;
/// `bench/README.md`).
#[derive(Clone)]
pub struct Stmt(pub(super) D1PreparedStatement);

impl Stmt {
    /// Every row.
    pub async fn all(&self) -> worker::Result<Rows> {
        Ok(Rows::of(settle(self.0.inner().all()).await?))
    }

    /// Runs it for its effect alone.
    pub async fn run(&self) -> worker::Result<()> {
        settle(self.0.inner().run()).await.map(drop)
    }

    /// One text column of the first row, as the runtime holds it (no JSON in between): the
    /// page statements' one document. Only for a statement that reads (`SELECT`): a failed
    /// read is made once more, 50 ms later, as D1 itself does for read-only queries at the
    /// edge; locally it meets `SQLITE_BUSY` while another process (`wrangler d1 execute`, as
    /// the tests run it beside the worker) holds the SQLite file, and a visitor should not get
    /// a 500 for that.
    pub async fn first_text(&self, column: &str) -> worker::Result<Option<String>> {
        let read = || settle(self.0.inner().first(Some(column)));
        let doc = match read().await {
            Ok(doc) => doc,
            Err(_) => {
                worker::Delay::from(std::time::Duration::from_millis(50)).await;
                read().await?
            }
        };
        Ok(doc.as_string())
    }
}

/// Awaits one of the binding's promises.
async fn settle(p: Result<Promise, JsValue>) -> worker::Result<JsValue> {
    Ok(JsFuture::from(p?).await?)
}

/// The rows of one statement, still in the runtime: counted there, and read into Rust only
/// when decoded ([`Rows::decode`]).
pub struct Rows(Option<Array>);

impl Rows {
    fn of(result: JsValue) -> Rows {
        Rows(
            result
                .unchecked_into::<ResultSys>()
                .results()
                .ok()
                .flatten(),
        )
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |a| a.length() as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows that decode into `T`. A row that does not (a value a column should never
    /// hold) is skipped and logged by its position only, so one bad row never takes a page
    /// down for everyone.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<Vec<T>, AppError> {
        let Some(list) = &self.0 else {
            return Ok(Vec::new());
        };
        let text = JSON::stringify(list)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or(AppError::Internal("D1's rows did not turn into JSON"))?;
        let raw: Vec<&RawValue> = serde_json::from_str(&text)
            .map_err(|_| AppError::Internal("D1's rows turned into bad JSON"))?;
        Ok(decode_each(&raw, std::any::type_name::<T>()))
    }
}

/// Decodes each element of a JSON list on its own; skips and logs the ones that do not fit.
pub(super) fn decode_each<T: DeserializeOwned>(raw: &[&RawValue], what: &str) -> Vec<T> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, v) in raw.iter().enumerate() {
        match serde_json::from_str(v.get()) {
            Ok(t) => out.push(t),
            Err(_) => {
                crate::log::event("row_skipped", &[("type", what), ("index", &i.to_string())])
            }
        }
    }
    out
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
