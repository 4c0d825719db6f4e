//! Every route of the site in one table, matched without I/O.
//!
//! A route is declared once, as a row of [`TABLE`]: its method, its path, what it is, which
//! worker serves it and who may use it. The route's type says the worker: a [`SiteRoute`] is
//! the site's (what visitors read), an [`OfficeRoute`] the office's (every write, the
//! providers' webhooks, the maintainers' area), so each worker's dispatcher is an exhaustive
//! `match` over its own enum that the compiler checks. The admin area's routes are
//! [`Admin`], and their row says which roles may take them ([`Admin::allowed`]); the admin's
//! links come from the same rows ([`Admin::path`], [`Admin::href`]).
//!
//! The worker dispatches on [`route`] (a `match` built into the binary: nothing is rebuilt
//! per request), and the tests walk [`VISITOR_PAGES`] so a new visitor page cannot miss its
//! Khmer twin. Visitor routes exist at `/path` and `/km/path`; the platform's own
//! (`/healthz`, the APIs, webhooks) and the admin area exist once.

use crate::account::roles::{Allowed, Role, Roles};
use crate::i18n::Lang;

/// The methods the site distinguishes; the worker answers `HEAD` as `GET`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    /// A CORS preflight; answered only where a route says so (`/api/campaign`).
    Options,
    Other,
}

/// A route, and with it the worker that serves it (README, "Two workers"): the **site**
/// answers what visitors read, small enough to start fast; the **office** answers every
/// write, the maintainers' area and the scheduled jobs, behind the site's service binding,
/// so the site stays one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Site(SiteRoute),
    Office(OfficeRoute),
}

/// What the site's worker serves: every page, feed and badge a visitor reads, the public API,
/// and the answers for what exists nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteRoute {
    Health,
    Robots,
    ApiCampaign,
    /// `OPTIONS /api/campaign`: the CORS preflight of another site's script.
    ApiCampaignPreflight,
    ApiPledge,
    Home,
    /// `GET /__bench/render`: the campaign page drawn from page data kept in memory, for
    /// `make bench` (the worker answers it on a loopback host only).
    BenchRender,
    /// `GET /__bench/d1`: the page statement alone, read and decoded, for `make bench`
    /// (loopback only, like [`SiteRoute::BenchRender`]).
    BenchD1,
    /// `/badge.svg`: the progress badge other sites show with an `<img>`.
    Badge,
    /// `/km` without its slash.
    KmRoot,
    PledgeThanks,
    /// `GET /pledges/{id}/stop`: "stop your monthly gift?", for whoever holds its page.
    PledgeStopPage,
    /// `GET /pledges/{id}/erase`: "erase your name, email and note from this gift?", for
    /// whoever holds its page.
    PledgeErasePage,
    /// `GET /comments/{id}/delete`: "delete your comment?", for its author.
    CommentDeletePage,
    VolunteerThanks,
    Privacy,
    /// `GET /manage`: "Manage my monthly gift", the way to Stripe's customer portal for a
    /// donor who lost their gift's page (#28 §3).
    Manage,
    /// `GET /updates`: the campaign's published updates, newest first, paged.
    UpdatesList,
    /// `GET /updates/{id}`: one published update (a draft is a 404).
    UpdatePage,
    /// `GET /updates.atom`: the updates as an Atom feed.
    UpdatesFeed,
    /// A known path asked with a method it does not take.
    MethodNotAllowed,
    NotFound,
}

/// What the office's worker serves: the visitors' forms, the providers' webhooks, the
/// sandbox checkout and the maintainers' area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficeRoute {
    WebhookStripe,
    WebhookStandard,
    PledgeCreate,
    /// `POST /pledges/{id}/stop`: stops a monthly gift at the provider, then here.
    PledgeStop,
    /// `POST /pledges/{id}/erase`: erases the gift's name, email and note.
    PledgeErase,
    SandboxPage,
    SandboxAct,
    CommentCreate,
    /// `POST /comments/{id}/delete`: the author deletes it.
    CommentDelete,
    VolunteerCreate,
    Admin(Admin),
}

