//! The order of the lists a page shows (tiers, supporters, comment threads and replies,
//! updates), from one small sort.
//!
//! Each `sort_by_key` is compiled anew for its item type and key: the site's five were five
//! copies of the standard library's stable sort, about 3.5 KB of wasm each, in the wasm that
//! every visitor's request loads. [`sort_by_key`] sorts the keys instead, all of one type, and
//! then moves the items into that order: the order `slice::sort_by_key` gives (equal keys keep
//! the order they came in; a property test holds it to the standard sort), from one sort in
//! the binary.
//!
//! A leaf: it needs nothing else in the crate.

use std::cmp::Ordering;

/// What a list sorts by: a time that may be missing (`None` before any time), then a number
/// (an id, a position).
pub type Key = (Option<i64>, i64);

/// Which way a list runs: `Descending` is `sort_by_key(|x| Reverse(key(x)))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// Sorts `items` by `key` in `direction`, stably (equal keys keep their order), as
/// `items.sort_by_key(key)` would, without a copy of the sort for each item type.
pub fn sort_by_key<T>(items: &mut Vec<T>, direction: Direction, key: impl Fn(&T) -> Key) {
    let keys: Vec<Key> = items.iter().map(key).collect();
    let order = positions(keys, direction);
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Where each item goes: the positions of `keys` in sorted order, equal keys in the order they
/// came. Not generic, so the binary holds one sort whatever the lists hold: a merge sort of
/// positions, bottom up, a few hundred bytes of wasm where the standard library's sort is
/// about 5 KB (its small-sort networks and fallbacks are for speed on long slices; these lists
/// are a page long).
#[inline(never)]
fn positions(keys: Vec<Key>, direction: Direction) -> Vec<usize> {
    // Whether the item at position `a` goes after the one at `b`.
    let after = |a: usize, b: usize| -> bool {
        let by_key: Ordering = match direction {
            Direction::Ascending => keys[a].cmp(&keys[b]),
            Direction::Descending => keys[b].cmp(&keys[a]),
        };
        by_key.then(a.cmp(&b)) == Ordering::Greater
    };
    let len = keys.len();
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < len {
        // Merges each pair of sorted runs of `width` into one run in `merged`.
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                let take_left = right == end || (left < mid && !after(order[left], order[right]));
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;

    /// An item whose key may tie with others', and whose `tag` tells equal keys apart.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Item {
        at: Option<i64>,
        id: i64,
        tag: usize,
    }

    fn items(keys: &[(Option<i64>, i64)]) -> Vec<Item> {
        keys.iter()
            .enumerate()
            .map(|(tag, &(at, id))| Item { at, id, tag })
            .collect()
    }

    #[test]
    fn sorts_either_way_and_keeps_ties_in_order() {
        let keys = [
            (Some(2), 1),
            (None, 5),
            (Some(2), 1),
            (Some(-3), 9),
            (None, 5),
            (Some(i64::MAX), i64::MIN),
            (Some(i64::MIN), 0),
        ];
        let mut up = items(&keys);
        sort_by_key(&mut up, Direction::Ascending, |x| (x.at, x.id));
        let tags: Vec<usize> = up.iter().map(|x| x.tag).collect();
        assert_eq!(tags, [1, 4, 6, 3, 0, 2, 5]);
        let mut down = items(&keys);
        sort_by_key(&mut down, Direction::Descending, |x| (x.at, x.id));
        let tags: Vec<usize> = down.iter().map(|x| x.tag).collect();
        assert_eq!(tags, [5, 0, 2, 3, 6, 1, 4]);
        let mut none: Vec<Item> = Vec::new();
        sort_by_key(&mut none, Direction::Descending, |x| (x.at, x.id));
        assert!(none.is_empty());
    }

    proptest! {
        /// The very order the standard library's stable sort gives, ties included.
        #[test]
        fn the_order_of_the_standard_stable_sort(
            keys in proptest::collection::vec((proptest::option::of(-3i64..3), -3i64..3), 0..100)
        ) {
            let mut ours = items(&keys);
            sort_by_key(&mut ours, Direction::Ascending, |x| (x.at, x.id));
            let mut std_up = items(&keys);
            std_up.sort_by_key(|x| (x.at, x.id));
            prop_assert_eq!(ours, std_up);

            let mut ours = items(&keys);
            sort_by_key(&mut ours, Direction::Descending, |x| (x.at, x.id));
            let mut std_down = items(&keys);
            std_down.sort_by_key(|x| Reverse((x.at, x.id)));
            prop_assert_eq!(ours, std_down);
        }
    }
}
