//! The campaign's updates in the admin area (`/admin/updates`): the list with a form for a new
//! one, the edit form, and publishing with one button. English, like the rest of the area;
//! every form carries the session's CSRF token.

use super::admin::{shell, when, Nav, Section, Viewer};
use super::textarea_text;
use crate::i18n::Lang;
use crate::routes::Admin;
use crate::update::{Update, UpdateForm, UpdateProblem, UpdateStatus, BODY_MAX, TITLE_MAX};
use leptos::either::Either;
use leptos::prelude::*;

/// The four fields of an update, filled with `form`.
fn fields(form: UpdateForm, problem: Option<UpdateProblem>) -> impl IntoView {
    let error = problem
        .map(|p| view! { <p class="error" id="update-error" role="alert">{p.message()}</p> });
    let described = problem.map(|_| "update-error");
    let title_max = (TITLE_MAX * 4).to_string();
    let body_max = (BODY_MAX * 4).to_string();
    view! {
        {error}
        <p class="hint">"Plain text. A blank line starts a new paragraph; addresses starting with https:// become links. Leave a language empty until it is translated: its page shows the other one with a note."</p>
        <fieldset>
            <legend>"English"</legend>
            <label for="title_en">"Title"</label>
            <input type="text" name="title_en" id="title_en" value=form.title_en maxlength=title_max.clone() aria-describedby=described/>
            <label for="body_en">"Text"</label>
            <textarea name="body_en" id="body_en" rows="8" maxlength=body_max.clone()>{textarea_text(&form.body_en)}</textarea>
        </fieldset>
        <fieldset lang="km">
            <legend lang="en">"Khmer"</legend>
            <label for="title_km" lang="en">"Title"</label>
            <input type="text" name="title_km" id="title_km" value=form.title_km maxlength=title_max aria-describedby=described/>
            <label for="body_km" lang="en">"Text"</label>
            <textarea name="body_km" id="body_km" rows="8" maxlength=body_max>{textarea_text(&form.body_km)}</textarea>
        </fieldset>
    }
}

/// The title a maintainer knows an update by: the English, else the Khmer.
fn name_of(u: &Update) -> String {
    u.in_lang(Lang::En)
        .map(|s| s.title.to_string())
        .unwrap_or_else(|| format!("Update {}", u.id))
}

fn languages(u: &Update) -> &'static str {
    let has = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
    match (has(&u.title_en), has(&u.title_km)) {
        (true, true) => "English, Khmer",
        (true, false) => "English only",
        (false, true) => "Khmer only",
        (false, false) => "—",
    }
}

fn status_label(s: UpdateStatus) -> &'static str {
    match s {
        UpdateStatus::Draft => "Draft",
        UpdateStatus::Published => "Published",
    }
}

/// The publish or unpublish button of an update.
fn publish_button(csrf: &str, u: &Update) -> impl IntoView {
    let (action, label) = match u.status {
        UpdateStatus::Draft => ("publish", "Publish"),
        UpdateStatus::Published => ("unpublish", "Unpublish"),
    };
    let csrf = csrf.to_string();
    view! {
        <form method="post" action=Admin::UpdateAction.href(&[&u.id.to_string(), action]) class="actions">
            <input type="hidden" name="csrf" value=csrf/>
            <button type="submit" class="secondary">{label}</button>
        </form>
    }
}

