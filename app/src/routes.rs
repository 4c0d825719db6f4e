//! Every route of the site in one table, matched without I/O.
//!
//! The worker dispatches on [`route`] (a `match`, built into the binary: nothing is rebuilt
//! per request, unlike a `Router` value that `run` consumes), and the tests walk
//! [`VISITOR_PAGES`] so a new visitor page cannot miss its Khmer twin. Visitor routes exist at
//! `/path` and `/km/path`; the platform's own (`/healthz`, the APIs, webhooks) and the admin
//! area exist once.

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Health,
    Robots,
    ApiCampaign,
    /// `OPTIONS /api/campaign`: the CORS preflight of another site's script.
    ApiCampaignPreflight,
    ApiPledge,
    WebhookStripe,
    WebhookStandard,
    Home,
    /// `GET /__bench/render`: the campaign page drawn from page data kept in memory, for
    /// `make bench` (the worker answers it on a loopback host only).
    BenchRender,
    /// `GET /__bench/d1`: the page statement alone, read and decoded, for `make bench`
    /// (loopback only, like [`Route::BenchRender`]).
    BenchD1,
    /// `/badge.svg`: the progress badge other sites show with an `<img>`.
    Badge,
    /// `/km` without its slash.
    KmRoot,
    PledgeCreate,
    PledgeThanks,
    /// `GET /pledges/{id}/stop`: "stop your monthly gift?", for whoever holds its page.
    PledgeStopPage,
    /// `POST /pledges/{id}/stop`: stops it at the provider, then here.
    PledgeStop,
    SandboxPage,
    SandboxAct,
    CommentCreate,
    /// `GET /comments/{id}/delete`: "delete your comment?", for its author.
    CommentDeletePage,
    /// `POST /comments/{id}/delete`: the author deletes it.
    CommentDelete,
    VolunteerCreate,
    VolunteerThanks,
    Privacy,
    /// `GET /updates`: the campaign's published updates, newest first, paged.
    UpdatesList,
    /// `GET /updates/{id}`: one published update (a draft is a 404).
    UpdatePage,
    /// `GET /updates.atom`: the updates as an Atom feed.
    UpdatesFeed,
    AdminIndex,
    AdminLogin,
    AdminLogout,
    AdminComments,
    AdminModerate,
    AdminWaiting,
    AdminPledges,
    AdminPledgesCsv,
    AdminVolunteers,
    AdminVolunteersCsv,
    /// `POST /admin/alerts/test`: a test message to the team's chat.
    AdminAlertTest,
    /// `GET /admin/erase`: the search form, and what an erasure just did.
    AdminErase,
    /// `POST /admin/erase/find`: what is stored for an address (posted, so the address stays
    /// out of URLs).
    AdminEraseFind,
    /// `POST /admin/erase`: erases it.
    AdminEraseRun,
    /// `GET`/`POST /admin/bootstrap`: the first owner, with the one-time bootstrap secret.
    AdminBootstrapPage,
    AdminBootstrap,
    /// `GET`/`POST /admin/invite/{token}`: an invitation: a password, then the second factor.
    AdminInvitePage,
    AdminInvite,
    /// `GET /admin/account`: one's own account and sessions.
    AdminAccount,
    /// `POST /admin/account/sessions/end`: signs out of every session.
    AdminSessionsEnd,
    /// `GET /admin/accounts`: the team (owners).
    AdminAccounts,
    /// `POST /admin/accounts/invite`: invites a maintainer (owners).
    AdminAccountInvite,
    /// `POST /admin/accounts/{id}/{action}`: roles, disable, enable, reset the second factor.
    AdminAccountAction,
    /// `GET /admin/audit` and `/admin/audit.csv`: the audit trail (owners).
    AdminAudit,
    AdminAuditCsv,
    /// `GET /admin/sources?days=`: pledges and money by share-link code, and the link builder.
    AdminSources,
    /// `GET /admin/updates`: every update, drafts too, and the form for a new one.
    AdminUpdates,
    /// `POST /admin/updates`: a new update, as a draft.
    AdminUpdateCreate,
    /// `GET /admin/updates/{id}`: an update's edit form.
    AdminUpdateEdit,
    /// `POST /admin/updates/{id}`: saves an edit.
    AdminUpdateSave,
    /// `POST /admin/updates/{id}/{publish|unpublish}`.
    AdminUpdateAction,
    /// Any other path under `/admin`: refused like the rest of the area before it is a 404,
    /// so no path tells a visitor without a session what exists.
    AdminUnknown,
    /// A known path asked with a method it does not take.
    MethodNotAllowed,
    NotFound,
}

