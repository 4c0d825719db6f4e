//! Every integration test, as one binary (the way zero2prod keeps `tests/api/main.rs`): one
//! module per area, linked once. Each test talks HTTP to the built workers in workerd
//! (`wrangler dev`) with a real local D1, or drives Debian's Chromium; the fixture is the
//! crate's library, `tests/support`.
//!
//! libtest runs the tests of one binary on parallel threads, so in here:
//! - a test whose assertions count rows it did not make (totals, every comment, every event)
//!   starts a worker of its own (`Worker::start`); the others share their module's
//!   (`Worker::shared(module_path!())`), so no module ever sees another's rows;
//! - each test sends its own `CF-Connecting-IP` (`support::ip`), since rate limits count per
//!   address; a number asked for by two tests makes the second one fail. Each module's numbers:
//!
//! | module | `ip()` numbers |
//! |---|---|
//! | pledges | 100–199 |
//! | comments | 200–299 |
//! | site | 300–399 |
//! | admin | 5000–5099 |
//! | accounts | 6600–6699 |
//! | hardening | 7000–7999 |
//! | clock | 8000–8099 |
//! | monthly | 8300–8399 |
//! | reach | 9100–9199 |
//! | badge | 9200–9399 |
//! | reconcile | 9500–9599 |
//! | alerts | 9600–9699 |
//! | updates | 11000–11999 |
//! | html | 13000–13099 |
//! | forms | 14000–14099 |
//! | erasure | 14100–14199 |
//! | privacy | 14200–14299 |
//! | signin | 14300–14399 |
//! | team | 14400–14499 |
//! | holes | 14500–14599 |
//! | cardtest | 14600–14699 |
//! | giving | 14700–14799 |
//! | upsell | 14800–14899 |
//! | deadline | 15000–15099 |
//! | funnel | 15100–15199 |
//! | figures (pledge ids) | 15200–15299 |
//! | replicas | 15300–15399 |
//! | webhooks (pledge ids named, never stored) | 15400–15499 |
//! | browser | 20000–29999 |
//!
//! How many tests run at once is `RUST_TEST_THREADS` (`.cargo/config.toml`): they mostly wait
//! on workerd, not on a core.

mod accounts;
mod admin;
mod alerts;
mod badge;
mod browser;
mod cardtest;
mod clock;
mod comments;
mod deadline;
mod erasure;
mod figures;
mod forms;
mod funnel;
mod giving;
mod hardening;
mod holes;
mod html;
mod jobs;
mod monthly;
mod pledges;
mod privacy;
mod qr;
mod reach;
mod reconcile;
mod replicas;
mod schema;
mod signin;
mod site;
mod team;
mod updates;
mod upsell;
mod webhooks;
