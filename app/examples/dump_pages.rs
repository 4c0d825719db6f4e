//! Every page the views draw, written to a folder as `.html` files, so that an HTML checker
//! can read them: the campaign page in both languages (as the edge keeps it, served,
//! and as a refused form's answer), the small pages, the updates, the pledge pages, the errors,
//! and every page of the admin area. The data is made up, with visitor text that looks like
//! markup wherever a visitor's text goes.
//!
//! ```text
//! cargo run -p app --example dump_pages -- target/pages
//! java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --format text target/pages
//! ```
//!
//! (`npm ci` installs the checker; Java 17 or later runs it.)

use app::account::audit::{Action, Entry};
use app::account::roles::{Role, Roles};
use app::admin::{
    paid_per_day_svg, AdminComment, CommentList, Dashboard, DayTotal, EraseBy, EraseForm,
    EraseProblem, Erasure, ErasureKind, FlaggedEvent, MonthlySummary, PledgeRow, ReplyProblem,
    StatusTotal, Stored, StoredCounts, StoredPledge, StoredVolunteer, VolunteerRow, WaitingRefund,
};
use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{Comment, CommentForm, CommentPage, CommentStatus, Thread};
use app::i18n::Lang;
use app::money::Cents;
use app::pledge::{Frequency, NothingToStop, Pledge, PledgeForm, Status, GENERAL};
use app::reach::SourceRow;
use app::reconcile::Standing;
use app::retention::Periods;
use app::update::{Update, UpdateForm, UpdateProblem, UpdateStatus};
use app::views::accounts::{self, AuditQuery, SessionLine, SignInProblem, TeamMember};
use app::views::admin::{
    self, AlertsStanding, CommentsPage, ErasePage, PledgesPage, ReplyDraft, ShieldStanding,
};
use app::views::sources::{self, LinkBuilder, SourcesPage};
use app::views::{self, *};
use app::volunteer::VolunteerForm;
use std::path::{Path, PathBuf};

const ORIGIN: &str = "https://example.org";
/// 2026-11-28, when the made-up things happened.
const NOW: i64 = 1_795_861_845;
/// What a visitor might type, wherever a visitor types.
const MARKUP: &str = "<script>alert(1)</script> <!> <!-- x --> & \"quoted\" 'single'";

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: dump_pages FOLDER");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir)?;
    let mut written = 0;
    for (name, html) in public_pages().into_iter().chain(admin_pages()) {
        write(&dir, &name, &html)?;
        written += 1;
    }
    println!("{written} pages in {}", dir.display());
    Ok(())
}

fn write(dir: &Path, name: &str, html: &str) -> std::io::Result<()> {
    std::fs::write(dir.join(format!("{name}.html")), html)
}

fn tiers() -> Vec<Tier> {
    [
        ("women-training", 5000, 25),
        ("women-radio", 5000, 1),
        ("trainer-month", 5000, 1),
        ("community-meeting", 5000, 1),
        ("information-year", 35000, 1),
    ]
    .iter()
    .map(|(id, cents, units)| Tier {
        id: id.to_string(),
        amount: Cents(*cents),
        units: *units,
    })
    .collect()
}

fn campaign() -> Campaign {
    Campaign {
        goal: Cents(5_000_000),
        raised: Cents(42_500),
        gifts: 5,
        monthly: 2,
        tiers: tiers()
            .into_iter()
            .map(|tier| TierProgress {
                tier,
                net: Cents(10_000),
            })
            .collect(),
        recent: vec![
            Supporter {
                name: Some(MARKUP.into()),
                at: NOW,
            },
            Supporter {
                name: None,
                at: NOW,
            },
            Supporter {
                name: Some("សុខា".into()),
                at: NOW - 86_400,
            },
        ],
    }
}

fn comment(id: i64, parent: Option<i64>, status: CommentStatus, own: bool) -> Comment {
    Comment {
        id,
        parent_id: parent,
        name: if parent.is_some() {
            "The campaign".into()
        } else {
            MARKUP.into()
        },
        website: Some("https://example.org/me?a=1&b=2".into()),
        body: format!("{MARKUP}\nline two\n\nhttps://example.org/x"),
        is_campaign: parent.is_some(),
        status,
        own,
        created_at: NOW - id,
    }
}

