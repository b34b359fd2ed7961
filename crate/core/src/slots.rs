//! The run-slot registry: up to [`MAX_RUNS`] runs (or anything per run: trajectories, caches),
//! addressed by slot. A slot out of range is ignored on writes and empty on reads, so a bad
//! slot number from a caller never panics.

use crate::facts::MAX_RUNS;

/// One optional value per run slot.
#[derive(Clone, Debug)]
pub struct Slots<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self { slots: (0..MAX_RUNS).map(|_| None).collect() }
    }
}

impl<T> Slots<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `value` in `slot`; returns whether the slot exists.
    pub fn set(&mut self, slot: usize, value: T) -> bool {
        match self.slots.get_mut(slot) {
            Some(s) => {
                *s = Some(value);
                true
            }
            None => false,
        }
    }

    /// Empties `slot`.
    pub fn clear(&mut self, slot: usize) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = None;
        }
    }

    pub fn get(&self, slot: usize) -> Option<&T> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        self.slots.get_mut(slot).and_then(Option::as_mut)
    }

    /// The filled slots in order, with their values.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.slots.iter().enumerate().filter_map(|(k, s)| s.as_ref().map(|v| (k, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_out_of_range_are_ignored_not_panics() {
        let mut s = Slots::new();
        assert!(s.set(3, "d"));
        assert!(!s.set(4, "e"));
        assert!(!s.set(usize::MAX, "f"));
        assert_eq!(s.get(4), None);
        s.clear(99);
        assert!(s.set(1, "b"));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![(1, &"b"), (3, &"d")]);
        s.clear(1);
        assert_eq!(s.get(1), None);
        assert_eq!(s.get_mut(3), Some(&mut "d"));
    }
}
