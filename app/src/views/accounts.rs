//! The maintainers' own pages: signing in, the first owner, taking an invitation (a password,
//! then the second factor), one's account and sessions, the team (owners), the audit trail
//! (owners), and the page that says a page is outside one's roles. In English, as the whole
//! admin area.

use super::admin::{shell, when, Nav, Section, Viewer};
use crate::account::audit::{Action, Entry};
use crate::account::password::MIN_CHARS;
use crate::account::roles::{Role, Roles};
use crate::routes::Admin;
use leptos::either::Either;
use leptos::prelude::*;

/// Why the sign-in form came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    /// Not signed in: the name, the password or the code is not right, or the name's next try
    /// had to wait. Which one is never said, nor whether the name is an account's: the same
    /// words and status whatever the name and however many tries it had (#27).
    Wrong,
    /// Too many tries from this address: a quarter of an hour.
    LockedOut,
}

/// What a sign-in that did not sign in says, whatever the reason: the name's slow-down is said
/// as a possibility, so the words never tell whether a name exists.
pub const WRONG: &str = "The name, the password or the code is not right, or too many tries for this name failed lately and the next one must wait its turn (at most 5 minutes). A browser you signed in with before waits only for its own failed tries.";

/// `GET /admin` without a session: name, password, and the authenticator's code (or a
/// recovery code). `name` is what was typed, kept after a wrong try.
pub fn sign_in(problem: Option<SignInProblem>, name: &str) -> String {
    let message = problem.map(|p| {
        let text = match p {
            SignInProblem::Wrong => WRONG,
            SignInProblem::LockedOut => "Too many tries from here. Try again in 15 minutes.",
        };
        view! { <div class="errors" role="alert"><p>{text}</p></div> }
    });
    let name = name.to_string();
    let main = view! {
        <h1>"Maintainers"</h1>
        <form method="post" action=Admin::Login.path() class="card">
            {message}
            <label for="signin-name">"Name"</label>
            <input type="text" name="name" id="signin-name" value=name autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="40"/>
            <label for="signin-password">"Password"</label>
            <input type="password" name="password" id="signin-password" autocomplete="current-password" required/>
            <label for="signin-code">"Code from your authenticator app"</label>
            <p class="hint" id="signin-code-hint">"Six digits, or one of your recovery codes if you lost your phone."</p>
            <input type="text" name="code" id="signin-code" inputmode="numeric" autocomplete="one-time-code" required maxlength="32" aria-describedby="signin-code-hint"/>
            <p><button type="submit">"Sign in"</button></p>
        </form>
    };
    shell("Sign in", None, main)
}

/// `GET /admin/bootstrap`: the first owner, while there is none.
pub fn bootstrap(problem: Option<&str>, name: &str) -> String {
    let message =
        problem.map(|p| view! { <div class="errors" role="alert"><p>{p.to_string()}</p></div> });
    let name = name.to_string();
    let main = view! {
        <h1>"The first owner"</h1>
        <p>"No owner account exists yet. With the bootstrap secret (the BOOTSTRAP_SECRET wrangler secret) you create it; then you choose its password and set up its second factor."</p>
        <form method="post" action=Admin::Bootstrap.path() class="card">
            {message}
            <label for="bootstrap-secret">"Bootstrap secret"</label>
            <input type="password" name="secret" id="bootstrap-secret" autocomplete="off" required/>
            <label for="bootstrap-name">"Your name for signing in"</label>
            <p class="hint" id="bootstrap-name-hint">{NAME_HINT}</p>
            <input type="text" name="name" id="bootstrap-name" value=name autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="40" aria-describedby="bootstrap-name-hint"/>
            <p><button type="submit">"Create the owner"</button></p>
        </form>
    };
    shell("The first owner", None, main)
}

/// How a sign-in name is written.
pub const NAME_HINT: &str =
    "2 to 40 lowercase letters, digits, dots, dashes or underscores; a first name is enough.";

