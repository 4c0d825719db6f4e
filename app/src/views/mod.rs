//! The pages, as pure functions of the data the worker loaded.
//!
//! Every visible word comes from [`Text`]; every value a visitor typed goes into `view!` as a
//! value, so Leptos escapes it. `inner_html` is used only for markup the program made itself:
//! the site's own stylesheet, and in the admin area the chart's SVG
//! ([`crate::admin::paid_per_day_svg`], numbers and dates only). `<textarea>` content is the
//! one exception Leptos leaves to us, see [`textarea_text`].

pub mod accounts;
pub mod admin;
pub mod admin_updates;
pub mod badge;
mod comments;
mod holes;
mod home;
mod manage;
mod pages;
mod pledge_erase;
mod pledge_form;
mod privacy;
mod shield;
pub mod sources;
mod updates;
mod upsell;

pub use comments::CommentFormState;
pub use holes::{Hole, Part, Placed, Template};
pub use home::{home, HomePage, VolunteerFormState};
pub use manage::manage;
pub use pages::{
    checkout_failed, comment_delete, comment_deleted, comment_not_yours, cross_site, error_page,
    not_found, pledge_nothing_to_stop, pledge_stop, pledge_stop_failed, pledge_thanks,
    sandbox_checkout, volunteer_thanks, OwnComment, PledgePage,
};
pub use pledge_erase::{pledge_erase, pledge_nothing_to_erase, PledgeErase};
pub use pledge_form::PledgeFormState;
pub use privacy::privacy;
pub use shield::{giving_closed, giving_paused, pledge_too_fast};
pub use updates::{update_page, updates_list};
pub use upsell::{upsell_step, UpsellStep};

use crate::content::{Text, CSS};
use crate::form::Problems;
use crate::i18n::Lang;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;

/// Where a page's links point beyond the page itself: the site's origin, for absolute links,
/// and the campaign's address for people who write to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Links<'a> {
    /// The site's origin (`https://example.org`) for absolute links (canonical, hreflang,
    /// `og:url`): the configured `SITE_URL`, or without one the request's (`Ctx::links`).
    pub origin: &'a str,
    /// `CONTACT_EMAIL`, when it is set: in every page's footer, and on the privacy page as the
    /// way to ask for an erasure (without it, the page says how else to ask).
    pub contact: Option<&'a str>,
}

/// An origin alone, without a contact address.
impl<'a> From<&'a str> for Links<'a> {
    fn from(origin: &'a str) -> Links<'a> {
        Links {
            origin,
            contact: None,
        }
    }
}

/// Where a page lives, so the shell can link it in both languages.
pub struct PageMeta<'a> {
    pub lang: Lang,
    pub links: Links<'a>,
    /// The language-neutral path (`/`, `/pledges/…`).
    pub path: &'a str,
    pub title: String,
    /// `false` for pages that must not be indexed (a pledge's thank-you page, errors).
    pub index: bool,
}

/// `<!DOCTYPE html>` and the shell around a page's `<main>`.
///
/// Generic over the page's `main`, so compiled once per page: the head, the header and the
/// footer are functions of their own, each of one type whatever the page, so that their
/// rendering is compiled once into the wasm instead of into every page's copy of this.
pub fn document(meta: PageMeta<'_>, main: impl IntoView + 'static) -> String {
    document_with_holes(meta, main).into_text()
}

/// [`document`] for a page that leaves per-visitor values open ([`Placed::Hole`]): its
/// literal parts and its holes ([`Template`]), which each response fills.
pub fn document_with_holes(meta: PageMeta<'_>, main: impl IntoView + 'static) -> Template {
    let lang = meta.lang;
    holes::render(|| {
        Owner::new().with(|| {
            view! {
                <html lang=lang.code()>
                    {head(&meta)}
                    <body>
                        {header(lang, meta.path)}
                        <main id="main">{main}</main>
                        {footer(lang, meta.links.contact)}
                    </body>
                </html>
            }
            .to_html()
        })
    })
}

