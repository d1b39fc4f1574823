//! kerasfix: inspect, check and repair the JSON embedded in saved Keras models.
//!
//! The binary in `main.rs` only parses arguments and calls [`run`]; everything else lives in
//! this library so that tests can drive it directly.

pub mod batch;
pub mod cli;
pub mod commands;
pub mod config;
pub mod container;
pub mod dirlock;
pub mod exit;
mod fnv;
pub mod json;
pub mod lint;
pub mod paths;
pub mod report;
pub mod rules;
pub mod schema;
pub mod walk;

pub use exit::ExitStatus;

/// Runs one parsed command line and returns the process status.
pub fn run(cli: cli::Cli) -> ExitStatus {
    let result = match cli.command {
        cli::Command::Show(args) => commands::show::run(&args),
        cli::Command::Set(args) => commands::set::run(&args),
        cli::Command::Check(args) => commands::check::run(args),
        cli::Command::Fix(args) => commands::fix::run(args),
        cli::Command::Patch(args) => commands::patch::run(&args),
        cli::Command::Edit(args) => commands::edit::run(&args),
        cli::Command::Rules => commands::rules::list(),
        cli::Command::Rule(args) => commands::rules::explain(&args.code),
    };
    match result {
        Ok(status) => status,
        // A reader that went away (`kerasfix show m.h5 | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitStatus::Error
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