/// An invitation's first step: a password.
pub fn invite_password(token: &str, name: &str, roles: Roles, problem: Option<&str>) -> String {
    let message =
        problem.map(|p| view! { <div class="errors" role="alert"><p>{p.to_string()}</p></div> });
    let action = Admin::Invite.href(&[token]);
    let main = view! {
        <h1>{format!("Welcome, {name}")}</h1>
        <p>{format!("You are invited to the maintainers' area as {}. First a password, then a second factor on your phone.", role_words(roles))}</p>
        <form method="post" action=action class="card">
            {message}
            <input type="hidden" name="step" value="password"/>
            <label for="invite-password">"Password"</label>
            <p class="hint" id="invite-password-hint">{format!("At least {MIN_CHARS} characters; a few unrelated words is a good one. Not a common password, and not your name.")}</p>
            <input type="password" name="password" id="invite-password" autocomplete="new-password" required minlength=MIN_CHARS.to_string() aria-describedby="invite-password-hint"/>
            <label for="invite-confirm">"The same password again"</label>
            <input type="password" name="confirm" id="invite-confirm" autocomplete="new-password" required/>
            <p><button type="submit">"Next: the second factor"</button></p>
        </form>
    };
    shell("Your invitation", None, main)
}

/// An invitation's second step: the secret as a QR code and as text, and one code to confirm.
pub fn invite_factor(
    token: &str,
    qr_svg: Option<String>,
    secret: &str,
    problem: Option<&str>,
) -> String {
    let message =
        problem.map(|p| view! { <div class="errors" role="alert"><p>{p.to_string()}</p></div> });
    let action = Admin::Invite.href(&[token]);
    let qr = qr_svg.map(|svg| {
        view! { <figure class="qr" role="img" aria-label="QR code of the second factor's secret" inner_html=svg></figure> }
    });
    let secret = secret.to_string();
    let main = view! {
        <h1>"Your second factor"</h1>
        <p>"Open an authenticator app on your phone (any app that reads TOTP codes), add an account and scan this code, or type the secret below. Then type the six digits it shows."</p>
        {qr}
        <p>"Secret: "<code id="totp-secret">{secret}</code></p>
        <form method="post" action=action class="card">
            {message}
            <input type="hidden" name="step" value="confirm"/>
            <label for="invite-code">"The six digits your app shows"</label>
            <input type="text" name="code" id="invite-code" inputmode="numeric" autocomplete="one-time-code" required maxlength="12"/>
            <p><button type="submit">"Switch it on"</button></p>
        </form>
    };
    shell("Your second factor", None, main)
}

/// The invitation taken: the recovery codes, shown once.
pub fn enrolled(name: &str, codes: &[String]) -> String {
    let items = codes
        .iter()
        .map(|c| view! { <li><code>{c.clone()}</code></li> })
        .collect_view();
    let main = view! {
        <h1>{format!("Done, {name}")}</h1>
        <p>"Your account is ready. These recovery codes each open your account once if you lose your phone. They are shown only now: write them down and keep them away from your phone."</p>
        <ul class="codes" id="recovery-codes">{items}</ul>
        <p><a href=Admin::Index.path()>"Sign in"</a></p>
    };
    shell("Recovery codes", None, main)
}

/// The enrolment's last step sent twice (a double click): the first switched the second
/// factor on and showed the recovery codes; this one says so rather than "cannot be used".
pub fn enrolled_already(name: &str) -> String {
    let main = view! {
        <h1>{format!("Your account is ready, {name}")}</h1>
        <p>"This step arrived twice (a double click, perhaps), and the first one switched your second factor on. Sign in with your name, your password and a code from your app."</p>
        <p>"The recovery codes were shown in answer to the first one only. If you did not write them down, ask an owner to reset your second factor, and set it up again to get new ones."</p>
        <p><a href=Admin::Index.path()>"Sign in"</a></p>
    };
    shell("Recovery codes", None, main)
}

/// An invitation that cannot be taken: unknown, used or expired.
pub fn invitation_gone() -> String {
    let main = view! {
        <h1>"This invitation cannot be used"</h1>
        <p>"It was used already, it is more than 48 hours old, or it never existed. Ask an owner for a new one."</p>
    };
    shell("Invitation", None, main)
}

/// `403`: the page or action is outside the viewer's roles.
pub fn forbidden(v: &Viewer<'_>) -> String {
    let main = view! {
        <h1>"Not for your roles"</h1>
        <p>{format!("This page is not part of your roles ({}). An owner can change them.", role_words(v.roles))}</p>
    };
    shell(
        "Not for your roles",
        Some(Nav::new(Section::Account, v)),
        main,
    )
}