/// Every page's `<head>`: its title, canonical and hreflang links, Open Graph tags, the feed,
/// the stylesheet.
#[inline(never)]
fn head(meta: &PageMeta<'_>) -> impl IntoView {
    let lang = meta.lang;
    let t = lang.text();
    let other = lang.other();
    let origin = meta.links.origin;
    let en = format!("{origin}{}", Lang::En.href(meta.path));
    let km = format!("{origin}{}", Lang::Km.href(meta.path));
    let canonical = format!("{origin}{}", lang.href(meta.path));
    let robots = if meta.index {
        "index,follow"
    } else {
        "noindex"
    };
    let title = meta.title.clone();
    // Link previews where people share the page (Open Graph), from the same origin as the
    // canonical link.
    let open_graph = [
        ("og:type", "website".to_string()),
        ("og:site_name", t.site_name.to_string()),
        ("og:title", title.clone()),
        ("og:description", t.meta_description.to_string()),
        ("og:url", canonical.clone()),
        ("og:locale", lang.og_locale().to_string()),
        ("og:locale:alternate", other.og_locale().to_string()),
    ]
    .map(|(property, content)| {
        leptos::html::meta()
            .attr("property", property)
            .attr("content", content)
    });
    let feed = lang.href("/updates.atom");
    view! {
        <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width,initial-scale=1"/>
            <title>{title}</title>
            <meta name="description" content=t.meta_description/>
            <meta name="robots" content=robots/>
            // No icon to fetch: one request less on a slow network, no 404 in the console.
            <link rel="icon" href="data:,"/>
            <link rel="canonical" href=canonical/>
            <link rel="alternate" hreflang="en" href=en.clone()/>
            <link rel="alternate" hreflang="km" href=km/>
            <link rel="alternate" hreflang="x-default" href=en/>
            {open_graph}
            <link rel="alternate" type="application/atom+xml" href=feed title=t.updates_title/>
            <style inner_html=CSS></style>
        </head>
    }
}

/// Every page's header: the skip link, the campaign's name, the language switch (in the
/// other language: its words, its hint and its `lang`), the sections.
#[inline(never)]
fn header(lang: Lang, path: &str) -> impl IntoView {
    let t = lang.text();
    let other = lang.other();
    let home = lang.href("/");
    view! {
        <a class="skip" href="#main">{t.skip_link}</a>
        <header class="site">
            <div class="bar">
                <a class="brand" href=home.clone()>{t.site_name}</a>
                <a class="lang-switch" href=other.href(path) hreflang=other.code() lang=other.code() title=t.switch_hint>
                    {t.switch_label}
                </a>
            </div>
            <nav class="bar" aria-label=t.nav_label>
                <ul>
                    <li><a href=format!("{home}#give")>{t.nav_give}</a></li>
                    <li><a href=format!("{home}#story")>{t.nav_story}</a></li>
                    <li><a href=format!("{home}#comments")>{t.nav_comments}</a></li>
                    <li><a href=format!("{home}#involved")>{t.nav_involved}</a></li>
                </ul>
            </nav>
        </header>
    }
}

/// Every page's footer: what the site never shows, the campaign's address when
/// `CONTACT_EMAIL` is set, the privacy page, "Manage my monthly gift". Its own function, of one type whatever the page,
/// so its rendering is compiled once rather than into every page's `document`.
#[inline(never)]
fn footer(lang: Lang, contact: Option<&str>) -> impl IntoView {
    let t = lang.text();
    let contact = contact.map(|email| {
        view! { <p id="contact">{t.contact_label}" "<a href=format!("mailto:{email}")>{email.to_string()}</a></p> }
    });
    view! {
        <footer>
            <p>{t.footer}</p>
            {contact}
            <p><a href=lang.href("/privacy")>{t.privacy_footer_link}</a></p>
            <p><a href=lang.href("/manage")>{t.manage_title}</a></p>
        </footer>
    }
}