/// The maintainers' area, under `/admin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admin {
    Index,
    Login,
    Logout,
    Comments,
    Moderate,
    Waiting,
    Pledges,
    PledgesCsv,
    Volunteers,
    VolunteersCsv,
    /// `POST /admin/alerts/test`: a test message to the team's chat.
    AlertTest,
    /// `POST /admin/shield/close`: closes the card-testing shield's running trip (#27 §3).
    ShieldClose,
    /// `GET /admin/erase`: the search form, and what an erasure just did.
    Erase,
    /// `POST /admin/erase/find`: what is stored for an address (posted, so the address stays
    /// out of URLs).
    EraseFind,
    /// `POST /admin/erase`: erases it.
    EraseRun,
    /// `GET`/`POST /admin/bootstrap`: the first owner, with the one-time bootstrap secret.
    BootstrapPage,
    Bootstrap,
    /// `GET`/`POST /admin/invite/{token}`: an invitation: a password, then the second factor.
    InvitePage,
    Invite,
    /// `GET /admin/account`: one's own account and sessions.
    Account,
    /// `POST /admin/account/sessions/end`: signs out of every session.
    SessionsEnd,
    /// `GET /admin/accounts`: the team (owners).
    Accounts,
    /// `POST /admin/accounts/invite`: invites a maintainer (owners).
    AccountInvite,
    /// `POST /admin/accounts/{id}/{action}`: roles, disable, enable, reset the second factor.
    AccountAction,
    /// `GET /admin/audit` and `/admin/audit.csv`: the audit trail (owners).
    Audit,
    AuditCsv,
    /// `GET /admin/sources?days=`: pledges and money by share-link code, and the link builder.
    Sources,
    /// `GET /admin/sources.csv`: the giving funnel's counts (issue #28 §5), masked as on the page.
    SourcesCsv,
    /// `GET /admin/updates`: every update, drafts too, and the form for a new one.
    Updates,
    /// `POST /admin/updates`: a new update, as a draft.
    UpdateCreate,
    /// `GET /admin/updates/{id}`: an update's edit form.
    UpdateEdit,
    /// `POST /admin/updates/{id}`: saves an edit.
    UpdateSave,
    /// `POST /admin/updates/{id}/{publish|unpublish}`.
    UpdateAction,
    /// Any other path under `/admin`: refused like the rest of the area before it is a 404,
    /// so no path tells a visitor without a session what exists.
    Unknown,
}

/// Where a route exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// At `/path` and `/km/path`.
    Both,
    /// At `/path` only.
    Once,
}

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone: a visitor, a provider (webhooks prove themselves by signature).
    Public,
    /// A maintainer, signed in, whose roles the rule admits.
    Signed(Allowed),
}

/// One row of the route table.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub method: Method,
    /// Segments starting with `:` match any one non-empty segment and are captured, in order.
    pub pattern: &'static str,
    pub route: Route,
    scope: Scope,
    pub access: Access,
}

impl Row {
    const fn site(method: Method, pattern: &'static str, route: SiteRoute, scope: Scope) -> Row {
        Row {
            method,
            pattern,
            route: Route::Site(route),
            scope,
            access: Access::Public,
        }
    }

    const fn office(
        method: Method,
        pattern: &'static str,
        route: OfficeRoute,
        scope: Scope,
    ) -> Row {
        Row {
            method,
            pattern,
            route: Route::Office(route),
            scope,
            access: Access::Public,
        }
    }

    const fn admin(method: Method, pattern: &'static str, route: Admin, who: Allowed) -> Row {
        Row {
            method,
            pattern,
            route: Route::Office(OfficeRoute::Admin(route)),
            scope: Scope::Once,
            access: Access::Signed(who),
        }
    }
}

// Who may take the admin area's routes: an owner may everything; each other role opens one
// part of the work (`account::roles`).
const MODERATORS: Allowed = Allowed::Roles(Role::Moderator.only());
const FINANCE: Allowed = Allowed::Roles(Role::Finance.only());
const ORGANISERS: Allowed = Allowed::Roles(Role::Organiser.only());

use Method::{Get, Options, Post};
use Scope::{Both, Once};

