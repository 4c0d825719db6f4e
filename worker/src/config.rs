//! Settings and secrets from the environment, read where they are needed and parsed into types.

use crate::error::AppError;
use app::keys::{Key, Purpose};
use app::money::Cents;
use worker::Env;

pub fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

pub fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

/// The goal from `CAMPAIGN_GOAL_USD` (whole dollars); zero when unset or not a number.
pub fn goal(env: &Env) -> Cents {
    var(env, "CAMPAIGN_GOAL_USD")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(Cents::from_dollars)
        .unwrap_or_default()
}

/// The key for one purpose, derived from `SITE_SECRET`.
pub fn key(env: &Env, purpose: Purpose) -> Result<Key, AppError> {
    let site = secret(env, "SITE_SECRET").ok_or(AppError::Config("SITE_SECRET"))?;
    Ok(Key::derive(&site, purpose))
}

/// How visitors pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkout {
    /// Giving is switched off: the form says so and posts answer 503.
    Off,
    /// A local fake checkout that signs its own Stripe-format events.
    Sandbox,
    /// Stripe Checkout.
    Stripe,
}

/// `CHECKOUT`, as it applies to this request: the sandbox marks pledges paid without money,
/// so it exists only for a request to a loopback host (`http::is_loopback`); anywhere else a
/// `CHECKOUT=sandbox` deployment has giving switched off, and every sandbox route is a 404.
pub fn checkout(env: &Env, loopback: bool) -> Checkout {
    match var(env, "CHECKOUT").as_deref().map(str::trim) {
        Some("stripe") => Checkout::Stripe,
        Some("sandbox") if loopback => Checkout::Sandbox,
        _ => Checkout::Off,
    }
}