/// The page as it is sent: `<!DOCTYPE html>`, then the rendered `<html>` element without the
/// `<!>` markers tachys writes, before the worker computes its ETag. [`document`] sends every
/// visitor page through here; the admin area's shell should too (it still prepends the
/// doctype itself).
///
/// tachys puts an empty comment `<!>` between two adjacent text nodes, after every list and
/// for every empty view, so that a hydrating client can find its places again. These pages
/// are never hydrated (no script runs on them), and the Nu HTML checker counts each marker as
/// an error (a "bogus comment"): they were nearly every one of its errors. Removing them
/// changes nothing a browser shows: the text nodes they separated merge into one.
///
/// Nothing else can spell `<!>`: every text and attribute value a visitor sends is escaped
/// (`<` becomes `&lt;`), `<textarea>` content by [`textarea_text`], and the rest is markup
/// the program made (the stylesheet, the chart, the QR code), which has none; so every `<!>`
/// here is a marker (`app/tests/markers.rs` holds visitor text to it). The holes a kept page
/// leaves for per-visitor values are not in the text at all: the renderer records where they
/// are ([`Template`]), and the strip runs on the literal parts between them.
///
/// One pass and one allocation: the copy that prepends the doctype skips the markers. It looks
/// for each `!` and then at its two neighbours: `<` opens every tag, `!` is rare (the markers,
/// now and then a visitor's or our own text), so this is several times faster than searching
/// for `<!>` itself (about 4 µs instead of 15 to 25 for the campaign page, natively).
pub(crate) fn page_html(rendered: &str) -> String {
    const DOCTYPE: &str = "<!DOCTYPE html>";
    let mut out = String::with_capacity(DOCTYPE.len() + rendered.len());
    out.push_str(DOCTYPE);
    strip_markers(rendered, &mut out);
    out
}

/// Appends `rendered` to `out` without its `<!>` markers ([`page_html`]).
fn strip_markers(rendered: &str, out: &mut String) {
    let bytes = rendered.as_bytes();
    // Copied up to `copied`; searched up to `next`.
    let (mut copied, mut next) = (0, 0);
    while let Some(found) = rendered[next..].find('!') {
        let bang = next + found;
        next = bang + 1;
        if bang > copied && bytes[bang - 1] == b'<' && bytes.get(bang + 1) == Some(&b'>') {
            out.push_str(&rendered[copied..bang - 1]);
            copied = bang + 2;
            next = copied;
        }
    }
    out.push_str(&rendered[copied..]);
}

/// The link to the privacy page that stands by each form's send button.
#[component]
fn PrivacyLink(lang: Lang) -> impl IntoView {
    let t = lang.text();
    view! { <p class="hint"><a href=lang.href("/privacy")>{t.privacy_form_link}</a></p> }
}

/// The hidden field that brings an answer back in the visitor's language.
#[component]
fn LangField(lang: Lang) -> impl IntoView {
    view! { <input type="hidden" name="lang" value=lang.code()/> }
}

/// How long a field may be, as its reader counts characters (the server's limit: see
/// `form::length`), said under the field.
#[component]
fn LengthHint(lang: Lang, max: usize) -> impl IntoView {
    let says = crate::content::fill(
        lang.text().hint_max_chars,
        &[("n", &lang.number(max as i64))],
    );
    view! { <p class="hint">{says}</p> }
}

/// The `maxlength` of a field whose limit is `max` characters. The browser counts UTF-16 code
/// units, not what a reader sees (a Khmer cluster is several), so this is only an outer
/// ceiling, four times the limit; the server counts and says the real one.
fn outer_max(max: usize) -> String {
    (max * 4).to_string()
}