/// One page of comments: an approved thread with a reply, the visitor's own held comment, a
/// removed one whose reply stays; `page` 2 of 3 has both pager links.
fn comments(page: i64) -> CommentPage {
    CommentPage {
        threads: vec![
            Thread {
                root: comment(1, None, CommentStatus::Approved, false),
                replies: vec![comment(2, Some(1), CommentStatus::Approved, false)],
            },
            Thread {
                root: comment(3, None, CommentStatus::Held, true),
                replies: vec![],
            },
            Thread {
                root: comment(4, None, CommentStatus::Removed, false),
                replies: vec![comment(5, Some(4), CommentStatus::Approved, false)],
            },
        ],
        page,
        total_threads: 25,
        total_comments: 30,
    }
}

fn update(id: i64, en: bool, km: bool) -> Update {
    let text = |title: &str| {
        (
            format!("{title} {MARKUP}"),
            format!("{MARKUP} and https://example.org/report.\n\nA second paragraph."),
        )
    };
    let (en, km) = (en.then(|| text("Radio")), km.then(|| text("វិទ្យុ")));
    Update {
        id,
        title_en: en.as_ref().map(|(t, _)| t.clone()),
        body_en: en.map(|(_, b)| b),
        title_km: km.as_ref().map(|(t, _)| t.clone()),
        body_km: km.map(|(_, b)| b),
        status: UpdateStatus::Published,
        published_at: Some(NOW - id * 86_400),
        created_at: NOW - id * 86_400 - 600,
        updated_at: NOW,
    }
}

fn updates() -> Vec<Update> {
    vec![
        update(3, true, true),
        update(2, true, false),
        update(1, false, true),
    ]
}

/// The campaign page as the edge keeps it (holes for the tokens and a share link's values),
/// served to a plain visit; nothing refused.
fn home_template(lang: Lang) -> String {
    home(HomePage {
        lang,
        links: ORIGIN.into(),
        campaign: campaign(),
        pledge: PledgeFormState {
            form: PledgeForm::initial(&tiers()),
            problems: Default::default(),
            enabled: true,
            deadline: None,
            holes: true,
        },
        comments: comments(1),
        comment_form: CommentFormState::default(),
        volunteer: VolunteerFormState::default(),
        updates: updates(),
    })
    .serve(&app::reach::Reach::default(), |_| "token".into())
}

/// Which form a refused post came from: the page sent back has that one form as it was sent,
/// with its problems (found by the form's own rules), and the others blank, as the worker
/// draws it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refused {
    Pledge,
    Comment,
    Volunteer,
}

/// The campaign page as the answer to a refused form; giving switched off, the second page of
/// comments, a reply being written.
fn home_refused(lang: Lang, refused: Refused) -> String {
    let mut pledge = PledgeFormState {
        form: PledgeForm::initial(&tiers()),
        problems: Default::default(),
        enabled: false,
        deadline: None,
        holes: false,
    };
    let mut comment = CommentFormState {
        reply_to: Some((1, MARKUP.into())),
        ..Default::default()
    };
    let mut volunteer = VolunteerFormState::default();
    match refused {
        Refused::Pledge => {
            pledge.form = PledgeForm {
                tier: "own".into(),
                amount: MARKUP.into(),
                email: MARKUP.into(),
                name: MARKUP.into(),
                note: format!("</textarea>{MARKUP}"),
                frequency: "month".into(),
                source: MARKUP.into(),
                ..Default::default()
            };
            pledge.problems = pledge.form.validate(&tiers()).err().unwrap_or_default();
        }
        Refused::Comment => {
            comment.form = CommentForm {
                name: MARKUP.into(),
                website: MARKUP.into(),
                text: format!("</textarea>{MARKUP}"),
                ..Default::default()
            };
            comment.problems = comment.form.validate().err().unwrap_or_default();
        }
        Refused::Volunteer => {
            volunteer.form = VolunteerForm {
                email: MARKUP.into(),
                phone: MARKUP.into(),
                place: MARKUP.into(),
                help: vec!["radio".into()],
                message: format!("</textarea>{MARKUP}"),
                ..Default::default()
            };
            volunteer.problems = volunteer.form.validate().err().unwrap_or_default();
        }
    }
    home(HomePage {
        lang,
        links: ORIGIN.into(),
        campaign: Campaign {
            recent: vec![],
            monthly: 0,
            ..campaign()
        },
        pledge,
        comments: comments(2),
        comment_form: comment,
        volunteer,
        updates: vec![],
    })
    .serve(&app::reach::Reach::default(), |_| "token".into())
}

