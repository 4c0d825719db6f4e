//! The campaign site without its platform: views, copy, and every rule that can be decided
//! without I/O. Nothing here touches the network, D1 or the clock; the `worker` crate passes
//! in what it read, and this crate answers with typed values or HTML. That keeps the rules
//! testable natively (`cargo test -p app`) and the worker thin.

pub mod content;
pub mod i18n;
pub mod money;
pub mod pledge;
pub mod security;
pub mod campaign;
pub mod views;
pub mod comment;
pub mod form;
pub mod time;
pub mod volunteer;
pub mod keys;
pub mod webhook;
pub mod ledger;
pub mod admin;
pub mod limits;
pub mod log;
