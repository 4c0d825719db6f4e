//! Pledges as the visitor's form makes them and their own page shows them. What the payment
//! provider says of them is the ledger's (`ledger.rs`).

use super::Db;
use super::{first, rows, stmt};
use crate::error::AppError;
use app::campaign::Tier;
use app::money::Cents;
use serde::Deserialize;

use app::pledge::{Frequency, NewPledge, Pledge, PledgeForm, Status, StoredPledgeForm};

/// Stores a pending pledge (the visitor's rate was counted before, by `limits::take`), with
/// the time its donor confirmed they may give: a [`NewPledge`] exists only once they did.
/// `(now, attested_at)`: made now; attested then (the first post's time, when the donor was
/// asked "Would you make it monthly?" in between, #28 §2).
pub async fn create_pledge(
    db: &Db,
    id: &str,
    p: &NewPledge,
    lang: &str,
    (now, attested_at): (i64, i64),
) -> Result<(), AppError> {
    stmt(
        db,
        "INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, name, email, show_name, note, lang, created_at, attested_at, source, fig_dirty) \
         VALUES (?1, 'pending', ?11, ?2, 'usd', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?12, 0)",
        &[
            id.into(),
            p.amount.0.into(),
            p.tier.as_deref().into(),
            p.designation.as_str().into(),
            p.name.as_deref().into(),
            p.email.as_deref().into(),
            i64::from(p.show_name).into(),
            p.note.as_deref().into(),
            lang.into(),
            now.into(),
            p.frequency.as_str().into(),
            p.source.as_deref().into(),
            attested_at.into(),
        ],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

#[derive(Deserialize)]
struct PledgeRow {
    id: String,
    status: String,
    amount_cents: i64,
    refunded_cents: i64,
    payments: i64,
    frequency: Frequency,
    currency: String,
    tier: Option<String>,
    designation: String,
    /// Whether a name, email or note is kept (1 or 0), decided in SQL: the pledge's page and
    /// the API never load the donor's details themselves.
    details: i64,
    created_at: i64,
    /// The form's own fields: selected only by [`resumable_form`] ([`FORM_COLUMNS`]).
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    show_name: i64,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// A pledge's own columns, with what its payments add up to; none of the donor's details, only
/// whether any is kept.
const PLEDGE_COLUMNS: &str = "id, status, frequency, amount_cents, currency, tier, designation, created_at, \
     (COALESCE(name, '') <> '' OR COALESCE(email, '') <> '' OR COALESCE(note, '') <> '') AS details, \
     (SELECT COALESCE(SUM(y.refunded_cents), 0) FROM payments y WHERE y.pledge_id = pledges.id) AS refunded_cents, \
     (SELECT COUNT(*) FROM payments y WHERE y.pledge_id = pledges.id) AS payments";

/// What "back to the form" puts back besides: the donor's details, read for that alone.
const FORM_COLUMNS: &str = "name, email, show_name, note, source";

/// The pledge `id`, with the form's fields too when `form`.
async fn pledge_row(db: &Db, id: &str, form: bool) -> Result<Option<PledgeRow>, AppError> {
    let sql = if form {
        format!("SELECT {PLEDGE_COLUMNS}, {FORM_COLUMNS} FROM pledges WHERE id = ?1")
    } else {
        format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE id = ?1")
    };
    first(stmt(db, &sql, &[id.into()])?).await
}

impl PledgeRow {
    /// The pledge, if its status is one the site knows (anything else is logged, not guessed).
    fn pledge(&self) -> Option<Pledge> {
        let Some(status) = Status::parse(&self.status) else {
            crate::log::event("row_skipped", &[("type", "pledge"), ("why", "status")]);
            return None;
        };
        Some(Pledge {
            id: self.id.clone(),
            status,
            amount: Cents(self.amount_cents),
            refunded: Cents(self.refunded_cents),
            currency: self.currency.clone(),
            tier: self.tier.clone(),
            designation: self.designation.clone(),
            frequency: self.frequency,
            payments: self.payments,
            details: self.details != 0,
        })
    }
}

/// A pledge as its own page and the API show it.
pub async fn pledge(db: &Db, id: &str) -> Result<Option<Pledge>, AppError> {
    Ok(pledge_row(db, id, false).await?.and_then(|r| r.pledge()))
}

/// A pending, recent pledge as the form that made it, for "back to the form" from the
/// checkout (`app::pledge::may_resume`); `None` for any other pledge, whose name, email and
/// note are then shown to nobody.
pub async fn resumable_form(db: &Db, id: &str, now: i64) -> Result<Option<PledgeForm>, AppError> {
    let Some(r) = pledge_row(db, id, true).await? else {
        return Ok(None);
    };
    let Some(pledge) = r.pledge() else {
        return Ok(None);
    };
    if !app::pledge::may_resume(pledge.status, r.created_at, now) {
        return Ok(None);
    }
    Ok(Some(PledgeForm::from_stored(StoredPledgeForm {
        tier: r.tier,
        amount_cents: r.amount_cents,
        designation: r.designation,
        name: r.name,
        email: r.email,
        show_name: r.show_name != 0,
        note: r.note,
        frequency: r.frequency,
        source: r.source,
    })))
}

/// The tiers alone, for validating a pledge.
pub async fn tiers(db: &Db) -> Result<Vec<Tier>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        amount_cents: i64,
        units: i64,
    }
    let r = stmt(
        db,
        "SELECT id, amount_cents, units FROM tiers ORDER BY position",
        &[],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    Ok(rows::<Row>(&r)?
        .into_iter()
        .map(|r| Tier {
            id: r.id,
            amount: Cents(r.amount_cents),
            units: r.units,
        })
        .collect())
}

/// Keeps the provider's Checkout Session id on the pledge, so that it can still be asked about
/// later (a payment no webhook reported).
pub async fn set_checkout_session(db: &Db, id: &str, session_id: &str) -> Result<(), AppError> {
    stmt(
        db,
        "UPDATE pledges SET checkout_session_id = ?2 WHERE id = ?1",
        &[id.into(), session_id.into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// What the provider knows a monthly gift by, to stop it there: its Subscription, once a
/// webhook said so, and the Checkout Session that made it.
#[derive(Deserialize, Default)]
pub struct StopRefs {
    pub subscription_id: Option<String>,
    pub checkout_session_id: Option<String>,
}

/// The provider's references of pledge `id` (`None`: no such pledge).
pub async fn stop_refs(db: &Db, id: &str) -> Result<Option<StopRefs>, AppError> {
    first(stmt(
        db,
        "SELECT subscription_id, checkout_session_id FROM pledges WHERE id = ?1",
        &[id.into()],
    )?)
    .await
}

/// Marks a monthly gift stopped, at once, after the provider stopped its subscription: only a
/// monthly one that is pending or active, so a second stop (or the provider's own
/// `customer.subscription.deleted` afterwards) changes nothing, and `ended_at` keeps the
/// first time. Whether it changed the pledge now.
pub async fn stop_monthly(db: &Db, id: &str, now: i64) -> Result<bool, AppError> {
    // The running figures' monthly supporters (`store::figures`), folded in the same batch.
    let mut statements = vec![stmt(
        db,
        "UPDATE pledges SET status = 'cancelled', fig_dirty = 1, ended_at = COALESCE(ended_at, ?2) \
         WHERE id = ?1 AND frequency = 'month' AND status IN ('pending', 'active') RETURNING id",
        &[id.into(), now.into()],
    )?];
    statements.extend(super::figures::fold(db)?);
    let results = super::batch(db, statements).await?;
    super::returned_one(&results, 0)
}
