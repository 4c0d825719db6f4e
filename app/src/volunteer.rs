//! Volunteers: "how can I be an active supporter?". Seen only by maintainers.

use serde::Deserialize;

/// Limits, in characters as readers count them (`form::length`).
pub const NAME_MAX: usize = 80;
pub const PLACE_MAX: usize = 120;
pub const MESSAGE_MAX: usize = 2000;
/// As typed, with spaces and dashes; what is stored is shorter ([`phone_number`]).
pub const PHONE_MAX: usize = 40;

/// A phone number as typed (ASCII or Khmer digits, spaces, dashes, dots, brackets, a leading
/// `+`), as it is stored: `+` and ASCII digits only. `None` when it is not one: fewer than 6
/// or more than 15 digits (E.164's longest), a `+` anywhere but first, or any other character.
pub fn phone_number(typed: &str) -> Option<String> {
    let typed = crate::form::latin_digits(typed.trim()).into_owned();
    let mut out = String::with_capacity(typed.len());
    for (i, c) in typed.chars().enumerate() {
        match c {
            '0'..='9' => out.push(c),
            '+' if i == 0 => out.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
            _ => return None,
        }
    }
    let digits = out.trim_start_matches('+').len();
    (6..=15).contains(&digits).then_some(out)
}

/// Every form a stored number may take ([`phone_number`]'s result, the number itself first):
/// a Cambodian number is written `+855…` (international), `0…` (national) or `00855…`
/// (international, dialled), and each is stored as typed, so the erase tool looks for all
/// three. Any other number is looked for in its one form.
pub fn phone_forms(stored: &str) -> Vec<String> {
    let national = stored
        .strip_prefix("+855")
        .or_else(|| stored.strip_prefix("00855"))
        .or_else(|| stored.strip_prefix('0'))
        .filter(|n| !n.is_empty() && !n.starts_with('0'));
    let Some(n) = national else {
        return vec![stored.to_string()];
    };
    let mut forms = vec![stored.to_string()];
    for form in [format!("+855{n}"), format!("0{n}"), format!("00855{n}")] {
        if form != stored {
            forms.push(form);
        }
    }
    forms
}

/// The ways to help a volunteer can tick; the values posted and stored.
pub const HELP_KINDS: [&str; 5] = ["training", "meetings", "radio", "information", "other"];

/// The volunteer form as posted, every field a string as typed.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct VolunteerForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub place: String,
    /// Ticked kinds of help (a repeated field), see [`HELP_KINDS`].
    #[serde(skip)]
    pub help: Vec<String>,
    pub message: String,
    pub lang: String,
    pub token: String,
    pub homepage: String,
}

impl VolunteerForm {
    pub fn helps(&self, kind: &str) -> bool {
        self.help.iter().any(|h| h == kind)
    }
}

/// The words for a kind of help.
pub fn help_label(t: &crate::content::Text, kind: &str) -> &'static str {
    match kind {
        "training" => t.volunteer_help_training,
        "meetings" => t.volunteer_help_meetings,
        "radio" => t.volunteer_help_radio,
        "information" => t.volunteer_help_information,
        _ => t.volunteer_help_other,
    }
}

/// A valid offer of help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewVolunteer {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub place: Option<String>,
    pub help: Vec<String>,
    pub message: Option<String>,
}

