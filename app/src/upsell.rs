//! "Would you make it monthly?" (#28 §2): after a valid one-off gift's form, one step asks
//! whether to give every month instead, suggesting a third of the one-off (whole dollars, at
//! least the minimum gift; the donor can change it). Both answers weigh the same and nothing is
//! chosen for the donor. The step's form carries the whole gift form in hidden fields, the
//! eligibility attestation signed with the first post's time (`keys::attestation`), and an aged
//! token; the pledge is made only when the donor answers.

use crate::form::Problems;
use crate::money::Cents;
use crate::pledge::{Frequency, NewPledge, PledgeForm, MIN_DOLLARS, OWN_AMOUNT, SAME_AS_TIER};
use serde::Deserialize;

/// The field the step's two buttons send: [`Answer`] as `month` or `once`.
pub const ANSWER_FIELD: &str = "upsell";
/// The step's editable monthly amount (whole dollars, as the gift form's own amount).
pub const MONTHLY_FIELD: &str = "monthly_amount";
/// The signed attestation ([`crate::keys::attestation`]).
pub const ATTESTED_FIELD: &str = "attested";

/// What the step adds to the gift form's fields, as posted.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct StepFields {
    pub upsell: String,
    pub monthly_amount: String,
    pub attested: String,
    pub token: String,
}

/// The donor's answer to the step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Monthly,
    Once,
}

impl StepFields {
    /// The answer, when the post is one: exactly `month` or `once`.
    pub fn answer(&self) -> Option<Answer> {
        match Frequency::parse(&self.upsell)? {
            Frequency::Monthly => Some(Answer::Monthly),
            Frequency::Once => Some(Answer::Once),
        }
    }
}

/// A third of the one-off gift, rounded to whole dollars (half up), at least the minimum gift.
pub fn suggested_dollars(one_off: Cents) -> i64 {
    (one_off.0.saturating_add(150) / 300).max(MIN_DOLLARS)
}

/// Whether a valid form is asked the step: a one-off gift, not drawn again from the
/// checkout's "back".
pub fn asks(form: &PledgeForm, pledge: &NewPledge) -> bool {
    pledge.frequency == Frequency::Once && !form.resumed()
}

/// The gift form as the donor's answer makes it: unchanged for "once"; for "every month", an
/// own amount of `monthly` dollars given monthly, for the same purpose as before (a tier's
/// purpose stays the tier's, not "wherever needed").
pub fn answered(form: &PledgeForm, answer: Answer, monthly: &str) -> PledgeForm {
    let mut form = form.clone();
    form.resumed = None;
    match answer {
        Answer::Once => form.frequency = Frequency::Once.as_str().to_string(),
        Answer::Monthly => {
            if (form.designation.is_empty() || form.designation == SAME_AS_TIER)
                && form.tier != OWN_AMOUNT
            {
                form.designation = form.tier.clone();
            }
            form.tier = OWN_AMOUNT.to_string();
            form.amount = monthly.to_string();
            form.frequency = Frequency::Monthly.as_str().to_string();
        }
    }
    form
}

/// What is wrong with the monthly amount the donor typed, if anything: as the gift form's own
/// amount is checked (whole dollars, from the minimum to the maximum gift), keyed by
/// [`MONTHLY_FIELD`].
pub fn monthly_problems(monthly: &str) -> Option<Problems> {
    let alone = PledgeForm {
        tier: OWN_AMOUNT.to_string(),
        amount: monthly.to_string(),
        eligible: Some("on".to_string()),
        ..PledgeForm::default()
    };
    let refused = alone.validate(&[]).err()?;
    let mut problems = Problems::default();
    for (_, problem) in refused.0 {
        problems.add(MONTHLY_FIELD, problem);
    }
    Some(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Tier;

    #[test]
    fn the_suggestion_is_a_third_in_whole_dollars_at_least_the_minimum() {
        assert_eq!(suggested_dollars(Cents(5000)), 17);
        assert_eq!(suggested_dollars(Cents(4500)), 15);
        assert_eq!(suggested_dollars(Cents(3000)), 10);
        assert_eq!(suggested_dollars(Cents(1000)), MIN_DOLLARS);
        assert_eq!(suggested_dollars(Cents(500)), MIN_DOLLARS);
        assert_eq!(suggested_dollars(Cents(10_000_000)), 33_333);
    }

    #[test]
    fn only_exact_answers_count() {
        let step = |v: &str| StepFields {
            upsell: v.into(),
            ..StepFields::default()
        };
        assert_eq!(step("month").answer(), Some(Answer::Monthly));
        assert_eq!(step("once").answer(), Some(Answer::Once));
        assert_eq!(step("").answer(), None);
        assert_eq!(step("yes").answer(), None);
    }

    #[test]
    fn monthly_keeps_the_purpose_and_once_keeps_everything() {
        let tiers = vec![Tier {
            id: "women-radio".into(),
            amount: Cents(4500),
            units: 1,
        }];
        let form = PledgeForm {
            tier: "women-radio".into(),
            designation: SAME_AS_TIER.into(),
            eligible: Some("on".into()),
            frequency: "once".into(),
            ..PledgeForm::default()
        };
        let once = answered(&form, Answer::Once, "15");
        assert_eq!(once.validate(&tiers), form.validate(&tiers));
        let monthly = answered(&form, Answer::Monthly, "15")
            .validate(&tiers)
            .expect("valid");
        assert_eq!(monthly.frequency, Frequency::Monthly);
        assert_eq!(monthly.amount, Cents(1500));
        assert_eq!(monthly.designation, "women-radio");
        assert_eq!(monthly.tier, None);
        let first = form.validate(&tiers).expect("valid");
        assert!(asks(&form, &first));
        let resumed = PledgeForm {
            resumed: Some("1".into()),
            ..form.clone()
        };
        assert!(!asks(&resumed, &first));
        assert!(!asks(&form, &monthly));
        assert!(answered(&form, Answer::Monthly, "1")
            .validate(&tiers)
            .is_err());
    }
}