/// Where a route exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// At `/path` and `/km/path`.
    BothLanguages,
    /// At `/path` only.
    Once,
}

/// `(method, pattern, route, scope)`. A pattern segment starting with `:` matches any one
/// non-empty segment and is captured, in order.
const TABLE: &[(Method, &str, Route, Scope)] = &[
    (Method::Get, "/healthz", Route::Health, Scope::Once),
    (Method::Get, "/robots.txt", Route::Robots, Scope::Once),
    (
        Method::Get,
        "/api/campaign",
        Route::ApiCampaign,
        Scope::Once,
    ),
    (
        Method::Options,
        "/api/campaign",
        Route::ApiCampaignPreflight,
        Scope::Once,
    ),
    (
        Method::Get,
        "/api/pledges/:id",
        Route::ApiPledge,
        Scope::Once,
    ),
    (
        Method::Post,
        "/webhooks/stripe",
        Route::WebhookStripe,
        Scope::Once,
    ),
    (
        Method::Post,
        "/webhooks/standard",
        Route::WebhookStandard,
        Scope::Once,
    ),
    (Method::Get, "/", Route::Home, Scope::BothLanguages),
    (
        Method::Get,
        "/__bench/render",
        Route::BenchRender,
        Scope::BothLanguages,
    ),
    (Method::Get, "/__bench/d1", Route::BenchD1, Scope::Once),
    (
        Method::Get,
        "/badge.svg",
        Route::Badge,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/privacy",
        Route::Privacy,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/pledges",
        Route::PledgeCreate,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/pledges/:id",
        Route::PledgeThanks,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/pledges/:id/stop",
        Route::PledgeStopPage,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/pledges/:id/stop",
        Route::PledgeStop,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/sandbox/checkout/:id",
        Route::SandboxPage,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/sandbox/checkout/:id",
        Route::SandboxAct,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/comments",
        Route::CommentCreate,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/comments/:id/delete",
        Route::CommentDeletePage,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/comments/:id/delete",
        Route::CommentDelete,
        Scope::BothLanguages,
    ),
    (
        Method::Post,
        "/volunteer",
        Route::VolunteerCreate,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/volunteer/thanks",
        Route::VolunteerThanks,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/updates",
        Route::UpdatesList,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/updates.atom",
        Route::UpdatesFeed,
        Scope::BothLanguages,
    ),
    (
        Method::Get,
        "/updates/:id",
        Route::UpdatePage,
        Scope::BothLanguages,
    ),
    (Method::Get, "/admin", Route::AdminIndex, Scope::Once),
    (Method::Get, "/admin/", Route::AdminIndex, Scope::Once),
    (Method::Post, "/admin/login", Route::AdminLogin, Scope::Once),
    (
        Method::Post,
        "/admin/logout",
        Route::AdminLogout,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/comments",
        Route::AdminComments,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/comments/:id/:action",
        Route::AdminModerate,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/waiting",
        Route::AdminWaiting,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/pledges",
        Route::AdminPledges,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/pledges.csv",
        Route::AdminPledgesCsv,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/volunteers",
        Route::AdminVolunteers,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/volunteers.csv",
        Route::AdminVolunteersCsv,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/alerts/test",
        Route::AdminAlertTest,
        Scope::Once,
    ),
    (Method::Get, "/admin/erase", Route::AdminErase, Scope::Once),
    (
        Method::Post,
        "/admin/erase",
        Route::AdminEraseRun,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/erase/find",
        Route::AdminEraseFind,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/bootstrap",
        Route::AdminBootstrapPage,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/bootstrap",
        Route::AdminBootstrap,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/invite/:token",
        Route::AdminInvitePage,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/invite/:token",
        Route::AdminInvite,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/account",
        Route::AdminAccount,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/account/sessions/end",
        Route::AdminSessionsEnd,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/accounts",
        Route::AdminAccounts,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/accounts/invite",
        Route::AdminAccountInvite,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/accounts/:id/:action",
        Route::AdminAccountAction,
        Scope::Once,
    ),
    (Method::Get, "/admin/audit", Route::AdminAudit, Scope::Once),
    (
        Method::Get,
        "/admin/audit.csv",
        Route::AdminAuditCsv,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/sources",
        Route::AdminSources,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/updates",
        Route::AdminUpdates,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/updates",
        Route::AdminUpdateCreate,
        Scope::Once,
    ),
    (
        Method::Get,
        "/admin/updates/:id",
        Route::AdminUpdateEdit,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/updates/:id",
        Route::AdminUpdateSave,
        Scope::Once,
    ),
    (
        Method::Post,
        "/admin/updates/:id/:action",
        Route::AdminUpdateAction,
        Scope::Once,
    ),
];

