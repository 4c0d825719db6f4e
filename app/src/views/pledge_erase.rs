//! `GET /pledges/{id}/erase`: "erase your name, email and note from this gift?", the donor's own
//! erasure, from the pledge's page (whose address is the only key to it, as for stopping a
//! monthly gift). What stays (the amount, tier, purpose and dates) is the ledger's; what goes
//! is every personal field, the name shown among the supporters with it.

use super::pages::{erase_path, one_button, pledge_notice, OneButton};
use super::{FormFields, Links};
use crate::content::fill;
use crate::form::Problems;
use crate::i18n::Lang;
use crate::pledge::Pledge;

/// The erase form has one button and no field: its problems are the form's.
static ERASE_FIELDS: FormFields = FormFields {
    form: "erase",
    fields: &[],
};

/// What the erase page says beside the pledge itself.
pub struct PledgeErase<'a> {
    pub pledge: &'a Pledge,
    /// The form's token, issued for this page (a private page: written in, not a hole).
    pub token: &'a str,
    /// Why the last press was refused (an expired or reused token).
    pub problems: Problems,
    /// How long, in minutes, kept copies of the campaign page elsewhere may still show the
    /// name; `None` when nothing is kept.
    pub copies_minutes: Option<i64>,
}

/// `GET /pledges/{id}/erase`: what erasing does and keeps, and the two ways on (a one-button
/// page like stopping a monthly gift's). The button posts (with its form token); nothing is
/// erased by following a link.
pub fn pledge_erase<'a>(lang: Lang, links: impl Into<Links<'a>>, page: PledgeErase<'_>) -> String {
    let t = lang.text();
    let PledgeErase {
        pledge,
        token,
        problems,
        copies_minutes,
    } = page;
    let mut says = vec![t.erase_intro.to_string()];
    if let Some(n) = copies_minutes {
        says.push(fill(t.erase_copies, &[("n", &lang.number(n))]));
    }
    // A running monthly gift goes on: say so, so nobody erases to stop it.
    if pledge.stop().is_ok() {
        says.push(t.erase_monthly.to_string());
    }
    says.push(t.erase_stripe.to_string());
    let ask = OneButton {
        path: erase_path(&pledge.id),
        form: "erase-form",
        fields: &ERASE_FIELDS,
        title: t.erase_title,
        says,
        confirm: t.erase_confirm,
        keep: t.erase_keep,
    };
    one_button(lang, links.into(), pledge, ask, token, problems)
}

/// An erasure asked of a pledge that keeps no name, email or note: nothing to erase, and the
/// way back to its page.
pub fn pledge_nothing_to_erase<'a>(lang: Lang, links: impl Into<Links<'a>>, id: &str) -> String {
    let t = lang.text();
    pledge_notice(
        lang,
        links.into(),
        (id, &erase_path(id)),
        t.erase_nothing_title,
        t.erase_nothing,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Problem;
    use crate::money::Cents;
    use crate::pledge::{Frequency, Status, GENERAL};

    fn pledge(frequency: Frequency, status: Status, details: bool) -> Pledge {
        Pledge {
            id: "0123456789abcdef0123456789abcdef".into(),
            status,
            amount: Cents(2000),
            refunded: Cents(0),
            currency: "usd".into(),
            tier: None,
            designation: GENERAL.into(),
            frequency,
            payments: 1,
            details,
        }
    }

    fn page(p: &Pledge, problems: Problems, copies: Option<i64>) -> PledgeErase<'_> {
        PledgeErase {
            pledge: p,
            token: "T.n.tag",
            problems,
            copies_minutes: copies,
        }
    }

    #[test]
    fn the_erase_page_asks_once_with_its_token_in_both_languages() {
        let once = pledge(Frequency::Once, Status::Paid, true);
        for lang in Lang::ALL {
            let t = lang.text();
            let html = pledge_erase(lang, "", page(&once, Problems::default(), Some(11)));
            let action = format!(
                r#"action="{}""#,
                lang.href("/pledges/0123456789abcdef0123456789abcdef/erase")
            );
            assert!(html.contains(&action), "{html}");
            assert!(html.contains(r#"name="token" value="T.n.tag""#));
            assert!(html.contains(t.erase_intro) && html.contains(t.erase_stripe));
            assert!(html.contains(&fill(t.erase_copies, &[("n", &lang.number(11))])));
            assert!(!html.contains(t.erase_monthly), "a one-off gift");
            assert!(html.contains(r#"<meta name="robots" content="noindex"#));
        }
        // No kept copies: nothing said of them. A running monthly gift goes on.
        let monthly = pledge(Frequency::Monthly, Status::Active, true);
        let t = Lang::En.text();
        let html = pledge_erase(Lang::En, "", page(&monthly, Problems::default(), None));
        assert!(html.contains(t.erase_monthly));
        assert!(!html.contains("minutes"));
        // A refused press says why.
        let mut problems = Problems::default();
        problems.add("", Problem::Token);
        let html = pledge_erase(Lang::En, "", page(&once, problems, None));
        assert!(html.contains(r#"role="alert""#), "{html}");
        let none = pledge_nothing_to_erase(Lang::Km, "", &once.id);
        assert!(none.contains(Lang::Km.text().erase_nothing));
        assert!(none.contains(r#"href="/km/pledges/0123456789abcdef0123456789abcdef""#));
    }

    #[test]
    fn the_pledge_page_offers_the_erasure_while_details_are_kept() {
        let t = Lang::En.text();
        let kept =
            super::super::pledge_thanks(Lang::En, "", pledge(Frequency::Once, Status::Paid, true));
        assert!(kept.contains(t.pledge_details_kept) && kept.contains(t.pledge_erase_link));
        assert!(kept.contains(r#"href="/pledges/0123456789abcdef0123456789abcdef/erase""#));
        let none =
            super::super::pledge_thanks(Lang::En, "", pledge(Frequency::Once, Status::Paid, false));
        assert!(none.contains(t.pledge_details_none) && !none.contains(t.pledge_erase_link));
    }
}
