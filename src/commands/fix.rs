//! `kerasfix fix`: apply the safe fixes in place, each file replaced atomically.

use anyhow::Result;

use crate::batch;
use crate::cli::FixArgs;
use crate::container::WriteOptions;
use crate::exit::ExitStatus;
use crate::lint::FixMode;

pub fn run(args: FixArgs) -> Result<ExitStatus> {
    let mode = FixMode::Apply {
        dry_run: args.dry_run,
        diff: args.diff,
        options: WriteOptions { backup_suffix: args.backup },
    };
    batch::run(&super::check::options(args.batch, mode))
}
