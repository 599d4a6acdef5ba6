//! A resource table: handles are small integers, the lowest free one is
//! reused first (as POSIX does for fds), and a limit gives `EMFILE`.

use crate::error::{Errno, Result};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub struct Table<T> {
    slots: Vec<Option<T>>,
    free: BinaryHeap<Reverse<u32>>,
    limit: u32,
}

impl<T> Table<T> {
    pub fn new(limit: u32) -> Self {
        Table {
            slots: Vec::new(),
            free: BinaryHeap::new(),
            limit,
        }
    }

    pub fn push(&mut self, value: T) -> Result<u32> {
        if let Some(Reverse(i)) = self.free.pop() {
            self.slots[i as usize] = Some(value);
            return Ok(i);
        }
        if self.slots.len() as u32 >= self.limit {
            return Err(Errno::Mfile);
        }
        self.slots.push(Some(value));
        Ok(self.slots.len() as u32 - 1)
    }

    pub fn get(&self, i: u32) -> Result<&T> {
        self.slots
            .get(i as usize)
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }

    pub fn get_mut(&mut self, i: u32) -> Result<&mut T> {
        self.slots
            .get_mut(i as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    pub fn remove(&mut self, i: u32) -> Result<T> {
        let v = self
            .slots
            .get_mut(i as usize)
            .and_then(Option::take)
            .ok_or(Errno::Badf)?;
        self.free.push(Reverse(i));
        Ok(v)
    }

    /// Moves the value at `from` to `to`, dropping what `to` held.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<()> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(());
        }
        let v = self.remove(from)?;
        self.slots[to as usize] = Some(v);
        Ok(())
    }

    /// Drops every value; handles start from 0 again.
    pub fn clear(&mut self) {
        self.slots = Vec::new();
        self.free = BinaryHeap::new();
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|v| (i as u32, v)))
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
