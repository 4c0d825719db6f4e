//! Maintainers for the tests, made the way a campaign makes them: the first owner through the
//! bootstrap secret, the others invited by an owner, each taking the invitation (a password,
//! then the second factor confirmed with a code) over HTTP. Codes come from an independent TOTP
//! implementation (the `otpauth` npm package, [`super::totp`]).
//!
//! A code is accepted once per 30-second step, and tests sign in far more often than that: each
//! sign-in of a maintainer moves the worker's clock one more step ahead of the last one
//! (`X-Test-Clock-Offset`, honoured on loopback only), so every code is for a step that
//! maintainer never used; their sign-ins are taken one at a time, so a later step never
//! overtakes an earlier one. Enrolment uses the real time, so a browser can sign in once
//! with the code of the next step ([`Maintainer::browser_code`]).

use super::race::Racer;
use super::{now, test_var, Resp, Worker};
use std::sync::{Arc, Mutex};

/// A maintainer the tests can sign in as.
#[derive(Clone, Debug)]
pub struct Maintainer {
    pub name: String,
    pub password: String,
    /// The TOTP secret as the enrolment page showed it (base32).
    pub secret: String,
    /// The recovery codes, as shown once.
    pub recovery: Vec<String>,
    /// Steps ahead of the real time the last sign-in used; held during a sign-in.
    steps: Arc<Mutex<i64>>,
}

impl Maintainer {
    /// A maintainer whose enrolment a test drove itself.
    pub fn new(name: &str, password: &str, secret: &str, recovery: Vec<String>) -> Maintainer {
        Maintainer {
            name: name.to_string(),
            password: password.to_string(),
            secret: secret.to_string(),
            recovery,
            steps: Arc::new(Mutex::new(0)),
        }
    }

    /// The code of the step after enrolment, at the real time: what a browser types for the
    /// first sign-in of a fresh maintainer (accepted one step early).
    pub fn browser_code(&self) -> String {
        super::totp(&self.secret, now() + 30)
    }
}

/// A signed-in session: its cookie and the CSRF token of its forms.
#[derive(Clone, Debug)]
pub struct AdminSession {
    pub cookie: String,
    pub csrf: String,
}

/// The text between `start` and the next `end` in `html`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = html.find(start)? + start.len();
    html[i..].split(end).next()
}

/// The token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    between(html, r#"name="csrf" value=""#, "\"")
        .unwrap_or_else(|| panic!("no csrf field: {html}"))
        .to_string()
}

/// The password every test maintainer chooses: long, not common, and without a name in it.
pub const PASSWORD: &str = "seven quiet rivers meet at dawn";

