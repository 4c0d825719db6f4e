//! Every page leaves `views::page_html` without tachys' `<!>` markers, and that strip can never
//! touch what a visitor wrote: every text and attribute value is escaped (`<` is `&lt;`), so
//! no `<!>` a visitor types survives into the markup for the strip to find.
//!
//! Checked through the real views, with the visitor's text wherever a visitor's text goes (a
//! supporter's name, a comment's name and words, each form sent back with what was typed, an
//! update's title and text, the comment on its "delete it?" page): the page drawn with a text
//! is exactly the page drawn with a placeholder, the placeholder replaced by the text escaped
//! as Leptos escapes it where it stands (in a tag: an attribute value; else: text). Texts are
//! any mix of `<`, `!`, `>`, `-` and the characters escaping is about, the project's XSS
//! payloads (`tests/fixtures/xss-payloads.txt`, the ones the browser tests post), and any
//! string at all.
//!
//! The holes a kept page leaves for per-visitor values are placed by the renderer, not in the
//! text: the strip runs on the parts between them, and they are filled as before
//! (`holes_survive_the_strip`).

use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{Comment, CommentForm, CommentPage, CommentStatus, Thread};
use app::i18n::Lang;
use app::keys::{serve_token, Form, Key, Purpose, Tokens};
use app::money::Cents;
use app::pledge::PledgeForm;
use app::reach::Reach;
use app::update::{Update, UpdateStatus};
use app::views::{
    comment_delete, home, update_page, updates_list, CommentFormState, Hole, HomePage, OwnComment,
    PledgeFormState, Template, VolunteerFormState,
};
use app::volunteer::VolunteerForm;
use proptest::prelude::*;
use proptest::sample::select;

/// Stands where the visitor's text goes: letters only, so escaping leaves it as it is, and
/// found nowhere else on a page.
const PLACEHOLDER: &str = "VisitorTextPlaceholder";

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The browser tests' XSS payloads, as they read them.
fn payloads() -> Vec<String> {
    include_str!("../../tests/fixtures/xss-payloads.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// What a visitor might send: pieces of markers, comments and escapes in any order, an XSS
/// payload, or anything; never empty (an empty text is drawn as one space, and a page
/// would not store it).
fn visitor_text() -> impl Strategy<Value = String> {
    let piece = select(vec![
        "<!>",
        "<",
        "!",
        ">",
        "-",
        "&",
        ";",
        "\"",
        "'",
        " ",
        "a",
        "/",
        "<!--",
        "-->",
        "&lt;!&gt;",
    ]);
    prop_oneof![
        3 => prop::collection::vec(piece, 1..16).prop_map(|p| p.concat()),
        2 => select(payloads()),
        1 => any::<String>().prop_filter("not empty", |s| !s.is_empty()),
    ]
}

/// As an update's title and text reach the page: trimmed, one paragraph, no `https://` address
/// (which would become a link, a change of structure this test does not model).
fn update_text(s: &str) -> String {
    let mut s = s.replace('\n', " ");
    while s.contains("https://") {
        s = s.replace("https://", "https:/");
    }
    format!("x{}x", s.trim())
}

/// Text as tachys escapes it: between tags `&`, `<`, `>`; in an attribute value `"` too.
fn escaped(text: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// `page` with each placeholder replaced by `text`, escaped for where it stands: inside a tag
/// when the last `<` before it comes after the last `>`. The page around it is the program's
/// markup and the escaped text put in so far, which has no `<` or `>` of its own.
fn with_text(page: &str, text: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..at]);
        let in_tag = out.rfind('<') > out.rfind('>');
        out.push_str(&escaped(text, in_tag));
        rest = &rest[at + PLACEHOLDER.len()..];
    }
    out.push_str(rest);
    out
}

fn tiers() -> Vec<Tier> {
    ["women-training", "women-radio"]
        .iter()
        .map(|id| Tier {
            id: id.to_string(),
            amount: Cents(5000),
            units: 1,
        })
        .collect()
}

/// The campaign page with `text` wherever a visitor's text goes, served with fixed tokens;
/// `holes`: drawn as the shared page (the forms blank, as the edge keeps it), else as the
/// answer to a refused post.
fn campaign_page(lang: Lang, text: &str, holes: bool) -> String {
    campaign_template(lang, text, holes).serve(&Reach::default(), |f| format!("t-{}", f.name()))
}

fn campaign_template(lang: Lang, text: &str, holes: bool) -> Template {
    let tiers = tiers();
    let comment = |id: i64, parent: Option<i64>| Comment {
        id,
        parent_id: parent,
        name: text.to_string(),
        website: None,
        body: text.to_string(),
        is_campaign: false,
        status: CommentStatus::Approved,
        own: parent.is_none(),
        created_at: 1_795_861_845,
    };
    let sent = |s: &str| if holes { String::new() } else { s.to_string() };
    home(HomePage {
        lang,
        links: "https://example.org".into(),
        campaign: Campaign {
            goal: Cents(5_000_000),
            raised: Cents(10_000),
            gifts: 2,
            monthly: 0,
            tiers: tiers
                .iter()
                .map(|tier| TierProgress {
                    tier: tier.clone(),
                    net: Cents(5000),
                })
                .collect(),
            recent: vec![
                Supporter {
                    name: Some(text.to_string()),
                    at: 1_795_861_845,
                },
                Supporter {
                    name: None,
                    at: 1_795_861_845,
                },
            ],
        },
        pledge: PledgeFormState {
            form: PledgeForm {
                name: sent(text),
                email: sent(text),
                note: sent(text),
                ..PledgeForm::initial(&tiers)
            },
            problems: Default::default(),
            enabled: true,
            deadline: None,
            holes,
        },
        comments: CommentPage {
            threads: vec![Thread {
                root: comment(1, None),
                replies: vec![comment(2, Some(1))],
            }],
            page: 1,
            total_threads: 1,
            total_comments: 2,
        },
        comment_form: CommentFormState {
            form: CommentForm {
                name: sent(text),
                website: sent(text),
                text: sent(text),
                ..Default::default()
            },
            ..Default::default()
        },
        volunteer: VolunteerFormState {
            form: VolunteerForm {
                name: sent(text),
                place: sent(text),
                message: sent(text),
                ..Default::default()
            },
            ..Default::default()
        },
        // Updates have their own property: their text is trimmed and split into paragraphs.
        updates: vec![update("News")],
    })
}

