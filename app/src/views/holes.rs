//! A page with holes: what the edge keeps of the campaign page, and how each response fills it.
//!
//! Every visitor shares one drawn campaign page, but some of its values are their own: the
//! comment and volunteer forms' tokens, and a share link's code and prefilled choices in the
//! pledge form. The views put a [`Placed`] attribute value where such a value goes; when the
//! page is rendered ([`render`]), each one records where in the output it stands and what it
//! is, so the page comes out as its literal text and a list of typed [`Hole`]s at known
//! offsets ([`Template`]). A response writes the literal parts with its own values between
//! them ([`Template::serve`]). Nothing is found by searching the rendered HTML: a supporter's
//! name or a comment that spells a form's id, a tag or a former slot marker is text like any
//! other.
//!
//! The offsets are the renderer's own: tachys writes an element's tag and its attributes
//! (all but `class` and `style`) straight into the one buffer a page is rendered into, so the
//! buffer's length when an attribute value is written is where it stands in the page. The
//! pledge form's `a_served_page_is_the_form_itself` holds a served page to the form drawn with
//! the same values written in; `app/tests/markers.rs` and `tests/it/holes.rs` hold every page
//! to be the same apart from its holes, whatever visitors wrote.

use crate::keys::Form;
use crate::reach::{Group, Pick, Reach};
use leptos::tachys::html::attribute::AttributeValue;
use leptos::tachys::renderer::types::Element;
use std::cell::RefCell;

/// A per-visitor value a kept page leaves open, and where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hole {
    /// The value of a form's hidden `token` field: a token of its own for every response.
    Token(Form),
    /// The value of the pledge form's hidden `ref` field: the share link's source code.
    Source,
    /// The value of the pledge form's own amount.
    Amount,
    /// ` checked`, or nothing, on one of the pledge form's choices.
    Pick(Pick),
}

impl Hole {
    /// Whether the hole is an attribute's value (between quotes) rather than the attribute.
    fn is_value(&self) -> bool {
        !matches!(self, Hole::Pick(_))
    }
}

/// One piece of a [`Template`], in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Literal(&'a str),
    Hole(&'a Hole),
}

/// A rendered page: its literal text and the holes between its parts, each at the offset in
/// the text where its value goes (in order). A page without holes is its text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    text: String,
    holes: Vec<(usize, Hole)>,
}

impl Template {
    /// A page with nothing left open (a feed, the badge, page data).
    pub fn plain(text: String) -> Template {
        Template {
            text,
            holes: Vec::new(),
        }
    }

