//! One error type for the worker, mapped to a status in exactly one `match`.
//! Internal details go to the log (without personal data), never to the visitor.

use app::i18n::Lang;
use app::views::Links;
use worker::{Response, Result};

#[derive(Debug)]
pub enum AppError {
    /// No such page or record: a 404 page in the visitor's language.
    NotFound,
    /// A webhook we refuse (bad signature, stale timestamp, malformed body): 400, nothing stored.
    Rejected(&'static str),
    /// A body over the size we accept.
    TooLarge,
    /// A form posted from another site's page: 403, with a page that says why.
    CrossSite,
    /// A setting or secret is missing: the maintainers must fix the deployment.
    Config(&'static str),
    /// A broken assumption of ours (say, a batch answered with the wrong shape): 500.
    Internal(&'static str),
    /// D1 failed. Nothing may be acknowledged: 500, so that providers retry.
    Storage(worker::Error),
    /// Anything else the platform threw.
    Platform(worker::Error),
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Platform(e)
    }
}

impl AppError {
    /// The answer to this error, in the language of the request's path.
    pub fn into_response(self, lang: Lang, links: Links<'_>) -> Result<Response> {
        match self {
            AppError::NotFound => crate::http::html(404, app::views::not_found(lang, links)),
            AppError::Rejected(why) => Response::error(why, 400),
            AppError::TooLarge => Response::error("payload too large", 413),
            AppError::CrossSite => {
                crate::http::private(crate::http::html(403, app::views::cross_site(lang, links))?)
            }
            AppError::Config(what) => {
                crate::log::event("config_missing", &[("what", what)]);
                crate::http::html(500, app::views::error_page(lang, links))
            }
            AppError::Internal(what) => {
                crate::log::event("internal_error", &[("what", what)]);
                crate::http::html(500, app::views::error_page(lang, links))
            }
            AppError::Storage(e) => {
                crate::log::event("storage_error", &[("error", &e.to_string())]);
                crate::http::html(500, app::views::error_page(lang, links))
            }
            AppError::Platform(e) => {
                crate::log::event("platform_error", &[("error", &e.to_string())]);
                crate::http::html(500, app::views::error_page(lang, links))
            }
        }
    }
}
