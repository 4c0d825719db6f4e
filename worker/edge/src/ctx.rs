//! One request's context: the database, the settings and keys, the clock, where the request
//! came to. Every handler takes a [`Ctx`] instead of reaching into the environment.
//!
//! Settings and secrets are read and parsed once per isolate ([`Config`]) and the keys derived
//! from `SITE_SECRET` once with them: a deploy or a changed secret starts new isolates, so
//! nothing cached here can go stale.

use crate::changes::Change;
use crate::error::AppError;
use crate::store::{Db, Reads};
use crate::{http, platform};
use app::i18n::Lang;
use app::keys::{Key, Purpose};
use app::money::Cents;
use app::views::Links;
use std::cell::{OnceCell, RefCell};
use std::sync::OnceLock;
use worker::{D1Database, Env, Request};

/// The header a test may send to move the worker's clock by whole seconds. Honoured only for a
/// request to a loopback host, like the sandbox: a shifted clock in production would move token
/// ages, the webhook tolerance and every retention period.
pub const TEST_CLOCK_HEADER: &str = "X-Test-Clock-Offset";

/// How visitors pay, as configured (`CHECKOUT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkout {
    /// Giving is switched off: the form says so and posts answer 503.
    Off,
    /// A local fake checkout that signs its own Stripe-format events (loopback hosts only).
    Sandbox,
    /// Stripe Checkout.
    Stripe,
}

/// The keys of the site, one per purpose, derived from `SITE_SECRET`.
pub struct Keys {
    pub form_token: Key,
    pub ip_hash: Key,
    pub held_cookie: Key,
    /// Seals TOTP secrets (AES-256-GCM, `crypto::seal`).
    pub totp_secret: Key,
    /// Keys the stored hashes of recovery codes (`app::keys::token_hash`).
    pub recovery_code: Key,
    /// Keys the stored hashes of invitation tokens (`app::keys::token_hash`).
    pub invite_token: Key,
    /// Signs the maintainers' device cookies (`app::admin::device`, #27).
    pub admin_device: Key,
    /// Signs the eligibility attestation the monthly step carries (#28 §2).
    pub upsell_attestation: Key,
}

/// The environment, parsed.
pub struct Config {
    pub goal: Cents,
    pub campaign_id: String,
    pub livemode: bool,
    checkout: Checkout,
    /// `EDGE_CACHE_SECS` (0 to 60; 60 when unset); 0 switches the edge cache off.
    pub edge_ttl: u32,
    keys: Option<Keys>,
    pub stripe_webhook_secret: Option<String>,
    pub standard_webhook_secret: Option<String>,
    pub stripe_secret_key: Option<String>,
    /// `https://api.stripe.com`, or `STRIPE_API_BASE` when it is a loopback address (the
    /// tests' fake Stripe); `None` when it is set to anything else, which is refused.
    pub stripe_api_base: Option<String>,
    /// `STRIPE_PAYMENT_METHOD_CONFIGURATION` and `STRIPE_ADAPTIVE_PRICING`: the checkout
    /// page's wallets and the donor's own currency (#28 §1, `app::giving`).
    pub checkout_choices: app::giving::CheckoutChoices,
    /// `RECONCILE_BATCH`: events the reconciliation applies per run (`app::reconcile`).
    pub reconcile_batch: usize,
    /// `BOOTSTRAP_SECRET`: makes the first owner while there is none; nothing once one exists.
    pub bootstrap_secret: Option<String>,
    /// `TELEGRAM_BOT_TOKEN` and `TELEGRAM_CHAT_ID`: where alerts go; without both, none is sent.
    pub telegram: Option<(String, String)>,
    /// `https://api.telegram.org`, or `TELEGRAM_API_BASE` when it is a loopback address (the
    /// tests' fake); `None` when it is set to anything else, which is refused.
    pub telegram_api_base: Option<String>,
    /// `SITE_URL`: the site's address, for the links in alerts (a cron run has no request).
    pub site_url: String,
    /// The retention periods, with `VOLUNTEER_RETENTION_DAYS` if set.
    pub retention: app::retention::Periods,
    /// `CONTACT_EMAIL`: the campaign's address for erasure requests and questions, in every
    /// page's footer and on the privacy page; `None` when unset or not an address
    /// (`app::form::contact_email`; a refused value is logged, never shown).
    pub contact_email: Option<String>,
    /// `CAMPAIGN_DEADLINE` (the last day, `YYYY-MM-DD`, Phnom Penh time) and
    /// `CLOSE_AFTER_DEADLINE=true` (the form closes after it; else it stays open): `None` when
    /// unset or not a strict date (`app::deadline::Deadline::parse`; a refused value is
    /// logged by name, never shown).
    pub deadline: Option<app::deadline::Deadline>,
    /// `STRIPE_PORTAL_URL` (#28 §3): the login link of Stripe's customer portal, where a
    /// monthly donor who lost their gift's page manages it; `None` when unset or not a plain
    /// `https://` link (`app::form::portal_url`; a refused value is logged by name).
    pub stripe_portal_url: Option<String>,
    /// `D1_READ_REPLICAS=true`: the database has read replication switched on (README, "Read
    /// replicas"), so a visitor's reads that may be a moment old open a session that any
    /// replica may answer. Otherwise they are plain queries, which read the primary as such a
    /// session would without replicas, without the session's cost (`make bench`: about a tenth
    /// of the page statement's CPU locally).
    pub read_replicas: bool,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string().trim().to_string())
        .filter(|v| !v.is_empty())
}

fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

/// A provider's API (`real`), unless the variable `name` names this machine
/// (`http://127.0.0.1:port`, the tests' and `make dev`'s fakes). Any other value is refused
/// and logged: a cron run has no request host to judge by, and a secret key or token must
/// never travel anywhere else.
fn loopback_or(name: &str, set: Option<String>, real: &str) -> Option<String> {
    let Some(base) = set else {
        return Some(real.into());
    };
    if crate::http::is_loopback_url(&base) {
        return Some(base);
    }
    crate::log::event("config_refused", &[("var", name)]);
    None
}

/// How long the edge keeps a page fresh at most (the privacy page states it with the rest).
pub use app::retention::EDGE_TTL_SECS;

impl Config {
    fn read(env: &Env) -> Config {
        let keys = secret(env, "SITE_SECRET").map(|s| Keys {
            form_token: Key::derive(&s, Purpose::FormToken),
            ip_hash: Key::derive(&s, Purpose::IpHash),
            held_cookie: Key::derive(&s, Purpose::HeldCookie),
            totp_secret: Key::derive(&s, Purpose::TotpSecret),
            recovery_code: Key::derive(&s, Purpose::RecoveryCode),
            invite_token: Key::derive(&s, Purpose::InviteToken),
            admin_device: Key::derive(&s, Purpose::AdminDevice),
            upsell_attestation: Key::derive(&s, Purpose::UpsellAttestation),
        });
        let edge_ttl = var(env, "EDGE_CACHE_SECS")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(EDGE_TTL_SECS)
            .min(EDGE_TTL_SECS);
        Config {
            goal: var(env, "CAMPAIGN_GOAL_USD")
                .and_then(|v| v.parse::<i64>().ok())
                .map(Cents::from_dollars)
                .unwrap_or_default(),
            campaign_id: var(env, "CAMPAIGN_ID").unwrap_or_default(),
            livemode: var(env, "STRIPE_LIVEMODE").is_some_and(|v| v == "true"),
            checkout: match var(env, "CHECKOUT").as_deref() {
                Some("stripe") => Checkout::Stripe,
                Some("sandbox") => Checkout::Sandbox,
                _ => Checkout::Off,
            },
            edge_ttl,
            keys,
            stripe_webhook_secret: secret(env, "STRIPE_WEBHOOK_SECRET"),
            standard_webhook_secret: secret(env, "STANDARD_WEBHOOK_SECRET"),
            stripe_secret_key: secret(env, "STRIPE_SECRET_KEY"),
            stripe_api_base: loopback_or(
                "STRIPE_API_BASE",
                var(env, "STRIPE_API_BASE"),
                "https://api.stripe.com",
            ),
            checkout_choices: app::giving::CheckoutChoices {
                payment_method_configuration: var(env, "STRIPE_PAYMENT_METHOD_CONFIGURATION")
                    .and_then(|v| {
                        let id = app::giving::payment_method_configuration(&v);
                        if id.is_none() {
                            crate::log::event(
                                "config_refused",
                                &[("var", "STRIPE_PAYMENT_METHOD_CONFIGURATION")],
                            );
                        }
                        id
                    }),
                adaptive_pricing: var(env, "STRIPE_ADAPTIVE_PRICING").is_some_and(|v| v == "true"),
            },
            reconcile_batch: app::reconcile::batch_size(var(env, "RECONCILE_BATCH").as_deref()),
            bootstrap_secret: secret(env, "BOOTSTRAP_SECRET"),
            telegram: secret(env, "TELEGRAM_BOT_TOKEN").zip(var(env, "TELEGRAM_CHAT_ID")),
            telegram_api_base: loopback_or(
                "TELEGRAM_API_BASE",
                var(env, "TELEGRAM_API_BASE"),
                "https://api.telegram.org",
            ),
            site_url: var(env, "SITE_URL")
                .map(|u| u.trim_end_matches('/').to_string())
                .unwrap_or_default(),
            retention: app::retention::Periods {
                edge_ttl,
                ..app::retention::Periods::from_vars(
                    var(env, "VOLUNTEER_RETENTION_DAYS").as_deref(),
                )
            },
            contact_email: var(env, "CONTACT_EMAIL").and_then(|v| {
                let email = app::form::contact_email(&v);
                if email.is_none() {
                    crate::log::event("config_refused", &[("var", "CONTACT_EMAIL")]);
                }
                email
            }),
            deadline: var(env, "CAMPAIGN_DEADLINE").and_then(|v| {
                let deadline = app::deadline::Deadline::parse(&v);
                if deadline.is_none() {
                    crate::log::event("config_refused", &[("var", "CAMPAIGN_DEADLINE")]);
                }
                let closes = var(env, "CLOSE_AFTER_DEADLINE").is_some_and(|v| v == "true");
                deadline.map(|d| d.closing(closes))
            }),
            read_replicas: var(env, "D1_READ_REPLICAS").is_some_and(|v| v == "true"),
            stripe_portal_url: var(env, "STRIPE_PORTAL_URL").and_then(|v| {
                let url = app::form::portal_url(&v);
                if url.is_none() {
                    crate::log::event("config_refused", &[("var", "STRIPE_PORTAL_URL")]);
                }
                url
            }),
        }
    }

