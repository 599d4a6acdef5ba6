//! `poll`: which pollables it reports, how far virtual time jumps, and what
//! an async caller is told to await.

use super::*;
use crate::cli::BytesInput;
use std::cell::Cell;

/// Ready once it has been asked `after` times (something that becomes ready
/// while the poller loops); counts the questions.
struct ReadyAfter {
    asked: Rc<Cell<u32>>,
    after: u32,
}

impl Pollable for ReadyAfter {
    fn ready(&mut self) -> bool {
        self.asked.set(self.asked.get() + 1);
        self.asked.get() > self.after
    }
}

/// Never ready; waits on input, as stdin with no data yet does.
struct PendingInput;

impl Pollable for PendingInput {
    fn ready(&mut self) -> bool {
        false
    }
    fn waits_on_input(&self) -> bool {
        true
    }
}

/// Never ready, no deadline, no input: nothing can wake it.
struct Never;

impl Pollable for Never {
    fn ready(&mut self) -> bool {
        false
    }
}

/// Real (not virtual) clocks on a hand-moved monotonic clock at 1000 ns,
/// whose sleeps move it and are recorded.
fn manual() -> (Clocks, Rc<RefCell<Vec<u64>>>) {
    struct Mono(Rc<Cell<u64>>);
    impl crate::clocks::MonotonicClock for Mono {
        fn now(&self) -> u64 {
            self.0.get()
        }
    }
    struct Wall;
    impl crate::clocks::WallClock for Wall {
        fn now(&self) -> u64 {
            1
        }
    }
    struct Nap(Rc<Cell<u64>>, Rc<RefCell<Vec<u64>>>);
    impl crate::clocks::Sleep for Nap {
        fn sleep(&self, ns: u64) {
            self.1.borrow_mut().push(ns);
            self.0.set(self.0.get() + ns);
        }
    }
    let now = Rc::new(Cell::new(1_000));
    let naps = Rc::new(RefCell::new(Vec::new()));
    let clocks = Clocks::new(
        Rc::new(Wall),
        Rc::new(Mono(now.clone())),
        Rc::new(Nap(now, naps.clone())),
    );
    (clocks, naps)
}

fn timer(clocks: &Clocks, at: u64) -> Box<dyn Pollable> {
    Box::new(Deadline {
        at,
        clocks: clocks.clone(),
    })
}

#[test]
fn an_empty_list_returns_at_once() {
    let clocks = Clocks::deterministic();
    for mode in [Blocking::Sync, Blocking::Async] {
        assert_eq!(poll(&mut [], &clocks, &mode), Ok(vec![]));
    }
    assert_eq!(clocks.monotonic(), 0);
}

#[test]
fn every_ready_pollable_is_reported_in_list_order() {
    let clocks = Clocks::deterministic();
    let mut list: Vec<Box<dyn Pollable>> = vec![
        Box::new(AlwaysReady),
        Box::new(Never),
        timer(&clocks, 0),
        Box::new(PendingInput),
        Box::new(AlwaysReady),
    ];
    for mode in [Blocking::Sync, Blocking::Async] {
        assert_eq!(poll(&mut list, &clocks, &mode), Ok(vec![0, 2, 4]));
    }
    assert_eq!(clocks.monotonic(), 0, "nothing waited");
}

#[test]
fn virtual_time_jumps_to_the_earliest_deadline_only() {
    let clocks = Clocks::deterministic();
    let mut list = vec![
        timer(&clocks, 5_000),
        timer(&clocks, 3_000),
        timer(&clocks, 9_000),
    ];
    assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![1]));
    assert_eq!(clocks.monotonic(), 3_000);
    list.remove(1);
    assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![0]));
    assert_eq!(clocks.monotonic(), 5_000);
    // Two deadlines at the same instant fire together.
    let mut same = vec![
        timer(&clocks, 7_000),
        Box::new(Never),
        timer(&clocks, 7_000),
    ];
    assert_eq!(poll(&mut same, &clocks, &Blocking::Sync), Ok(vec![0, 2]));
    assert_eq!(clocks.monotonic(), 7_000);
}

