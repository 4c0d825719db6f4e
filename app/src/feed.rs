//! The Atom 1.0 feeds of the campaign's updates (RFC 4287): `/updates.atom` and
//! `/km/updates.atom`.
//!
//! Every id and link is built from the site's configured address (`SITE_URL`), never from the
//! request's host, so a feed read through another name (a preview host, 127.0.0.1) still names
//! the real site and its ids never change. Each entry's content is HTML made here from the
//! plain text (paragraphs, and bare `https://` addresses as links), then escaped as XML text:
//! nothing a maintainer typed is ever markup.

use crate::i18n::Lang;
use crate::update::{pieces, Piece, Update, LINK_REL};

/// Escapes `s` as XML character data or a quoted attribute value (`&`, `<`, `>`, `"` and `'`,
/// the last as `&#x27;`: `html-escape`'s encoder, the one Leptos escapes with), dropping first
/// what XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF).
pub fn xml_escape(s: &str, out: &mut String) {
    let unfit = |c: char| matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if s.contains(unfit) {
        let fit: String = s.chars().filter(|c| !unfit(*c)).collect();
        html_escape::encode_quoted_attribute_to_string(fit, out);
    } else {
        html_escape::encode_quoted_attribute_to_string(s, out);
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    xml_escape(s, &mut out);
    out
}

/// An update's body as HTML: a `<p>` per paragraph, its addresses as links, every other
/// character escaped. `note` (the "not yet translated" line) comes first when given.
pub fn body_html(body: &str, note: Option<&str>) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    if let Some(note) = note {
        out.push_str("<p><em>");
        xml_escape(note, &mut out);
        out.push_str("</em></p>");
    }
    for p in crate::content::paragraphs(body) {
        out.push_str("<p>");
        for piece in pieces(p) {
            match piece {
                Piece::Text(t) => xml_escape(t, &mut out),
                Piece::Link(url) => {
                    out.push_str("<a href=\"");
                    xml_escape(url, &mut out);
                    out.push_str("\" rel=\"");
                    out.push_str(LINK_REL);
                    out.push_str("\">");
                    xml_escape(url, &mut out);
                    out.push_str("</a>");
                }
            }
        }
        out.push_str("</p>");
    }
    out
}

/// The feed's own address in `lang`, under `site` (`https://campaign.example`).
pub fn feed_url(site: &str, lang: Lang) -> String {
    format!("{site}{}", lang.href("/updates.atom"))
}

/// An update's permalink in `lang`.
pub fn permalink(site: &str, lang: Lang, id: i64) -> String {
    format!("{site}{}", lang.href(&format!("/updates/{id}")))
}

/// The feed of `updates` (published, newest first) in `lang`, for the site at `site`.
pub fn atom(lang: Lang, site: &str, updates: &[Update]) -> String {
    let t = lang.text();
    let updated = updates.iter().map(Update::last_change).max().unwrap_or(0);
    let mut x = String::with_capacity(1024 + updates.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.code()
    ));
    x.push_str(&format!("<id>{}</id>\n", esc(&feed_url(site, lang))));
    x.push_str(&format!(
        "<title>{}</title>\n",
        esc(&format!("{} · {}", t.updates_title, t.site_name))
    ));
    x.push_str(&format!(
        "<subtitle>{}</subtitle>\n",
        esc(t.updates_heading)
    ));
    x.push_str(&format!(
        "<updated>{}</updated>\n",
        crate::time::rfc3339(updated)
    ));
    x.push_str(&format!(
        "<author><name>{}</name><uri>{}</uri></author>\n",
        esc(t.site_name),
        esc(&format!("{site}{}", lang.href("/")))
    ));
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        esc(&feed_url(site, lang))
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" hreflang=\"{}\" href=\"{}\"/>\n",
        lang.code(),
        esc(&format!("{site}{}", lang.href("/updates")))
    ));
    for u in updates {
        let Some(shown) = u.in_lang(lang) else {
            continue;
        };
        let link = permalink(site, lang, u.id);
        let note = (!shown.translated).then_some(t.update_not_translated);
        x.push_str(&format!(
            "<entry xml:lang=\"{}\">\n",
            shown.written_in.code()
        ));
        x.push_str(&format!("<id>{}</id>\n", esc(&link)));
        x.push_str(&format!("<title>{}</title>\n", esc(shown.title)));
        x.push_str(&format!(
            "<published>{}</published>\n",
            crate::time::rfc3339(u.date())
        ));
        x.push_str(&format!(
            "<updated>{}</updated>\n",
            crate::time::rfc3339(u.last_change())
        ));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            esc(&link)
        ));
        x.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            esc(&body_html(shown.body, note))
        ));
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::update::UpdateStatus;

    fn update(id: i64, title: &str, body: &str, at: i64) -> Update {
        Update {
            id,
            title_en: Some(title.into()),
            body_en: Some(body.into()),
            title_km: None,
            body_km: None,
            status: UpdateStatus::Published,
            published_at: Some(at),
            created_at: at - 100,
            updated_at: at + 5,
        }
    }

    #[test]
    fn escaping_is_exact_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            esc("a<b>&\"c'\u{0}\u{7}\u{FFFF}\té"),
            "a&lt;b&gt;&amp;&quot;c&#x27;\té"
        );
        assert_eq!(
            body_html("x <script>alert(1)</script>\n\njavascript:alert(1) https://a.org/?q=1&r=<2>", None),
            "<p>x &lt;script&gt;alert(1)&lt;/script&gt;</p><p>javascript:alert(1) <a href=\"https://a.org/?q=1&amp;r=\" rel=\"nofollow ugc noopener\">https://a.org/?q=1&amp;r=</a>&lt;2&gt;</p>"
        );
    }

    #[test]
    fn the_feed_names_the_configured_site_and_every_entry() {
        let site = "https://campaign.example";
        let updates = [
            update(2, "Radio <hour>", "Paid for & aired.", 2_000_000_000),
            update(1, "Training", "25 women.", 1_900_000_000),
        ];
        let xml = atom(Lang::En, site, &updates);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert!(xml.contains("<id>https://campaign.example/updates.atom</id>"));
        assert!(xml.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://campaign.example/updates.atom\"/>"));
        assert!(xml.contains("href=\"https://campaign.example/updates\"/>"));
        assert!(xml.contains("<updated>2033-05-18T03:33:25Z</updated>"));
        assert!(xml.contains("<id>https://campaign.example/updates/2</id>"));
        assert!(xml.contains("<title>Radio &lt;hour&gt;</title>"));
        assert!(xml.contains("<published>2033-05-18T03:33:20Z</published>"));
        assert!(xml.contains("&lt;p&gt;Paid for &amp;amp; aired.&lt;/p&gt;"));
        assert_eq!(xml.matches("<entry").count(), 2);
        assert!(!xml.contains("<hour>"));
        let km = atom(Lang::Km, site, &updates);
        assert!(km.contains("<id>https://campaign.example/km/updates.atom</id>"));
        assert!(km.contains("<id>https://campaign.example/km/updates/1</id>"));
        // Not yet in Khmer: the English, marked as English, with the Khmer note.
        assert!(km.contains("<entry xml:lang=\"en\">"));
        assert!(km.contains(&esc(&esc(crate::content::KM.update_not_translated))));
        // No update: still a valid feed, dated at the epoch.
        let empty = atom(Lang::En, site, &[]);
        assert!(
            empty.contains("<updated>1970-01-01T00:00:00Z</updated>")
                && empty.ends_with("</feed>\n")
        );
    }
}