fn pledge(frequency: Frequency, status: Status, payments: i64) -> Pledge {
    Pledge {
        id: "0123456789abcdef0123456789abcdef".into(),
        status,
        amount: Cents(2000),
        refunded: Cents(0),
        currency: "usd".into(),
        tier: Some("women-radio".into()),
        designation: GENERAL.into(),
        frequency,
        payments,
        details: true,
    }
}

fn public_pages() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for lang in [Lang::En, Lang::Km] {
        let mut add =
            |name: &str, html: String| pages.push((format!("{}-{name}", lang.code()), html));
        add("home", home_template(lang));
        add("home-refused-pledge", home_refused(lang, Refused::Pledge));
        add("home-refused-comment", home_refused(lang, Refused::Comment));
        add(
            "home-refused-volunteer",
            home_refused(lang, Refused::Volunteer),
        );
        add("privacy", privacy(lang, ORIGIN, &Periods::default()));
        add("updates", updates_list(lang, ORIGIN, 1, 12, &updates()));
        add(
            "updates-page-2",
            updates_list(lang, ORIGIN, 2, 12, &updates()[..1]),
        );
        add("updates-none", updates_list(lang, ORIGIN, 1, 0, &[]));
        add("update", update_page(lang, ORIGIN, &update(2, true, false)));
        add(
            "update-other-language",
            update_page(lang, ORIGIN, &update(1, false, true)),
        );
        add(
            "pledge-paid",
            pledge_thanks(lang, ORIGIN, pledge(Frequency::Once, Status::Paid, 1)),
        );
        add(
            "pledge-pending",
            pledge_thanks(lang, ORIGIN, pledge(Frequency::Once, Status::Pending, 0)),
        );
        add(
            "pledge-monthly",
            pledge_thanks(
                lang,
                ORIGIN,
                PledgePage {
                    pledge: pledge(Frequency::Monthly, Status::Active, 3),
                    stop: true,
                    sandbox: true,
                },
            ),
        );
        add(
            "pledge-stopped",
            pledge_thanks(
                lang,
                ORIGIN,
                pledge(Frequency::Monthly, Status::Cancelled, 2),
            ),
        );
        let monthly = pledge(Frequency::Monthly, Status::Active, 1);
        add(
            "pledge-stop",
            pledge_stop(lang, ORIGIN, &monthly, "token", Default::default()),
        );
        let mut expired = app::form::Problems::default();
        expired.add("", app::form::Problem::Token);
        add(
            "pledge-stop-refused",
            pledge_stop(lang, ORIGIN, &monthly, "token", expired),
        );
        add(
            "pledge-nothing-to-stop",
            pledge_nothing_to_stop(lang, ORIGIN, &monthly.id, NothingToStop::Once),
        );
        add(
            "pledge-stop-failed",
            pledge_stop_failed(lang, ORIGIN, &monthly.id),
        );
        add(
            "pledge-erase",
            pledge_erase(
                lang,
                ORIGIN,
                PledgeErase {
                    pledge: &monthly,
                    token: "token",
                    problems: Default::default(),
                    copies_minutes: Some(11),
                },
            ),
        );
        add(
            "pledge-nothing-to-erase",
            pledge_nothing_to_erase(lang, ORIGIN, &monthly.id),
        );
        add(
            "sandbox",
            sandbox_checkout(lang, ORIGIN, pledge(Frequency::Once, Status::Pending, 0)),
        );
        add("volunteer-thanks", volunteer_thanks(lang, ORIGIN));
        add("not-found", not_found(lang, ORIGIN));
        add("error", error_page(lang, ORIGIN));
        add("cross-site", cross_site(lang, ORIGIN));
        add("checkout-failed", checkout_failed(lang, ORIGIN));
        add(
            "giving-paused",
            app::views::giving_paused(lang, ORIGIN, 1500),
        );
        add("pledge-too-fast", app::views::pledge_too_fast(lang, ORIGIN));
        add(
            "comment-delete",
            comment_delete(
                lang,
                ORIGIN,
                OwnComment {
                    id: 3,
                    body: MARKUP.into(),
                    has_replies: true,
                },
            ),
        );
        add(
            "comment-deleted",
            comment_deleted(lang, ORIGIN, &Default::default()),
        );
        add("comment-not-yours", comment_not_yours(lang, ORIGIN));
    }
    pages
}

