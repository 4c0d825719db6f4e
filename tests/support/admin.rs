//! Signing in to the maintainers' area, in one place: every test that needs a session asks
//! [`sign_in`] for one. The way in is a named account with a second factor: this worker's
//! owner, made on first use with the bootstrap secret (`support::accounts`). And the list of
//! the area's pages the tests walk.

pub use super::accounts::AdminSession;
use super::Worker;

/// Signs this worker's owner in from the visitor address `ip` and returns the session.
pub fn sign_in(w: &Worker, ip: &str) -> AdminSession {
    w.sign_in_owner(ip)
}

/// Every admin page a signed-in owner reads, as `(name, path, an element the loaded page has)`.
/// A new page goes here and gets the browser's layout and accessibility checks
/// (`browser::every_admin_page_fits_a_phone_and_a_desktop`) and the HTML checker's
/// (`html::every_page_served_is_valid_html`).
pub const PAGES: &[(&str, &str, &str)] = &[
    ("overview", "/admin", "ul.stats"),
    (
        "comments-held",
        "/admin/comments?status=held",
        "ol.comments",
    ),
    (
        "comments-approved",
        "/admin/comments?status=approved",
        "ol.comments",
    ),
    (
        "comments-spam",
        "/admin/comments?status=spam",
        "ol.comments",
    ),
    ("waiting", "/admin/waiting", "ol.comments"),
    (
        "sources",
        "/admin/sources?code=chapter-paris&tier=women-radio&lang=km",
        "#share-link",
    ),
    ("updates", "/admin/updates", "#new-update"),
    ("pledges", "/admin/pledges", "#monthly table"),
    (
        "pledges-paid",
        "/admin/pledges?status=paid",
        "#list-heading",
    ),
    ("volunteers", "/admin/volunteers", "table"),
    ("erase", "/admin/erase", "#erase-email"),
    ("team", "/admin/accounts", "#team-heading"),
    ("audit", "/admin/audit", "#audit-action"),
    ("account", "/admin/account", "#sessions-heading"),
];