/// Every route. The sign-in post is what gets one signed in; the first owner and invitations
/// check their own secret or token; one's own account is one's own: anyone signed in.
pub const TABLE: &[Row] = &[
    Row::site(Get, "/healthz", SiteRoute::Health, Once),
    Row::site(Get, "/robots.txt", SiteRoute::Robots, Once),
    Row::site(Get, "/api/campaign", SiteRoute::ApiCampaign, Once),
    Row::site(
        Options,
        "/api/campaign",
        SiteRoute::ApiCampaignPreflight,
        Once,
    ),
    Row::site(Get, "/api/pledges/:id", SiteRoute::ApiPledge, Once),
    Row::office(Post, "/webhooks/stripe", OfficeRoute::WebhookStripe, Once),
    Row::office(
        Post,
        "/webhooks/standard",
        OfficeRoute::WebhookStandard,
        Once,
    ),
    Row::site(Get, "/", SiteRoute::Home, Both),
    Row::site(Get, "/__bench/render", SiteRoute::BenchRender, Both),
    Row::site(Get, "/__bench/d1", SiteRoute::BenchD1, Once),
    Row::site(Get, "/badge.svg", SiteRoute::Badge, Both),
    Row::site(Get, "/privacy", SiteRoute::Privacy, Both),
    Row::site(Get, "/manage", SiteRoute::Manage, Both),
    Row::office(Post, "/pledges", OfficeRoute::PledgeCreate, Both),
    Row::site(Get, "/pledges/:id", SiteRoute::PledgeThanks, Both),
    Row::site(Get, "/pledges/:id/stop", SiteRoute::PledgeStopPage, Both),
    Row::office(Post, "/pledges/:id/stop", OfficeRoute::PledgeStop, Both),
    Row::site(Get, "/pledges/:id/erase", SiteRoute::PledgeErasePage, Both),
    Row::office(Post, "/pledges/:id/erase", OfficeRoute::PledgeErase, Both),
    Row::office(Get, "/sandbox/checkout/:id", OfficeRoute::SandboxPage, Both),
    Row::office(Post, "/sandbox/checkout/:id", OfficeRoute::SandboxAct, Both),
    Row::office(Post, "/comments", OfficeRoute::CommentCreate, Both),
    Row::site(
        Get,
        "/comments/:id/delete",
        SiteRoute::CommentDeletePage,
        Both,
    ),
    Row::office(
        Post,
        "/comments/:id/delete",
        OfficeRoute::CommentDelete,
        Both,
    ),
    Row::office(Post, "/volunteer", OfficeRoute::VolunteerCreate, Both),
    Row::site(Get, "/volunteer/thanks", SiteRoute::VolunteerThanks, Both),
    Row::site(Get, "/updates", SiteRoute::UpdatesList, Both),
    Row::site(Get, "/updates.atom", SiteRoute::UpdatesFeed, Both),
    Row::site(Get, "/updates/:id", SiteRoute::UpdatePage, Both),
    Row::admin(Get, "/admin", Admin::Index, Allowed::Everyone),
    Row::admin(Get, "/admin/", Admin::Index, Allowed::Everyone),
    Row::admin(Post, "/admin/login", Admin::Login, Allowed::Everyone),
    Row::admin(Post, "/admin/logout", Admin::Logout, Allowed::Everyone),
    Row::admin(Get, "/admin/comments", Admin::Comments, MODERATORS),
    Row::admin(
        Post,
        "/admin/comments/:id/:action",
        Admin::Moderate,
        MODERATORS,
    ),
    Row::admin(Get, "/admin/waiting", Admin::Waiting, MODERATORS),
    Row::admin(Get, "/admin/pledges", Admin::Pledges, FINANCE),
    Row::admin(Get, "/admin/pledges.csv", Admin::PledgesCsv, FINANCE),
    Row::admin(Get, "/admin/volunteers", Admin::Volunteers, ORGANISERS),
    Row::admin(
        Get,
        "/admin/volunteers.csv",
        Admin::VolunteersCsv,
        ORGANISERS,
    ),
    Row::admin(
        Post,
        "/admin/alerts/test",
        Admin::AlertTest,
        Allowed::Owners,
    ),
    Row::admin(Post, "/admin/shield/close", Admin::ShieldClose, FINANCE),
    Row::admin(Get, "/admin/erase", Admin::Erase, Allowed::Owners),
    Row::admin(Post, "/admin/erase", Admin::EraseRun, Allowed::Owners),
    Row::admin(Post, "/admin/erase/find", Admin::EraseFind, Allowed::Owners),
    Row::admin(
        Get,
        "/admin/bootstrap",
        Admin::BootstrapPage,
        Allowed::Everyone,
    ),
    Row::admin(
        Post,
        "/admin/bootstrap",
        Admin::Bootstrap,
        Allowed::Everyone,
    ),
    Row::admin(
        Get,
        "/admin/invite/:token",
        Admin::InvitePage,
        Allowed::Everyone,
    ),
    Row::admin(
        Post,
        "/admin/invite/:token",
        Admin::Invite,
        Allowed::Everyone,
    ),
    Row::admin(Get, "/admin/account", Admin::Account, Allowed::Everyone),
    Row::admin(
        Post,
        "/admin/account/sessions/end",
        Admin::SessionsEnd,
        Allowed::Everyone,
    ),
    Row::admin(Get, "/admin/accounts", Admin::Accounts, Allowed::Owners),
    Row::admin(
        Post,
        "/admin/accounts/invite",
        Admin::AccountInvite,
        Allowed::Owners,
    ),
    Row::admin(
        Post,
        "/admin/accounts/:id/:action",
        Admin::AccountAction,
        Allowed::Owners,
    ),
    Row::admin(Get, "/admin/audit", Admin::Audit, Allowed::Owners),
    Row::admin(Get, "/admin/audit.csv", Admin::AuditCsv, Allowed::Owners),
    Row::admin(Get, "/admin/sources", Admin::Sources, FINANCE),
    Row::admin(Get, "/admin/sources.csv", Admin::SourcesCsv, FINANCE),
    Row::admin(Get, "/admin/updates", Admin::Updates, MODERATORS),
    Row::admin(Post, "/admin/updates", Admin::UpdateCreate, MODERATORS),
    Row::admin(Get, "/admin/updates/:id", Admin::UpdateEdit, MODERATORS),
    Row::admin(Post, "/admin/updates/:id", Admin::UpdateSave, MODERATORS),
    Row::admin(
        Post,
        "/admin/updates/:id/:action",
        Admin::UpdateAction,
        MODERATORS,
    ),
];

