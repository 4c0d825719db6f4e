//! Who may do what in the admin area: an account's roles, and the rule ([`Allowed`]) that the
//! route table's row of each admin route names (`routes::TABLE`).
//!
//! An owner may everything. The other roles each open one part of the work, and see the
//! personal data that part needs and no more: a moderator never sees an email address.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Runs the site: accounts, erasure, alerts, and everything the others do.
    Owner,
    /// Reads, holds, publishes and answers comments.
    Moderator,
    /// Reads pledges and payments, and exports them.
    Finance,
    /// Reads offers of help, and exports them.
    Organiser,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Moderator, Role::Finance, Role::Organiser];

    /// As stored in `accounts.roles`. Never changes.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Moderator => "moderator",
            Role::Finance => "finance",
            Role::Organiser => "organiser",
        }
    }

    /// Exactly what [`as_str`](Self::as_str) writes.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Moderator => "Moderator",
            Role::Finance => "Finance",
            Role::Organiser => "Organiser",
        }
    }

    /// What the role may do, in one line.
    pub fn what(self) -> &'static str {
        match self {
            Role::Owner => "Everything, including accounts, erasure, alerts and the audit trail.",
            Role::Moderator => {
                "Comments: read, hold, publish, remove and reply; the campaign's updates."
            }
            Role::Finance => "Pledges and payments, with donors' emails, and their export.",
            Role::Organiser => "Offers of help, with phone numbers, and their export.",
        }
    }

    /// The set of this one role.
    pub const fn only(self) -> Roles {
        Roles(self.bit())
    }

    const fn bit(self) -> u8 {
        match self {
            Role::Owner => 1,
            Role::Moderator => 2,
            Role::Finance => 4,
            Role::Organiser => 8,
        }
    }
}

/// A set of roles.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Roles(u8);

impl Roles {
    pub fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `accounts.roles` read back: roles separated by commas, each as [`Role::as_str`]
    /// writes it; the empty string is no role. Anything unknown (a misspelling, a role of a
    /// later version, spaces) is `None`: a row is never read as fewer or more roles than it
    /// says.
    pub fn from_list(s: &str) -> Option<Roles> {
        if s.is_empty() {
            return Some(Roles::default());
        }
        s.split(',').try_fold(Roles::default(), |roles, r| {
            Some(roles.with(Role::parse(r)?))
        })
    }

    /// As stored: in the order of [`Role::ALL`], comma-separated.
    pub fn to_list(self) -> String {
        Role::ALL
            .into_iter()
            .filter(|r| self.has(*r))
            .map(Role::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn any(self, other: Roles) -> bool {
        self.0 & other.0 != 0
    }
}

/// Who may take a route of the admin area (the route table's rows name one each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Anyone signed in, whatever their roles.
    Everyone,
    /// Owners, and accounts with one of these roles.
    Roles(Roles),
    /// Owners only.
    Owners,
}

impl Allowed {
    /// May an account with `roles`, signed in, take a route this rule guards?
    pub fn admits(self, roles: Roles) -> bool {
        match self {
            Allowed::Everyone => true,
            Allowed::Roles(some) => roles.has(Role::Owner) || roles.any(some),
            Allowed::Owners => roles.has(Role::Owner),
        }
    }
}

/// Whether this account may see donors' email addresses: the rule the route table keeps by
/// opening the pledges pages to finance (and owners) only. Commenters give none (#26), so no
/// page calls it since; like [`sees_phones`], it states the rule its test holds.
pub fn sees_emails(roles: Roles) -> bool {
    roles.has(Role::Owner) || roles.has(Role::Finance)
}

/// Whether pages show this account volunteers' phone numbers.
pub fn sees_phones(roles: Roles) -> bool {
    roles.has(Role::Owner) || roles.has(Role::Organiser)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_set() -> impl Iterator<Item = Roles> {
        (0u8..16).map(Roles)
    }

    #[test]
    fn roles_are_stored_and_read_by_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert!(!r.label().is_empty() && !r.what().is_empty());
            assert_eq!(r.only(), Roles::default().with(r));
        }
        assert_eq!(Role::parse("Owner"), None);
        assert_eq!(Role::parse("organizer"), None);
        for set in every_set() {
            assert_eq!(Roles::from_list(&set.to_list()), Some(set), "{set:?}");
        }
        let both = Roles::default().with(Role::Finance).with(Role::Moderator);
        assert_eq!(both.to_list(), "moderator,finance");
        assert_eq!(Roles::from_list("finance,moderator"), Some(both));
        assert_eq!(
            Roles::from_list("finance,finance"),
            Some(Roles::default().with(Role::Finance))
        );
        assert_eq!(Roles::from_list(""), Some(Roles::default()));
        assert!(Roles::default().is_empty() && !both.is_empty());
        for bad in [
            ",",
            "owner,",
            ",owner",
            "owner, moderator",
            " owner",
            "admin",
            "OWNER",
            "owner,,finance",
        ] {
            assert_eq!(Roles::from_list(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn personal_data_is_seen_by_the_roles_that_need_it() {
        let set = |r: Role| Roles::default().with(r);
        assert!(sees_emails(set(Role::Owner)) && sees_emails(set(Role::Finance)));
        assert!(!sees_emails(set(Role::Moderator)) && !sees_emails(set(Role::Organiser)));
        assert!(sees_phones(set(Role::Owner)) && sees_phones(set(Role::Organiser)));
        assert!(!sees_phones(set(Role::Moderator)) && !sees_phones(set(Role::Finance)));
        assert!(!sees_emails(Roles::default()) && !sees_phones(Roles::default()));
    }
}
