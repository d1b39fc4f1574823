//! `kerasfix edit`: the embedded JSON in the user's editor, written back only where it changed.

use anyhow::{Result, bail};

use crate::cli::EditArgs;
use crate::exit::ExitStatus;

pub fn run(_args: &EditArgs) -> Result<ExitStatus> {
    bail!("`kerasfix edit` is not built yet")
}
