//! `GET /admin/volunteers`: the offers of help, newest first, with their contact details (the
//! page and its CSV are the only places those are shown).

use super::{pager, plural, shell, when, Nav, Section, Viewer};
use crate::admin::{VolunteerRow, PAGE_SIZE};
use crate::routes::Admin;
use leptos::prelude::*;

/// `GET /admin/volunteers`.
pub fn volunteers(v: &Viewer<'_>, page: i64, total: i64, rows: Vec<VolunteerRow>) -> String {
    let body = rows
        .into_iter()
        .map(|v| {
            let help = v.help_words();
            let contact = [v.email.clone(), v.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <tr>
                    <td data-label="When">{when(v.created_at)}</td>
                    <td data-label="Name" class="text">{v.name}</td>
                    <td data-label="How they want to help">{help}</td>
                    <td data-label="Where" class="text">{v.place.unwrap_or_default()}</td>
                    <td data-label="Contact" class="text">{contact}</td>
                    <td data-label="Message" class="body">{v.message.unwrap_or_default()}</td>
                    <td data-label="Language">{v.lang}</td>
                </tr>
            }
        })
        .collect_view();
    let main = view! {
        <h1>"Volunteers"</h1>
        <p class="hint">{format!("{}, newest first. ", plural(total, "volunteer", "volunteers"))}<a href=Admin::VolunteersCsv.path()>"Download as CSV"</a></p>
        <table>
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Name"</th><th scope="col">"How they want to help"</th><th scope="col">"Where"</th>
                <th scope="col">"Contact"</th><th scope="col">"Message"</th><th scope="col">"Language"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
        {pager(Admin::Volunteers.path(), page, PAGE_SIZE, total)}
    };
    shell("Volunteers", Some(Nav::new(Section::Volunteers, v)), main)
}