#[test]
fn virtual_time_jumps_in_async_mode_too_when_no_input_is_awaited() {
    let clocks = Clocks::deterministic();
    let mut list = vec![
        Box::new(Never) as Box<dyn Pollable>,
        timer(&clocks, 1_000_000),
    ];
    assert_eq!(poll(&mut list, &clocks, &Blocking::Async), Ok(vec![1]));
    assert_eq!(clocks.monotonic(), 1_000_000);
}

#[test]
fn async_mode_with_input_pending_returns_what_to_await() {
    let clocks = Clocks::deterministic();
    clocks.advance_to(100);
    let mut list = vec![
        Box::new(PendingInput) as Box<dyn Pollable>,
        timer(&clocks, 900),
        timer(&clocks, 400),
    ];
    let wait = poll(&mut list, &clocks, &Blocking::Async).unwrap_err();
    assert_eq!(
        wait,
        Wait {
            deadline: Some(400),
            input: true,
            since: 100
        }
    );
    // Virtual time stays put: input may come before the deadline.
    assert_eq!(clocks.monotonic(), 100);

    // Input alone: no deadline to await.
    let mut input = vec![Box::new(PendingInput) as Box<dyn Pollable>];
    let wait = poll(&mut input, &clocks, &Blocking::Async).unwrap_err();
    assert_eq!((wait.deadline, wait.input), (None, true));
}

#[test]
fn sync_mode_with_input_pending_and_a_virtual_deadline_fires_the_deadline() {
    // Nothing can deliver input while the only thread waits, so the
    // deadline decides, and virtual time jumps to it.
    let clocks = Clocks::deterministic();
    let mut list = vec![
        Box::new(PendingInput) as Box<dyn Pollable>,
        timer(&clocks, 2_500),
    ];
    assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![1]));
    assert_eq!(clocks.monotonic(), 2_500);
}

#[test]
fn sync_mode_with_nothing_that_can_wake_returns_none_ready() {
    // With one thread and no deadline, nothing can change: waiting forever
    // would hang, so the caller gets an empty list.
    for clocks in [Clocks::deterministic(), manual().0] {
        let mut list = vec![Box::new(Never) as Box<dyn Pollable>, Box::new(PendingInput)];
        assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![]));
    }
}

#[test]
fn async_mode_on_real_clocks_returns_the_deadline_and_when_it_started() {
    let (clocks, naps) = manual();
    let mut list = vec![timer(&clocks, 5_000), Box::new(Never)];
    let wait = poll(&mut list, &clocks, &Blocking::Async).unwrap_err();
    assert_eq!(
        wait,
        Wait {
            deadline: Some(5_000),
            input: false,
            since: 1_000
        }
    );

    // Nothing to await at all: still a Wait, with neither a deadline nor input.
    let mut never = vec![Box::new(Never) as Box<dyn Pollable>];
    let wait = poll(&mut never, &clocks, &Blocking::Async).unwrap_err();
    assert_eq!((wait.deadline, wait.input), (None, false));
    assert!(naps.borrow().is_empty(), "async mode never sleeps");
}

#[test]
fn sync_mode_on_real_clocks_sleeps_until_the_earliest_deadline() {
    let (clocks, naps) = manual();
    let mut list = vec![
        Box::new(Never) as Box<dyn Pollable>,
        timer(&clocks, 9_000),
        timer(&clocks, 3_500),
        Box::new(PendingInput),
    ];
    assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![2]));
    assert_eq!(*naps.borrow(), vec![2_500]);
    assert_eq!(clocks.monotonic(), 3_500);
}

#[test]
fn a_pollable_that_becomes_ready_while_waiting_is_seen_on_the_next_round() {
    let clocks = Clocks::deterministic();
    let asked = Rc::new(Cell::new(0));
    let mut list = vec![
        Box::new(ReadyAfter {
            asked: asked.clone(),
            after: 1,
        }) as Box<dyn Pollable>,
        timer(&clocks, 10_000),
    ];
    // First round: neither ready, so time jumps to the deadline; second
    // round: both are.
    assert_eq!(poll(&mut list, &clocks, &Blocking::Sync), Ok(vec![0, 1]));
    assert_eq!(asked.get(), 2);
    assert_eq!(clocks.monotonic(), 10_000);
}