    /// The configuration of this isolate, read from `env` the first time.
    pub fn get(env: &Env) -> &'static Config {
        static CONFIG: OnceLock<Config> = OnceLock::new();
        CONFIG.get_or_init(|| Config::read(env))
    }
}

pub struct Ctx {
    env: Env,
    d1: Option<D1Database>,
    /// Where this request's reads go ([`Ctx::db`]): the worker's choice.
    reads: Reads,
    /// The request's session, opened at its first query.
    session: OnceCell<Db>,
    /// A session on the primary beside it, for a visitor's reads after their own write.
    primary: OnceCell<Db>,
    /// The site's: the point of the database the office's writes reached (its answer's
    /// [`crate::changes::BOOKMARK`]), which the redraw that follows them reads at least.
    written: RefCell<Option<String>>,
    pub config: &'static Config,
    /// Unix seconds, read once for the whole request.
    pub now: i64,
    /// `scheme://host[:port]` of the request: the edge cache's keys, the `Secure` cookie flag.
    /// Links in pages use [`Ctx::links`].
    pub origin: String,
    /// Whether the request was made to this machine itself (see `http::is_loopback`).
    pub loopback: bool,
    /// The language of the path.
    pub lang: Lang,
    /// What this request's writes changed, for the edge cache to follow once it is answered
    /// (`cache::apply`).
    changes: RefCell<Vec<Change>>,
}

impl Ctx {
    /// The context of `req`, whose reads go where `reads` says (the site: any replica; the
    /// office: the primary).
    pub fn new(req: &Request, env: Env, lang: Lang, reads: Reads) -> Ctx {
        let config = Config::get(&env);
        let loopback = http::is_loopback(req);
        let offset = if loopback {
            req.headers()
                .get(TEST_CLOCK_HEADER)
                .ok()
                .flatten()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(0)
        } else {
            0
        };
        Ctx {
            d1: env.d1("DB").ok(),
            reads,
            session: OnceCell::new(),
            primary: OnceCell::new(),
            written: RefCell::new(None),
            env,
            config,
            now: platform::now().saturating_add(offset),
            origin: http::origin(req),
            loopback,
            lang,
            changes: RefCell::new(Vec::new()),
        }
    }

    /// The same site for work that outlives the request (`ctx.wait_until`): its own handle on
    /// the database, read as this request's are, the same clock, origin and language.
    pub fn detached(&self) -> Ctx {
        self.detached_reading(self.reads.clone())
    }

