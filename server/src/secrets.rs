//! Query passwords and ingest tokens are stored only as HMAC-SHA256 under a
//! key kept in a file outside the database: a stolen database alone does not
//! allow offline guessing of the short receipt passwords.

use anyhow::{Context, Result, bail};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

const KEY_LEN: usize = 32;

#[derive(Clone)]
pub struct Secrets {
    key: Vec<u8>,
}

impl std::fmt::Debug for Secrets {
    // Never print the key, not even in debug logs.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    pub fn from_key(key: &[u8]) -> Secrets {
        Secrets { key: key.to_vec() }
    }

    /// A fresh random key, for tests and throwaway demos.
    pub fn random() -> Result<Secrets> {
        Ok(Secrets {
            key: random_bytes(KEY_LEN)?,
        })
    }

    /// Reads the key from `path`, creating it with random bytes and mode
    /// 0600 on first run.
    pub fn load_or_create(path: &Path) -> Result<Secrets> {
        match std::fs::read(path) {
            Ok(key) => {
                if key.len() < KEY_LEN {
                    bail!(
                        "the secret file {} is too short ({} bytes, need {KEY_LEN}); \
                         restore it from backup — a new key would lock out every receipt password",
                        path.display(),
                        key.len()
                    );
                }
                Ok(Secrets { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_bytes(KEY_LEN)?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut file = options
                    .open(path)
                    .with_context(|| format!("cannot create the secret file {}", path.display()))?;
                file.write_all(&key)?;
                file.sync_all()?;
                eprintln!(
                    "Created a new secret key in {} (keep it with the database backups).",
                    path.display()
                );
                Ok(Secrets { key })
            }
            Err(e) => {
                Err(e).with_context(|| format!("cannot read the secret file {}", path.display()))
            }
        }
    }

    fn mac(&self, purpose: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        // Domain separation: a password hash can never stand in for a token hash.
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac
    }

    /// Hex HMAC of a receipt password, bound to its case number.
    pub fn password_hash(&self, case_number: &str, password: &str) -> String {
        let mut mac = self.mac("password");
        mac.update(case_number.as_bytes());
        mac.update(&[0]);
        mac.update(password.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Constant-time check of `password` against a stored hash.
    pub fn password_matches(&self, case_number: &str, password: &str, stored_hex: &str) -> bool {
        let Some(stored) = unhex(stored_hex) else {
            return false;
        };
        let mut mac = self.mac("password");
        mac.update(case_number.as_bytes());
        mac.update(&[0]);
        mac.update(password.as_bytes());
        mac.verify_slice(&stored).is_ok()
    }

    /// Hex HMAC of an ingest token. Tokens are looked up by this value: the
    /// keyed hash reveals nothing about the token without the key.
    pub fn token_hash(&self, token: &str) -> String {
        let mut mac = self.mac("token");
        mac.update(token.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    Ok(buf)
}

pub fn random_u64() -> Result<u64> {
    let b = random_bytes(8)?;
    Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// A positive random id, so ids never reveal how many cases exist.
pub fn random_id() -> Result<i64> {
    Ok((random_u64()? >> 1) as i64)
}

/// A new ingest token: 32 random bytes, hex.
pub fn new_token() -> Result<String> {
    Ok(format!("pt_{}", hex(&random_bytes(32)?)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_differ_per_case() {
        let s = Secrets::from_key(&[7; 32]);
        let h = s.password_hash("A", "PW");
        assert!(s.password_matches("A", "PW", &h));
        assert!(!s.password_matches("A", "PX", &h));
        assert!(!s.password_matches("B", "PW", &h));
        assert!(!s.password_matches("A", "PW", "zz"));
        assert_ne!(s.token_hash("PW"), h);
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let a = Secrets::load_or_create(&path).unwrap();
        let b = Secrets::load_or_create(&path).unwrap();
        assert_eq!(a.token_hash("t"), b.token_hash("t"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