/// A form's fields, for naming its problems: the name a problem is keyed by
/// (`form::Problems`), the id of the control a link in the summary moves to, and the words
/// that name the field there.
pub(crate) struct FormFields {
    /// Starts the ids of the form's messages (`pledge-email-error`): the campaign page carries
    /// three forms, and an id is the page's once.
    pub form: &'static str,
    pub fields: &'static [Field],
}

/// One field of a [`FormFields`].
pub(crate) struct Field {
    pub name: &'static str,
    /// The id of its control (or of its fieldset, for a group of choices).
    pub control: &'static str,
    /// Its label, said before the problem in the summary; `None` where the problem names the
    /// field itself.
    pub label: Option<fn(&'static Text) -> &'static str>,
}

impl FormFields {
    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn error_id(&self, field: &str) -> String {
        format!("{}-{field}-error", self.form)
    }

    /// `aria-describedby` for a field that has a problem.
    fn described_by(&self, problems: &Problems, field: &str) -> Option<String> {
        problems.for_field(field).map(|_| self.error_id(field))
    }
}

/// The problem with one field, if any, worded in the visitor's language, beside the field.
#[component]
fn FieldError(
    t: &'static Text,
    fields: &'static FormFields,
    problems: Problems,
    field: &'static str,
) -> impl IntoView {
    problems.for_field(field).map(|p| {
        let id = fields.error_id(field);
        view! { <p class="error" id=id>{p.message(t)}</p> }
    })
}

/// The summary of a form that came back with mistakes: the first element of the part of the
/// page its form posts to (`action="/pledges#give"`: the browser keeps the fragment on the
/// answer and scrolls there), one line per problem, each linking to its field. Its heading is
/// an `h2` where it stands before the form's own `h2` (or under the page's `h1`), an `h3`
/// inside a form headed by an `h3` (the comment form), so no heading level is skipped.
#[component]
fn ErrorSummary(
    t: &'static Text,
    fields: &'static FormFields,
    problems: Problems,
    #[prop(optional)] h2: bool,
) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        let items = problems
            .0
            .iter()
            .map(|(name, p)| match fields.field(name) {
                Some(f) => {
                    let says = match f.label {
                        Some(label) => crate::content::fill(
                            t.form_error_item,
                            &[("field", label(t)), ("problem", &p.message(t))],
                        ),
                        None => p.message(t),
                    };
                    let href = format!("#{}", f.control);
                    Either::Left(view! { <li><a href=href>{says}</a></li> })
                }
                None => Either::Right(view! { <li>{p.message(t)}</li> }),
            })
            .collect_view();
        let heading = if h2 {
            Either::Left(view! { <h2>{t.form_errors_heading}</h2> })
        } else {
            Either::Right(view! { <h3>{t.form_errors_heading}</h3> })
        };
        view! {
            <div class="errors" role="alert" id=format!("{}-errors", fields.form)>
                {heading}
                <ul>{items}</ul>
            </div>
        }
    })
}

/// A page's title, starting with the first problem when a form on it came back with some:
/// the first thing a screen reader says, and what a tab shows.
fn title_with(t: &'static Text, problems: &Problems, title: String) -> String {
    match problems.0.first() {
        Some((_, p)) => crate::content::fill(
            t.error_title,
            &[("problem", &p.message(t)), ("title", &title)],
        ),
        None => title,
    }
}

/// The text of a `<textarea>`, escaped by us.
///
/// Leptos 0.8 (tachys 0.2) marks `<textarea>` as an element whose children are *not* escaped, like
/// `<style>`, so a visitor's `</textarea><script>` sent back in an error page would break out of
/// the field. Escaping `&`, `<` and `>` here is exact: a textarea decodes entities, so the
/// visitor sees precisely what they typed. `views::tests` guards this.
fn textarea_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn invalid(problems: &Problems, field: &str) -> Option<&'static str> {
    problems.for_field(field).map(|_| "true")
}

#[cfg(test)]
mod tests;
