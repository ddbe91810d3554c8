//! A work budget: how many search steps a check may take before it stops and says
//! "unknown". Counted in steps, never in time, so the same history and budget give the
//! same answer on every machine, natively and in the page.

/// Steps left to spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    left: u64,
    spent: u64,
}

impl Budget {
    /// At most `steps` steps.
    pub fn steps(steps: u64) -> Self {
        Budget {
            left: steps,
            spent: 0,
        }
    }

    /// No limit (a check then runs until it decides).
    pub fn unlimited() -> Self {
        Budget::steps(u64::MAX)
    }

    /// Takes one step; `false` when none is left.
    #[inline]
    pub fn take(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        self.spent += 1;
        true
    }

    /// Spends `n` steps (or what is left, if less).
    pub fn spend(&mut self, n: u64) {
        let n = n.min(self.left);
        self.left -= n;
        self.spent += n;
    }

    /// Whether any step is left.
    pub fn has_left(&self) -> bool {
        self.left > 0
    }

    /// Steps left.
    pub fn left(&self) -> u64 {
        self.left
    }

    /// Steps taken so far.
    pub fn spent(&self) -> u64 {
        self.spent
    }
}
