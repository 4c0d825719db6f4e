//! Every cookie the site sets, declared once: its name, what it is for (in both languages), how
//! long it lasts, where it travels and its attributes. Every `Set-Cookie` the workers send is
//! built from its declaration ([`Cookie::set`], [`Cookie::clear`]), and the privacy page lists
//! [`SITE`] and [`ZONE`] from here, so no cookie exists that the page does not name
//! (`views::tests` checks the page, `tests/it/cookies.rs` every `Set-Cookie` the visitors' and
//! maintainers' flows receive).
//!
//! **A later change that adds a cookie declares it here**: a [`Cookie`] in [`SITE`], its purpose
//! as a `cookie_*` key in both `content/*.toml`, and its `Set-Cookie` built with [`Cookie::set`].

use crate::content::Text;
use crate::retention::DAY;

/// What a cookie is for, as the privacy page says it in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The visitor's own comments ([`OWN_COMMENTS`]).
    OwnComments,
    /// A maintainer's session ([`ADMIN_SESSION`]).
    AdminSession,
    /// A browser a maintainer signed in with before ([`ADMIN_DEVICE`]).
    AdminDevice,
    /// Cloudflare Access, in front of `/admin` (maintainers only).
    CloudflareAccess,
    /// Cloudflare's bot protection, when the campaign switches it on.
    CloudflareBots,
    /// A Cloudflare challenge passed, when the zone asks for one.
    CloudflareChallenge,
}

impl Purpose {
    pub fn words(self, t: &Text) -> &'static str {
        match self {
            Purpose::OwnComments => t.cookie_own_comments,
            Purpose::AdminSession => t.cookie_admin_session,
            Purpose::AdminDevice => t.cookie_admin_device,
            Purpose::CloudflareAccess => t.cookie_cloudflare_access,
            Purpose::CloudflareBots => t.cookie_cloudflare_bots,
            Purpose::CloudflareChallenge => t.cookie_cloudflare_challenge,
        }
    }
}

/// `SameSite`: `Lax` goes with a link followed from another site, `Strict` never does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
}

/// When a cookie is `Secure` (sent over HTTPS only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secure {
    /// On an `https://` request (a local `http://` run could not keep it otherwise).
    OnHttps,
    /// Always: browsers keep a `Secure` cookie on `http://localhost` too.
    Always,
}

/// A cookie the site sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cookie {
    pub name: &'static str,
    pub purpose: Purpose,
    /// How long the browser keeps it (`Max-Age`), in seconds.
    pub max_age: i64,
    /// Where it travels (`Path`).
    pub path: &'static str,
    pub same_site: SameSite,
    pub secure: Secure,
    /// Out of reach of scripts (`HttpOnly`); no page of the site runs one anyway.
    pub http_only: bool,
}

/// The ids of the comments a visitor wrote from this browser, sealed with its own key
/// (`keys::seal`), newest [`crate::comment::OWN_COOKIE_MAX`] only: with it they see their held
/// comments and may delete theirs for [`crate::comment::OWN_COOKIE_DAYS`].
pub const OWN_COMMENTS: Cookie = Cookie {
    name: "held",
    purpose: Purpose::OwnComments,
    max_age: crate::comment::OWN_COOKIE_DAYS * DAY,
    path: "/",
    same_site: SameSite::Lax,
    secure: Secure::OnHttps,
    http_only: true,
};

/// A maintainer's session: a random id only (D1 keeps its hash, `admin::session`), to `/admin`
/// alone. A session lasts 12 hours from login, however busy it is (`admin::SESSION_SECS` is
/// this). Not `__Host-`: that prefix demands `Path=/`.
pub const ADMIN_SESSION: Cookie = Cookie {
    name: "admin_session",
    purpose: Purpose::AdminSession,
    max_age: 12 * 60 * 60,
    path: "/admin",
    same_site: SameSite::Strict,
    secure: Secure::Always,
    http_only: true,
};

