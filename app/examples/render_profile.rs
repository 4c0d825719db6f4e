//! Where a page's CPU goes, natively: `cargo run --release -p app --example render_profile`.
//! Prints figures only (speed is measured in benchmarks, never asserted).

use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{Comment, CommentPage, Thread};
use app::i18n::Lang;
use app::keys::{form_token, Form, Key, Purpose};
use app::money::Cents;
use app::pledge::PledgeForm;
use app::views::{home, CommentFormState, HomePage, PledgeFormState};
use std::time::Instant;

fn data() -> (Campaign, CommentPage) {
    let ids = [
        ("women-training", 5000, 25),
        ("women-radio", 5000, 1),
        ("trainer-month", 5000, 1),
        ("community-meeting", 5000, 1),
        ("information-year", 35000, 1),
    ];
    let tiers = ids
        .iter()
        .map(|(id, c, u)| TierProgress {
            tier: Tier {
                id: id.to_string(),
                amount: Cents(*c),
                units: *u,
            },
            net: Cents(20_000),
        })
        .collect();
    let campaign = Campaign {
        goal: Cents(5_000_000),
        raised: Cents(40_000),
        gifts: 4,
        monthly: 1,
        tiers,
        recent: vec![
            Supporter {
                name: Some("Dara".into()),
                at: 1_795_000_000
            };
            4
        ],
    };
    let c = |id: i64, parent: Option<i64>, body: &str| Comment {
        id,
        parent_id: parent,
        name: format!("Visitor {id}"),
        website: None,
        body: body.into(),
        is_campaign: parent.is_some(),
        status: app::comment::CommentStatus::Approved,
        own: false,
        created_at: 1_795_000_000 + id,
    };
    let threads = (1..=4)
        .map(|i| Thread {
            root: c(
                i,
                None,
                "I am a simple supporter and want to be an active supporter. How can I help?",
            ),
            replies: vec![c(
                100 + i,
                Some(i),
                "If you are in Phnom Penh, we can meet and discuss.",
            )],
        })
        .collect();
    (
        campaign,
        CommentPage {
            threads,
            page: 1,
            total_threads: 4,
            total_comments: 8,
        },
    )
}

fn time<T>(label: &str, n: u32, mut f: impl FnMut() -> T) {
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f());
    }
    println!(
        "{label:<40} {:>8.1} µs",
        start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}

fn main() {
    let n = 2000;
    for lang in [Lang::En, Lang::Km] {
        time(&format!("render home ({})", lang.code()), n, || {
            let (campaign, comments) = data();
            let tiers: Vec<Tier> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
            home(HomePage {
                lang,
                links: "https://example.org".into(),
                pledge: PledgeFormState {
                    form: PledgeForm::initial(&tiers),
                    problems: Default::default(),
                    enabled: true,
                    deadline: None,
                    // As the worker draws the shared page.
                    holes: true,
                },
                campaign,
                comments,
                comment_form: CommentFormState::default(),
                volunteer: Default::default(),
                updates: Vec::new(),
            })
        });
    }
    time("derive a key + two form tokens", n, || {
        let k = Key::derive("site-secret", Purpose::FormToken);
        (
            form_token(&k, Form::Comment, 1, [1; 16]),
            form_token(&k, Form::Volunteer, 1, [2; 16]),
        )
    });
    let doc = serde_json::json!({"tiers": [["women-training", 5000, 25, 1, 20000]], "raised": 1, "gifts": 1, "recent": [],
        "threads": 4, "comments": 8, "rows": (0..8).map(|i| serde_json::json!([i, null, "Visitor", null, "I am a simple supporter and want to be an active supporter.", 0, 0, 1_795_000_000])).collect::<Vec<_>>()}).to_string();
    time("serde_json: the page document", n, || {
        serde_json::from_str::<serde_json::Value>(&doc).map(|v| v.is_object())
    });
}
