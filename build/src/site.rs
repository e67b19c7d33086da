use std::path::Path;
pub fn build(_c: &Path, _p: &Path, _o: &Path, _t: chrono::NaiveDate) -> anyhow::Result<bool> { Ok(false) }