fn admin_comment(id: i64, status: CommentStatus) -> AdminComment {
    AdminComment {
        id,
        parent_id: None,
        name: MARKUP.into(),
        website: Some("https://example.org".into()),
        body: MARKUP.into(),
        lang: "km".into(),
        status,
        is_campaign: false,
        link_count: 3,
        flagged: true,
        created_at: NOW - id,
    }
}

fn pledge_row(id: &str, status: Status, frequency: Frequency) -> PledgeRow {
    PledgeRow {
        id: id.into(),
        status,
        amount_cents: 5000,
        refunded_cents: 0,
        currency: "usd".into(),
        tier: Some("women-radio".into()),
        designation: GENERAL.into(),
        name: Some(MARKUP.into()),
        email: Some("d@example.org".into()),
        show_name: true,
        note: Some(MARKUP.into()),
        lang: "km".into(),
        origin: "site".into(),
        provider_ref: Some("pi_123".into()),
        flag: None,
        created_at: NOW - 3600,
        paid_at: Some(NOW - 3000),
        attested_at: Some(NOW - 3600),
        frequency,
        payments: 2,
        failed_renewals: 1,
        unpaid_invoice: Some("in_123".into()),
        ended_at: None,
        source: Some("fb-1".into()),
        presented_currency: Some("eur".into()),
        presented_amount: Some(4620),
    }
}

