//! Every SQL statement of the site, and nothing else.
//!
//! A page is served from one D1 statement or batch where it can be: locally one query costs
//! several times a whole render, and at the edge every round trip is latency. Values are bound,
//! never spliced, and every integer goes through one checked binder ([`Arg::Int`]).
//!
//! Whatever a row holds, a page still renders: rows are decoded one by one ([`rows`]) and a
//! row that does not decode into its type is skipped and logged, never a 500 for every
//! visitor; and every aggregate the pages show counts only [`counted`] rows, so no stored
//! value can overflow a `SUM`.

pub mod accounts;
pub mod admin;
mod comments;
mod db;
pub mod erasure;
pub mod figures;
pub mod funnel;
pub mod jobs;
pub mod ledger;
pub mod limits;
mod page;
mod pledges;
pub mod reach;
pub mod shield;
pub mod signin;
pub mod team;
pub mod updates;

pub use comments::{
    approved_thread_of, create_comment, create_volunteer, delete_own, own_comment, OwnRow,
};
use db::decode_each;
pub use db::{Db, Reads, Rows, Stmt};
use page::totals;
pub use page::{campaign, held_comments, home_doc, home_from, PageCounts};
pub use pledges::{
    create_pledge, pledge, resumable_form, set_checkout_session, stop_monthly, stop_refs, tiers,
};

use crate::error::AppError;
use app::webhook::EXACT_LIMIT;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// A bound value.
///
/// D1 takes no BigInt and the `worker` crate's integer type is `i32`, so integers cross to
/// JavaScript as `f64`, which is exact only within ±2^53: [`stmt`] refuses any integer beyond
/// that rather than store a rounded one (a rounded amount would be a different amount).
pub enum Arg<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Arg::Null, Arg::Text)
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Arg::Null, Arg::Int)
    }
}

/// An integer as D1 can take it exactly, or `None` beyond ±2^53.
pub fn exact(n: i64) -> Option<f64> {
    (-EXACT_LIMIT..=EXACT_LIMIT)
        .contains(&n)
        .then_some(n as f64)
}

fn stmt(db: &Db, sql: &str, args: &[Arg<'_>]) -> Result<Stmt, AppError> {
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(match a {
            Arg::Text(s) => JsValue::from_str(s),
            Arg::Int(n) => JsValue::from_f64(
                exact(*n).ok_or(AppError::Internal("an integer beyond 2^53 was not bound"))?,
            ),
            Arg::Null => JsValue::NULL,
        });
    }
    db.prepare(sql)
        .bind(&values)
        .map(Stmt)
        .map_err(AppError::Storage)
}

/// The rows of a result that decode into `T` ([`Rows::decode`]).
fn rows<T: DeserializeOwned>(r: &Rows) -> Result<Vec<T>, AppError> {
    r.decode()
}

/// The first row that decodes, if any.
async fn first<T: DeserializeOwned>(s: Stmt) -> Result<Option<T>, AppError> {
    let r = s.all().await.map_err(AppError::Storage)?;
    Ok(rows::<T>(&r)?.into_iter().next())
}

/// Whether statement `i` of a batch returned a row.
fn returned_one(results: &[Rows], i: usize) -> Result<bool, AppError> {
    Ok(results.get(i).is_some_and(|r| !r.is_empty()))
}

async fn batch(db: &Db, stmts: Vec<Stmt>) -> Result<Vec<Rows>, AppError> {
    db.batch(stmts).await.map_err(AppError::Storage)
}

/// The payments every public figure counts (a one-off gift, or one paid month): in the
/// ledger's currency, with no flag, and an amount and refund that are whole numbers within the
/// largest gift (see `app::ledger::countable`). Nothing outside these bounds can reach a
/// `SUM`. Written against `payments`' own columns, unqualified; built once per isolate from
/// `app`'s own constants, so the rule is written in one place.
pub fn counted() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let (currency, max) = (app::ledger::CURRENCY, app::money::MAX_GIFT_CENTS);
        format!(
            "(flag IS NULL AND currency = '{currency}' \
             AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND {max} \
             AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND {max})"
        )
    })
}
