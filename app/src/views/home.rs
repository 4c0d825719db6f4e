//! The campaign page, `/` and `/km/`: the story, the tiers, progress, giving, comments,
//! and how to get involved. Everything on it is usable without JavaScript.

use super::comments::{CommentFormState, CommentsSection};
use super::pledge_form::{PledgeFormState, PledgeFormView};
use super::{
    document_with_holes, invalid, outer_max, textarea_text, title_with, ErrorSummary, Field,
    FieldError, FormFields, Hole, LangField, LengthHint, Links, PageMeta, Placed, PrivacyLink,
    Template,
};
use crate::campaign::Campaign;
use crate::comment::CommentPage;
use crate::content::{fill, paragraphs, Text};
use crate::deadline::Standing;
use crate::form::Problems;
use crate::i18n::Lang;
use crate::keys::Form;
use crate::volunteer as vol;
use crate::volunteer::{help_label, VolunteerForm, HELP_KINDS};
use leptos::either::Either;
use leptos::prelude::*;

/// The volunteer form as it should be drawn.
#[derive(Clone, Debug, Default)]
pub struct VolunteerFormState {
    pub form: VolunteerForm,
    pub problems: Problems,
}

/// Everything the campaign page shows, loaded before rendering.
pub struct HomePage<'a> {
    pub lang: Lang,
    pub links: Links<'a>,
    pub campaign: Campaign,
    pub pledge: PledgeFormState,
    pub comments: CommentPage,
    pub comment_form: CommentFormState,
    pub volunteer: VolunteerFormState,
    /// The latest published updates, newest first.
    pub updates: Vec<crate::update::Update>,
}

/// The campaign page, with a hole for each form's token and, on the shared page, for a share
/// link's values (`PledgeFormState::holes`): each response fills them (`Template::serve`).
pub fn home(page: HomePage<'_>) -> Template {
    let HomePage {
        lang,
        links,
        campaign,
        pledge,
        comments,
        comment_form,
        volunteer,
        updates,
    } = page;
    let t = lang.text();
    let tiers: Vec<_> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
    // A page drawn again after a post carries one form's problems, never two.
    let problems = [
        &pledge.problems,
        &comment_form.problems,
        &volunteer.problems,
    ]
    .into_iter()
    .find(|p| !p.is_empty())
    .cloned()
    .unwrap_or_default();
    let title = title_with(t, &problems, format!("{} | {}", t.page_title, t.site_name));
    let deadline = pledge.deadline;
    // After the deadline, a closing campaign says so where its form was (#28 §4).
    let giving = if deadline.is_some_and(Standing::closed) {
        Either::Left(view! {
            <div class="card" id="giving-closed">
                <h2 id="pledge-heading">{t.deadline_closed_heading}</h2>
                <p class="notice" role="status">{t.deadline_closed}</p>
            </div>
        })
    } else {
        Either::Right(view! { <PledgeFormView lang=lang tiers=tiers.clone() state=pledge/> })
    };
    let main = view! {
        <Hero t=t/>
        <div class="two">
            <Progress lang=lang campaign=campaign deadline=deadline/>
            <TierList t=t tiers=tiers.clone()/>
        </div>
        {super::updates::latest(lang, &updates)}
        <section id=super::pledge_form::SECTION aria-labelledby="pledge-heading">
            {giving}
        </section>
        <Story t=t/>
        <CommentsSection lang=lang page=comments form=comment_form/>
        <Involved lang=lang state=volunteer/>
    };
    document_with_holes(
        PageMeta {
            lang,
            links,
            path: "/",
            title,
            index: true,
        },
        main,
    )
}

#[component]
fn Hero(t: &'static Text) -> impl IntoView {
    view! {
        <h1><span>{t.headline_1}</span><span>{t.headline_2}</span></h1>
        <p><a class="button" href="#give">{t.hero_cta}</a></p>
    }
}

