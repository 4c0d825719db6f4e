//! The pledge form: a tier or an own amount, how often, where it should go, and the donor's
//! choices.

use super::{
    invalid, outer_max, textarea_text, ErrorSummary, Field, FieldError, FormFields, Hole,
    LangField, LengthHint, Placed, PrivacyLink,
};
use crate::campaign::Tier;
use crate::content::Text;
use crate::form::Problems;
use crate::i18n::Lang;
use crate::pledge::{
    Frequency, PledgeForm, ELIGIBLE_FIELD, FREQUENCY_FIELD, GENERAL, NAME_MAX, NOTE_MAX,
    OWN_AMOUNT, RESUMED_FIELD, SAME_AS_TIER,
};
use crate::reach::{self, Group, Pick};
use crate::source_code::SourceCode;
use leptos::prelude::*;

/// The section the form posts to (`/pledges#give`), where its answer opens.
pub const SECTION: &str = "give";

/// The pledge form's fields, for its problems.
static FIELDS: FormFields = FormFields {
    form: "pledge",
    fields: &[
        Field {
            name: "tier",
            control: "pledge-choice",
            label: Some(|t| t.form_choose),
        },
        Field {
            name: "amount",
            control: "amount",
            label: Some(|t| t.form_own_amount),
        },
        Field {
            name: "designation",
            control: "designation",
            label: Some(|t| t.form_designation),
        },
        Field {
            name: "name",
            control: "pledge-name",
            label: Some(|t| t.form_name),
        },
        Field {
            name: "email",
            control: "pledge-email",
            label: Some(|t| t.form_email),
        },
        Field {
            name: "note",
            control: "pledge-note",
            label: Some(|t| t.form_note),
        },
        // Its label is a whole declaration; the problem says what to do.
        Field {
            name: ELIGIBLE_FIELD,
            control: "eligible",
            label: None,
        },
    ],
};

/// The form as it should be drawn: blank, or as the visitor sent it with its problems.
#[derive(Clone, Debug, Default)]
pub struct PledgeFormState {
    pub form: PledgeForm,
    pub problems: Problems,
    /// Online giving is configured (`CHECKOUT` is set).
    pub enabled: bool,
    /// Where the campaign stands against its deadline (`CAMPAIGN_DEADLINE`), if it has one:
    /// the page shows the days left, and once it has ended a closing form is not drawn.
    pub deadline: Option<crate::deadline::Standing>,
    /// Drawn as the shared page: the share link's code, the choices and the own amount are
    /// holes that each response fills from its own query (`views::Template::serve`).
    pub holes: bool,
}