impl VolunteerForm {
    /// From the posted pairs (`help` repeats, one per ticked box).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> VolunteerForm {
        let mut f = VolunteerForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "email" => f.email = v,
                "phone" => f.phone = v,
                "place" => f.place = v,
                "help" => f.help.push(v),
                "message" => f.message = v,
                "lang" => f.lang = v,
                "token" => f.token = v,
                "homepage" => f.homepage = v,
                _ => {}
            }
        }
        f
    }

    pub fn is_bot(&self) -> bool {
        !self.homepage.trim().is_empty()
    }

    pub fn validate(&self) -> Result<NewVolunteer, crate::form::Problems> {
        use crate::form::{self, Problem, Problems};
        let mut problems = Problems::default();
        let name = form::required(&mut problems, "name", &self.name, NAME_MAX);
        let email = form::optional_email(&mut problems, "email", &self.email);
        let typed = form::optional(&mut problems, "phone", &self.phone, PHONE_MAX);
        let phone = match typed.as_deref().map(phone_number) {
            None => None,
            Some(Some(number)) => Some(number),
            Some(None) => {
                problems.add("phone", Problem::Phone);
                typed
            }
        };
        if email.is_none() && phone.is_none() {
            problems.add("contact", Problem::Contact);
        }
        let place = form::optional(&mut problems, "place", &self.place, PLACE_MAX);
        let mut help: Vec<String> = Vec::new();
        for h in &self.help {
            if !HELP_KINDS.contains(&h.as_str()) {
                problems.add("help", Problem::Choice);
            } else if !help.contains(h) {
                help.push(h.clone());
            }
        }
        let message = form::optional(&mut problems, "message", &self.message, MESSAGE_MAX);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewVolunteer {
            name,
            email,
            phone,
            place,
            help,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Problem;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn needs_a_name_and_a_way_to_reach() {
        let f = VolunteerForm::from_pairs(pairs(&[("name", "Sokha")]));
        assert_eq!(
            f.validate().unwrap_err().for_field("contact"),
            Some(&Problem::Contact)
        );
        let f =
            VolunteerForm::from_pairs(pairs(&[("name", "Sokha"), ("phone", "+855 12 345 678")]));
        assert!(f.validate().is_ok());
        let f = VolunteerForm::from_pairs(pairs(&[("name", "Sokha"), ("phone", "call me")]));
        assert_eq!(
            f.validate().unwrap_err().for_field("phone"),
            Some(&Problem::Phone)
        );
    }

    #[test]
    fn phones_in_khmer_or_latin_digits_are_stored_as_plus_and_digits() {
        for (typed, stored) in [
            ("+855 12 345 678", "+85512345678"),
            ("+៨៥៥ ១២ ៣៤៥ ៦៧៨", "+85512345678"),
            ("០១២-៣៤៥-៦៧៨", "012345678"),
            ("(012) 345.678", "012345678"),
            ("+855\u{a0}១2 345 678", "+85512345678"),
        ] {
            assert_eq!(phone_number(typed).as_deref(), Some(stored), "{typed}");
            let f = VolunteerForm::from_pairs(pairs(&[("name", "សុខា"), ("phone", typed)]));
            assert_eq!(f.validate().map(|v| v.phone), Ok(Some(stored.to_string())));
        }
        for bad in [
            "12345",
            "call me",
            "+855 +12 345",
            "1234567890123456",
            "១២៣",
            "12 34 56 ext 7",
        ] {
            assert_eq!(phone_number(bad), None, "{bad}");
            let f = VolunteerForm::from_pairs(pairs(&[("name", "S"), ("phone", bad)]));
            assert_eq!(
                f.validate().unwrap_err().for_field("phone"),
                Some(&Problem::Phone),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_cambodian_number_has_three_forms_any_other_one() {
        let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            phone_forms("+85512345678"),
            all(&["+85512345678", "012345678", "0085512345678"])
        );
        assert_eq!(
            phone_forms("012345678"),
            all(&["012345678", "+85512345678", "0085512345678"])
        );
        assert_eq!(
            phone_forms("0085512345678"),
            all(&["0085512345678", "+85512345678", "012345678"])
        );
        // Each form gives the same set.
        let mut a = phone_forms("+85512345678");
        let mut b = phone_forms("012345678");
        a.sort();
        b.sort();
        assert_eq!(a, b);
        for other in [
            "+33612345678",
            "0033612345678",
            "+8550123456",
            "0",
            "+855",
            "123456",
        ] {
            assert_eq!(phone_forms(other), all(&[other]), "{other}");
        }
    }

    #[test]
    fn help_kinds_repeat_and_unknown_ones_are_named() {
        let f = VolunteerForm::from_pairs(pairs(&[
            ("name", "S"),
            ("email", "s@x.org"),
            ("help", "radio"),
            ("help", "training"),
            ("help", "radio"),
        ]));
        assert_eq!(f.validate().unwrap().help, vec!["radio", "training"]);
        assert!(f.helps("training"));
        let f = VolunteerForm::from_pairs(pairs(&[
            ("name", "S"),
            ("email", "s@x.org"),
            ("help", "<script>"),
        ]));
        assert_eq!(
            f.validate().unwrap_err().for_field("help"),
            Some(&Problem::Choice)
        );
    }
}