#[component]
fn Progress(lang: Lang, campaign: Campaign, deadline: Option<Standing>) -> impl IntoView {
    let t: &'static Text = lang.text();
    let percent = campaign.percent();
    let raised = fill(
        t.progress_raised,
        &[
            ("raised", &campaign.raised.to_string()),
            ("goal", &campaign.goal.to_string()),
        ],
    );
    let gifts = lang.count(&t.progress_gifts, campaign.gifts);
    // Shown once someone gives every month: "0 monthly donors" would say nothing a new
    // campaign wants said.
    let monthly = (campaign.monthly > 0).then(|| {
        view! { <p id="monthly-supporters">{lang.count(&t.progress_monthly, campaign.monthly)}</p> }
    });
    let counters = campaign
        .tiers
        .iter()
        .filter_map(|p| {
            t.tier(&p.tier.id)
                .map(|copy| lang.count(&copy.counter, p.impact()))
        })
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    let supporters = if campaign.recent.is_empty() {
        Either::Left(view! { <p>{t.progress_no_gifts}</p> })
    } else {
        let items = campaign
            .recent
            .into_iter()
            .map(|s| {
                let name = s.name.unwrap_or_else(|| t.anonymous.to_string());
                view! { <li>{name}" · "<time datetime=crate::time::rfc3339(s.at)>{lang.date(s.at)}</time></li> }
            })
            .collect_view();
        Either::Right(view! { <ul>{items}</ul> })
    };
    view! {
        <section id="progress" class="card" aria-labelledby="progress-heading">
            <h2 id="progress-heading">{t.progress_heading}</h2>
            <progress max="100" value=percent.to_string() aria-label=t.progress_label>{lang.digits(&format!("{percent}%"))}</progress>
            <p><strong>{raised}</strong></p>
            <p>{gifts}</p>
            {monthly}
            {deadline.map(|d| view! { <p id="deadline"><strong>{d.page_line(lang)}</strong></p> })}
            <h3>{t.progress_impact_heading}</h3>
            <ul class="stats">{counters}</ul>
            <h3>{t.progress_supporters_heading}</h3>
            {supporters}
        </section>
    }
}

#[component]
fn TierList(t: &'static Text, tiers: Vec<crate::campaign::Tier>) -> impl IntoView {
    let items = tiers
        .into_iter()
        .map(|tier| {
            let impact = t.tier(&tier.id).map(|c| c.impact).unwrap_or("");
            view! { <li><span class="amount">{tier.amount.to_string()}</span>": "{impact}</li> }
        })
        .collect_view();
    view! {
        <section id="tiers" aria-labelledby="tiers-heading">
            <h2 id="tiers-heading">{t.tiers_heading}</h2>
            <ol class="tiers">
                {items}
                // A choice like the others: any amount, in the form below.
                <li><span class="amount">{t.tier_open_amount}</span>": "<a href="#give">{t.tier_open_impact}</a></li>
            </ol>
        </section>
    }
}

#[component]
fn Story(t: &'static Text) -> impl IntoView {
    let block = |heading: &'static str, id: &'static str, text: &'static str| {
        let ps = paragraphs(text)
            .map(|p| view! { <p>{p}</p> })
            .collect_view();
        view! { <section aria-labelledby=id><h2 id=id>{heading}</h2>{ps}</section> }
    };
    view! {
        <div id="story">
            {block(t.history_heading, "history", t.history)}
            {block(t.today_heading, "today", t.today)}
            {block(t.plan_heading, "plan", t.plan)}
            {block(t.thanks_heading, "thanks", t.thanks)}
        </div>
    }
}

/// The section the offer of help posts to (`/volunteer#involved`), where its answer opens.
const INVOLVED: &str = "involved";

/// The offer of help's fields, for its problems.
static VOLUNTEER_FIELDS: FormFields = FormFields {
    form: "volunteer",
    fields: &[
        Field {
            name: "name",
            control: "volunteer-name",
            label: Some(|t| t.volunteer_name),
        },
        // The problem says what is missing: an email or a phone.
        Field {
            name: "contact",
            control: "volunteer-email",
            label: None,
        },
        Field {
            name: "email",
            control: "volunteer-email",
            label: Some(|t| t.volunteer_email),
        },
        Field {
            name: "phone",
            control: "volunteer-phone",
            label: Some(|t| t.volunteer_phone),
        },
        Field {
            name: "place",
            control: "volunteer-place",
            label: Some(|t| t.volunteer_place),
        },
        Field {
            name: "help",
            control: "volunteer-help",
            label: Some(|t| t.volunteer_help),
        },
        Field {
            name: "message",
            control: "volunteer-message",
            label: Some(|t| t.volunteer_message),
        },
    ],
};

