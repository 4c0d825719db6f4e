//! The public paged lists (the campaign page's threads of comments, `/updates`): the one
//! reading of `?page=`, and where a list ends.
//!
//! The site keeps each page at the edge under a key built from the page this reads, and a page
//! past the last is sent to the last one ([`Paged`]), so the pages kept of a list are a known
//! set: 1 to the last, and one more (the page a removal has just emptied).

/// `?page=` as every paged list reads it, for the page drawn and the key it is kept under
/// alike: a count (Khmer digits too, so `?page=២` is page 2), else page 1 (absent, zero, not
/// a number, or longer than nine digits).
pub fn page_asked(value: &str) -> i64 {
    crate::form::parse_count(value)
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// The last page of a list of `total` items, `per` a page: page 1 even when it is empty.
pub fn last_page(total: i64, per: i64) -> i64 {
    if per <= 0 {
        return 1;
    }
    (total.max(0) / per + i64::from(total.max(0) % per != 0)).max(1)
}

/// What a request for a page of a list gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paged {
    /// The page asked, which exists.
    Page(i64),
    /// Past the last page: sent to the last one, which is kept under its own key already.
    Last(i64),
}

impl Paged {
    /// Page `asked` of a list whose last page is `last`.
    pub fn of(asked: i64, last: i64) -> Paged {
        if asked > last {
            Paged::Last(last)
        } else {
            Paged::Page(asked.max(1))
        }
    }
}

/// The pages kept of a list whose last page was `before` and is `after` (either may be the
/// other: a write adds or removes): every one that may show what the write changed, 2 to
/// the larger last page and one more (page 1 is drawn anew, not dropped).
pub fn pages_to_drop(before: i64, after: i64) -> std::ops::RangeInclusive<i64> {
    2..=before.max(after).max(1).saturating_add(1)
}

/// `?page=N` for a page past the first, else nothing: how a page's key and address end.
pub fn page_query(page: i64) -> String {
    if page > 1 {
        format!("?page={page}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reading_of_page() {
        for (value, page) in [
            ("2", 2),
            ("២", 2),
            (" 12 ", 12),
            ("777", 777),
            ("10001", 10_001),
            ("999999999", 999_999_999),
            ("", 1),
            ("0", 1),
            ("-3", 1),
            ("1e3", 1),
            ("2.0", 1),
            ("9999999999", 1),
            ("x", 1),
        ] {
            assert_eq!(page_asked(value), page, "{value:?}");
        }
    }

    #[test]
    fn where_a_list_ends_and_what_is_past_it() {
        assert_eq!(last_page(0, 10), 1);
        assert_eq!(last_page(-5, 10), 1);
        assert_eq!(last_page(10, 10), 1);
        assert_eq!(last_page(11, 10), 2);
        assert_eq!(last_page(i64::MAX, 10), i64::MAX / 10 + 1);
        assert_eq!(last_page(3, 0), 1);
        assert_eq!(Paged::of(1, 1), Paged::Page(1));
        assert_eq!(Paged::of(3, 3), Paged::Page(3));
        assert_eq!(Paged::of(4, 3), Paged::Last(3));
        assert_eq!(Paged::of(777, 1), Paged::Last(1));
        assert_eq!(Paged::of(0, 3), Paged::Page(1));
        assert_eq!(page_query(1), "");
        assert_eq!(page_query(3), "?page=3");
    }

    #[test]
    fn a_write_drops_every_later_page_either_count_had_and_one_more() {
        assert_eq!(pages_to_drop(1, 1), 2..=2);
        assert_eq!(pages_to_drop(4, 2), 2..=5, "an erasure removed threads");
        assert_eq!(pages_to_drop(2, 3), 2..=4, "a comment added one");
        assert_eq!(pages_to_drop(0, 0), 2..=2);
        assert_eq!(pages_to_drop(i64::MAX, 1).end(), &i64::MAX);
    }
}
