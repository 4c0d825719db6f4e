//! Signing in to the maintainers' area, in one place: every test that needs a session asks
//! [`sign_in`] for one, so the way in can change (named accounts, a second factor) here alone.

use super::{test_var, Worker};

/// A signed-in maintainer: the session cookie (`name=value`, as a `Cookie` header carries it)
/// and the session's CSRF token, which every form that changes something must carry.
pub struct AdminSession {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in from the visitor address `ip` and returns the session. Today: the shared
/// password (`ADMIN_PASSWORD` of the test instance) posted to `/admin/login`.
pub fn sign_in(w: &Worker, ip: &str) -> AdminSession {
    let r = w.post_form(
        "/admin/login",
        ip,
        &[("password", test_var("ADMIN_PASSWORD"))],
    );
    assert_eq!(r.status, 303, "sign in: {}", r.body);
    let cookie = r.cookie();
    assert!(!cookie.is_empty(), "no session cookie: {:?}", r.headers);
    let overview = w.request(
        "GET",
        "/admin",
        &[("CF-Connecting-IP", ip), ("Cookie", &cookie)],
        None,
    );
    assert_eq!(overview.status, 200, "overview after sign in");
    let field = r#"name="csrf" value=""#;
    let csrf = overview
        .body
        .find(field)
        .map(|i| &overview.body[i + field.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field on the overview: {}", overview.body))
        .to_string();
    AdminSession { cookie, csrf }
}
