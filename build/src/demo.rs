use std::path::Path;
pub fn write(_o: &Path, _n: usize, _s: u64) -> anyhow::Result<()> { Ok(()) }
