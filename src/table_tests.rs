//! `Table`: lowest-free-first handles, the `EMFILE` limit, `EBADF` for
//! every handle that holds nothing, and `renumber` dropping what it replaces.

use super::*;
use std::rc::Rc;

/// The live handles and their values, in handle order.
fn live<T: Clone>(t: &Table<T>) -> Vec<(u32, T)> {
    t.iter().map(|(i, v)| (i, v.clone())).collect()
}

#[test]
fn handles_count_up_from_zero_and_read_back() {
    let mut t = Table::new(10);
    assert_eq!(t.push("a"), Ok(0));
    assert_eq!(t.push("b"), Ok(1));
    assert_eq!(t.push("c"), Ok(2));
    assert_eq!(t.get(1), Ok(&"b"));
    *t.get_mut(2).unwrap() = "C";
    assert_eq!(live(&t), vec![(0, "a"), (1, "b"), (2, "C")]);
}

#[test]
fn a_handle_that_holds_nothing_is_badf() {
    let mut t = Table::new(10);
    assert_eq!(t.get(0), Err(Errno::Badf));
    t.push(7).unwrap();
    assert_eq!(t.get(1), Err(Errno::Badf));
    assert_eq!(t.get(u32::MAX), Err(Errno::Badf));
    assert_eq!(t.get_mut(5).map(|v| *v), Err(Errno::Badf));
    assert_eq!(t.remove(3), Err(Errno::Badf));
    assert_eq!(t.remove(0), Ok(7));
    // Removed: gone for every accessor, and a second remove is refused.
    assert_eq!(t.get(0), Err(Errno::Badf));
    assert_eq!(t.get_mut(0).map(|v| *v), Err(Errno::Badf));
    assert_eq!(t.remove(0), Err(Errno::Badf));
}

#[test]
fn the_lowest_free_handle_is_reused_first() {
    let mut t = Table::new(10);
    for v in 0..6 {
        t.push(v).unwrap();
    }
    assert_eq!(t.remove(4), Ok(4));
    assert_eq!(t.remove(1), Ok(1));
    assert_eq!(t.remove(3), Ok(3));
    assert_eq!(t.push(10), Ok(1));
    assert_eq!(t.push(11), Ok(3));
    assert_eq!(t.push(12), Ok(4));
    // No hole left: the table grows again.
    assert_eq!(t.push(13), Ok(6));
    assert_eq!(
        live(&t),
        vec![(0, 0), (1, 10), (2, 2), (3, 11), (4, 12), (5, 5), (6, 13)]
    );
}

#[test]
fn a_refused_remove_does_not_free_a_handle_twice() {
    let mut t = Table::new(10);
    t.push('a').unwrap();
    t.push('b').unwrap();
    t.remove(0).unwrap();
    assert_eq!(t.remove(0), Err(Errno::Badf));
    // Handle 0 is handed out once, then the table grows.
    assert_eq!(t.push('c'), Ok(0));
    assert_eq!(t.push('d'), Ok(2));
    assert_eq!(live(&t), vec![(0, 'c'), (1, 'b'), (2, 'd')]);
}

#[test]
fn the_limit_is_emfile_and_a_freed_handle_fits_again() {
    let mut t = Table::new(3);
    for v in 0..3 {
        assert_eq!(t.push(v), Ok(v));
    }
    assert_eq!(t.push(3), Err(Errno::Mfile));
    assert_eq!(t.push(3), Err(Errno::Mfile));
    // A refused push stores nothing.
    assert_eq!(live(&t), vec![(0, 0), (1, 1), (2, 2)]);
    t.remove(1).unwrap();
    assert_eq!(t.push(9), Ok(1));
    assert_eq!(t.push(10), Err(Errno::Mfile));

    let mut none = Table::new(0);
    assert_eq!(none.push(()), Err(Errno::Mfile));
    assert_eq!(none.iter().count(), 0);
}

#[test]
fn renumber_moves_a_value_and_drops_the_one_it_replaces() {
    let mut t = Table::new(10);
    let (a, b, c) = (Rc::new('a'), Rc::new('b'), Rc::new('c'));
    t.push(a.clone()).unwrap();
    t.push(b.clone()).unwrap();
    t.push(c.clone()).unwrap();
    t.renumber(2, 0).unwrap();
    assert_eq!(Rc::strong_count(&a), 1, "the replaced value is dropped");
    assert_eq!(Rc::strong_count(&c), 2, "the moved value is kept once");
    assert_eq!(t.get(0).map(|v| **v), Ok('c'));
    assert_eq!(t.get(2).map(|v| **v), Err(Errno::Badf));
    // The source handle is free again, and it is the lowest free one.
    assert_eq!(t.push(Rc::new('d')), Ok(2));
    assert_eq!(t.push(Rc::new('e')), Ok(3));
    assert_eq!(Rc::strong_count(&b), 2);
}

#[test]
fn renumber_refuses_empty_handles_and_changes_nothing() {
    let mut t = Table::new(10);
    t.push("a").unwrap();
    t.push("b").unwrap();
    t.push("c").unwrap();
    t.remove(1).unwrap();
    assert_eq!(t.renumber(1, 0), Err(Errno::Badf));
    assert_eq!(t.renumber(0, 1), Err(Errno::Badf));
    assert_eq!(t.renumber(0, 7), Err(Errno::Badf));
    assert_eq!(t.renumber(7, 0), Err(Errno::Badf));
    assert_eq!(live(&t), vec![(0, "a"), (2, "c")]);
    // Onto itself: a no-op that keeps the value (not a remove).
    assert_eq!(t.renumber(2, 2), Ok(()));
    assert_eq!(live(&t), vec![(0, "a"), (2, "c")]);
    assert_eq!(t.push("d"), Ok(1));
    assert_eq!(t.push("e"), Ok(3));
}

#[test]
fn clear_drops_every_value_and_starts_from_zero() {
    let mut t = Table::new(3);
    let kept = Rc::new(());
    for _ in 0..3 {
        t.push(kept.clone()).unwrap();
    }
    t.remove(0).unwrap();
    t.clear();
    assert_eq!(Rc::strong_count(&kept), 1);
    assert_eq!(t.iter().count(), 0);
    assert_eq!(t.get(1).map(|_| ()), Err(Errno::Badf));
    // The freed-handle list went too: handles start at 0 and the limit holds.
    for i in 0..3 {
        assert_eq!(t.push(kept.clone()), Ok(i));
    }
    assert_eq!(t.push(kept.clone()), Err(Errno::Mfile));
}
