//! `Buffered`: what reaches the sink, in which calls, and when.

use super::*;

/// A sink that records each write as one chunk, and counts flushes.
#[derive(Clone, Default)]
struct Recorder {
    chunks: Rc<RefCell<Vec<Vec<u8>>>>,
    flushes: Rc<RefCell<usize>>,
}

impl Recorder {
    fn chunks(&self) -> Vec<Vec<u8>> {
        self.chunks.borrow().clone()
    }
    fn all(&self) -> Vec<u8> {
        self.chunks.borrow().concat()
    }
    fn flushes(&self) -> usize {
        *self.flushes.borrow()
    }
}

impl OutputStream for Recorder {
    fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
        self.chunks.borrow_mut().push(bytes.to_vec());
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        *self.flushes.borrow_mut() += 1;
        Ok(())
    }
}

#[test]
fn small_writes_reach_the_sink_as_one_chunk_at_flush() {
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(sink.clone()), false);
    for _ in 0..100 {
        out.write(b"line\n").unwrap();
    }
    assert!(sink.chunks().is_empty(), "nothing before the flush");
    out.flush().unwrap();
    assert_eq!(sink.chunks(), vec![b"line\n".repeat(100)]);
    assert_eq!(sink.flushes(), 1);
    // An empty buffer still passes the flush on, and writes nothing.
    out.flush().unwrap();
    assert_eq!(sink.chunks().len(), 1);
    assert_eq!(sink.flushes(), 2);
}

#[test]
fn line_mode_flushes_at_each_newline_with_what_follows_it() {
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(sink.clone()), true);
    out.write(b"> ").unwrap();
    out.write(b"ab").unwrap();
    assert!(sink.chunks().is_empty(), "a prompt without a newline waits");
    out.write(b"c\nde").unwrap();
    assert_eq!(sink.chunks(), vec![b"> abc\nde".to_vec()]);
    assert_eq!(sink.flushes(), 1);
    out.write(b"f").unwrap();
    assert_eq!(sink.chunks().len(), 1);
    out.write(b"\n").unwrap();
    assert_eq!(sink.chunks(), vec![b"> abc\nde".to_vec(), b"f\n".to_vec()]);
}

#[test]
fn a_full_buffer_is_flushed_before_the_write_that_would_overflow_it() {
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(sink.clone()), false);
    out.write(&[b'a'; BUFFER - 10]).unwrap();
    out.write(&[b'b'; 10]).unwrap();
    assert!(sink.chunks().is_empty(), "exactly full still fits");
    out.write(b"c").unwrap();
    assert_eq!(sink.chunks().len(), 1);
    assert_eq!(sink.chunks()[0].len(), BUFFER);
    assert!(sink.chunks()[0].ends_with(b"abbbbbbbbbb"));
    out.flush().unwrap();
    assert_eq!(sink.chunks()[1], b"c");
}

#[test]
fn a_large_write_goes_straight_through_after_what_was_buffered() {
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(sink.clone()), false);
    out.write(b"head").unwrap();
    let big = vec![b'x'; BUFFER * 3];
    out.write(&big).unwrap();
    assert_eq!(sink.chunks(), vec![b"head".to_vec(), big.clone()]);
    // A write of exactly BUFFER bytes is not copied into the buffer either.
    out.write(&big[..BUFFER]).unwrap();
    assert_eq!(sink.chunks().len(), 3);
    assert_eq!(sink.chunks()[2].len(), BUFFER);
}

#[test]
fn dropping_it_delivers_what_is_left() {
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(sink.clone()), false);
    out.write(b"no newline at the end").unwrap();
    assert!(sink.chunks().is_empty());
    drop(out);
    assert_eq!(sink.all(), b"no newline at the end");
    assert_eq!(sink.flushes(), 1);
}

#[test]
fn any_mix_of_writes_arrives_whole_and_in_order() {
    // A fixed pseudo-random sequence of sizes, some with newlines, some
    // larger than the buffer.
    let mut seed = 0x2545_f491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for line in [false, true] {
        let sink = Recorder::default();
        let mut out = Buffered::new(Box::new(sink.clone()), line);
        let mut sent = Vec::new();
        for k in 0..500u32 {
            let len = match next() % 10 {
                0 => BUFFER + (next() as usize % 100),
                1..=3 => next() as usize % 2000,
                _ => next() as usize % 40,
            };
            let mut chunk: Vec<u8> = (0..len)
                .map(|i| b'a' + ((k as usize + i) % 26) as u8)
                .collect();
            if next() % 3 == 0 && !chunk.is_empty() {
                let at = next() as usize % chunk.len();
                chunk[at] = b'\n';
            }
            out.write(&chunk).unwrap();
            sent.extend_from_slice(&chunk);
            // Never more than a buffer's worth held back.
            assert!(sent.len() - sink.all().len() <= BUFFER);
            if line {
                // Nothing up to the last newline is held back.
                let held = &sent[sink.all().len()..];
                assert!(!held.contains(&b'\n'));
            }
        }
        out.flush().unwrap();
        assert_eq!(sink.all(), sent, "line mode {line}");
        assert!(
            sink.chunks().iter().all(|c| !c.is_empty()),
            "no empty writes"
        );
    }
}

#[test]
fn a_sink_closed_at_flush_closes_the_stream() {
    struct ClosesOnFlush(Recorder);
    impl OutputStream for ClosesOnFlush {
        fn write(&mut self, bytes: &[u8]) -> StreamResult<()> {
            self.0.write(bytes)
        }
        fn flush(&mut self) -> StreamResult<()> {
            Err(StreamError::Closed)
        }
    }
    let sink = Recorder::default();
    let mut out = Buffered::new(Box::new(ClosesOnFlush(sink.clone())), false);
    out.write(b"sent").unwrap();
    assert_eq!(out.flush(), Err(StreamError::Closed));
    assert_eq!(sink.all(), b"sent");
    assert_eq!(out.write(b"later"), Err(StreamError::Closed));
    assert_eq!(out.flush(), Ok(()));
    drop(out);
    assert_eq!(sink.all(), b"sent");
}
