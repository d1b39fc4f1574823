//! The `kerasfix` binary: parse arguments, run, exit with the documented status.

use clap::Parser;

fn main() {
    let cli = kerasfix::cli::Cli::parse();
    let status = kerasfix::run(cli);
    std::process::exit(status.code());
}