    /// The literal text, every hole empty.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    pub fn holes(&self) -> impl Iterator<Item = &Hole> + Clone {
        self.holes.iter().map(|(_, h)| h)
    }

    /// The literal parts and the holes, in page order.
    pub fn parts(&self) -> impl Iterator<Item = Part<'_>> {
        let mut from = 0;
        self.holes
            .iter()
            .flat_map(move |(at, hole)| {
                let literal = self.text.get(from..*at).unwrap_or("");
                from = *at;
                [Part::Literal(literal), Part::Hole(hole)]
            })
            .chain(std::iter::once(Part::Literal(
                self.text.get(self.last()..).unwrap_or(""),
            )))
            .filter(|p| *p != Part::Literal(""))
    }

    fn last(&self) -> usize {
        self.holes.last().map_or(0, |(at, _)| *at)
    }

    /// The page as one response sends it: the literal parts, and between them the values
    /// `write` gives each hole.
    pub fn fill(&self, mut write: impl FnMut(&Hole, &mut String)) -> String {
        let mut out = String::with_capacity(self.text.len() + 128 * self.holes.len());
        for part in self.parts() {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Hole(hole) => write(hole, &mut out),
            }
        }
        out
    }

    /// The campaign page for one request: its share link's values (decided against the
    /// choices this page offers: `Reach::choose`) and a token of its own for each form
    /// (`token`, called once per token hole).
    pub fn serve(&self, reach: &Reach, mut token: impl FnMut(Form) -> String) -> String {
        let picks = self.holes().filter_map(|h| match h {
            Hole::Pick(p) => Some(p),
            Hole::Token(_) | Hole::Source | Hole::Amount => None,
        });
        let chosen = reach.choose(picks);
        self.fill(|hole, out| match hole {
            Hole::Token(form) => out.push_str(&token(*form)),
            // A source code is `[a-z0-9-]` and an amount digits: nothing to escape.
            Hole::Source => out.push_str(chosen.source()),
            Hole::Amount => out.push_str(&chosen.amount()),
            Hole::Pick(p) => {
                if chosen.checked(p) {
                    out.push_str(" checked");
                }
            }
        })
    }

    /// The holes as the edge keeps them beside the text, one line each: its offset, its kind,
    /// `1` for a default choice (else `0`), and its value (`%` and line breaks escaped as
    /// `%25` and `%0A`). [`Template::from_kept`] reads them back.
    pub fn holes_table(&self) -> String {
        let mut table = String::new();
        for (at, hole) in &self.holes {
            let (kind, value, default) = match hole {
                Hole::Token(form) => ("token", form.name(), false),
                Hole::Source => ("source", "", false),
                Hole::Amount => ("amount", "", false),
                Hole::Pick(p) => (p.group.name(), p.value.as_str(), p.default),
            };
            table.push_str(&format!("{at} {kind} {} ", u8::from(default)));
            table.push_str(&value.replace('%', "%25").replace('\n', "%0A"));
            table.push('\n');
        }
        table
    }

    /// A kept page from its holes' table and its text; `None` if the table does not describe
    /// holes of this text (in order, within it, on character boundaries).
    pub fn from_kept(table: &str, text: String) -> Option<Template> {
        let mut holes = Vec::new();
        let mut from = 0;
        for line in table.split_terminator('\n') {
            let mut fields = line.splitn(4, ' ');
            let (at, kind, default, value) = (
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
            );
            let at: usize = at.parse().ok()?;
            if at < from || !text.is_char_boundary(at) {
                return None;
            }
            from = at;
            let default = match default {
                "0" => false,
                "1" => true,
                _ => return None,
            };
            let hole = match kind {
                "token" => Hole::Token(Form::ALL.into_iter().find(|f| f.name() == value)?),
                "source" => Hole::Source,
                "amount" => Hole::Amount,
                group => Hole::Pick(Pick {
                    group: Group::parse(group)?,
                    value: unescape(value)?,
                    default,
                }),
            };
            holes.push((at, hole));
        }
        Some(Template { text, holes })
    }
}

/// A value of the holes' table as it was: `%25` and `%0A` back to `%` and a line break; any
/// other `%` is not the table's.
fn unescape(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        match rest.get(at + 1..at + 3)? {
            "25" => out.push('%'),
            "0A" => out.push('\n'),
            _ => return None,
        }
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Some(out)
}

/// An attribute value in a view: written as it is, or, where a per-visitor value goes, a
/// [`Hole`] that [`render`] records.
#[derive(Clone, Debug)]
pub enum Placed {
    /// A value written now (escaped, as Leptos writes a `String`).
    Text(String),
    /// A boolean attribute (`checked`) written now.
    On(bool),
    Hole(Hole),
}

thread_local! {
    /// The holes of the page being rendered by [`render`], with their offsets.
    static RECORDED: RefCell<Option<Vec<(usize, Hole)>>> = const { RefCell::new(None) };
}

fn record(at: usize, hole: Hole) {
    RECORDED.with(|r| {
        if let Some(holes) = r.borrow_mut().as_mut() {
            holes.push((at, hole));
        }
    });
}

/// Renders a page (`draw` returns tachys' output) into its [`Template`]: the holes its
/// [`Placed`] values recorded, and the text without Leptos' `<!>` markers (`strip_markers`),
/// the doctype first. The one pass over rendered HTML; the holes' offsets move with it.
pub fn render(draw: impl FnOnce() -> String) -> Template {
    let outer = RECORDED.with(|r| r.replace(Some(Vec::new())));
    let html = draw();
    let recorded = RECORDED.with(|r| r.replace(outer)).unwrap_or_default();
    assemble(&html, recorded)
}

/// The page's text without its markers and its holes at their offsets in it. Not generic, so
/// compiled once, not into every page's [`render`].
fn assemble(html: &str, recorded: Vec<(usize, Hole)>) -> Template {
    const DOCTYPE: &str = "<!DOCTYPE html>";
    let mut text = String::with_capacity(DOCTYPE.len() + html.len());
    text.push_str(DOCTYPE);
    let mut holes = Vec::with_capacity(recorded.len());
    let mut from = 0;
    for (at, hole) in recorded {
        // Offsets come in order and inside the page; a marker is written whole, never across one.
        let Some(part) = html.get(from..at) else {
            continue;
        };
        super::strip_markers(part, &mut text);
        holes.push((text.len(), hole));
        from = at;
    }
    super::strip_markers(html.get(from..).unwrap_or(""), &mut text);
    Template { text, holes }
}

