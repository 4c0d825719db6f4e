//! One error type for the worker, mapped to a status in exactly one `match`.
//! Internal details go to the log (without personal data), never to the visitor.

use app::i18n::Lang;
use worker::{console_error, Response, Result};

#[derive(Debug)]
pub enum AppError {
    /// No such page or record: a 404 page in the visitor's language.
    NotFound,
    /// A webhook we refuse (bad signature, stale timestamp, malformed body): 400, nothing stored.
    Rejected(&'static str),
    /// A body over the size we accept.
    TooLarge,
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
    pub fn into_response(self, lang: Lang, origin: &str) -> Result<Response> {
        match self {
            AppError::NotFound => crate::http::html(404, app::views::not_found(lang, origin)),
            AppError::Rejected(why) => Response::error(why, 400),
            AppError::TooLarge => Response::error("payload too large", 413),
            AppError::Config(what) => {
                console_error!("configuration missing: {what}");
                crate::http::html(500, app::views::error_page(lang, origin))
            }
            AppError::Internal(what) => {
                console_error!("internal error: {what}");
                crate::http::html(500, app::views::error_page(lang, origin))
            }
            AppError::Storage(e) => {
                console_error!("storage error: {e}");
                crate::http::html(500, app::views::error_page(lang, origin))
            }
            AppError::Platform(e) => {
                console_error!("platform error: {e}");
                crate::http::html(500, app::views::error_page(lang, origin))
            }
        }
    }
}