/// A browser that signed in to a maintainer's account before (#27, `admin::device`): a random
/// id and its tag, to `/admin` alone, for 180 days. Its sign-ins to that account are slowed
/// by its own failures only, so nobody who types the name elsewhere keeps its owner out.
pub const ADMIN_DEVICE: Cookie = Cookie {
    name: "admin_device",
    purpose: Purpose::AdminDevice,
    max_age: 180 * DAY,
    path: "/admin",
    same_site: SameSite::Strict,
    secure: Secure::Always,
    http_only: true,
};

/// Every cookie the site sets.
pub const SITE: [Cookie; 3] = [OWN_COMMENTS, ADMIN_SESSION, ADMIN_DEVICE];

/// A cookie Cloudflare may set on the campaign's domain, not the site: the privacy page names
/// it too. `max_age` is Cloudflare's default; the campaign may set another in the dashboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneCookie {
    pub name: &'static str,
    pub purpose: Purpose,
    pub max_age: i64,
}

/// What Cloudflare may set: Access in front of `/admin` (README, "Maintainers"), and bot
/// protection or a challenge, should the campaign switch them on for the zone.
pub const ZONE: [ZoneCookie; 3] = [
    ZoneCookie {
        name: "CF_Authorization",
        purpose: Purpose::CloudflareAccess,
        max_age: DAY,
    },
    ZoneCookie {
        name: "__cf_bm",
        purpose: Purpose::CloudflareBots,
        max_age: 30 * 60,
    },
    ZoneCookie {
        name: "cf_clearance",
        purpose: Purpose::CloudflareChallenge,
        max_age: 30 * 60,
    },
];

impl Cookie {
    /// `Set-Cookie` carrying `value`. `https`: the request came over HTTPS (for
    /// [`Secure::OnHttps`]). `value` must be a cookie value already (the site's are hex or
    /// base64url): nothing here quotes it.
    pub fn set(&self, value: &str, https: bool) -> String {
        self.header(value, self.max_age, https)
    }

    /// `Set-Cookie` that makes the browser forget it at once.
    pub fn clear(&self, https: bool) -> String {
        self.header("", 0, https)
    }

    fn header(&self, value: &str, max_age: i64, https: bool) -> String {
        let same_site = match self.same_site {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
        };
        let secure = match self.secure {
            Secure::Always => true,
            Secure::OnHttps => https,
        };
        format!(
            "{}={value}; Max-Age={max_age}; Path={}{}; SameSite={same_site}{}",
            self.name,
            self.path,
            if self.http_only { "; HttpOnly" } else { "" },
            if secure { "; Secure" } else { "" },
        )
    }

    /// The declaration of the cookie called `name`, if the site sets one.
    pub fn named(name: &str) -> Option<&'static Cookie> {
        SITE.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cookie_is_built_from_its_declaration() {
        assert_eq!(
            OWN_COMMENTS.set("abc", true),
            "held=abc; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            OWN_COMMENTS.clear(false),
            "held=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            ADMIN_SESSION.set("0f", false),
            "admin_session=0f; Max-Age=43200; Path=/admin; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            ADMIN_DEVICE.set("0f.1a", false),
            "admin_device=0f.1a; Max-Age=15552000; Path=/admin; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(
            ADMIN_SESSION.clear(true),
            "admin_session=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict; Secure"
        );
    }

    #[test]
    fn names_are_unique_and_every_purpose_is_worded() {
        let names: Vec<&str> = SITE
            .iter()
            .map(|c| c.name)
            .chain(ZONE.iter().map(|c| c.name))
            .collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "{n} declared twice");
            assert!(n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        }
        for t in [&crate::content::EN, &crate::content::KM] {
            for p in SITE
                .iter()
                .map(|c| c.purpose)
                .chain(ZONE.iter().map(|c| c.purpose))
            {
                assert!(!p.words(t).is_empty(), "{p:?}");
            }
        }
        assert_eq!(Cookie::named("held"), Some(&OWN_COMMENTS));
        assert_eq!(Cookie::named("__cf_bm"), None);
    }
}
