//! The campaign's updates: `/updates` (paged), each at `/updates/{id}`, the Atom feeds
//! `/updates.atom`, in both languages; and in the admin area, writing, editing and publishing
//! them (`/admin/updates`, moderators and owners).
//!
//! The public answers are kept at the edge (`cache.rs`): visitors share one copy for at most
//! a minute, and publishing, unpublishing or editing a published update drops them and draws
//! the campaign page anew (`cache::Change::Updates`). A draft is a 404 wherever
//! a visitor asks for it. The feeds name the configured `SITE_URL`, never the request's host.

use crate::admin::{form_of, page, see_other, AdminError, Empty, Session};
use crate::cache::{self, Cached};
use crate::site::Site;
use crate::{error::AppError, http, store::updates as db};
use app::account::audit::Action;
use app::admin::parse_id;
use app::update::{UpdateAction, UpdateForm, UpdateStatus};
use app::views::admin_updates as admin_views;
use worker::{Request, Response};

const ATOM: &str = "application/atom+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// A public answer from the edge, or rendered by `render` and kept there.
async fn edge(
    req: &Request,
    site: &Site,
    content_type: &'static str,
    render: impl std::future::Future<Output = Result<String, AppError>>,
) -> Result<Response, AppError> {
    let key = cache::key(req, site.config.edge_ttl);
    if let Some(key) = &key {
        if let Some(hit) = cache::lookup_fresh(key, site.now).await {
            let mut resp = answer(&hit, content_type)?;
            resp.headers_mut().set("X-Edge-Cache", "hit")?;
            return Ok(cache::for_browser(req, resp)?);
        }
    }
    let body = render.await?;
    let page = Cached {
        status: 200,
        etag: cache::etag(&body),
        template: body,
    };
    if let Some(key) = &key {
        if let Err(e) =
            cache::store_as(key, site.config.edge_ttl, site.now, &page, content_type).await
        {
            crate::log::event("edge_cache_put_failed", &[("error", &e.to_string())]);
        }
    }
    Ok(cache::for_browser(req, answer(&page, content_type)?)?)
}

fn answer(page: &Cached, content_type: &str) -> Result<Response, AppError> {
    let mut resp = Response::ok(page.template.clone())?.with_status(page.status);
    let h = resp.headers_mut();
    h.set("Content-Type", content_type)?;
    h.set("ETag", &page.etag)?;
    Ok(resp)
}

/// `GET /updates?page=n`.
pub async fn list(req: Request, site: &Site) -> Result<Response, AppError> {
    let page = http::query(&req, "page")
        .and_then(|p| app::form::parse_count(&p))
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    edge(&req, site, HTML, async {
        let (total, updates) = db::page(site.db()?, page).await?;
        Ok(app::views::updates_list(
            site.lang,
            site.links(),
            page,
            total,
            &updates,
        ))
    })
    .await
}

/// `GET /updates/{id}`: a published update; a draft or an unknown id is a 404.
pub async fn permalink(req: Request, site: &Site, id: &str) -> Result<Response, AppError> {
    let id = parse_id(id)
        .filter(|_| id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(AppError::NotFound)?;
    let update = db::published(site.db()?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    edge(&req, site, HTML, async {
        Ok(app::views::update_page(site.lang, site.links(), &update))
    })
    .await
}

/// The address the feeds name: `SITE_URL`; on this machine without it, the request's own
/// (development only, like the sandbox).
fn feed_site(site: &Site) -> Result<&str, AppError> {
    match site.config.site_url.as_str() {
        "" if site.loopback => Ok(&site.origin),
        "" => Err(AppError::Config("SITE_URL")),
        configured => Ok(configured),
    }
}

/// `GET /updates.atom`: the latest published updates as Atom 1.0.
pub async fn feed(req: Request, site: &Site) -> Result<Response, AppError> {
    let origin = feed_site(site)?;
    edge(&req, site, ATOM, async {
        let updates = db::for_feed(site.db()?).await?;
        Ok(app::feed::atom(site.lang, origin, &updates))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The admin area

fn id_of(params: &[String]) -> Result<i64, AdminError> {
    Ok(params
        .first()
        .and_then(|id| parse_id(id))
        .ok_or(AppError::NotFound)?)
}

/// `GET /admin/updates`: every update and the form for a new one.
pub async fn admin_list(site: &Site, s: &Session) -> Result<Response, AdminError> {
    let rows = db::all(site.db()?).await?;
    page(
        200,
        admin_views::updates(&s.viewer(), rows, UpdateForm::default(), None),
    )
}

/// `POST /admin/updates`: a new update, as a draft; then its edit page.
pub async fn admin_create(
    mut req: Request,
    site: &Site,
    s: &Session,
) -> Result<Response, AdminError> {
    let form: UpdateForm = form_of(&mut req, s).await?;
    let text = match form.validate() {
        Ok(text) => text,
        Err(problem) => {
            let rows = db::all(site.db()?).await?;
            return page(
                422,
                admin_views::updates(&s.viewer(), rows, form, Some(problem)),
            );
        }
    };
    let id = db::create(site.db()?, &text, s.account_id, site.now).await?;
    s.audit(
        site,
        Action::UpdateCreated,
        Some(&format!("update {id}")),
        None,
    )
    .await?;
    see_other(&format!("/admin/updates/{id}"))
}

/// `GET /admin/updates/{id}`.
pub async fn admin_edit(
    site: &Site,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let id = id_of(params)?;
    let u = db::any(site.db()?, id).await?.ok_or(AppError::NotFound)?;
    page(
        200,
        admin_views::edit(&s.viewer(), &u, UpdateForm::of(&u), None),
    )
}

/// `POST /admin/updates/{id}`: saves an edit; a published update changes on the site at once.
pub async fn admin_save(
    mut req: Request,
    site: &Site,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let id = id_of(params)?;
    let form: UpdateForm = form_of(&mut req, s).await?;
    let dbh = site.db()?;
    let u = db::any(dbh, id).await?.ok_or(AppError::NotFound)?;
    let text = match form.validate() {
        Ok(text) => text,
        Err(problem) => {
            return page(422, admin_views::edit(&s.viewer(), &u, form, Some(problem)));
        }
    };
    if !db::edit(dbh, id, &text, site.now).await? {
        return Err(AppError::NotFound.into());
    }
    s.audit(
        site,
        Action::UpdateEdited,
        Some(&format!("update {id}")),
        None,
    )
    .await?;
    if u.status == UpdateStatus::Published {
        site.changed(cache::Change::Updates(id));
    }
    see_other(&format!("/admin/updates/{id}"))
}

/// `POST /admin/updates/{id}/{publish|unpublish}`: then back to the list.
pub async fn admin_action(
    mut req: Request,
    site: &Site,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    form_of::<Empty>(&mut req, s).await?;
    let id = id_of(params)?;
    let action = params
        .get(1)
        .and_then(|a| UpdateAction::parse(a))
        .ok_or(AppError::NotFound)?;
    if !db::set_status(site.db()?, id, action.status(), site.now).await? {
        return Err(AppError::NotFound.into());
    }
    let what = match action {
        UpdateAction::Publish => Action::UpdatePublished,
        UpdateAction::Unpublish => Action::UpdateUnpublished,
    };
    s.audit(site, what, Some(&format!("update {id}")), None)
        .await?;
    site.changed(cache::Change::Updates(id));
    see_other("/admin/updates")
}