/// Routes for `make bench` only (answered on a loopback host, a 404 anywhere else): not
/// visitor pages, so the tests that walk every page skip them.
pub const BENCH_ONLY: &[&str] = &["/__bench/render", "/__bench/d1"];

/// Visitor routes that answer a feed, not an HTML page: the tests that walk every page (their
/// `<html lang>`) read them as feeds instead.
pub const FEEDS: &[&str] = &["/updates.atom"];

/// A visitor page (GET, in both languages), an example path that shows it, and what it answers
/// a visitor with no cookie, for the tests that walk every page: `{pledge}` stands for a
/// pledge id the test creates, `{comment}` for a comment id.
pub const VISITOR_PAGES: &[(&str, &str, u16)] = &[
    ("/", "/", 200),
    ("/pledges/:id", "/pledges/{pledge}", 200),
    // The test's pledge is a one-off gift: there is no monthly gift to stop.
    ("/pledges/:id/stop", "/pledges/{pledge}/stop", 409),
    // Whether the gift holds a name, an email or a note or not, the page answers: it asks, or
    // says that nothing is kept.
    ("/pledges/:id/erase", "/pledges/{pledge}/erase", 200),
    ("/sandbox/checkout/:id", "/sandbox/checkout/{pledge}", 200),
    ("/volunteer/thanks", "/volunteer/thanks", 200),
    ("/privacy", "/privacy", 200),
    ("/manage", "/manage", 200),
    // Only the browser that wrote the comment may delete it: anyone else is told so.
    ("/comments/:id/delete", "/comments/{comment}/delete", 403),
    ("/updates", "/updates", 200),
    // No update is published in the walk: an unknown update is a 404 page.
    ("/updates/:id", "/updates/999999", 404),
];

/// Visitor GET routes in both languages that are not HTML pages (so the tests that walk
/// [`VISITOR_PAGES`] for `<html lang>` and previews skip them): the progress badge.
pub const VISITOR_IMAGES: &[&str] = &["/badge.svg"];

/// The matched route, the language of the path, and the captured segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matched<'a> {
    pub route: Route,
    pub lang: Lang,
    pub params: Vec<&'a str>,
}

fn capture<'a>(pattern: &str, path: &'a str) -> Option<Vec<&'a str>> {
    let mut params = Vec::new();
    let (mut p, mut s) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), s.next()) {
            (None, None) => return Some(params),
            (Some(want), Some(got)) if want.starts_with(':') && !got.is_empty() => params.push(got),
            (Some(want), Some(got)) if want == got => {}
            _ => return None,
        }
    }
}

