//! "Would you make it monthly?" (#28 §2): the one step between a valid one-off gift's form
//! and the checkout. Two buttons of the same look, one tap each, neither chosen for the donor;
//! the monthly amount is suggested and editable. No script: the form carries the gift form in
//! hidden fields, the signed attestation and the token. Drawn by the office only.

use super::{
    document, invalid, title_with, ErrorSummary, Field, FieldError, FormFields, LangField, Links,
    PageMeta,
};
use crate::content::fill;
use crate::form::Problems;
use crate::i18n::Lang;
use crate::money::Cents;
use crate::pledge::{PledgeForm, ELIGIBLE_FIELD, FREQUENCY_FIELD};
use crate::reach;
use crate::upsell::{ANSWER_FIELD, ATTESTED_FIELD, MONTHLY_FIELD};
use leptos::prelude::*;

/// The step's one field, for its problems.
static FIELDS: FormFields = FormFields {
    form: "upsell",
    fields: &[Field {
        name: MONTHLY_FIELD,
        control: "monthly-amount",
        label: Some(|t| t.upsell_monthly_amount),
    }],
};

/// What the step shows and carries.
pub struct UpsellStep<'a> {
    /// The gift form as posted (valid, once): carried on in hidden fields.
    pub form: &'a PledgeForm,
    /// The one-off gift's amount.
    pub one_off: Cents,
    /// The monthly amount in the field: the suggestion, or as the donor last typed it.
    pub monthly: String,
    /// The step's form token (aged: a press at once is taken).
    pub token: &'a str,
    /// The signed eligibility attestation (`keys::attestation`).
    pub attested: &'a str,
    /// Why the last answer was refused (a monthly amount out of range).
    pub problems: Problems,
}

/// The step's page (`POST /pledges` answered with it, private).
pub fn upsell_step<'a>(lang: Lang, links: impl Into<Links<'a>>, step: UpsellStep<'_>) -> String {
    let t = lang.text();
    let UpsellStep {
        form,
        one_off,
        monthly,
        token,
        attested,
        problems,
    } = step;
    let amount = one_off.to_string();
    let hidden = |name: &'static str, value: &str| {
        let value = value.to_string();
        view! { <input type="hidden" name=name value=value/> }
    };
    let carried = view! {
        {hidden("tier", &form.tier)}
        {hidden("amount", &form.amount)}
        {hidden("designation", &form.designation)}
        {hidden("name", &form.name)}
        {hidden("email", &form.email)}
        {form.show_name().then(|| hidden("show_name", "on"))}
        {hidden("note", &form.note)}
        {hidden(ELIGIBLE_FIELD, "on")}
        {hidden(FREQUENCY_FIELD, "once")}
        {hidden(reach::SOURCE_FIELD, &form.source)}
        {hidden(ATTESTED_FIELD, attested)}
        {hidden("token", token)}
    };
    let fields = &FIELDS;
    let title = title_with(t, &problems, t.upsell_title.to_string());
    let main = view! {
        <h1>{t.upsell_title}</h1>
        <ErrorSummary t=t fields=fields problems=problems.clone() h2=true/>
        <p>{fill(t.upsell_intro, &[("amount", &amount)])}</p>
        <p class="hint">{t.form_frequency_hint}</p>
        <form method="post" action=lang.href("/pledges") id="upsell-form" class="card" novalidate>
            <LangField lang=lang/>
            {carried}
            <label for="monthly-amount">{t.upsell_monthly_amount}</label>
            <FieldError t=t fields=fields problems=problems.clone() field=MONTHLY_FIELD/>
            <input type="text" inputmode="numeric" name=MONTHLY_FIELD id="monthly-amount" value=monthly
                autocomplete="off" aria-invalid=invalid(&problems, MONTHLY_FIELD)
                aria-describedby=fields.described_by(&problems, MONTHLY_FIELD)/>
            // Both answers alike: the same element, the same look, in the same row.
            <p class="answers">
                <button type="submit" name=ANSWER_FIELD value="month">{t.upsell_monthly}</button>
                " "
                <button type="submit" name=ANSWER_FIELD value="once">{fill(t.upsell_once, &[("amount", &amount)])}</button>
            </p>
        </form>
    };
    document(
        PageMeta {
            lang,
            links: links.into(),
            path: "/pledges",
            title,
            index: false,
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Problem;

    #[test]
    fn the_step_carries_the_form_and_weighs_both_answers_alike() {
        let form = PledgeForm {
            tier: "women-radio".into(),
            designation: "tier".into(),
            name: "Dara \"D\"".into(),
            note: "a <note>".into(),
            source: "chapter-paris".into(),
            eligible: Some("on".into()),
            ..PledgeForm::default()
        };
        for lang in Lang::ALL {
            let t = lang.text();
            let step = |problems| UpsellStep {
                form: &form,
                one_off: Cents(4500),
                monthly: "15".into(),
                token: "T.n.tag",
                attested: "1000.tag",
                problems,
            };
            let html = upsell_step(lang, Links::default(), step(Problems::default()));
            assert!(html.contains(t.upsell_title), "{lang:?}");
            assert!(html.contains(&fill(t.upsell_intro, &[("amount", "US$45")])));
            for field in [
                r#"name="tier" value="women-radio""#,
                r#"name="eligible" value="on""#,
                r#"name="frequency" value="once""#,
                r#"name="ref" value="chapter-paris""#,
                r#"name="attested" value="1000.tag""#,
                r#"name="token" value="T.n.tag""#,
                r#"name="monthly_amount" id="monthly-amount" value="15""#,
                r#"name="note" value="a &lt;note&gt;""#,
            ] {
                assert!(html.contains(field), "{lang:?} {field}: {html}");
            }
            assert!(!html.contains("name=\"show_name\""));
            assert!(!html.contains(" checked") && !html.contains("<script"));
            assert!(html.contains(r#"<button type="submit" name="upsell" value="month">"#));
            assert!(html.contains(r#"<button type="submit" name="upsell" value="once">"#));
            let mut problems = Problems::default();
            problems.add(MONTHLY_FIELD, Problem::Amount);
            let again = upsell_step(lang, Links::default(), step(problems));
            assert!(again.contains(r#"aria-invalid="true""#), "{again}");
        }
    }
}
