//! The worker's log lines: one JSON object each, `{"event": …, field: value, …}`.
//!
//! JSON encoding escapes every control character, so a provider's string can never start a
//! line of its own, and every value is capped first (`app::log::clean`). Callers pass ids,
//! outcomes and counts only: never a name, an email, an address or a visitor's text.

use app::log::{clean, MAX_PROVIDER_STR};

pub fn event(what: &str, fields: &[(&str, &str)]) {
    let mut line = serde_json::Map::new();
    line.insert("event".into(), what.into());
    for (k, v) in fields {
        line.insert((*k).into(), clean(v, MAX_PROVIDER_STR).into_owned().into());
    }
    // `to_string`, not `Display`: the same compact JSON, through the serializer the JSON
    // responses already use rather than a second copy of it that writes to a formatter.
    let line = serde_json::to_string(&serde_json::Value::Object(line)).unwrap_or_default();
    worker::console_log!("{line}");
}
