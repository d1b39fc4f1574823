//! The `kerasfix` binary: parse arguments, run, exit with the documented status.

use clap::Parser;

/// A sweep builds and drops one lossless JSON tree per model, thousands of small allocations
/// each; mimalloc serves them in a fraction of glibc malloc's time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = kerasfix::cli::Cli::parse();
    let status = kerasfix::run(cli);
    std::process::exit(status.code());
}
