//! `kerasfix check`: the pre-deployment gate and pre-commit hook. Reports, never writes.

use anyhow::Result;

use crate::batch::{self, BatchOptions};
use crate::cli::{BatchArgs, CheckArgs};
use crate::exit::ExitStatus;
use crate::lint::FixMode;

pub fn run(args: CheckArgs) -> Result<ExitStatus> {
    let mut options = options(args.batch, FixMode::Check);
    options.fail_on = args.fail_on;
    batch::run(&options)
}

/// Turns the shared arguments into batch options, once, at the edge.
pub fn options(args: BatchArgs, mode: FixMode) -> BatchOptions {
    BatchOptions {
        paths: args.paths,
        files_from: args.files_from,
        config: args.config,
        select: args.select,
        ignore: args.ignore,
        format: args.format,
        quiet: args.quiet,
        verbose: args.verbose,
        target: args.target,
        fail_on: None,
        mode,
    }
}
