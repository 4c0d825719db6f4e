//! Volunteers: "how can I be an active supporter?". Seen only by maintainers.

use serde::Deserialize;

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
        let name = form::required(&mut problems, "name", &self.name, 80);
        let email = form::optional_email(&mut problems, "email", &self.email);
        let phone = form::optional(&mut problems, "phone", &self.phone, 40);
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            if digits < 6
                || !p
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            {
                problems.add("phone", Problem::Contact);
            }
        }
        if email.is_none() && phone.is_none() {
            problems.add("contact", Problem::Contact);
        }
        let place = form::optional(&mut problems, "place", &self.place, 120);
        let mut help: Vec<String> = Vec::new();
        for h in &self.help {
            if !HELP_KINDS.contains(&h.as_str()) {
                problems.add("help", Problem::Choice);
            } else if !help.contains(h) {
                help.push(h.clone());
            }
        }
        let message = form::optional(&mut problems, "message", &self.message, 2000);
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
            Some(&Problem::Contact)
        );
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