/// Which of the two workers serves a route (ARCHITECTURE.md, "Two workers"): the **site**
/// answers what visitors read (every page, feed, badge and the public API), small enough to
/// start fast; the **office** answers every write (the visitors' forms, the providers'
/// webhooks), the maintainers' area and the scheduled jobs. The site passes the office's
/// requests on through a service binding, so the site stays one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Site,
    Office,
}

impl Route {
    /// The worker that serves this route. Every route is named: a new one must choose.
    pub fn part(self) -> Part {
        use Route::*;
        match self {
            Health | Robots | ApiCampaign | ApiCampaignPreflight | ApiPledge | Home
            | BenchRender | BenchD1 | Badge | KmRoot | PledgeThanks | PledgeStopPage
            | CommentDeletePage | VolunteerThanks | Privacy | UpdatesList | UpdatePage
            | UpdatesFeed | MethodNotAllowed | NotFound => Part::Site,
            WebhookStripe | WebhookStandard | PledgeCreate | PledgeStop | SandboxPage
            | SandboxAct | CommentCreate | CommentDelete | VolunteerCreate | AdminIndex
            | AdminLogin | AdminLogout | AdminComments | AdminModerate | AdminWaiting
            | AdminPledges | AdminPledgesCsv | AdminVolunteers | AdminVolunteersCsv
            | AdminAlertTest | AdminErase | AdminEraseFind | AdminEraseRun | AdminBootstrapPage
            | AdminBootstrap | AdminInvitePage | AdminInvite | AdminAccount | AdminSessionsEnd
            | AdminAccounts | AdminAccountInvite | AdminAccountAction | AdminAudit
            | AdminAuditCsv | AdminSources | AdminUpdates | AdminUpdateCreate | AdminUpdateEdit
            | AdminUpdateSave | AdminUpdateAction | AdminUnknown => Part::Office,
        }
    }
}

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
    ("/sandbox/checkout/:id", "/sandbox/checkout/{pledge}", 200),
    ("/volunteer/thanks", "/volunteer/thanks", 200),
    ("/privacy", "/privacy", 200),
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
            route: if method == Method::Get {
                Route::KmRoot
            } else {
                Route::MethodNotAllowed
            },
            lang: Lang::Km,
            params: Vec::new(),
        };
    }
    let (lang, rest) = Lang::split_path(path);
    let mut other_method = false;
    for (m, pattern, route, scope) in TABLE {
        let candidate = match (lang, scope) {
            (Lang::En, _) => path,
            (Lang::Km, Scope::BothLanguages) => rest,
            (Lang::Km, Scope::Once) => continue,
        };
        if let Some(params) = capture(pattern, candidate) {
            if *m == method {
                return Matched {
                    route: *route,
                    lang,
                    params,
                };
            }
            other_method = true;
        }
    }
    let route = if path.starts_with("/admin/") {
        Route::AdminUnknown
    } else if other_method {
        Route::MethodNotAllowed
    } else {
        Route::NotFound
    };
    Matched {
        route,
        lang,
        params: Vec::new(),
    }
}

