//! The campaign site without its platform: views, copy, and every rule that can be decided
//! without I/O. Nothing here touches the network, D1 or the clock; the `worker` crate passes
//! in what it read, and this crate answers with typed values or HTML. That keeps the rules
//! testable natively (`cargo test -p app`) and the worker thin.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod campaign;
pub mod comment;
pub mod content;
pub mod cookies;
pub mod deadline;
pub mod feed;
pub mod form;
pub mod funnel;
pub mod giving;
pub mod i18n;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod log;
pub mod money;
pub mod order;
pub mod paging;
pub mod pledge;
pub mod reach;
pub mod reconcile;
pub mod retention;
pub mod routes;
pub mod security;
pub mod shield;
pub mod source_code;
pub mod time;
pub mod update;
pub mod upsell;
pub mod views;
pub mod volunteer;
pub mod webhook;
