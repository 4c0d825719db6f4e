//! The maintainers' area under `/admin` (see issue: admin area). Routes are registered by
//! [`routes`], so the entry point stays one line per area.

use worker::Router;

pub fn routes(r: Router<'static, ()>) -> Router<'static, ()> {
    r
}