/// An invitation's first step at `path` (`/admin/invite/{token}`): [`PASSWORD`] chosen. The
/// TOTP secret the next page shows (base32).
pub fn choose_password(w: &Worker, path: &str, ip: &str) -> String {
    let r = w.post_form(
        path,
        ip,
        &[
            ("step", "password"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ],
    );
    assert_eq!(r.status, 200, "the password step: {}", r.body);
    between(&r.body, r#"<code id="totp-secret">"#, "<")
        .unwrap_or_else(|| panic!("no secret shown: {}", r.body))
        .to_string()
}

/// The recovery codes an enrolment's page shows (none when it shows none).
pub fn recovery_codes(html: &str) -> Vec<String> {
    between(html, r#"id="recovery-codes""#, "</ul>")
        .map(|list| {
            list.split("<code>")
                .skip(1)
                .filter_map(|c| c.split('<').next())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Takes an invitation at `path` (`/admin/invite/{token}`) as `name`: the password, then the
/// code of the secret the page shows. The maintainer, with their recovery codes.
pub fn take_invitation(w: &Worker, path: &str, name: &str, ip: &str) -> Maintainer {
    let secret = choose_password(w, path, ip);
    let code = super::totp(&secret, now());
    let r = w.post_form(path, ip, &[("step", "confirm"), ("code", &code)]);
    assert_eq!(r.status, 200, "the code step: {}", r.body);
    let recovery = recovery_codes(&r.body);
    assert!(!recovery.is_empty(), "no recovery codes: {}", r.body);
    Maintainer::new(name, PASSWORD, &secret, recovery)
}

/// Makes the first owner with the bootstrap secret (on a worker that has none yet).
pub fn bootstrap(w: &Worker, name: &str, ip: &str) -> Maintainer {
    let r = w.post_form(
        "/admin/bootstrap",
        ip,
        &[("secret", test_var("BOOTSTRAP_SECRET")), ("name", name)],
    );
    assert_eq!(r.status, 303, "bootstrap: {}", r.body);
    let path = r.header("Location").unwrap_or_default().to_string();
    take_invitation(w, &path, name, ip)
}

/// Posts the sign-in form for `m` with `code`, the worker's clock moved by `offset` seconds.
pub fn sign_in_at(w: &Worker, m: &Maintainer, ip: &str, code: &str, offset: i64) -> Resp {
    w.request(
        "POST",
        "/admin/login",
        &[
            ("CF-Connecting-IP", ip),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Test-Clock-Offset", &offset.to_string()),
        ],
        Some(
            super::encode_form(&[("name", &m.name), ("password", &m.password), ("code", code)])
                .as_bytes(),
        ),
    )
}

/// Posts the sign-in form with a code made for a step this maintainer never used, at that
/// step's time (or with `code`, at that time).
pub fn sign_in_raw(w: &Worker, m: &Maintainer, ip: &str, code: Option<&str>) -> Resp {
    let mut steps = m.steps.lock().unwrap_or_else(|e| e.into_inner());
    let (offset, made) = next_code(m, &mut steps);
    sign_in_at(w, m, ip, code.unwrap_or(&made), offset)
}

/// The clock offset of a step `m` never used, and its code.
fn next_code(m: &Maintainer, steps: &mut i64) -> (i64, String) {
    *steps += 2;
    let offset = *steps * 30;
    (offset, super::totp(&m.secret, now() + offset))
}

/// [`sign_in_raw`]'s post as one request of a race ([`Worker::race`]).
pub fn sign_in_racer(m: &Maintainer, ip: &str) -> Racer {
    let mut steps = m.steps.lock().unwrap_or_else(|e| e.into_inner());
    let (offset, code) = next_code(m, &mut steps);
    Racer::form(
        "/admin/login",
        ip,
        &[("X-Test-Clock-Offset", &offset.to_string())],
        &[
            ("name", &m.name),
            ("password", &m.password),
            ("code", &code),
        ],
    )
}

/// An admin post in the session `s`, with its CSRF token first, as one request of a race.
pub fn signed_in_racer(s: &AdminSession, path: &str, ip: &str, fields: &[(&str, &str)]) -> Racer {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    Racer::form(path, ip, &[("Cookie", &s.cookie)], &all)
}

/// Signs `m` in from `ip`: the session's cookie and its forms' token.
pub fn sign_in(w: &Worker, m: &Maintainer, ip: &str) -> AdminSession {
    let r = sign_in_raw(w, m, ip, None);
    assert_eq!(r.status, 303, "sign-in of {}: {}", m.name, r.body);
    let cookie = r.cookie();
    assert!(!cookie.is_empty(), "no session cookie: {:?}", r.headers);
    let overview = w.request(
        "GET",
        "/admin",
        &[("CF-Connecting-IP", ip), ("Cookie", &cookie)],
        None,
    );
    assert_eq!(overview.status, 200, "{}", overview.body);
    AdminSession {
        cookie,
        csrf: csrf_of(&overview.body),
    }
}

/// An owner invites `name` with `roles` (`role` values: owner, moderator, finance, organiser);
/// the invitee takes the invitation. The owner's session is `by`.
pub fn invite(w: &Worker, by: &AdminSession, ip: &str, name: &str, roles: &[&str]) -> Maintainer {
    let mut fields = vec![("csrf", by.csrf.as_str()), ("name", name)];
    fields.extend(roles.iter().map(|r| ("role", *r)));
    let r = w.request(
        "POST",
        "/admin/accounts/invite",
        &[
            ("CF-Connecting-IP", ip),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &by.cookie),
        ],
        Some(super::encode_form(&fields).as_bytes()),
    );
    assert_eq!(r.status, 200, "invite {name}: {}", r.body);
    let link = between(&r.body, r#"<code id="invitation-link">"#, "<")
        .unwrap_or_else(|| panic!("no link: {}", r.body));
    let path = &link[link.find("/admin/invite/").unwrap_or(0)..];
    take_invitation(w, path, name, ip)
}

impl Worker {
    /// GETs `path` in the session `s`, from the visitor address `ip`.
    pub fn get_signed_in(&self, s: &AdminSession, path: &str, ip: &str) -> Resp {
        self.request(
            "GET",
            path,
            &[("CF-Connecting-IP", ip), ("Cookie", &s.cookie)],
            None,
        )
    }

    /// POSTs a form in the session `s`, from `ip`, with the session's CSRF token first.
    pub fn post_signed_in(
        &self,
        s: &AdminSession,
        path: &str,
        ip: &str,
        fields: &[(&str, &str)],
    ) -> Resp {
        let mut all = vec![("csrf", s.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_with(path, ip, &[("Cookie", &s.cookie)], &all)
    }

    /// This worker's first owner, made on first use.
    pub fn owner(&self) -> &Maintainer {
        self.owner
            .get_or_init(|| bootstrap(self, "owner", "198.51.100.250"))
    }

    /// A session of this worker's owner, from `ip`.
    pub fn sign_in_owner(&self, ip: &str) -> AdminSession {
        let owner = self.owner().clone();
        sign_in(self, &owner, ip)
    }
}