/// Which route serves `method` at `path`.
pub fn route(method: Method, path: &str) -> Matched<'_> {
    if path == "/km" {
        return Matched {
            route: Route::Site(if method == Method::Get {
                SiteRoute::KmRoot
            } else {
                SiteRoute::MethodNotAllowed
            }),
            lang: Lang::Km,
            params: Vec::new(),
        };
    }
    let (lang, rest) = Lang::split_path(path);
    let mut other_method = false;
    for row in TABLE {
        let candidate = match (lang, row.scope) {
            (Lang::En, _) => path,
            (Lang::Km, Scope::Both) => rest,
            (Lang::Km, Scope::Once) => continue,
        };
        if let Some(params) = capture(row.pattern, candidate) {
            if row.method == method {
                return Matched {
                    route: row.route,
                    lang,
                    params,
                };
            }
            other_method = true;
        }
    }
    let route = if path.starts_with("/admin/") {
        Route::Office(OfficeRoute::Admin(Admin::Unknown))
    } else if other_method {
        Route::Site(SiteRoute::MethodNotAllowed)
    } else {
        Route::Site(SiteRoute::NotFound)
    };
    Matched {
        route,
        lang,
        params: Vec::new(),
    }
}

impl Route {
    /// Whether this is a browser form of ours, which must come from our own pages. Providers'
    /// webhooks come from servers and prove themselves by signature instead.
    pub fn is_form(self) -> bool {
        !matches!(
            self,
            Route::Office(OfficeRoute::WebhookStripe | OfficeRoute::WebhookStandard)
        )
    }
}

