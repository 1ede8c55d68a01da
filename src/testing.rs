//! Helpers for the unit tests of several modules.

/// A small deterministic generator (xorshift), so that randomised tests need no crate and
/// fail the same way every time.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    /// `n` items picked in turn and joined: a random text made of known pieces.
    pub fn text(&mut self, items: &[&str], n: usize) -> String {
        (0..n).map(|_| self.pick(items)).collect()
    }
}