/// `GET /admin/updates` (and a new update refused): every update, newest first, and the form.
pub fn updates(
    v: &Viewer<'_>,
    rows: Vec<Update>,
    form: UpdateForm,
    problem: Option<UpdateProblem>,
) -> String {
    let csrf = v.csrf;
    let list = if rows.is_empty() {
        Either::Left(view! { <p>"No update yet."</p> })
    } else {
        let items = rows
            .iter()
            .map(|u| {
                let public = u.is_public().then(|| {
                    view! { " · "<a href=format!("/updates/{}", u.id)>"public page"</a> }
                });
                view! {
                    <tr>
                        <td data-label="Written">{when(u.created_at)}</td>
                        <td data-label="Title" class="text"><a href=Admin::UpdateEdit.href(&[&u.id.to_string()])>{name_of(u)}</a>{public}</td>
                        <td data-label="Languages">{languages(u)}</td>
                        <td data-label="Status">{status_label(u.status)}</td>
                        <td data-label="Published">{u.published_at.map(when)}</td>
                        <td data-label="Action">{publish_button(csrf, u)}</td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table>
                <thead><tr>
                    <th scope="col">"Written"</th><th scope="col">"Title"</th><th scope="col">"Languages"</th>
                    <th scope="col">"Status"</th><th scope="col">"Published"</th><th scope="col">"Action"</th>
                </tr></thead>
                <tbody>{items}</tbody>
            </table>
        })
    };
    let csrf_value = csrf.to_string();
    let main = view! {
        <h1>"Updates"</h1>
        <p>"Short news for donors about what their gifts did. The latest three published are on the campaign page; all of them at /updates and in the feeds. A new update is a draft until you publish it."</p>
        {list}
        <section aria-labelledby="new-update">
            <h2 id="new-update">"New update"</h2>
            <form method="post" action=Admin::UpdateCreate.path() class="card">
                <input type="hidden" name="csrf" value=csrf_value/>
                {fields(form, problem)}
                <p><button type="submit">"Save as draft"</button></p>
            </form>
        </section>
    };
    shell("Updates", Some(Nav::new(Section::Updates, v)), main)
}

/// `GET /admin/updates/{id}` (and an edit refused): the update's form and its button.
pub fn edit(
    v: &Viewer<'_>,
    u: &Update,
    form: UpdateForm,
    problem: Option<UpdateProblem>,
) -> String {
    let csrf = v.csrf.to_string();
    let state = match u.status {
        UpdateStatus::Draft => Either::Left(view! { <p>"Draft: not public."</p> }),
        UpdateStatus::Published => Either::Right(view! {
            <p>"Published: "<a href=format!("/updates/{}", u.id)>"its public page"</a>". Saving changes it there at once."</p>
        }),
    };
    let main = view! {
        <h1>{format!("Edit: {}", name_of(u))}</h1>
        {state}
        {publish_button(v.csrf, u)}
        <form method="post" action=Admin::UpdateSave.href(&[&u.id.to_string()]) class="card">
            <input type="hidden" name="csrf" value=csrf/>
            {fields(form, problem)}
            <p><button type="submit">"Save"</button></p>
        </form>
        <p><a href=Admin::Updates.path()>"All updates"</a></p>
    };
    shell("Edit an update", Some(Nav::new(Section::Updates, v)), main)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::roles::{Role, Roles};

    fn viewer() -> Viewer<'static> {
        Viewer {
            name: "m",
            roles: Roles::default().with(Role::Moderator),
            csrf: "tok",
        }
    }

    fn update(status: UpdateStatus) -> Update {
        Update {
            id: 4,
            title_en: Some("<i>Radio</i>".into()),
            body_en: Some("</textarea><script>x</script>".into()),
            title_km: None,
            body_km: None,
            status,
            published_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn forms_carry_the_token_and_escape_what_was_typed() {
        let u = update(UpdateStatus::Draft);
        let html = edit(
            &viewer(),
            &u,
            UpdateForm::of(&u),
            Some(UpdateProblem::Empty),
        );
        assert!(html.contains(r#"name="csrf" value="tok""#));
        assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("action=\"/admin/updates/4/publish\""));
        assert!(html.contains(&UpdateProblem::Empty.message()));
        let html = updates(
            &viewer(),
            vec![update(UpdateStatus::Published)],
            UpdateForm::default(),
            None,
        );
        assert!(html.contains("action=\"/admin/updates/4/unpublish\""));
        assert!(html.contains("&lt;i&gt;Radio&lt;/i&gt;"));
        assert!(html.contains("aria-current=\"page\"") && html.contains("href=\"/admin/updates\""));
    }
}