/// "owner and moderator".
pub fn role_words(roles: Roles) -> String {
    let names: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|r| roles.has(*r))
        .map(Role::as_str)
        .collect();
    match names.as_slice() {
        [] => "no role".into(),
        [one] => (*one).into(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A session as one's account page lists it.
pub struct SessionLine {
    pub created_at: i64,
    pub expires_at: i64,
    pub current: bool,
}

/// `GET /admin/account`.
pub fn account(v: &Viewer<'_>, sessions: Vec<SessionLine>, recovery_left: i64) -> String {
    let items = sessions
        .into_iter()
        .map(|s| {
            let this = s.current.then_some(" (this one)");
            view! { <li>"Signed in "{when(s.created_at)}", ends "{when(s.expires_at)}{this}</li> }
        })
        .collect_view();
    let csrf = v.csrf.to_string();
    let main = view! {
        <h1>{format!("Your account: {}", v.name)}</h1>
        <p>{format!("Roles: {}.", role_words(v.roles))}</p>
        <p>{format!("Recovery codes left: {recovery_left}. If you lose your phone, sign in with one and ask an owner to reset your second factor.")}</p>
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Where you are signed in"</h2>
            <ul>{items}</ul>
            <form method="post" action=Admin::SessionsEnd.path()>
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="secondary">"Sign out everywhere"</button>
            </form>
        </section>
    };
    shell("Your account", Some(Nav::new(Section::Account, v)), main)
}

/// A maintainer as the team page lists them.
pub struct TeamMember {
    pub id: i64,
    pub name: String,
    pub roles: Roles,
    pub status: String,
    pub created_at: i64,
    pub sessions: i64,
}

fn role_boxes(prefix: &str, roles: Roles) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| {
            let id = format!("{prefix}-{}", r.as_str());
            let label_for = id.clone();
            let checked = roles.has(r);
            view! {
                <label for=label_for class="check">
                    <input type="checkbox" name="role" value=r.as_str() id=id checked=checked/>
                    {format!(" {}: {}", r.label(), r.what())}
                </label>
            }
        })
        .collect_view()
}