/// Every route of the admin area in the table (each once), for the permission table's test
/// (`account::roles`): a new admin route cannot go without a row there.
pub fn admin_routes() -> impl Iterator<Item = Route> {
    TABLE
        .iter()
        .enumerate()
        .filter(|(i, (_, pattern, route, _))| {
            pattern.starts_with("/admin")
                && !TABLE[..*i]
                    .iter()
                    .any(|(_, _, earlier, _)| earlier == route)
        })
        .map(|(_, (_, _, route, _))| *route)
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
        assert_eq!(r(Method::Get, "/"), (Route::Home, Lang::En, vec![]));
        assert_eq!(r(Method::Get, "/km/"), (Route::Home, Lang::Km, vec![]));
        assert_eq!(r(Method::Get, "/km"), (Route::KmRoot, Lang::Km, vec![]));
        assert_eq!(
            r(Method::Post, "/km/pledges"),
            (Route::PledgeCreate, Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/pledges/abc"),
            (Route::PledgeThanks, Lang::Km, vec!["abc"])
        );
        assert_eq!(
            r(Method::Get, "/km/pledges/abc/stop"),
            (Route::PledgeStopPage, Lang::Km, vec!["abc"])
        );
        assert_eq!(
            r(Method::Post, "/pledges/abc/stop"),
            (Route::PledgeStop, Lang::En, vec!["abc"])
        );
        assert_eq!(r(Method::Get, "/pledges/abc/stop/x").0, Route::NotFound);
        assert_eq!(
            r(Method::Post, "/sandbox/checkout/x1"),
            (Route::SandboxAct, Lang::En, vec!["x1"])
        );
        assert_eq!(
            r(Method::Get, "/km/volunteer/thanks"),
            (Route::VolunteerThanks, Lang::Km, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/privacy"),
            (Route::Privacy, Lang::Km, vec![])
        );
        for (pattern, example, _) in VISITOR_PAGES {
            let path = example.replace("{pledge}", "p1").replace("{comment}", "7");
            assert_ne!(
                route(Method::Get, &path).route,
                Route::NotFound,
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

    #[test]
    fn the_site_reads_and_the_office_writes() {
        for (m, pattern, route, _) in TABLE {
            let part = route.part();
            // Every post is a write; every admin page is the maintainers'.
            if *m == Method::Post || pattern.starts_with("/admin") {
                assert_eq!(part, Part::Office, "{pattern}");
            }
        }
        // The pages a visitor reads, and what is not found, are the site's.
        for (pattern, example, _) in VISITOR_PAGES {
            if !pattern.starts_with("/sandbox") {
                let path = example.replace("{pledge}", "p1").replace("{comment}", "7");
                assert_eq!(
                    route(Method::Get, &path).route.part(),
                    Part::Site,
                    "{pattern}"
                );
            }
        }
        assert_eq!(route(Method::Get, "/nothing-here").route.part(), Part::Site);
        assert_eq!(
            route(Method::Get, "/admin/elsewhere").route.part(),
            Part::Office
        );
        assert_eq!(
            route(Method::Get, "/sandbox/checkout/p1").route.part(),
            Part::Office
        );
    }

    #[test]
    fn every_visitor_get_of_the_table_is_listed_for_the_tests() {
        for (m, pattern, _, scope) in TABLE {
            if *m == Method::Get
                && *scope == Scope::BothLanguages
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
            (Route::Badge, Lang::En, vec![])
        );
        assert_eq!(
            r(Method::Get, "/km/badge.svg"),
            (Route::Badge, Lang::Km, vec![])
        );
        assert_eq!(r(Method::Post, "/badge.svg").0, Route::MethodNotAllowed);
        assert_eq!(
            r(Method::Options, "/api/campaign").0,
            Route::ApiCampaignPreflight
        );
        assert_eq!(r(Method::Get, "/api/campaign").0, Route::ApiCampaign);
        for m in [Method::Post, Method::Other] {
            assert_eq!(r(m, "/api/campaign").0, Route::MethodNotAllowed);
        }
        // No other route answers a preflight.
        assert_eq!(r(Method::Options, "/").0, Route::MethodNotAllowed);
        assert_eq!(
            r(Method::Options, "/api/pledges/x").0,
            Route::MethodNotAllowed
        );
        assert_eq!(r(Method::Options, "/km/api/campaign").0, Route::NotFound);
    }

    #[test]
    fn platform_routes_exist_once() {
        assert_eq!(r(Method::Get, "/healthz").0, Route::Health);
        assert_eq!(r(Method::Get, "/km/healthz").0, Route::NotFound);
        assert_eq!(r(Method::Post, "/webhooks/stripe").0, Route::WebhookStripe);
        assert_eq!(r(Method::Post, "/km/webhooks/stripe").0, Route::NotFound);
        assert_eq!(
            r(Method::Get, "/api/pledges/abc"),
            (Route::ApiPledge, Lang::En, vec!["abc"])
        );
    }

    #[test]
    fn wrong_methods_empty_segments_and_unknown_paths() {
        assert_eq!(r(Method::Get, "/pledges").0, Route::MethodNotAllowed);
        assert_eq!(
            r(Method::Get, "/webhooks/stripe").0,
            Route::MethodNotAllowed
        );
        assert_eq!(r(Method::Other, "/").0, Route::MethodNotAllowed);
        assert_eq!(
            r(Method::Get, "/pledges/").0,
            Route::NotFound,
            "an empty id is no id"
        );
        assert_eq!(r(Method::Get, "/pledges/a/b").0, Route::NotFound);
        assert_eq!(r(Method::Get, "/nope").0, Route::NotFound);
        assert_eq!(
            r(Method::Get, "/km/nope"),
            (Route::NotFound, Lang::Km, vec![])
        );
        assert_eq!(r(Method::Get, "/kmx").0, Route::NotFound);
    }

    #[test]
    fn every_path_under_admin_stays_in_the_admin_area() {
        assert_eq!(r(Method::Get, "/admin").0, Route::AdminIndex);
        assert_eq!(r(Method::Get, "/admin/").0, Route::AdminIndex);
        assert_eq!(
            r(Method::Post, "/admin/comments/12/approve"),
            (Route::AdminModerate, Lang::En, vec!["12", "approve"])
        );
        for path in ["/admin/pledges.csv/", "/admin/nope", "/admin/login"] {
            assert_eq!(r(Method::Get, path).0, Route::AdminUnknown, "{path}");
        }
        assert_eq!(r(Method::Post, "/admin/pledges").0, Route::AdminUnknown);
        assert_eq!(r(Method::Get, "/admin/erase").0, Route::AdminErase);
        assert_eq!(r(Method::Post, "/admin/erase").0, Route::AdminEraseRun);
        assert_eq!(
            r(Method::Post, "/admin/erase/find").0,
            Route::AdminEraseFind
        );
        for (method, path) in [
            (Method::Get, "/admin/erase/find"),
            (Method::Other, "/admin/erase"),
            (Method::Post, "/admin/erase/"),
        ] {
            assert_eq!(r(method, path).0, Route::AdminUnknown, "{path}");
        }
        assert_eq!(r(Method::Get, "/km/admin/erase").0, Route::NotFound);
        assert_eq!(r(Method::Get, "/km/admin").0, Route::NotFound);
        assert_eq!(
            r(Method::Post, "/admin/updates/4/publish"),
            (Route::AdminUpdateAction, Lang::En, vec!["4", "publish"])
        );
        assert_eq!(r(Method::Get, "/admin/updates").0, Route::AdminUpdates);
        assert_eq!(
            r(Method::Post, "/admin/updates").0,
            Route::AdminUpdateCreate
        );
        assert_eq!(r(Method::Get, "/admin/updates/4").0, Route::AdminUpdateEdit);
        assert_eq!(
            r(Method::Post, "/admin/updates/4").0,
            Route::AdminUpdateSave
        );
    }

    #[test]
    fn updates_and_their_feeds_exist_in_both_languages() {
        assert_eq!(
            r(Method::Get, "/km/updates/12"),
            (Route::UpdatePage, Lang::Km, vec!["12"])
        );
        assert_eq!(r(Method::Get, "/updates").0, Route::UpdatesList);
        assert_eq!(r(Method::Get, "/updates.atom").0, Route::UpdatesFeed);
        assert_eq!(
            r(Method::Get, "/km/updates.atom"),
            (Route::UpdatesFeed, Lang::Km, vec![])
        );
        assert_eq!(r(Method::Get, "/updates/").0, Route::NotFound);
        assert_eq!(r(Method::Post, "/updates").0, Route::MethodNotAllowed);
    }
}
