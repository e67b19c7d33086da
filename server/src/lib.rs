//! Serves the built site; the case-status API joins it later.

use anyhow::Result;
use std::path::Path;

pub fn serve_blocking(dist: &Path, addr: &str) -> Result<()> {
    let _ = (dist, addr);
    anyhow::bail!("not yet")
}