#[component]
pub fn PledgeFormView(lang: Lang, tiers: Vec<Tier>, state: PledgeFormState) -> impl IntoView {
    let t: &'static Text = lang.text();
    let PledgeFormState {
        form,
        problems,
        enabled,
        holes,
        ..
    } = state;
    let source = if holes {
        Placed::Hole(Hole::Source)
    } else {
        Placed::Text(
            SourceCode::parse(&form.source)
                .map(SourceCode::into_string)
                .unwrap_or_default(),
        )
    };
    let amount = if holes {
        Placed::Hole(Hole::Amount)
    } else {
        Placed::Text(form.amount.clone())
    };
    let choices = tiers
        .iter()
        .map(|tier| {
            let copy = t.tier(&tier.id);
            let id = format!("tier-{}", tier.id);
            let label = format!("{}: {}", tier.amount, copy.map(|c| c.name).unwrap_or(""));
            let checked = checked(holes, Group::Tier, &tier.id, form.tier == tier.id);
            view! {
                <div class="choice">
                    <input type="radio" name="tier" id=id.clone() value=tier.id.clone() checked=checked/>
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    let purposes = tiers
        .iter()
        .map(|tier| {
            let purpose = t.tier(&tier.id).map(|c| c.purpose).unwrap_or("");
            view! { <option value=tier.id.clone() selected=form.designation == tier.id>{purpose}</option> }
        })
        .collect_view();
    let own = checked(holes, Group::Tier, OWN_AMOUNT, form.tier == OWN_AMOUNT);
    let same = form.designation.is_empty() || form.designation == SAME_AS_TIER;
    let fields = &FIELDS;
    let described_by = |field: &str| fields.described_by(&problems, field);
    view! {
        <ErrorSummary t=t fields=fields problems=problems.clone() h2=true/>
        <form method="post" action=format!("{}#{SECTION}", lang.href("/pledges")) class="card" id="pledge-form" novalidate>
            <h2 id="pledge-heading">{t.form_heading}</h2>
            <p>{t.form_intro}</p>
            {(!enabled).then(|| view! { <p class="notice" role="status">{t.form_not_configured}</p> })}
            <LangField lang=lang/>
            <input type="hidden" name=reach::SOURCE_FIELD value=source/>
            // Back from the checkout: not asked again to give monthly (#28 §2).
            {form.resumed().then(|| view! { <input type="hidden" name=RESUMED_FIELD value="1"/> })}
            <fieldset id="pledge-choice" aria-describedby=described_by("tier")>
                <legend>{t.form_choose}</legend>
                <FieldError t=t fields=fields problems=problems.clone() field="tier"/>
                {choices}
                <div class="choice">
                    <input type="radio" name="tier" id="tier-own" value=OWN_AMOUNT checked=own/>
                    <label for="tier-own">{t.form_own_amount_option}</label>
                </div>
                <label for="amount">{t.form_own_amount}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="amount"/>
                <input type="text" inputmode="numeric" name="amount" id="amount" value=amount
                    autocomplete="off" aria-invalid=invalid(&problems, "amount") aria-describedby=described_by("amount")/>
            </fieldset>
            <HowOften t=t chosen=form.frequency() holes=holes/>
            <label for="designation">{t.form_designation}</label>
            <FieldError t=t fields=fields problems=problems.clone() field="designation"/>
            <select name="designation" id="designation" aria-invalid=invalid(&problems, "designation") aria-describedby=described_by("designation")>
                <option value=SAME_AS_TIER selected=same>{t.form_designation_tier}</option>
                <option value=GENERAL selected=form.designation == GENERAL>{t.form_designation_general}</option>
                {purposes}
            </select>
            <fieldset>
                <legend>{t.form_about_you}</legend>
                <label for="pledge-name">{t.form_name}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="name"/>
                <input type="text" name="name" id="pledge-name" value=form.name.clone() autocomplete="name" maxlength=outer_max(NAME_MAX)
                    aria-invalid=invalid(&problems, "name") aria-describedby=described_by("name")/>
                <label for="pledge-email">{t.form_email}</label>
                <FieldError t=t fields=fields problems=problems.clone() field="email"/>
                <input type="email" name="email" id="pledge-email" value=form.email.clone() autocomplete="email"
                    aria-invalid=invalid(&problems, "email") aria-describedby=described_by("email")/>
                <div class="choice">
                    <input type="checkbox" name="show_name" id="show-name" value="on" checked=form.show_name()/>
                    <label for="show-name">{t.form_show_name}</label>
                </div>
                <p class="hint">{t.form_show_name_hint}</p>
                <label for="pledge-note">{t.form_note}</label>
                <LengthHint lang=lang max=NOTE_MAX/>
                <FieldError t=t fields=fields problems=problems.clone() field="note"/>
                <textarea name="note" id="pledge-note" maxlength=outer_max(NOTE_MAX)
                    aria-invalid=invalid(&problems, "note") aria-describedby=described_by("note")>{textarea_text(&form.note)}</textarea>
            </fieldset>
            // Required and never ticked for the donor: the law asks them to say it themselves.
            <FieldError t=t fields=fields problems=problems.clone() field=ELIGIBLE_FIELD/>
            <div class="choice">
                <input type="checkbox" name=ELIGIBLE_FIELD id="eligible" value="on" required checked=form.eligible()
                    aria-invalid=invalid(&problems, ELIGIBLE_FIELD) aria-describedby=described_by(ELIGIBLE_FIELD)/>
                <label for="eligible">{t.form_eligible}</label>
            </div>
            <p class="hint">{t.form_eligible_hint}</p>
            <p class="hint">{t.form_privacy}</p>
            <PrivacyLink lang=lang/>
            // Stripe Checkout has no Khmer: a Khmer reader is told before the redirect.
            {(!t.form_checkout_language.is_empty())
                .then(|| view! { <p class="hint" id="checkout-language">{t.form_checkout_language}</p> })}
            <button type="submit">{t.form_submit}</button>
        </form>
    }
}

/// A choice's `checked`: as the form has it, or on the shared page a hole each response fills
/// (`on` is then the choice's default).
fn checked(holes: bool, group: Group, value: &str, on: bool) -> Placed {
    if holes {
        Placed::Hole(Hole::Pick(Pick {
            group,
            value: value.to_string(),
            default: on,
        }))
    } else {
        Placed::On(on)
    }
}

/// Once or every month, for a tier or an own amount: once unless the donor chose otherwise
/// (never preselected), and what a monthly gift means, said before they choose it.
#[component]
fn HowOften(t: &'static Text, chosen: Frequency, holes: bool) -> impl IntoView {
    let choices = [
        (Frequency::Once, t.form_frequency_once),
        (Frequency::Monthly, t.form_frequency_month),
    ]
    .into_iter()
    .map(|(f, label)| {
        let id = format!("frequency-{}", f.as_str());
        let checked = checked(holes, Group::Frequency, f.as_str(), chosen == f);
        view! {
            <div class="choice">
                <input type="radio" name=FREQUENCY_FIELD id=id.clone() value=f.as_str() checked=checked
                    aria-describedby="frequency-hint"/>
                <label for=id>{label}</label>
            </div>
        }
    })
    .collect_view();
    view! {
        <fieldset>
            <legend>{t.form_frequency}</legend>
            {choices}
            <p class="hint" id="frequency-hint">{t.form_frequency_hint}</p>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(lang: Lang, form: PledgeForm) -> String {
        Owner::new().with(|| {
            view! {
                <PledgeFormView lang=lang tiers=vec![] state=PledgeFormState { form, ..Default::default() }/>
            }
            .to_html()
        })
    }

    fn render_with(
        lang: Lang,
        tiers: &[Tier],
        form: PledgeForm,
        holes: bool,
    ) -> super::super::Template {
        let tiers = tiers.to_vec();
        super::super::holes::render(|| {
            Owner::new().with(|| {
                view! {
                    <PledgeFormView lang=lang tiers=tiers state=PledgeFormState { form, holes, ..Default::default() }/>
                }
                .to_html()
            })
        })
    }

    /// The shared page, served for a plain visit, is exactly the form drawn for it; served for
    /// a share link, exactly the form drawn with the link's values.
    #[test]
    fn a_served_page_is_the_form_itself() {
        use crate::money::Cents;
        use crate::reach::Reach;
        let tiers: Vec<Tier> = ["women-training", "women-radio"]
            .iter()
            .map(|id| Tier {
                id: id.to_string(),
                amount: Cents(5000),
                units: 1,
            })
            .collect();
        let serve = |page: &super::super::Template, reach: &Reach| {
            page.serve(reach, |_| unreachable!("the pledge form has no token"))
        };
        for lang in [Lang::En, Lang::Km] {
            let shared = render_with(lang, &tiers, PledgeForm::initial(&tiers), true);
            assert!(
                !shared.text().contains(" checked"),
                "{lang:?}: choices are holes"
            );
            // A hole for the code, the amount, each tier, the own amount and each frequency.
            assert_eq!(shared.holes().count(), 2 + tiers.len() + 1 + 2);
            let plain = render_with(lang, &tiers, PledgeForm::initial(&tiers), false);
            assert_eq!(plain.holes().count(), 0);
            assert_eq!(serve(&shared, &Reach::default()), plain.text());
            let link = Reach::from_query(&[
                ("ref", "chapter-paris"),
                ("tier", "women-radio"),
                ("frequency", "month"),
            ]);
            let chosen = PledgeForm {
                tier: "women-radio".into(),
                frequency: "month".into(),
                source: "chapter-paris".into(),
                ..PledgeForm::initial(&tiers)
            };
            assert_eq!(
                serve(&shared, &link),
                render_with(lang, &tiers, chosen, false).text()
            );
            let own = PledgeForm {
                tier: OWN_AMOUNT.into(),
                amount: "25".into(),
                ..PledgeForm::initial(&tiers)
            };
            assert_eq!(
                serve(&shared, &Reach::from_query(&[("amount", "25")])),
                render_with(lang, &tiers, own, false).text()
            );
        }
    }

    #[test]
    fn how_often_is_once_unless_the_donor_chose_every_month() {
        let checked = |html: &str, f: &str| {
            html.contains(&format!("id=\"frequency-{f}\" value=\"{f}\" checked"))
        };
        for lang in [Lang::En, Lang::Km] {
            let blank = render(lang, PledgeForm::default());
            assert!(
                checked(&blank, "once") && !checked(&blank, "month"),
                "{lang:?}"
            );
            assert!(blank.contains(lang.text().form_frequency_hint));
            for (sent, want) in [("month", "month"), ("once", "once"), ("weekly", "once")] {
                let html = render(
                    lang,
                    PledgeForm {
                        frequency: sent.into(),
                        ..PledgeForm::default()
                    },
                );
                assert!(checked(&html, want), "{lang:?} {sent}");
            }
        }
    }
}
