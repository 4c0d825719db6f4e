//! The audit trail: what each account did, when. A row names accounts and records by id and
//! counts things; it never holds a password, a code, an email address or a comment's text.

use serde::Deserialize;

/// What was done. Decoded strictly: a row whose action is unknown does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Action {
    SignIn,
    SignInFailed,
    /// A sign-in refused before its password was checked: its account's (or device's) next
    /// try was not due yet (#27). Recorded for the account, as a failure is.
    SignInRefused,
    SignOut,
    SessionsEnded,
    Invited,
    Enrolled,
    RolesChanged,
    AccountDisabled,
    AccountEnabled,
    SecondFactorReset,
    Moderated,
    Replied,
    Exported,
    Erased,
    AlertTested,
    UpdateCreated,
    UpdateEdited,
    UpdatePublished,
    UpdateUnpublished,
    ShieldClosed,
}

impl Action {
    pub const ALL: [Action; 21] = [
        Action::SignIn,
        Action::SignInFailed,
        Action::SignInRefused,
        Action::SignOut,
        Action::SessionsEnded,
        Action::Invited,
        Action::Enrolled,
        Action::RolesChanged,
        Action::AccountDisabled,
        Action::AccountEnabled,
        Action::SecondFactorReset,
        Action::Moderated,
        Action::Replied,
        Action::Exported,
        Action::Erased,
        Action::AlertTested,
        Action::UpdateCreated,
        Action::UpdateEdited,
        Action::UpdatePublished,
        Action::UpdateUnpublished,
        Action::ShieldClosed,
    ];

    /// As stored in `audit.action`. Never changes.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign-in",
            Action::SignInFailed => "sign-in-failed",
            Action::SignInRefused => "sign-in-refused",
            Action::SignOut => "sign-out",
            Action::SessionsEnded => "sessions-ended",
            Action::Invited => "invited",
            Action::Enrolled => "enrolled",
            Action::RolesChanged => "roles-changed",
            Action::AccountDisabled => "account-disabled",
            Action::AccountEnabled => "account-enabled",
            Action::SecondFactorReset => "second-factor-reset",
            Action::Moderated => "moderated",
            Action::Replied => "replied",
            Action::Exported => "exported",
            Action::Erased => "erased",
            Action::AlertTested => "alert-tested",
            Action::UpdateCreated => "update-created",
            Action::UpdateEdited => "update-edited",
            Action::UpdatePublished => "update-published",
            Action::UpdateUnpublished => "update-unpublished",
            Action::ShieldClosed => "shield-closed",
        }
    }

    /// Exactly what [`as_str`](Self::as_str) writes.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// For people reading the trail.
    pub fn label(self) -> &'static str {
        match self {
            Action::SignIn => "Signed in",
            Action::SignInFailed => "Failed to sign in",
            Action::SignInRefused => "Sign-in refused: too soon after failures",
            Action::SignOut => "Signed out",
            Action::SessionsEnded => "Ended sessions",
            Action::Invited => "Invited an account",
            Action::Enrolled => "Enrolled",
            Action::RolesChanged => "Changed roles",
            Action::AccountDisabled => "Disabled an account",
            Action::AccountEnabled => "Enabled an account",
            Action::SecondFactorReset => "Reset a second factor",
            Action::Moderated => "Moderated a comment",
            Action::Replied => "Replied to a comment",
            Action::Exported => "Exported",
            Action::Erased => "Erased personal data",
            Action::AlertTested => "Sent a test alert",
            Action::UpdateCreated => "Wrote an update",
            Action::UpdateEdited => "Edited an update",
            Action::UpdatePublished => "Published an update",
            Action::UpdateUnpublished => "Unpublished an update",
            Action::ShieldClosed => "Closed the card-testing shield",
        }
    }
}

impl TryFrom<String> for Action {
    type Error = String;

    fn try_from(s: String) -> Result<Action, String> {
        Action::parse(&s).ok_or_else(|| "unknown audit action".to_string())
    }
}

/// One row of the trail, as the worker loads it (with the actor's name joined in).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    /// `accounts.id`; `None` when nobody was signed in (a failed sign-in).
    pub actor: Option<i64>,
    pub actor_name: Option<String>,
    pub action: Action,
    /// Ids only: an account, a comment, a pledge.
    pub subject: Option<String>,
    /// Counts only.
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_stored_by_name() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert!(!a.label().is_empty());
            assert!(a
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
        }
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::SecondFactorReset.as_str(), "second-factor-reset");
        assert_eq!(Action::UpdatePublished.as_str(), "update-published");
        assert_eq!(
            Action::parse("update-unpublished"),
            Some(Action::UpdateUnpublished)
        );
        assert_eq!(Action::parse("Sign-In"), None);
        assert_eq!(Action::parse("sign_in"), None);
        assert_eq!(Action::parse(""), None);
    }

    #[test]
    fn entries_decode_strictly() {
        let e: Entry = serde_json::from_str(
            r#"{"id":3,"at":1700000000,"actor":1,"actor_name":"sokha","action":"roles-changed","subject":"2","detail":null}"#,
        )
        .unwrap();
        assert_eq!(e.action, Action::RolesChanged);
        assert_eq!(e.actor, Some(1));
        let nobody: Entry = serde_json::from_str(
            r#"{"id":4,"at":1,"actor":null,"actor_name":null,"action":"sign-in-failed","subject":null,"detail":"1"}"#,
        )
        .unwrap();
        assert_eq!(nobody.actor, None);
        for bad in [
            r#"{"id":3,"at":1,"actor":1,"actor_name":"s","action":"promoted","subject":null,"detail":null}"#,
            r#"{"id":3,"at":1,"actor":1,"actor_name":"s","action":3,"subject":null,"detail":null}"#,
            r#"{"id":3,"at":1,"actor":1,"actor_name":"s","action":null,"subject":null,"detail":null}"#,
        ] {
            assert!(serde_json::from_str::<Entry>(bad).is_err(), "{bad}");
        }
    }
}