fn admin_pages() -> Vec<(String, String)> {
    let owner = Roles::default().with(Role::Owner);
    let v = admin::Viewer {
        name: "Dara",
        roles: owner,
        csrf: "csrf-token",
    };
    let moderator = admin::Viewer {
        roles: Roles::default().with(Role::Moderator),
        ..v
    };
    let mut pages: Vec<(String, String)> = [
        ("sign-in", accounts::sign_in(None, "")),
        (
            "sign-in-refused",
            accounts::sign_in(Some(SignInProblem::Wrong), MARKUP),
        ),
        ("bootstrap", accounts::bootstrap(Some(MARKUP), MARKUP)),
        (
            "invite-password",
            accounts::invite_password("tok", MARKUP, owner, Some(MARKUP)),
        ),
        (
            "invite-factor",
            accounts::invite_factor(
                "tok",
                app::account::qr::svg("otpauth://totp/Campaign:Dara?secret=ABC"),
                "ABCDEFGH",
                Some(MARKUP),
            ),
        ),
        (
            "enrolled",
            accounts::enrolled(MARKUP, &["aaaa-bbbb".into(), "cccc-dddd".into()]),
        ),
        ("enrolled-already", accounts::enrolled_already(MARKUP)),
        ("invitation-gone", accounts::invitation_gone()),
        ("forbidden", accounts::forbidden(&moderator)),
        (
            "account",
            accounts::account(
                &v,
                vec![
                    SessionLine {
                        created_at: NOW - 600,
                        expires_at: NOW + 3600,
                        current: true,
                    },
                    SessionLine {
                        created_at: NOW - 86_400,
                        expires_at: NOW + 600,
                        current: false,
                    },
                ],
                8,
            ),
        ),
        (
            "team",
            accounts::team(
                &v,
                vec![
                    TeamMember {
                        id: 1,
                        name: "Dara".into(),
                        roles: owner,
                        status: "active".into(),
                        created_at: NOW - 86_400,
                        sessions: 1,
                    },
                    TeamMember {
                        id: 2,
                        name: MARKUP.into(),
                        roles: Roles::default().with(Role::Moderator).with(Role::Finance),
                        status: "disabled".into(),
                        created_at: NOW - 3600,
                        sessions: 0,
                    },
                    TeamMember {
                        id: 3,
                        name: "Sokha".into(),
                        roles: Roles::default().with(Role::Organiser),
                        status: "invited".into(),
                        created_at: NOW - 60,
                        sessions: 0,
                    },
                ],
                Some(MARKUP),
            ),
        ),
        (
            "invitation-link",
            accounts::invitation_link(&v, MARKUP, "https://example.org/admin/invite/tok", false),
        ),
        (
            "invitation-link-reset",
            accounts::invitation_link(&v, MARKUP, "https://example.org/admin/invite/tok", true),
        ),
        (
            "audit",
            accounts::audit(
                &v,
                &AuditQuery {
                    action: Some(Action::Moderated),
                    actor: Some(1),
                    days: 30,
                },
                &[(1, "Dara".into()), (2, MARKUP.into())],
                vec![
                    Entry {
                        id: 1,
                        at: NOW,
                        actor: Some(1),
                        actor_name: Some("Dara".into()),
                        action: Action::Moderated,
                        subject: Some("comment 4".into()),
                        detail: Some("approve".into()),
                    },
                    Entry {
                        id: 2,
                        at: NOW - 60,
                        actor: None,
                        actor_name: None,
                        action: Action::SignInFailed,
                        subject: None,
                        detail: None,
                    },
                ],
            ),
        ),
        (
            "audit-empty",
            accounts::audit(
                &v,
                &AuditQuery {
                    action: None,
                    actor: None,
                    days: 7,
                },
                &[],
                vec![],
            ),
        ),
        (
            "dashboard",
            admin::dashboard(
                &v,
                Dashboard {
                    held: 2,
                    held_flagged: 1,
                    waiting: 3,
                    raised: Cents(42_500),
                    gifts: 5,
                    flagged: 1,
                    volunteers: 4,
                },
                true,
                Some(Standing::from_row(NOW - 3600, None, None, NOW)),
                AlertsStanding {
                    configured: true,
                    last_sent_at: Some(NOW - 7200),
                    test: Some(false),
                },
                ShieldStanding {
                    signals: app::shield::Signals {
                        failed: 12,
                        expired: 3,
                    },
                    since: NOW - 3600,
                    latest: Some(app::shield::Trip {
                        id: 1,
                        opened_at: NOW - 600,
                        tight_until: NOW + 3600,
                        paused_until: Some(NOW + 600),
                        failed: 41,
                        expired: 3,
                        closed_at: None,
                    }),
                    now: NOW,
                },
            ),
        ),
        (
            "dashboard-unconfigured",
            admin::dashboard(
                &moderator,
                Dashboard::default(),
                false,
                None,
                AlertsStanding::default(),
                ShieldStanding::default(),
            ),
        ),
        (
            "waiting",
            admin::waiting(
                &v,
                vec![admin_comment(5, CommentStatus::Approved)],
                NOW,
                Some(ReplyDraft {
                    parent: 5,
                    text: format!("</textarea>{MARKUP}"),
                    problem: ReplyProblem::TooLong,
                }),
            ),
        ),
        ("waiting-none", admin::waiting(&v, vec![], NOW, None)),
        (
            "volunteers",
            admin::volunteers(
                &v,
                2,
                250,
                vec![VolunteerRow {
                    id: 1,
                    name: MARKUP.into(),
                    email: Some("v@example.org".into()),
                    phone: Some("+855 12 345 678".into()),
                    place: Some(MARKUP.into()),
                    help: "events,outreach".into(),
                    message: Some(MARKUP.into()),
                    lang: "km".into(),
                    created_at: NOW,
                }],
            ),
        ),
        (
            "pledges",
            admin::pledges(
                &v,
                PledgesPage {
                    filter: Some(Status::Paid),
                    page: 2,
                    matching: 250,
                    rows: vec![
                        pledge_row("p1", Status::Paid, Frequency::Once),
                        pledge_row("p2", Status::Active, Frequency::Monthly),
                    ],
                    totals: Status::ALL
                        .iter()
                        .map(|s| StatusTotal {
                            status: *s,
                            pledges: 2,
                            cents: 10_000,
                        })
                        .collect(),
                    raised: Cents(42_500),
                    gifts: 5,
                    flagged: vec![PledgeRow {
                        currency: "eur".into(),
                        flag: Some("currency".into()),
                        ..pledge_row("p3", Status::Paid, Frequency::Once)
                    }],
                    flagged_events: vec![FlaggedEvent {
                        scheme: "stripe".into(),
                        event_id: "evt_1".into(),
                        outcome: "flagged:currency".into(),
                        pledge_id: Some("p3".into()),
                        provider_ref: Some("pi_3".into()),
                        amount_cents: Some(5000),
                        currency: Some("eur".into()),
                        received_at: NOW,
                    }],
                    waiting_refunds: vec![WaitingRefund {
                        provider_ref: "pi_9".into(),
                        refunded_cents: 500,
                        currency: "usd".into(),
                        updated_at: NOW,
                    }],
                    chart_svg: paid_per_day_svg(
                        &[DayTotal {
                            day: NOW / 86_400,
                            cents: 5000,
                            gifts: 1,
                        }],
                        NOW / 86_400,
                    ),
                    monthly: MonthlySummary {
                        active: 1,
                        active_cents: 2000,
                        past_due: 1,
                        cancelled: 1,
                        months_paid: 3,
                        failed_renewals: 1,
                    },
                    monthly_rows: vec![pledge_row("p2", Status::Active, Frequency::Monthly)],
                },
            ),
        ),
        (
            "pledges-empty",
            admin::pledges(
                &v,
                PledgesPage {
                    filter: None,
                    page: 1,
                    matching: 0,
                    rows: vec![],
                    totals: vec![],
                    raised: Cents(0),
                    gifts: 0,
                    flagged: vec![],
                    flagged_events: vec![],
                    waiting_refunds: vec![],
                    chart_svg: paid_per_day_svg(&[], NOW / 86_400),
                    monthly: MonthlySummary::default(),
                    monthly_rows: vec![],
                },
            ),
        ),
        (
            "erase",
            admin::erase(
                &v,
                ErasePage {
                    done: Some(erasure(1, ErasureKind::Email)),
                    recent: vec![
                        erasure(1, ErasureKind::Email),
                        erasure(2, ErasureKind::OwnComment),
                    ],
                    typed: EraseForm {
                        email: MARKUP.into(),
                        ..EraseForm::default()
                    },
                    problem: Some(EraseProblem::NotAnEmail),
                },
            ),
        ),
        (
            "erase-empty",
            admin::erase(
                &v,
                ErasePage {
                    done: None,
                    recent: vec![],
                    typed: EraseForm::default(),
                    problem: None,
                },
            ),
        ),
        (
            "erase-found",
            admin::erase_found(
                &v,
                Stored {
                    by: EraseBy::Email(MARKUP.into()),
                    counts: StoredCounts {
                        pledges: 1,
                        volunteers: 1,
                    },
                    pledges: vec![StoredPledge {
                        id: "p1".into(),
                        status: Status::Paid,
                        amount_cents: 5000,
                        currency: "usd".into(),
                        created_at: NOW,
                        has_name: true,
                        has_email: true,
                        has_note: false,
                    }],
                    volunteers: vec![StoredVolunteer {
                        id: 1,
                        created_at: NOW,
                    }],
                },
                Some(EraseProblem::NotConfirmed),
            ),
        ),
        (
            "erase-found-nothing",
            admin::erase_found(&v, Stored::default(), None),
        ),
        (
            "updates",
            views::admin_updates::updates(
                &v,
                vec![
                    update(3, true, true),
                    Update {
                        status: UpdateStatus::Draft,
                        published_at: None,
                        ..update(4, false, true)
                    },
                ],
                UpdateForm {
                    title_en: MARKUP.into(),
                    body_en: format!("</textarea>{MARKUP}"),
                    ..Default::default()
                },
                Some(UpdateProblem::Half(Lang::Km)),
            ),
        ),
        (
            "updates-none",
            views::admin_updates::updates(&v, vec![], UpdateForm::default(), None),
        ),
        (
            "update-edit",
            views::admin_updates::edit(
                &v,
                &update(3, true, true),
                UpdateForm {
                    title_en: MARKUP.into(),
                    body_en: format!("</textarea>{MARKUP}"),
                    title_km: "វិទ្យុ".into(),
                    body_km: "ស្ត្រី".into(),
                },
                Some(UpdateProblem::TitleTooLong(Lang::En)),
            ),
        ),
        (
            "sources",
            sources::sources(
                &v,
                SourcesPage {
                    days: 30,
                    rows: vec![
                        SourceRow {
                            source: Some("fb-1".into()),
                            pledges: 3,
                            paid: 2,
                            net_cents: 10_000,
                        },
                        SourceRow {
                            source: None,
                            pledges: 1,
                            paid: 0,
                            net_cents: 0,
                        },
                    ],
                    tiers: tiers().into_iter().map(|t| t.id).collect(),
                    builder: LinkBuilder {
                        code: "fb-1".into(),
                        tier: "women-radio".into(),
                        km: true,
                    },
                    base: ORIGIN.into(),
                    funnel: app::admin::funnel_lines(&[
                        app::funnel::Tally::one(
                            1_795_861_845,
                            app::funnel::Kind::Sent,
                            app::i18n::Lang::En,
                            "fb-1",
                        ),
                        app::funnel::Tally::one(
                            1_795_861_845,
                            app::funnel::Kind::Checkout,
                            app::i18n::Lang::Km,
                            "",
                        ),
                    ]),
                    funnel_svg: String::new(),
                },
            ),
        ),
        (
            "sources-refused",
            sources::sources(
                &v,
                SourcesPage {
                    days: 7,
                    rows: vec![],
                    tiers: vec![],
                    builder: LinkBuilder {
                        code: MARKUP.into(),
                        tier: String::new(),
                        km: false,
                    },
                    base: ORIGIN.into(),
                    funnel: vec![],
                    funnel_svg: String::new(),
                },
            ),
        ),
    ]
    .into_iter()
    .map(|(name, html)| (name.to_string(), html))
    .collect();
    for list in CommentList::ALL {
        let status = match list {
            CommentList::Held => CommentStatus::Held,
            CommentList::Approved => CommentStatus::Approved,
            CommentList::Spam => CommentStatus::Spam,
        };
        let draft = (list == CommentList::Approved).then(|| ReplyDraft {
            parent: 1,
            text: format!("</textarea>{MARKUP}"),
            problem: ReplyProblem::Empty,
        });
        let html = admin::comments(
            &v,
            CommentsPage {
                list,
                page: 2,
                total: 120,
                comments: vec![admin_comment(1, status), admin_comment(2, status)],
                draft,
            },
        );
        pages.push((format!("comments-{}", list.as_str()), html));
    }
    pages.push((
        "comments-none".into(),
        admin::comments(
            &v,
            CommentsPage {
                list: CommentList::Held,
                page: 1,
                total: 0,
                comments: vec![],
                draft: None,
            },
        ),
    ));
    pages
        .into_iter()
        .map(|(name, html)| (format!("admin-{name}"), html))
        .collect()
}

fn erasure(id: i64, kind: ErasureKind) -> Erasure {
    Erasure {
        id,
        at: NOW - id,
        kind,
        pledges: 1,
        comments: 2,
        volunteers: 0,
    }
}
