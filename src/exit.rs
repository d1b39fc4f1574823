//! Exit codes, in one place: scripts and CI gates depend on them.

/// The process exit status, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to report (or everything asked was done).
    Success,
    /// Findings remain, or `--dry-run` / `check` found something that would change.
    Findings,
    /// A file could not be read or written, or the invocation was wrong.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Error => 2,
        }
    }

    /// The worse of two statuses, so a batch reports the worst thing that happened.
    pub fn max(self, other: ExitStatus) -> ExitStatus {
        if other.code() > self.code() { other } else { self }
    }
}
