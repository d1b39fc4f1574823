//! `kerasfix patch`: an RFC 6902 JSON Patch applied to many models, all-or-nothing per model.

use anyhow::{Result, bail};

use crate::cli::PatchArgs;
use crate::exit::ExitStatus;

pub fn run(_args: &PatchArgs) -> Result<ExitStatus> {
    bail!("`kerasfix patch` is not built yet")
}
