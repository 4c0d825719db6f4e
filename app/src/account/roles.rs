//! Who may do what in the admin area: an account's roles, and the one table from a route to
//! the roles that may take it.
//!
//! An owner may everything. The other roles each open one part of the work, and see the
//! personal data that part needs and no more: a moderator never sees an email address.

use crate::routes::Route;

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

    fn bit(self) -> u8 {
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

/// Who may take a route of the admin area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Allowed {
    /// Anyone signed in, whatever their roles.
    Everyone,
    /// Owners, and accounts with one of these roles.
    Roles(Roles),
    /// Owners only.
    Owners,
}

const fn one(role: Role) -> Roles {
    Roles(match role {
        Role::Owner => 1,
        Role::Moderator => 2,
        Role::Finance => 4,
        Role::Organiser => 8,
    })
}

/// The permission table. `None`: not a route of the admin area (or one not yet in the table,
/// which nobody may take until it is).
fn allowed(route: Route) -> Option<Allowed> {
    Some(match route {
        // The sign-in post is what gets one signed in; the others are one's own.
        Route::AdminIndex
        | Route::AdminLogin
        | Route::AdminLogout
        | Route::AdminAccount
        | Route::AdminSessionsEnd => Allowed::Everyone,
        // Before a session: the first owner and invitations check their own secret or token.
        Route::AdminBootstrapPage
        | Route::AdminBootstrap
        | Route::AdminInvitePage
        | Route::AdminInvite => Allowed::Everyone,
        // A path that exists for nobody: signed in, one is told it does not exist.
        Route::AdminUnknown => Allowed::Everyone,
        Route::AdminComments | Route::AdminModerate | Route::AdminWaiting => {
            Allowed::Roles(one(Role::Moderator))
        }
        // The campaign's updates: written and published by those who speak for it.
        Route::AdminUpdates
        | Route::AdminUpdateCreate
        | Route::AdminUpdateEdit
        | Route::AdminUpdateSave
        | Route::AdminUpdateAction => Allowed::Roles(one(Role::Moderator)),
        Route::AdminPledges | Route::AdminPledgesCsv => Allowed::Roles(one(Role::Finance)),
        Route::AdminSources => Allowed::Roles(one(Role::Finance)),
        Route::AdminVolunteers | Route::AdminVolunteersCsv => Allowed::Roles(one(Role::Organiser)),
        Route::AdminErase
        | Route::AdminEraseFind
        | Route::AdminEraseRun
        | Route::AdminAlertTest
        | Route::AdminAccounts
        | Route::AdminAccountInvite
        | Route::AdminAccountAction
        | Route::AdminAudit
        | Route::AdminAuditCsv => Allowed::Owners,
        _ => return None,
    })
}

/// May an account with `roles`, signed in, take `route`? False for every route outside the
/// admin area: this table is for the admin area only.
pub fn may(roles: Roles, route: Route) -> bool {
    match allowed(route) {
        Some(Allowed::Everyone) => true,
        Some(Allowed::Roles(some)) => roles.has(Role::Owner) || roles.any(some),
        Some(Allowed::Owners) => roles.has(Role::Owner),
        None => false,
    }
}

/// Whether pages show this account commenters' and donors' email addresses.
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
            assert_eq!(one(r), Roles::default().with(r));
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

    /// Every route of the admin area, as the route table has it, has an answer in the
    /// permission table: a new admin route cannot be added without saying who may take it.
    #[test]
    fn every_admin_route_is_in_the_table() {
        let routes: Vec<Route> = crate::routes::admin_routes().collect();
        assert!(routes.len() >= 14, "{routes:?}");
        for route in routes.iter().copied().chain([Route::AdminUnknown]) {
            assert!(
                allowed(route).is_some(),
                "{route:?} has no row in the permission table"
            );
        }
        for route in [
            Route::Home,
            Route::Health,
            Route::WebhookStripe,
            Route::NotFound,
            Route::MethodNotAllowed,
        ] {
            assert_eq!(allowed(route), None);
            assert!(every_set().all(|set| !may(set, route)), "{route:?}");
        }
    }

    #[test]
    fn each_role_opens_its_part_and_no_other() {
        use Route::*;
        let owner = one(Role::Owner);
        let moderator = one(Role::Moderator);
        let finance = one(Role::Finance);
        let organiser = one(Role::Organiser);
        let nobody = Roles::default();
        //                      route              owner mod   fin   org   none
        let table: &[(Route, [bool; 5])] = &[
            (AdminIndex, [true, true, true, true, true]),
            (AdminLogin, [true, true, true, true, true]),
            (AdminLogout, [true, true, true, true, true]),
            (AdminUnknown, [true, true, true, true, true]),
            (AdminComments, [true, true, false, false, false]),
            (AdminModerate, [true, true, false, false, false]),
            (AdminWaiting, [true, true, false, false, false]),
            (AdminPledges, [true, false, true, false, false]),
            (AdminPledgesCsv, [true, false, true, false, false]),
            (AdminVolunteers, [true, false, false, true, false]),
            (AdminVolunteersCsv, [true, false, false, true, false]),
            (AdminErase, [true, false, false, false, false]),
            (AdminEraseFind, [true, false, false, false, false]),
            (AdminEraseRun, [true, false, false, false, false]),
            (AdminAlertTest, [true, false, false, false, false]),
            (AdminAccount, [true, true, true, true, true]),
            (AdminSessionsEnd, [true, true, true, true, true]),
            (AdminBootstrapPage, [true, true, true, true, true]),
            (AdminBootstrap, [true, true, true, true, true]),
            (AdminInvitePage, [true, true, true, true, true]),
            (AdminInvite, [true, true, true, true, true]),
            (AdminAccounts, [true, false, false, false, false]),
            (AdminAccountInvite, [true, false, false, false, false]),
            (AdminAccountAction, [true, false, false, false, false]),
            (AdminAudit, [true, false, false, false, false]),
            (AdminAuditCsv, [true, false, false, false, false]),
            (AdminSources, [true, false, true, false, false]),
            (AdminUpdates, [true, true, false, false, false]),
            (AdminUpdateCreate, [true, true, false, false, false]),
            (AdminUpdateEdit, [true, true, false, false, false]),
            (AdminUpdateSave, [true, true, false, false, false]),
            (AdminUpdateAction, [true, true, false, false, false]),
        ];
        for route in crate::routes::admin_routes() {
            assert!(
                table.iter().any(|(r, _)| *r == route),
                "{route:?} is not in this test"
            );
        }
        for (route, want) in table {
            let got = [owner, moderator, finance, organiser, nobody].map(|r| may(r, *route));
            assert_eq!(&got, want, "{route:?}");
        }
        // Roles add up.
        let two = moderator.with(Role::Finance);
        assert!(may(two, AdminComments) && may(two, AdminPledgesCsv));
        assert!(!may(two, AdminVolunteers) && !may(two, AdminErase));
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
