//! Rendering tests: the pages are pure functions of data, so they are checked natively.

use super::*;
use crate::campaign::{Campaign, Supporter, Tier, TierProgress};
use crate::comment::{Comment, CommentPage, Thread};
use crate::money::Cents;
use crate::pledge::PledgeForm;

fn campaign() -> Campaign {
    let tiers = [
        ("women-training", 5000, 25),
        ("women-radio", 5000, 1),
        ("trainer-month", 5000, 1),
        ("community-meeting", 5000, 1),
        ("information-year", 35000, 1),
    ];
    Campaign {
        goal: Cents(5_000_000),
        raised: Cents(12_500),
        gifts: 3,
        tiers: tiers
            .iter()
            .map(|(id, c, u)| TierProgress {
                tier: Tier {
                    id: id.to_string(),
                    amount: Cents(*c),
                    units: *u,
                },
                net: Cents(10_000),
            })
            .collect(),
        recent: vec![
            Supporter { name: None, at: 0 },
            Supporter {
                name: Some("<b>Dara</b>".into()),
                at: 0,
            },
        ],
    }
}

fn comment(id: i64, parent: Option<i64>, body: &str) -> Comment {
    Comment {
        id,
        parent_id: parent,
        name: "Dan".into(),
        website: Some("javascript:alert(1)".into()),
        body: body.into(),
        is_campaign: parent.is_some(),
        held: false,
        created_at: 0,
    }
}

fn render(lang: Lang) -> String {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    home(HomePage {
        lang,
        origin: "https://example.org",
        campaign: c,
        pledge: PledgeFormState {
            form: PledgeForm::initial(&tiers),
            problems: Default::default(),
            enabled: true,
        },
        comments: CommentPage {
            threads: vec![Thread {
                root: comment(1, None, "<script>alert(1)</script>\nline two"),
                replies: vec![comment(2, Some(1), "thanks")],
            }],
            page: 1,
            total_threads: 1,
            total_comments: 2,
        },
        comment_form: CommentFormState {
            token: "tok".into(),
            ..Default::default()
        },
        volunteer: Default::default(),
    })
}

#[test]
fn home_carries_the_seed_copy_tiers_and_progress() {
    let html = render(Lang::En);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    for needle in [
        "We are increasing the number of candidates.",
        "We are helping more women get elected.",
        "See where your contribution will go",
        "US$50",
        "US$350",
        "training of 25 local women to gain leadership skills",
        "contact us to see where your contribution can go!",
        "Cambodia Today",
        "Our Plan &amp; How Your Contributions Will Help",
        "Thank You for Your Contribution",
        "1955",
        "50 women trained",
        "<progress max=\"100\" value=\"0\"",
        "hreflang=\"km\" href=\"https://example.org/km/\"",
        "name=\"lang\" value=\"en\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // The first tier is preselected; showing the name is not.
    assert!(html.contains("id=\"tier-women-training\" value=\"women-training\" checked"));
    assert!(!html.contains("id=\"show-name\" value=\"on\" checked"));
}

#[test]
fn visitor_text_is_escaped_and_bad_links_dropped() {
    let html = render(Lang::En);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Dara&lt;/b&gt;"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("id=\"comment-1\"") && html.contains("id=\"comment-2\""));
    assert!(html.contains("class=\"comment campaign\""));
}

#[test]
fn khmer_page_is_khmer() {
    let html = render(Lang::Km);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"km\">"));
    assert!(html.contains(crate::content::KM.headline_1));
    assert!(html.contains("action=\"/km/pledges\""));
    assert!(html.contains("name=\"lang\" value=\"km\""));
    assert!(html.contains("href=\"/\" hreflang=\"en\""));
}

#[test]
fn a_form_with_mistakes_keeps_values_and_names_problems() {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    let form = PledgeForm {
        tier: "own".into(),
        amount: "3".into(),
        note: "keep <me>".into(),
        ..Default::default()
    };
    let problems = form.validate(&tiers).unwrap_err();
    let html = home(HomePage {
        lang: Lang::Km,
        origin: "",
        campaign: c,
        pledge: PledgeFormState {
            form,
            problems,
            enabled: true,
        },
        comments: Default::default(),
        comment_form: Default::default(),
        volunteer: Default::default(),
    });
    assert!(html.contains(crate::content::KM.error_amount));
    assert!(html.contains("value=\"3\""));
    assert!(html.contains("keep &lt;me&gt;</textarea>"));
    assert!(html.contains("id=\"tier-own\" value=\"own\" checked"));
}

#[test]
fn not_found_is_in_the_prefix_language() {
    assert!(not_found(Lang::Km, "").contains(crate::content::KM.not_found_title));
    assert!(not_found(Lang::En, "").contains("Page not found"));
}

#[test]
fn textarea_values_cannot_break_out_of_the_field() {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    let note = "</textarea><script>alert(1)</script> & more";
    let form = PledgeForm {
        tier: "own".into(),
        amount: "3".into(),
        note: note.into(),
        ..Default::default()
    };
    let problems = form.validate(&tiers).unwrap_err();
    let html = home(HomePage {
        lang: Lang::En,
        origin: "",
        campaign: c,
        pledge: PledgeFormState {
            form,
            problems,
            enabled: true,
        },
        comments: Default::default(),
        comment_form: Default::default(),
        volunteer: Default::default(),
    });
    assert!(!html.contains("<script>"));
    assert!(html
        .contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>"));
}