impl Admin {
    /// The rows of this route (one, or more where a path has a twin like `/admin/`).
    fn rows(self) -> impl Iterator<Item = &'static Row> {
        TABLE
            .iter()
            .filter(move |row| row.route == Route::Office(OfficeRoute::Admin(self)))
    }

    /// Who may take this route, from its row. [`Admin::Unknown`] has no row: anyone signed in
    /// is told it does not exist.
    pub fn allowed(self) -> Allowed {
        match self.rows().next().map(|row| row.access) {
            Some(Access::Signed(who)) => who,
            Some(Access::Public) | None => Allowed::Everyone,
        }
    }

    /// May an account with `roles`, signed in, take this route?
    pub fn may(self, roles: Roles) -> bool {
        self.allowed().admits(roles)
    }

    /// The route's path, as its first row has it (for a link; a route with `:` segments
    /// wants [`Admin::href`]).
    pub fn path(self) -> &'static str {
        self.rows().next().map_or("/admin", |row| row.pattern)
    }

    /// The route's path with its `:` segments filled from `params`, in order.
    pub fn href(self, params: &[&str]) -> String {
        let mut params = params.iter();
        self.path()
            .split('/')
            .map(|seg| match seg.strip_prefix(':') {
                Some(_) => params.next().copied().unwrap_or_default(),
                None => seg,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every route of the admin area in the table, each once (in the table's order).
    pub fn all() -> impl Iterator<Item = Admin> {
        TABLE
            .iter()
            .enumerate()
            .filter_map(|(i, row)| match row.route {
                Route::Office(OfficeRoute::Admin(a))
                    if !TABLE[..i].iter().any(|earlier| earlier.route == row.route) =>
                {
                    Some(a)
                }
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: Method, path: &str) -> (Route, Lang, Vec<&str>) {
        let m = route(method, path);
        (m.route, m.lang, m.params)
    }

    #[test]
    fn visitor_routes_exist_in_both_languages() {
        assert_eq!(
            r(Method::Get, "/"),
            (Route::Site(SiteRoute::Home), Lang::En, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/"),
            (Route::Site(SiteRoute::Home), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km"),
            (Route::Site(SiteRoute::KmRoot), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Post, "/km/pledges"),
            (Route::Office(OfficeRoute::PledgeCreate), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/pledges/abc"),
            (Route::Site(SiteRoute::PledgeThanks), Lang::Km, vec!["abc"])
        );
        assert_eq!(
            r(Method::Get, "/km/pledges/abc/stop"),
            (
                Route::Site(SiteRoute::PledgeStopPage),
                Lang::Km,
                vec!["abc"]
            )
        );
        assert_eq!(
            r(Method::Post, "/pledges/abc/stop"),
            (
                Route::Office(OfficeRoute::PledgeStop),
                Lang::En,
                vec!["abc"]
            )
        );
        assert_eq!(
            r(Method::Get, "/pledges/abc/stop/x").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Get, "/km/pledges/abc/erase"),
            (
                Route::Site(SiteRoute::PledgeErasePage),
                Lang::Km,
                vec!["abc"]
            )
        );
        assert_eq!(
            r(Method::Post, "/pledges/abc/erase"),
            (
                Route::Office(OfficeRoute::PledgeErase),
                Lang::En,
                vec!["abc"]
            )
        );
        assert_eq!(
            r(Method::Post, "/sandbox/checkout/x1"),
            (Route::Office(OfficeRoute::SandboxAct), Lang::En, vec!["x1"])
        );
        assert_eq!(
            r(Method::Get, "/km/volunteer/thanks"),
            (Route::Site(SiteRoute::VolunteerThanks), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/privacy"),
            (Route::Site(SiteRoute::Privacy), Lang::Km, vec![])
        );
        for (pattern, example, _) in VISITOR_PAGES {
            let path = example.replace("{pledge}", "p1").replace("{comment}", "7");
            assert_ne!(
                route(Method::Get, &path).route,
                Route::Site(SiteRoute::NotFound),
                "{pattern}"
            );
            let km = Lang::Km.href(&path);
            assert_eq!(
                route(Method::Get, &km).route,
                route(Method::Get, &path).route,
                "{km}"
            );
            assert_eq!(route(Method::Get, &km).lang, Lang::Km);
        }
    }

    fn is_office(route: Route) -> bool {
        matches!(route, Route::Office(_))
    }

    #[test]
    fn the_site_reads_and_the_office_writes() {
        for row in TABLE {
            // Every post is a write; every admin page is the maintainers'.
            if row.method == Method::Post || row.pattern.starts_with("/admin") {
                assert!(is_office(row.route), "{}", row.pattern);
            }
            // Only the admin area asks who one is.
            assert_eq!(
                matches!(row.access, Access::Signed(_)),
                row.pattern.starts_with("/admin"),
                "{}",
                row.pattern
            );
        }
        // The pages a visitor reads, and what is not found, are the site's.
        for (pattern, example, _) in VISITOR_PAGES {
            if !pattern.starts_with("/sandbox") {
                let path = example.replace("{pledge}", "p1").replace("{comment}", "7");
                assert!(!is_office(route(Method::Get, &path).route), "{pattern}");
            }
        }
        assert!(!is_office(route(Method::Get, "/nothing-here").route));
        assert!(is_office(route(Method::Get, "/admin/elsewhere").route));
        assert!(is_office(route(Method::Get, "/sandbox/checkout/p1").route));
    }

    #[test]
    fn every_visitor_get_of_the_table_is_listed_for_the_tests() {
        for row in TABLE {
            let pattern = &row.pattern;
            if row.method == Method::Get
                && row.scope == Scope::Both
                && !FEEDS.contains(pattern)
                && !BENCH_ONLY.contains(pattern)
            {
                assert!(
                    VISITOR_PAGES.iter().any(|(p, _, _)| p == pattern)
                        || VISITOR_IMAGES.contains(pattern),
                    "{pattern} has no example in VISITOR_PAGES"
                );
            }
        }
    }

    #[test]
    fn the_badge_exists_in_both_languages_and_the_api_takes_a_preflight() {
        assert_eq!(
            r(Method::Get, "/badge.svg"),
            (Route::Site(SiteRoute::Badge), Lang::En, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/badge.svg"),
            (Route::Site(SiteRoute::Badge), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Post, "/badge.svg").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Options, "/api/campaign").0,
            Route::Site(SiteRoute::ApiCampaignPreflight)
        );
        assert_eq!(
            r(Method::Get, "/api/campaign").0,
            Route::Site(SiteRoute::ApiCampaign)
        );
        for m in [Method::Post, Method::Other] {
            assert_eq!(
                r(m, "/api/campaign").0,
                Route::Site(SiteRoute::MethodNotAllowed)
            );
        }
        // No other route answers a preflight.
        assert_eq!(
            r(Method::Options, "/").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Options, "/api/pledges/x").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Options, "/km/api/campaign").0,
            Route::Site(SiteRoute::NotFound)
        );
    }

    #[test]
    fn platform_routes_exist_once() {
        assert_eq!(r(Method::Get, "/healthz").0, Route::Site(SiteRoute::Health));
        assert_eq!(
            r(Method::Get, "/km/healthz").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Post, "/webhooks/stripe").0,
            Route::Office(OfficeRoute::WebhookStripe)
        );
        assert_eq!(
            r(Method::Post, "/km/webhooks/stripe").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Get, "/api/pledges/abc"),
            (Route::Site(SiteRoute::ApiPledge), Lang::En, vec!["abc"])
        );
    }

    #[test]
    fn wrong_methods_empty_segments_and_unknown_paths() {
        assert_eq!(
            r(Method::Get, "/pledges").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Get, "/webhooks/stripe").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Other, "/").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
        assert_eq!(
            r(Method::Get, "/pledges/").0,
            Route::Site(SiteRoute::NotFound),
            "an empty id is no id"
        );
        assert_eq!(
            r(Method::Get, "/pledges/a/b").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(r(Method::Get, "/nope").0, Route::Site(SiteRoute::NotFound));
        assert_eq!(
            r(Method::Get, "/km/nope"),
            (Route::Site(SiteRoute::NotFound), Lang::Km, vec![])
        );
        assert_eq!(r(Method::Get, "/kmx").0, Route::Site(SiteRoute::NotFound));
    }

    #[test]
    fn every_path_under_admin_stays_in_the_admin_area() {
        assert_eq!(
            r(Method::Get, "/admin").0,
            Route::Office(OfficeRoute::Admin(Admin::Index))
        );
        assert_eq!(
            r(Method::Get, "/admin/").0,
            Route::Office(OfficeRoute::Admin(Admin::Index))
        );
        assert_eq!(
            r(Method::Post, "/admin/comments/12/approve"),
            (
                Route::Office(OfficeRoute::Admin(Admin::Moderate)),
                Lang::En,
                vec!["12", "approve"]
            )
        );
        for path in ["/admin/pledges.csv/", "/admin/nope", "/admin/login"] {
            assert_eq!(
                r(Method::Get, path).0,
                Route::Office(OfficeRoute::Admin(Admin::Unknown)),
                "{path}"
            );
        }
        assert_eq!(
            r(Method::Post, "/admin/pledges").0,
            Route::Office(OfficeRoute::Admin(Admin::Unknown))
        );
        assert_eq!(
            r(Method::Get, "/admin/erase").0,
            Route::Office(OfficeRoute::Admin(Admin::Erase))
        );
        assert_eq!(
            r(Method::Post, "/admin/erase").0,
            Route::Office(OfficeRoute::Admin(Admin::EraseRun))
        );
        assert_eq!(
            r(Method::Post, "/admin/erase/find").0,
            Route::Office(OfficeRoute::Admin(Admin::EraseFind))
        );
        for (method, path) in [
            (Method::Get, "/admin/erase/find"),
            (Method::Other, "/admin/erase"),
            (Method::Post, "/admin/erase/"),
        ] {
            assert_eq!(
                r(method, path).0,
                Route::Office(OfficeRoute::Admin(Admin::Unknown)),
                "{path}"
            );
        }
        assert_eq!(
            r(Method::Get, "/km/admin/erase").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Get, "/km/admin").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Post, "/admin/updates/4/publish"),
            (
                Route::Office(OfficeRoute::Admin(Admin::UpdateAction)),
                Lang::En,
                vec!["4", "publish"]
            )
        );
        assert_eq!(
            r(Method::Get, "/admin/updates").0,
            Route::Office(OfficeRoute::Admin(Admin::Updates))
        );
        assert_eq!(
            r(Method::Post, "/admin/updates").0,
            Route::Office(OfficeRoute::Admin(Admin::UpdateCreate))
        );
        assert_eq!(
            r(Method::Get, "/admin/updates/4").0,
            Route::Office(OfficeRoute::Admin(Admin::UpdateEdit))
        );
        assert_eq!(
            r(Method::Post, "/admin/updates/4").0,
            Route::Office(OfficeRoute::Admin(Admin::UpdateSave))
        );
    }

    #[test]
    fn updates_and_their_feeds_exist_in_both_languages() {
        assert_eq!(
            r(Method::Get, "/km/updates/12"),
            (Route::Site(SiteRoute::UpdatePage), Lang::Km, vec!["12"])
        );
        assert_eq!(
            r(Method::Get, "/updates").0,
            Route::Site(SiteRoute::UpdatesList)
        );
        assert_eq!(
            r(Method::Get, "/updates.atom").0,
            Route::Site(SiteRoute::UpdatesFeed)
        );
        assert_eq!(
            r(Method::Get, "/km/updates.atom"),
            (Route::Site(SiteRoute::UpdatesFeed), Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/updates/").0,
            Route::Site(SiteRoute::NotFound)
        );
        assert_eq!(
            r(Method::Post, "/updates").0,
            Route::Site(SiteRoute::MethodNotAllowed)
        );
    }

    /// Every route of the admin area has a row naming who may take it, and each role opens
    /// its part and no other.
    #[test]
    fn each_role_opens_its_part_and_no_other() {
        use Admin::*;
        let owner = Role::Owner.only();
        let moderator = Role::Moderator.only();
        let finance = Role::Finance.only();
        let organiser = Role::Organiser.only();
        let nobody = Roles::default();
        //                      route              owner mod   fin   org   none
        let table: &[(Admin, [bool; 5])] = &[
            (Index, [true, true, true, true, true]),
            (Login, [true, true, true, true, true]),
            (Logout, [true, true, true, true, true]),
            (Unknown, [true, true, true, true, true]),
            (Comments, [true, true, false, false, false]),
            (Moderate, [true, true, false, false, false]),
            (Waiting, [true, true, false, false, false]),
            (Pledges, [true, false, true, false, false]),
            (PledgesCsv, [true, false, true, false, false]),
            (Volunteers, [true, false, false, true, false]),
            (VolunteersCsv, [true, false, false, true, false]),
            (Erase, [true, false, false, false, false]),
            (EraseFind, [true, false, false, false, false]),
            (EraseRun, [true, false, false, false, false]),
            (AlertTest, [true, false, false, false, false]),
            (ShieldClose, [true, false, true, false, false]),
            (Account, [true, true, true, true, true]),
            (SessionsEnd, [true, true, true, true, true]),
            (BootstrapPage, [true, true, true, true, true]),
            (Bootstrap, [true, true, true, true, true]),
            (InvitePage, [true, true, true, true, true]),
            (Invite, [true, true, true, true, true]),
            (Accounts, [true, false, false, false, false]),
            (AccountInvite, [true, false, false, false, false]),
            (AccountAction, [true, false, false, false, false]),
            (Audit, [true, false, false, false, false]),
            (AuditCsv, [true, false, false, false, false]),
            (Sources, [true, false, true, false, false]),
            (SourcesCsv, [true, false, true, false, false]),
            (Updates, [true, true, false, false, false]),
            (UpdateCreate, [true, true, false, false, false]),
            (UpdateEdit, [true, true, false, false, false]),
            (UpdateSave, [true, true, false, false, false]),
            (UpdateAction, [true, true, false, false, false]),
        ];
        let all: Vec<Admin> = Admin::all().collect();
        assert_eq!(all.len() + 1, table.len(), "{all:?}");
        for route in all {
            assert!(
                table.iter().any(|(r, _)| *r == route),
                "{route:?} is not in this test"
            );
        }
        for (route, want) in table {
            let got = [owner, moderator, finance, organiser, nobody].map(|r| route.may(r));
            assert_eq!(&got, want, "{route:?}");
        }
        // Roles add up.
        let two = moderator.with(Role::Finance);
        assert!(Comments.may(two) && PledgesCsv.may(two));
        assert!(!Volunteers.may(two) && !Erase.may(two));
    }

    #[test]
    fn admin_links_come_from_the_table() {
        assert_eq!(Admin::Index.path(), "/admin");
        assert_eq!(Admin::Pledges.path(), "/admin/pledges");
        assert_eq!(Admin::AuditCsv.path(), "/admin/audit.csv");
        assert_eq!(
            Admin::Moderate.href(&["12", "approve"]),
            "/admin/comments/12/approve"
        );
        assert_eq!(Admin::UpdateEdit.href(&["4"]), "/admin/updates/4");
        // Every link leads back to its route.
        for a in Admin::all() {
            let path = a.href(&["1", "x"]);
            let m = TABLE
                .iter()
                .find(|row| row.route == Route::Office(OfficeRoute::Admin(a)))
                .map(|row| row.method)
                .unwrap_or(Method::Get);
            assert_eq!(
                route(m, &path).route,
                Route::Office(OfficeRoute::Admin(a)),
                "{path}"
            );
        }
    }
}