/// `GET /admin/accounts`: the team, each with what an owner can do; the invitation form.
/// `problem`: why the last invitation or change came back.
pub fn team(v: &Viewer<'_>, members: Vec<TeamMember>, problem: Option<&str>) -> String {
    let message =
        problem.map(|p| view! { <div class="errors" role="alert"><p>{p.to_string()}</p></div> });
    let csrf = v.csrf.to_string();
    let rows = members
        .into_iter()
        .map(|m| {
            let id = m.id.to_string();
            let act = |what: &str| Admin::AccountAction.href(&[&id, what]);
            let hidden = {
                let csrf = csrf.clone();
                move || view! { <input type="hidden" name="csrf" value=csrf.clone()/> }
            };
            let disable = if m.status == "disabled" {
                Either::Left(view! {
                    <form method="post" action=act("enable")>{hidden()}<button type="submit" class="secondary">"Enable"</button></form>
                })
            } else {
                Either::Right(view! {
                    <form method="post" action=act("disable")>{hidden()}<button type="submit" class="secondary">"Disable (ends its sessions)"</button></form>
                })
            };
            let legend = format!("Roles of {}", m.name);
            view! {
                <tr>
                    <td data-label="Name">{m.name.clone()}</td>
                    <td data-label="Status">{m.status.clone()}</td>
                    <td data-label="Roles">
                        <form method="post" action=act("roles")>
                            {hidden()}
                            <fieldset><legend class="visually-hidden">{legend}</legend>{role_boxes(&format!("roles-{}", m.id), m.roles)}</fieldset>
                            <button type="submit" class="secondary">"Save roles"</button>
                        </form>
                    </td>
                    <td data-label="Sessions">{m.sessions.to_string()}</td>
                    <td data-label="Since">{when(m.created_at)}</td>
                    <td data-label="Actions">
                        {disable}
                        <form method="post" action=act("reset")>{hidden()}<button type="submit" class="secondary">"Reset the second factor"</button></form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let main = view! {
        <h1>"The team"</h1>
        {message}
        <section aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite a maintainer"</h2>
            <form method="post" action=Admin::AccountInvite.path() class="card">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <label for="invite-name">"Their name for signing in"</label>
                <p class="hint" id="invite-name-hint">{NAME_HINT}</p>
                <input type="text" name="name" id="invite-name" autocapitalize="none" spellcheck="false" required maxlength="40" aria-describedby="invite-name-hint"/>
                <fieldset>
                    <legend>"Roles: only what their work needs"</legend>
                    {role_boxes("invite", Roles::default())}
                </fieldset>
                <p><button type="submit">"Make an invitation link"</button></p>
            </form>
        </section>
        <section aria-labelledby="team-heading">
            <h2 id="team-heading">"Accounts"</h2>
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Status"</th><th scope="col">"Roles"</th><th scope="col">"Sessions"</th><th scope="col">"Since"</th><th scope="col">"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    };
    shell("The team", Some(Nav::new(Section::Accounts, v)), main)
}

/// An invitation link, shown once to the owner who made it.
pub fn invitation_link(v: &Viewer<'_>, name: &str, link: &str, reset: bool) -> String {
    let what = if reset {
        format!("The second factor of {name} is reset and their sessions ended. They set a new password and a new second factor with this link.")
    } else {
        format!("{name} is invited. They set a password and a second factor with this link.")
    };
    let link = link.to_string();
    let main = view! {
        <h1>"Invitation link"</h1>
        <p>{what}</p>
        <p><code id="invitation-link">{link}</code></p>
        <p>"It works once and for 48 hours, and it is shown only now: send it to them through a channel you trust (in person, or an end-to-end encrypted message)."</p>
        <p><a href=Admin::Accounts.path()>"Back to the team"</a></p>
    };
    shell(
        "Invitation link",
        Some(Nav::new(Section::Accounts, v)),
        main,
    )
}

/// What the audit page filters by.
pub struct AuditQuery {
    pub action: Option<Action>,
    pub actor: Option<i64>,
    pub days: i64,
}

impl AuditQuery {
    pub fn query_string(&self) -> String {
        let mut q = vec![format!("days={}", self.days)];
        if let Some(a) = self.action {
            q.push(format!("action={}", a.as_str()));
        }
        if let Some(id) = self.actor {
            q.push(format!("actor={id}"));
        }
        q.join("&")
    }
}

/// `GET /admin/audit`: who did what, when; filters and the CSV.
pub fn audit(
    v: &Viewer<'_>,
    q: &AuditQuery,
    people: &[(i64, String)],
    entries: Vec<Entry>,
) -> String {
    let actions = Action::ALL
        .into_iter()
        .map(|a| {
            let selected = q.action == Some(a);
            view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let actors = people
        .iter()
        .map(|(id, name)| {
            let selected = q.actor == Some(*id);
            view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    let count = entries.len();
    let rows = entries
        .into_iter()
        .map(|e| {
            let who = e.actor_name.clone().unwrap_or_else(|| match e.actor {
                Some(id) => format!("account {id}"),
                None => "nobody signed in".into(),
            });
            view! {
                <tr>
                    <td data-label="When">{when(e.at)}</td>
                    <td data-label="Who">{who}</td>
                    <td data-label="What">{e.action.label()}</td>
                    <td data-label="About"><code>{e.subject.unwrap_or_default()}</code></td>
                    <td data-label="Counts">{e.detail.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let csv = format!("{}?{}", Admin::AuditCsv.path(), q.query_string());
    let days = q.days.to_string();
    let main = view! {
        <h1>"Audit trail"</h1>
        <p>"Every sign-in, invitation, change of roles or accounts, moderation, reply, export and erasure: who, when, what (ids and counts only). Nothing here can be edited or deleted; entries go after two years."</p>
        <form method="get" action=Admin::Audit.path() class="card filters">
            <label for="audit-action">"What"</label>
            <select name="action" id="audit-action"><option value="">"Everything"</option>{actions}</select>
            <label for="audit-actor">"Who"</label>
            <select name="actor" id="audit-actor"><option value="">"Everyone"</option>{actors}</select>
            <label for="audit-days">"The last … days"</label>
            <input type="number" name="days" id="audit-days" min="1" max="3650" value=days/>
            <p><button type="submit">"Show"</button></p>
        </form>
        <p class="hint">{format!("{} shown (at most 500). ", crate::i18n::Lang::english_count(count as i64, "entry", "entries"))}<a href=csv>"Download as CSV"</a></p>
        <table>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"About"</th><th scope="col">"Counts"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    };
    shell("Audit trail", Some(Nav::new(Section::Audit, v)), main)
}