fn update(text: &str) -> Update {
    let text = update_text(text);
    Update {
        id: 7,
        title_en: Some(text.clone()),
        body_en: Some(text),
        title_km: None,
        body_km: None,
        status: UpdateStatus::Published,
        published_at: Some(1_795_861_845),
        created_at: 1_795_861_000,
        updated_at: 1_795_861_845,
    }
}

/// The check: no marker left, and the page with `text` is the page with the placeholder, the
/// text escaped in its place.
fn holds(draw: impl Fn(&str) -> String, text: &str) -> Result<(), TestCaseError> {
    let page = draw(text);
    prop_assert!(!page.contains("<!>"), "a marker is left");
    prop_assert_eq!(page, with_text(&draw(PLACEHOLDER), text));
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_campaign_page_keeps_visitor_text_escaped_and_whole(
        text in visitor_text(),
        km in any::<bool>(),
        holes in any::<bool>(),
    ) {
        let lang = if km { Lang::Km } else { Lang::En };
        holds(|t| campaign_page(lang, t, holes), &text)?;
    }

    #[test]
    fn update_pages_keep_visitor_text_escaped_and_whole(text in visitor_text(), km in any::<bool>()) {
        let lang = if km { Lang::Km } else { Lang::En };
        // The placeholder goes through `update_text` too: `x…x` around it on both sides.
        let text = update_text(&text);
        let text = &text[1..text.len() - 1];
        holds(|t| update_page(lang, "https://example.org", &update(t)), text)?;
        holds(|t| updates_list(lang, "https://example.org", 1, 1, &[update(t)]), text)?;
    }

    #[test]
    fn the_delete_page_keeps_the_comment_escaped_and_whole(text in visitor_text()) {
        let page = |t: &str| {
            comment_delete(Lang::En, "https://example.org", OwnComment { id: 1, body: t.to_string(), has_replies: false })
        };
        holds(page, &text)?;
    }
}

/// The helpers are not vacuous: each place really holds the text, and a raw `<!>` in what the
/// helper is told is the page would be caught.
#[test]
fn the_check_sees_the_text_and_a_change_to_it() {
    let text = "a <!> b";
    let page = campaign_page(Lang::En, text, false);
    // A supporter, a comment's name and words twice over, and every field sent back.
    assert!(page.matches("a &lt;!&gt; b").count() >= 10, "{page}");
    let stripped_by_mistake = page.replace("&lt;!&gt;", "");
    assert_ne!(
        stripped_by_mistake,
        with_text(&campaign_page(Lang::En, PLACEHOLDER, false), text)
    );
    assert_eq!(
        with_text(
            &format!("<input value=\"{PLACEHOLDER}\">{PLACEHOLDER}"),
            "\"<"
        ),
        "<input value=\"&quot;&lt;\">\"&lt;"
    );
}

/// The kept page's holes (form tokens, the share link's values) are where the renderer put
/// them, whatever the strip removed before them, and are filled as before.
#[test]
fn holes_survive_the_strip() {
    let key = Key::derive("secret", Purpose::FormToken);
    for lang in [Lang::En, Lang::Km] {
        let template = campaign_template(lang, "Dara", true);
        let holes: Vec<&Hole> = template.holes().collect();
        assert!(holes.contains(&&Hole::Token(Form::Comment)), "{lang:?}");
        assert!(holes.contains(&&Hole::Token(Form::Volunteer)), "{lang:?}");
        assert!(holes.contains(&&Hole::Source) && holes.contains(&&Hole::Amount));
        let reach = Reach {
            source: app::source_code::SourceCode::parse("fb-1"),
            ..Reach::default()
        };
        let mut nonce = 0u8;
        let filled = template.serve(&reach, |form| {
            nonce += 1;
            serve_token(&key, form, Tokens::Fresh, 1_795_861_845, [nonce; 16])
        });
        assert!(!filled.contains("<!>"));
        assert!(filled.contains("name=\"ref\" value=\"fb-1\""));
        assert!(filled.contains("id=\"tier-women-training\" value=\"women-training\" checked"));
        for (n, form) in [(1, Form::Comment), (2, Form::Volunteer)] {
            let token = serve_token(&key, form, Tokens::Fresh, 1_795_861_845, [n; 16]);
            assert!(
                filled.contains(&format!("name=\"token\" value=\"{token}\"")),
                "{lang:?} {form:?}"
            );
        }
    }
}