impl AttributeValue for Placed {
    type State = ();
    type AsyncOutput = Placed;
    type Cloneable = Placed;
    type CloneableOwned = Placed;

    fn html_len(&self) -> usize {
        match self {
            Placed::Text(s) => s.len(),
            Placed::On(_) | Placed::Hole(_) => 0,
        }
    }

    fn to_html(self, key: &str, buf: &mut String) {
        match self {
            Placed::Text(s) => s.to_html(key, buf),
            Placed::On(on) => on.to_html(key, buf),
            Placed::Hole(hole) if hole.is_value() => {
                buf.push(' ');
                buf.push_str(key);
                buf.push_str("=\"");
                record(buf.len(), hole);
                buf.push('"');
            }
            Placed::Hole(hole) => record(buf.len(), hole),
        }
    }

    fn to_template(_key: &str, _buf: &mut String) {}

    // These pages are never hydrated nor built in a browser: no script runs on them.
    fn hydrate<const FROM_SERVER: bool>(self, _key: &str, _el: &Element) {}

    fn build(self, _el: &Element, _key: &str) {}

    fn rebuild(self, _key: &str, _state: &mut ()) {}

    fn into_cloneable(self) -> Placed {
        self
    }

    fn into_cloneable_owned(self) -> Placed {
        self
    }

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Placed {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(group: Group, value: &str, default: bool) -> Hole {
        Hole::Pick(Pick {
            group,
            value: value.into(),
            default,
        })
    }

    #[test]
    fn a_kept_page_reads_back_as_it_was_and_nothing_else_does() {
        let page = Template {
            text: "<a b=\"\"><c><!>é d".into(),
            holes: vec![
                (6, Hole::Token(Form::Comment)),
                (6, Hole::Source),
                (10, Hole::Amount),
                (
                    10,
                    pick(Group::Tier, "women-radio\n\"é %0A%25% 1 x\r", true),
                ),
                (18, pick(Group::Frequency, "month", false)),
            ],
        };
        let table = page.holes_table();
        assert_eq!(
            Template::from_kept(&table, page.text.clone()),
            Some(page.clone())
        );
        assert_eq!(
            Template::from_kept("", "x".into()),
            Some(Template::plain("x".into()))
        );
        for bad in [
            "1 token 0 nope",
            "1 pick-size 0 a",
            "1 pick-tier 2 a",
            "1 pick-tier 0 a%",
            "1 pick-tier 0 a%2",
            "1 pick-tier 0 a%41",
            "3 source 0 \n2 amount 0 ",
            "99 source 0 ",
            "15 source 0 ",
            "-1 source 0 ",
            "1 source",
            "x",
        ] {
            assert_eq!(Template::from_kept(bad, page.text.clone()), None, "{bad}");
        }
        let parts: Vec<Part<'_>> = page.parts().collect();
        assert_eq!(parts[0], Part::Literal("<a b=\""));
        assert_eq!(parts[1], Part::Hole(&Hole::Token(Form::Comment)));
        assert_eq!(parts[2], Part::Hole(&Hole::Source));
        assert_eq!(parts.last(), Some(&Part::Hole(&page.holes[4].1)));
        let filled = page.fill(|h, out| out.push_str(if h.is_value() { "v" } else { "+" }));
        assert_eq!(filled, "<a b=\"vv\"><cv+><!>é d+");
    }

    #[test]
    fn holes_are_recorded_where_the_renderer_writes_them_and_markers_go() {
        use leptos::prelude::*;
        let page = render(|| {
            Owner::new().with(|| {
                view! {
                    <p>"a"{"b"}</p>
                    <input value=Placed::Hole(Hole::Source) checked=Placed::Hole(pick(Group::Tier, "x", true))/>
                    <input value=Placed::Text("\"<".into()) checked=Placed::On(true)/>
                    <p>"c"{"d"}</p>
                }
                .to_html()
            })
        });
        assert_eq!(
            page.fill(|h, out| out.push_str(if h.is_value() { "S" } else { " checked" })),
            "<!DOCTYPE html><p>ab</p><input value=\"S\" checked><input value=\"&quot;&lt;\" checked><p>cd</p>"
        );
        assert_eq!(page.holes().count(), 2);
        // Outside `render` nothing is recorded.
        RECORDED.with(|r| assert!(r.borrow().is_none()));
    }
}
