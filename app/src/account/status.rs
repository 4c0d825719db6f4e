//! Where a maintainer's account stands: invited, active or disabled.
//!
//! D1 keeps it as text (`accounts.status`); like every state a row can hold, it is an enum
//! decoded strictly, so a status this site does not know is an error (the row is skipped and
//! logged), never taken for another, and never compared as a string in the worker, where a
//! typo (`"actve"`) would quietly let nobody in, or the wrong person.

use serde::Deserialize;
use std::fmt;

/// An account's status. It moves invited → active (its invitation taken: a password and a
/// second factor); back to invited when an owner resets it (a fresh invitation); to disabled
/// by an owner; and from disabled, enabled, to active if it has a second factor, else invited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum AccountStatus {
    /// Made by an owner; can do nothing until its invitation is taken.
    Invited,
    /// May sign in.
    Active,
    /// Kept for the audit trail; its sessions are ended and it may not sign in.
    Disabled,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 3] = [
        AccountStatus::Invited,
        AccountStatus::Active,
        AccountStatus::Disabled,
    ];

    /// As stored in `accounts.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Invited => "invited",
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// Exactly a stored name: no default, no case folding, no trimming.
    pub fn parse(s: &str) -> Option<AccountStatus> {
        AccountStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Only an active account may sign in or hold a session.
    pub fn may_sign_in(self) -> bool {
        self == AccountStatus::Active
    }
}

/// An account status this site does not know (the value is kept for the error message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAccountStatus(pub String);

impl fmt::Display for UnknownAccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown account status {:?}", self.0)
    }
}

impl std::error::Error for UnknownAccountStatus {}

impl TryFrom<&str> for AccountStatus {
    type Error = UnknownAccountStatus;

    fn try_from(s: &str) -> Result<AccountStatus, UnknownAccountStatus> {
        AccountStatus::parse(s).ok_or_else(|| UnknownAccountStatus(s.to_string()))
    }
}

/// For serde (`try_from = "String"`): a row with an unknown status does not decode.
impl TryFrom<String> for AccountStatus {
    type Error = UnknownAccountStatus;

    fn try_from(s: String) -> Result<AccountStatus, UnknownAccountStatus> {
        AccountStatus::parse(&s).ok_or(UnknownAccountStatus(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_nothing_else_is_one() {
        for s in AccountStatus::ALL {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
            assert_eq!(AccountStatus::try_from(s.as_str().to_string()), Ok(s));
        }
        for bad in [
            "", "Active", "ACTIVE", " active", "active ", "enabled", "pending", "actve",
        ] {
            assert_eq!(AccountStatus::parse(bad), None, "{bad:?}");
            assert_eq!(
                AccountStatus::try_from(bad),
                Err(UnknownAccountStatus(bad.to_string()))
            );
        }
        assert_eq!(
            UnknownAccountStatus("x".into()).to_string(),
            "unknown account status \"x\""
        );
    }

    #[test]
    fn only_an_active_account_may_sign_in() {
        assert!(AccountStatus::Active.may_sign_in());
        assert!(!AccountStatus::Invited.may_sign_in());
        assert!(!AccountStatus::Disabled.may_sign_in());
    }

    #[derive(Debug, Deserialize)]
    struct Row {
        status: AccountStatus,
    }

    #[test]
    fn a_row_decodes_strictly() {
        let row: Row = serde_json::from_str(r#"{"status":"disabled"}"#).expect("a row");
        assert_eq!(row.status, AccountStatus::Disabled);
        for bad in [
            r#"{"status":"Disabled"}"#,
            r#"{"status":""}"#,
            r#"{"status":1}"#,
            "{}",
        ] {
            assert!(serde_json::from_str::<Row>(bad).is_err(), "{bad}");
        }
    }

    /// The names are the ones the schema allows (`schema.sql`, `CHECK (status IN (…))` of the
    /// `accounts` table), in both directions.
    #[test]
    fn the_names_are_the_schema_s() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.sql");
        let schema = std::fs::read_to_string(path).expect("schema.sql at the workspace's root");
        let table = schema
            .split("CREATE TABLE accounts")
            .nth(1)
            .expect("the accounts table");
        let check = table
            .split("CHECK (status IN (")
            .nth(1)
            .and_then(|c| c.split(')').next())
            .expect("the status check");
        let allowed: Vec<&str> = check
            .split(',')
            .map(|v| v.trim().trim_matches('\''))
            .collect();
        let ours: Vec<&str> = AccountStatus::ALL.map(AccountStatus::as_str).to_vec();
        assert_eq!(allowed, ours);
    }
}