#[component]
fn Involved(lang: Lang, state: VolunteerFormState) -> impl IntoView {
    let t: &'static Text = lang.text();
    let VolunteerFormState { form, problems } = state;
    let kinds = HELP_KINDS
        .iter()
        .map(|kind| {
            let id = format!("help-{kind}");
            view! {
                <div class="choice">
                    <input type="checkbox" name="help" id=id.clone() value=*kind checked=form.helps(kind)/>
                    <label for=id>{help_label(t, kind)}</label>
                </div>
            }
        })
        .collect_view();
    let fields = &VOLUNTEER_FIELDS;
    let described_by = |field: &str| fields.described_by(&problems, field);
    view! {
        <section id=INVOLVED aria-labelledby="involved-heading">
            <ErrorSummary t=t fields=fields problems=problems.clone() h2=true/>
            <form method="post" action=format!("{}#{INVOLVED}", lang.href("/volunteer")) class="card" id="volunteer-form" novalidate>
                <h2 id="involved-heading">{t.involved_heading}</h2>
                <p>{t.involved_intro}</p>
                <LangField lang=lang/>
                // Every response fills in a token of its own.
                <input type="hidden" name="token" value=Placed::Hole(Hole::Token(Form::Volunteer))/>
                <div class="hp" aria-hidden="true">
                    <label for="volunteer-homepage">{t.honeypot_label}</label>
                    <input type="text" name="homepage" id="volunteer-homepage" tabindex="-1" autocomplete="off"/>
                </div>
                <label for="volunteer-name">{t.volunteer_name}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="name"/>
                <input type="text" name="name" id="volunteer-name" value=form.name.clone() autocomplete="name" maxlength=outer_max(vol::NAME_MAX) required
                    aria-invalid=invalid(&problems, "name") aria-describedby=described_by("name")/>
                <p class="hint">{t.volunteer_contact_hint}</p>
                <FieldError t=t fields=fields problems=problems.clone() field="contact"/>
                <label for="volunteer-email">{t.volunteer_email}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="email"/>
                <input type="email" name="email" id="volunteer-email" value=form.email.clone() autocomplete="email"
                    aria-invalid=invalid(&problems, "email").or(invalid(&problems, "contact"))
                    aria-describedby=described_by("email").or(described_by("contact"))/>
                <label for="volunteer-phone">{t.volunteer_phone}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="phone"/>
                <input type="tel" name="phone" id="volunteer-phone" value=form.phone.clone() autocomplete="tel" maxlength=outer_max(vol::PHONE_MAX)
                    aria-invalid=invalid(&problems, "phone") aria-describedby=described_by("phone")/>
                <label for="volunteer-place">{t.volunteer_place}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="place"/>
                <input type="text" name="place" id="volunteer-place" value=form.place.clone() maxlength=outer_max(vol::PLACE_MAX)
                    aria-invalid=invalid(&problems, "place") aria-describedby=described_by("place")/>
                <fieldset id="volunteer-help" aria-describedby=described_by("help")>
                    <legend>{t.volunteer_help}</legend>
                    <FieldError t=t fields=fields problems=problems.clone() field="help"/>
                    {kinds}
                </fieldset>
                <label for="volunteer-message">{t.volunteer_message}</label>
                <LengthHint lang=lang max=vol::MESSAGE_MAX/>
                <FieldError t=t fields=fields problems=problems.clone() field="message"/>
                <textarea name="message" id="volunteer-message" maxlength=outer_max(vol::MESSAGE_MAX)
                    aria-invalid=invalid(&problems, "message") aria-describedby=described_by("message")>{textarea_text(&form.message)}</textarea>
                <PrivacyLink lang=lang/>
                <button type="submit">{t.volunteer_submit}</button>
            </form>
        </section>
    }
}
