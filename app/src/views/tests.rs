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
        monthly: 1,
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
        status: crate::comment::CommentStatus::Approved,
        own: false,
        created_at: 0,
    }
}

fn render(lang: Lang) -> String {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    home(HomePage {
        lang,
        links: "https://example.org".into(),
        campaign: c,
        pledge: PledgeFormState {
            form: PledgeForm::initial(&tiers),
            problems: Default::default(),
            enabled: true,
            deadline: None,
            holes: false,
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
        comment_form: Default::default(),
        volunteer: Default::default(),
        updates: Vec::new(),
    })
    .serve(&crate::reach::Reach::default(), |_| "tok".into())
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
        "Your own amount</span>: <a href=\"#give\">give what you choose, once or every month",
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
    assert!(html.contains("action=\"/km/pledges#give\""));
    assert!(html.contains("name=\"lang\" value=\"km\""));
    assert!(html.contains("href=\"/\" hreflang=\"en\""));
}

/// The home page with the pledge form as a visitor sent it.
fn home_with_pledge(lang: Lang, form: PledgeForm, problems: crate::form::Problems) -> String {
    home(HomePage {
        lang,
        links: "".into(),
        campaign: campaign(),
        pledge: PledgeFormState {
            form,
            problems,
            enabled: true,
            deadline: None,
            holes: false,
        },
        comments: Default::default(),
        comment_form: Default::default(),
        volunteer: Default::default(),
        updates: Vec::new(),
    })
    .into_text()
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
    let html = home_with_pledge(Lang::Km, form, problems);
    assert!(html.contains(crate::content::KM.error_amount));
    // The eligibility box was not ticked: named, in Khmer, and still unticked.
    assert!(html.contains(crate::content::KM.error_eligible));
    assert!(html.contains(crate::content::KM.form_eligible));
    assert!(html.contains("id=\"eligible\" value=\"on\" required aria-invalid=\"true\""));
    assert!(html.contains("value=\"3\""));
    assert!(html.contains("keep &lt;me&gt;</textarea>"));
    assert!(html.contains("id=\"tier-own\" value=\"own\" checked"));
}

#[test]
fn the_eligibility_box_is_never_ticked_for_the_donor_but_stays_ticked_by_them() {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    let draw = |form, problems| home_with_pledge(Lang::En, form, problems);
    let blank = draw(PledgeForm::initial(&tiers), Default::default());
    // Only the Khmer page says that Stripe's page will be in English.
    assert!(!blank.contains("id=\"checkout-language\""));
    let km = home_with_pledge(Lang::Km, PledgeForm::initial(&tiers), Default::default());
    assert!(km.contains(crate::content::KM.form_checkout_language));
    assert!(km.contains("id=\"checkout-language\""));
    assert!(blank.contains("name=\"eligible\" id=\"eligible\" value=\"on\" required>"));
    assert!(!blank.contains(crate::content::EN.error_eligible));
    // Ticked by the donor, another field wrong: it comes back ticked, no eligibility problem.
    let form = PledgeForm {
        tier: "own".into(),
        amount: "3".into(),
        eligible: Some("on".into()),
        ..Default::default()
    };
    let problems = form.validate(&tiers).unwrap_err();
    let again = draw(form, problems);
    assert!(again.contains("id=\"eligible\" value=\"on\" required checked"));
    assert!(!again.contains(crate::content::EN.error_eligible));
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
    let html = home_with_pledge(Lang::En, form, problems);
    assert!(!html.contains("<script>"));
    assert!(html
        .contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>"));
}

#[test]
fn the_privacy_page_states_the_periods_in_force_in_both_languages() {
    use crate::retention::Periods;
    let periods = Periods::from_vars(Some("180"));
    assert_eq!(periods.volunteer_days, 180);
    for (lang, t) in [
        (Lang::En, &crate::content::EN),
        (Lang::Km, &crate::content::KM),
    ] {
        let html = privacy(lang, "https://example.org", &periods);
        assert!(
            html.starts_with(&format!("<!DOCTYPE html><html lang=\"{}\">", lang.code())),
            "{lang:?}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"index,follow\""));
        assert!(html.contains(t.privacy_title));
        for (template, n) in [
            (t.privacy_keep_donor, periods.donor_days),
            (t.privacy_keep_spam, periods.spam_days),
            (t.privacy_keep_held, periods.held_days),
            (t.privacy_keep_volunteer, periods.volunteer_days),
            (t.privacy_keep_pending, periods.pending_hours),
        ] {
            assert!(template.contains("{n}"), "{lang:?}: {template}");
            let line = crate::content::fill(template, &[("n", &lang.number(n))]);
            assert!(html.contains(&line), "{lang:?} lacks {line}");
        }
        assert!(
            html.contains(&format!("{} ", lang.number(180)))
                && html.contains(&crate::content::fill(
                    t.privacy_erase,
                    &[("days", &lang.number(30)), ("n", &lang.number(20))]
                ))
                && !html.contains("{n}")
                && !html.contains("{days}"),
            "{lang:?}"
        );
    }
    // The default periods are stated too, and differ from the configured one.
    // (Not "180 days" anywhere: the maintainers' device cookie lasts that long, #27.)
    let html = privacy(Lang::En, "", &Periods::default());
    let volunteer = |n: i64| {
        crate::content::fill(
            crate::content::EN.privacy_keep_volunteer,
            &[("n", &n.to_string())],
        )
    };
    assert!(html.contains(&volunteer(365)) && !html.contains(&volunteer(180)));
    assert!(
        privacy(Lang::Km, "", &Periods::default()).contains("hreflang=\"en\" href=\"/privacy\"")
    );
}

/// The footer shows the campaign's address on every page when `CONTACT_EMAIL` is set, and
/// nothing in its place when it is not.
#[test]
fn the_footer_shows_the_contact_address_when_there_is_one() {
    use super::Links;
    let links = Links {
        origin: "https://example.org",
        contact: Some("team@campaign.example"),
    };
    for lang in Lang::ALL {
        let t = lang.text();
        for html in [
            not_found(lang, links),
            privacy(lang, links, &Default::default()),
            volunteer_thanks(lang, links),
        ] {
            let f = footer(&html);
            assert!(f.contains(t.contact_label), "{lang:?}: {f}");
            assert!(
                f.contains(r#"<a href="mailto:team@campaign.example">team@campaign.example</a>"#),
                "{lang:?}: {f}"
            );
        }
        for html in [not_found(lang, "https://example.org"), render(lang)] {
            let f = footer(&html);
            assert!(
                !f.contains("mailto:") && !f.contains(t.contact_label),
                "{lang:?}"
            );
        }
    }
}

/// The language switch is a link to the other language, in that language: its words, its
/// hint and its `lang` agree, so a screen reader says them in the right voice.
#[test]
fn the_language_switch_speaks_the_language_it_leads_to() {
    let khmer = |s: &str| s.chars().any(|c| ('\u{1780}'..='\u{17FF}').contains(&c));
    for lang in Lang::ALL {
        let t = lang.text();
        let html = not_found(lang, "");
        let other = lang.other().code();
        let link = format!(
            "hreflang=\"{other}\" lang=\"{other}\" title=\"{}\" class=\"lang-switch\">{}</a>",
            t.switch_hint, t.switch_label
        );
        assert!(html.contains(&link), "{lang:?}: {link}");
        let to_khmer = lang == Lang::En;
        assert_eq!(khmer(t.switch_hint), to_khmer, "{lang:?}: switch_hint");
        assert_eq!(khmer(t.switch_label), to_khmer, "{lang:?}: switch_label");
    }
}

/// A gift's page thanks the donor for a gift given or on its way, and only names it when it
/// failed, expired or was refunded.
#[test]
fn the_pledge_page_thanks_only_for_a_gift_given() {
    use crate::pledge::{Frequency, Pledge, Status};
    for lang in Lang::ALL {
        let t = lang.text();
        for (status, heading) in [
            (Status::Pending, t.pledge_heading),
            (Status::Paid, t.pledge_heading),
            (Status::Active, t.pledge_heading),
            (Status::Cancelled, t.pledge_heading),
            (Status::Failed, t.pledge_heading_other),
            (Status::Expired, t.pledge_heading_other),
            (Status::Refunded, t.pledge_heading_other),
        ] {
            let html = pledge_thanks(
                lang,
                "",
                Pledge {
                    id: "p1".into(),
                    status,
                    amount: Cents(5000),
                    refunded: Cents(0),
                    currency: "usd".into(),
                    tier: None,
                    designation: "general".into(),
                    frequency: Frequency::Once,
                    payments: 0,
                    details: false,
                },
            );
            assert!(
                html.contains(&format!("<h1>{heading}</h1>")),
                "{lang:?} {status:?}"
            );
            assert!(
                html.contains(&format!("<title>{heading}</title>")),
                "{lang:?} {status:?}"
            );
        }
    }
}

/// After a deletion, the page says when it is gone from every copy, and how long the
/// database's restore history keeps it, with the numbers the site runs with.
#[test]
fn a_deleted_comment_s_page_says_what_still_keeps_it() {
    for lang in Lang::ALL {
        let t = lang.text();
        let html = comment_deleted(lang, "", &Default::default());
        let says = crate::content::fill(
            t.comment_deleted,
            &[
                ("secs", &lang.number(10)),
                ("minutes", &lang.number(12)),
                ("days", &lang.number(30)),
            ],
        );
        assert!(html.contains(&says), "{lang:?}: {says}");
    }
}

/// The `<footer>` of a page.
fn footer(html: &str) -> &str {
    let start = html.find("<footer>").expect("a footer");
    let end = html[start..].find("</footer>").expect("a closed footer");
    &html[start..start + end]
}

#[test]
fn every_visitor_page_and_form_links_to_the_privacy_page() {
    use crate::pledge::{Pledge, Status};
    let pledge = || Pledge {
        id: "p1".into(),
        status: Status::Pending,
        amount: Cents(5000),
        refunded: Cents(0),
        currency: "usd".into(),
        tier: Some("women-training".into()),
        designation: "women-training".into(),
        frequency: crate::pledge::Frequency::Once,
        payments: 0,
        details: true,
    };
    for (lang, href) in [
        (Lang::En, "href=\"/privacy\""),
        (Lang::Km, "href=\"/km/privacy\""),
    ] {
        let home = render(lang);
        let pages = [
            ("home", home.clone()),
            ("privacy", privacy(lang, "", &Default::default())),
            ("pledge", pledge_thanks(lang, "", pledge())),
            ("sandbox", sandbox_checkout(lang, "", pledge())),
            ("volunteer thanks", volunteer_thanks(lang, "")),
            ("not found", not_found(lang, "")),
            ("error", error_page(lang, "")),
        ];
        for (name, html) in &pages {
            assert!(
                footer(html).contains(href),
                "{lang:?} {name}: {}",
                footer(html)
            );
        }
        // Each of the three forms has its own link, near its send button.
        let link = format!("<a {href}>{}</a>", lang.text().privacy_form_link);
        for form in ["pledge-form", "comment-form", "volunteer-form"] {
            let start = home
                .find(&format!("id=\"{form}\""))
                .unwrap_or_else(|| panic!("no {form}"));
            let end = start + home[start..].find("</form>").expect("a closed form");
            assert!(home[start..end].contains(&link), "{lang:?} {form}");
        }
    }
}

/// The campaign page with these threads (and the form blank).
fn home_with_threads(lang: Lang, threads: Vec<Thread>) -> String {
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    home(HomePage {
        lang,
        links: "".into(),
        campaign: c,
        pledge: PledgeFormState {
            form: PledgeForm::initial(&tiers),
            problems: Default::default(),
            enabled: true,
            deadline: None,
            holes: false,
        },
        comments: CommentPage {
            total_threads: threads.len() as i64,
            threads,
            page: 1,
            total_comments: 2,
        },
        comment_form: Default::default(),
        volunteer: Default::default(),
        updates: Vec::new(),
    })
    .into_text()
}

#[test]
fn a_removed_comment_is_a_placeholder_and_own_comments_offer_deletion() {
    use crate::comment::CommentStatus;
    let removed = Comment {
        status: CommentStatus::Removed,
        name: "Gone Name".into(),
        website: Some("https://gone.example".into()),
        body: "gone words".into(),
        is_campaign: false,
        ..comment(1, None, "")
    };
    let own = Comment {
        own: true,
        is_campaign: false,
        ..comment(3, Some(1), "mine")
    };
    for lang in Lang::ALL {
        let t = lang.text();
        let html = home_with_threads(
            lang,
            vec![Thread {
                root: removed.clone(),
                replies: vec![comment(2, Some(1), "theirs"), own.clone()],
            }],
        );
        assert!(html.contains(t.comment_removed), "{lang:?}");
        assert!(html.contains("<li id=\"comment-1\" class=\"comment removed\">"));
        // Nothing of the removed comment shows, and it offers no reply.
        for gone in ["Gone Name", "gone.example", "gone words", "?reply=1"] {
            assert!(!html.contains(gone), "{lang:?}: {gone}");
        }
        // Only the visitor's own comment links to its deletion, in the page's language.
        let link = format!("href=\"{}\"", lang.href("/comments/3/delete"));
        assert!(html.contains(&link), "{lang:?}");
        assert!(!html.contains("/comments/2/delete"));
        // The form says how long and for how many comments deletion works.
        let later = crate::content::fill(
            t.comment_delete_later,
            &[("days", &lang.number(30)), ("n", &lang.number(20))],
        );
        assert!(html.contains(&later), "{lang:?}");
    }
}

#[test]
fn the_delete_page_posts_and_says_what_stays() {
    for lang in Lang::ALL {
        let t = lang.text();
        let page = |has_replies| {
            crate::views::comment_delete(
                lang,
                "",
                crate::views::OwnComment {
                    id: 9,
                    body: "<b>my words</b>".into(),
                    has_replies,
                },
            )
        };
        let alone = page(false);
        assert!(alone.contains(&format!(
            "<form method=\"post\" action=\"{}\">",
            lang.href("/comments/9/delete")
        )));
        assert!(alone.contains("&lt;b&gt;my words&lt;/b&gt;"));
        assert!(alone.contains(t.comment_delete_confirm) && alone.contains(t.comment_delete_intro));
        assert!(!alone.contains(t.comment_delete_replies));
        assert!(page(true).contains(t.comment_delete_replies));
        assert!(alone.contains("noindex"));
    }
}

#[test]
fn pages_leave_without_markers_and_with_their_doctype() {
    assert_eq!(page_html(""), "<!DOCTYPE html>");
    assert_eq!(
        page_html("<!><p>a<!>b</p><!><!>!<!-- c --><!>"),
        "<!DOCTYPE html><p>ab</p>!<!-- c -->"
    );
    // What escaping makes of a visitor's `<!>`, and near misses, stay.
    for kept in [
        "&lt;!&gt;",
        "<!-->",
        "<! >",
        "a!b",
        "!>",
        "<!",
        "<<!!>>",
        "Thank you!",
    ] {
        assert_eq!(page_html(kept), format!("<!DOCTYPE html>{kept}"));
    }
    // One pass: removing a marker does not make a new one out of its neighbours.
    assert_eq!(page_html("<<!>!>"), "<!DOCTYPE html><!>");
    let html = render(Lang::En);
    assert!(!html.contains("<!>") && html.matches("<!DOCTYPE html>").count() == 1);
}

proptest::proptest! {
    /// The fast scan removes exactly what `str::replace` removes, on any mix of the characters
    /// a marker is made of, and on any text.
    #[test]
    fn the_strip_is_a_plain_replace(s in "[<!>a]{0,40}|\\PC{0,40}") {
        proptest::prop_assert_eq!(page_html(&s), format!("<!DOCTYPE html>{}", s.replace("<!>", "")));
    }
}

/// Every `id="…"` of a page, counted.
fn ids(html: &str) -> std::collections::BTreeMap<&str, usize> {
    let mut seen = std::collections::BTreeMap::new();
    for (at, _) in html.match_indices(" id=\"") {
        let rest = &html[at + 5..];
        let id = &rest[..rest.find('"').unwrap_or(0)];
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}

/// One form of the campaign page, refused: where it posts, its summary's id, the links its
/// summary must carry `(field, control)`, and the page drawn with it.
struct Refused {
    section: &'static str,
    action: &'static str,
    form: &'static str,
    links: &'static [(&'static str, &'static str)],
    problems: crate::form::Problems,
    html: String,
}

/// A form that came back with problems opens where they are: it posts to its own section's
/// fragment, that section starts with the summary, whose lines link to the fields in error,
/// the title starts with the first problem, every message keeps its place beside its field,
/// and no id is on the page twice (the three forms each name their messages).
#[test]
fn a_refused_form_opens_at_its_summary_with_links_to_its_fields() {
    use crate::comment::CommentForm;
    use crate::volunteer::VolunteerForm;
    let c = campaign();
    let tiers: Vec<Tier> = c.tiers.iter().map(|p| p.tier.clone()).collect();
    for lang in [Lang::En, Lang::Km] {
        let t = lang.text();
        let draw = |pledge: PledgeFormState, comment_form, volunteer| {
            home(HomePage {
                lang,
                links: "".into(),
                campaign: campaign(),
                pledge,
                comments: Default::default(),
                comment_form,
                volunteer,
                updates: Vec::new(),
            })
            .into_text()
        };
        let blank_pledge = PledgeFormState {
            form: PledgeForm::initial(&tiers),
            enabled: true,
            ..Default::default()
        };
        let blank = draw(blank_pledge.clone(), Default::default(), Default::default());
        assert!(!blank.contains("class=\"errors\""));
        let pledge = PledgeForm {
            tier: "own".into(),
            amount: "3".into(),
            note: "ស".repeat(crate::pledge::NOTE_MAX + 1),
            eligible: Some("on".into()),
            ..Default::default()
        };
        let comment = CommentForm {
            website: "javascript:alert(1)".into(),
            text: "words".into(),
            ..Default::default()
        };
        let volunteer = VolunteerForm {
            name: "Sokha".into(),
            phone: "call me".into(),
            ..Default::default()
        };
        let (p, c, v) = (
            pledge.validate(&tiers).unwrap_err(),
            comment.validate().unwrap_err(),
            volunteer.validate().unwrap_err(),
        );
        let cases = [
            Refused {
                section: "give",
                action: "/pledges",
                form: "pledge",
                links: &[("amount", "amount"), ("note", "pledge-note")],
                problems: p.clone(),
                html: draw(
                    PledgeFormState {
                        form: pledge.clone(),
                        problems: p,
                        ..blank_pledge.clone()
                    },
                    Default::default(),
                    Default::default(),
                ),
            },
            Refused {
                section: "comment-form",
                action: "/comments",
                form: "comment",
                links: &[("name", "comment-name"), ("website", "comment-website")],
                problems: c.clone(),
                html: draw(
                    blank_pledge.clone(),
                    CommentFormState {
                        form: comment,
                        problems: c,
                        ..Default::default()
                    },
                    Default::default(),
                ),
            },
            Refused {
                section: "involved",
                action: "/volunteer",
                form: "volunteer",
                links: &[("phone", "volunteer-phone")],
                problems: v.clone(),
                html: draw(
                    blank_pledge.clone(),
                    Default::default(),
                    VolunteerFormState {
                        form: volunteer,
                        problems: v,
                    },
                ),
            },
        ];
        for Refused {
            section,
            action,
            form,
            links,
            problems,
            html,
        } in cases
        {
            assert!(
                blank.contains(&format!("action=\"{}#{section}\"", lang.href(action))),
                "{lang:?}: {action} posts to #{section}"
            );
            // The section's first element is the summary.
            let open = html
                .find(&format!(" id=\"{section}\""))
                .unwrap_or_else(|| panic!("{lang:?}: no #{section}"));
            let first = &html[open..][html[open..].find('>').unwrap_or(0) + 1..];
            assert!(
                first.starts_with(&format!(
                    "<div role=\"alert\" id=\"{form}-errors\" class=\"errors\">"
                )),
                "{lang:?}: #{section} starts with {}",
                &first[..first.len().min(120)]
            );
            let summary = &first[..first.find("</div>").unwrap_or(first.len())];
            for (field, control) in links {
                let p = problems.for_field(field).expect("the field's problem");
                assert!(
                    summary.contains(&format!("<a href=\"#{control}\">")),
                    "{lang:?}: the summary links to #{control}: {summary}"
                );
                assert!(html.contains(&format!(" id=\"{control}\"")));
                // Beside the field, under an id of its own form.
                let at = html
                    .find(&format!(" id=\"{form}-{field}-error\""))
                    .unwrap_or_else(|| panic!("{lang:?}: no message for {field}"));
                let says = &html[at..][html[at..].find('>').unwrap_or(0) + 1..];
                assert!(
                    says.starts_with(&format!("{}</p>", p.message(t))),
                    "{lang:?}: {field}'s message beside it: {}",
                    &says[..says.len().min(120)]
                );
            }
            let title = crate::content::fill(
                t.error_title,
                &[
                    ("problem", &problems.0[0].1.message(t)),
                    ("title", &format!("{} | {}", t.page_title, t.site_name)),
                ],
            );
            assert!(
                html.contains(&format!("<title>{title}</title>")),
                "{lang:?}: the title starts with the problem"
            );
            let twice: Vec<_> = ids(&html).into_iter().filter(|(_, n)| *n > 1).collect();
            assert!(twice.is_empty(), "{lang:?}: ids used twice: {twice:?}");
        }
    }
}