#[test]
fn input_ready_follows_its_stream() {
    let clocks = Clocks::deterministic();
    let stdin: SharedInput = Rc::new(RefCell::new(Box::new(BytesInput(Bytes::from_static(b"x")))));
    let mut watcher = InputReady(stdin.clone());
    assert!(watcher.waits_on_input());
    assert_eq!(watcher.deadline(), None);
    assert!(watcher.ready());
    // Read to the end: an ended stream is ready too (a read returns Closed).
    assert_eq!(stdin.borrow_mut().read(10), Ok(Bytes::from_static(b"x")));
    assert_eq!(stdin.borrow_mut().read(10), Err(StreamError::Closed));
    let mut list = vec![Box::new(watcher) as Box<dyn Pollable>];
    assert_eq!(poll(&mut list, &clocks, &Blocking::Async), Ok(vec![0]));
}

#[test]
fn a_deadline_is_ready_from_its_instant_on() {
    let clocks = Clocks::deterministic();
    let mut d = Deadline {
        at: 50,
        clocks: clocks.clone(),
    };
    assert_eq!(d.deadline(), Some(50));
    assert!(!d.waits_on_input());
    assert!(!d.ready());
    clocks.advance_to(49);
    assert!(!d.ready());
    clocks.advance_to(50);
    assert!(d.ready());
    // Time never goes back.
    clocks.advance_to(10);
    assert!(d.ready());
}

/// A worker's waiter: records each timeout it is given, and the input
/// it watches has data once it has been called.
struct Feeder {
    timeouts: RefCell<Vec<Option<u64>>>,
    fed: Rc<Cell<bool>>,
}

impl BlockOnInput for Feeder {
    fn block_on_input(&self, timeout: Option<u64>) {
        self.timeouts.borrow_mut().push(timeout);
        self.fed.set(true);
    }
}

/// Input that is ready once the feeder has run.
struct FedInput(Rc<Cell<bool>>);

impl Pollable for FedInput {
    fn ready(&mut self) -> bool {
        self.0.get()
    }
    fn waits_on_input(&self) -> bool {
        true
    }
}

fn worker() -> (Rc<Feeder>, Blocking, Rc<Cell<bool>>) {
    let fed = Rc::new(Cell::new(false));
    let feeder = Rc::new(Feeder {
        timeouts: RefCell::new(Vec::new()),
        fed: fed.clone(),
    });
    (feeder.clone(), Blocking::Worker(feeder), fed)
}

#[test]
fn worker_mode_blocks_on_input_until_the_deadline_and_sees_what_came() {
    let (clocks, naps) = manual();
    let (feeder, mode, fed) = worker();
    let mut list = vec![
        Box::new(FedInput(fed)) as Box<dyn Pollable>,
        timer(&clocks, 61_000),
    ];
    assert_eq!(poll(&mut list, &clocks, &mode), Ok(vec![0]));
    // Blocked once, for the time left until the deadline; never slept.
    assert_eq!(*feeder.timeouts.borrow(), vec![Some(60_000)]);
    assert!(naps.borrow().is_empty());
}

#[test]
fn worker_mode_without_a_deadline_blocks_with_no_timeout() {
    let clocks = Clocks::deterministic();
    let (feeder, mode, fed) = worker();
    let mut list = vec![
        Box::new(Never) as Box<dyn Pollable>,
        Box::new(FedInput(fed)),
    ];
    assert_eq!(poll(&mut list, &clocks, &mode), Ok(vec![1]));
    assert_eq!(*feeder.timeouts.borrow(), vec![None]);
}

#[test]
fn worker_mode_with_no_input_awaited_never_calls_the_waiter() {
    let (feeder, mode, _) = worker();
    let clocks = Clocks::deterministic();
    let mut list = vec![Box::new(Never) as Box<dyn Pollable>, timer(&clocks, 600)];
    assert_eq!(poll(&mut list, &clocks, &mode), Ok(vec![1]));
    assert_eq!(clocks.monotonic(), 600);
    let mut never = vec![Box::new(Never) as Box<dyn Pollable>];
    assert_eq!(poll(&mut never, &clocks, &mode), Ok(vec![]));
    assert!(feeder.timeouts.borrow().is_empty());
}
