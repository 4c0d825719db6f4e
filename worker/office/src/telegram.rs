//! Sending a message to the team's Telegram chat (`sendMessage` of the Bot API): the alerts job's
//! messages, the card-testing shield's, the overview's test. A leaf: it imports no sibling.

use edge::ctx::Config;
use std::time::Duration;
use worker::{Headers, Method, Request, RequestInit};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a message did not go.
#[derive(Debug)]
pub enum SendError {
    NotConfigured,
    /// `TELEGRAM_API_BASE` is neither Telegram nor this machine.
    RefusedBase,
    Failed(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::NotConfigured => {
                f.write_str("TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are not both set")
            }
            SendError::RefusedBase => {
                f.write_str("TELEGRAM_API_BASE is neither Telegram nor a loopback address")
            }
            SendError::Failed(why) => write!(f, "Telegram did not take the message: {why}"),
        }
    }
}

/// Sends `text` to the team's chat (`sendMessage` of the Bot API).
pub async fn send(config: &Config, text: &str) -> Result<(), SendError> {
    let (token, chat) = config.telegram.as_ref().ok_or(SendError::NotConfigured)?;
    let base = config
        .telegram_api_base
        .as_deref()
        .ok_or(SendError::RefusedBase)?;
    let body = serde_json::json!({"chat_id": chat, "text": text, "disable_web_page_preview": true})
        .to_string();
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| SendError::Failed(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let url = format!("{}/bot{token}/sendMessage", base.trim_end_matches('/'));
    let request =
        Request::new_with_init(&url, &init).map_err(|e| SendError::Failed(e.to_string()))?;
    match edge::platform::fetch(request, TIMEOUT).await {
        Ok((status, _)) if (200..300).contains(&status) => Ok(()),
        Ok((status, _)) => Err(SendError::Failed(format!("status {status}"))),
        Err(e) => Err(SendError::Failed(e)),
    }
}