    /// [`Ctx::detached`], its reads going where `reads` says (the redraw that follows a write:
    /// at least that write).
    pub fn detached_reading(&self, reads: Reads) -> Ctx {
        Ctx {
            d1: self.env.d1("DB").ok(),
            reads,
            session: OnceCell::new(),
            primary: OnceCell::new(),
            written: RefCell::new(None),
            env: self.env.clone(),
            config: self.config,
            now: self.now,
            origin: self.origin.clone(),
            loopback: self.loopback,
            lang: self.lang,
            changes: RefCell::new(Vec::new()),
        }
    }

    /// The environment, for what [`Ctx`] does not hold (the office's binding).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Records that this request changed what the edge keeps.
    pub fn changed(&self, change: Change) {
        let mut changes = self.changes.borrow_mut();
        if !changes.contains(&change) {
            changes.push(change);
        }
    }

    /// What this request changed, once.
    pub fn take_changes(&self) -> Vec<Change> {
        std::mem::take(&mut *self.changes.borrow_mut())
    }

    /// Where pages link beyond themselves: the origin of their absolute links (canonical,
    /// hreflang, `og:url`), the configured `SITE_URL`, never the host a request named (without
    /// one, the request's, as for a local run); and the campaign's `CONTACT_EMAIL`.
    pub fn links(&self) -> Links<'_> {
        let origin = match self.config.site_url.as_str() {
            "" => &self.origin,
            configured => configured,
        };
        Links {
            origin,
            contact: self.config.contact_email.as_deref(),
        }
    }

    /// The database as this request reads it ([`Reads`], the worker's choice): on the site
    /// any replica, in the office the primary.
    pub fn db(&self) -> Result<&Db, AppError> {
        self.opened(&self.session, &self.reads)
    }

    /// The primary, for what a visitor reads after their own write: their held comments, their
    /// pledge's pages, a resumed form. In the office, the request's own session.
    pub fn primary(&self) -> Result<&Db, AppError> {
        match self.reads {
            Reads::Primary => self.db(),
            _ => self.opened(&self.primary, &Reads::Primary),
        }
    }

    fn opened<'a>(&self, cell: &'a OnceCell<Db>, reads: &Reads) -> Result<&'a Db, AppError> {
        if let Some(db) = cell.get() {
            return Ok(db);
        }
        let d1 = self.d1.as_ref().ok_or(AppError::Config("DB"))?;
        let db = match reads {
            Reads::AnyReplica if !self.config.read_replicas => Db::plain(d1),
            _ => Db::open(d1, reads)?,
        };
        Ok(cell.get_or_init(|| db))
    }

    /// Where this request's reads go.
    pub fn reads(&self) -> &Reads {
        &self.reads
    }

    /// The latest point of the database this request's session has seen: in the office, after
    /// its writes, at least them. `None` when it made no query.
    pub fn bookmark(&self) -> Option<String> {
        self.session.get().and_then(Db::bookmark)
    }

    /// Records, on the site, the point the office's writes reached (its answer's
    /// [`crate::changes::BOOKMARK`]).
    pub fn wrote_at(&self, bookmark: String) {
        *self.written.borrow_mut() = Some(bookmark);
    }

    /// Where the redraw that follows this request's writes reads: at least the point they
    /// reached, or without one, the primary.
    pub fn after_writes(&self) -> Reads {
        Reads::after(self.written.borrow().clone())
    }

    pub fn keys(&self) -> Result<&Keys, AppError> {
        self.config
            .keys
            .as_ref()
            .ok_or(AppError::Config("SITE_SECRET"))
    }

    /// How visitors pay on this request: the sandbox marks pledges paid without money, so it
    /// exists only on a loopback host; anywhere else `CHECKOUT=sandbox` is giving switched off.
    pub fn checkout(&self) -> Checkout {
        match self.config.checkout {
            Checkout::Sandbox if !self.loopback => Checkout::Off,
            c => c,
        }
    }

    /// Where the campaign stands against its deadline now, if it has one (`CAMPAIGN_DEADLINE`).
    pub fn deadline(&self) -> Option<app::deadline::Standing> {
        self.config.deadline.map(|d| d.at(self.now))
    }

    /// The keyed hash of the visitor's address, the only form in which it is ever kept.
    pub fn visitor(&self, req: &Request) -> Result<String, AppError> {
        Ok(app::keys::ip_hash(
            &self.keys()?.ip_hash,
            &platform::client_ip(req),
        ))
    }
}
