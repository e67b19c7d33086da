//! A small in-memory sliding-window limiter. Enough for one server process;
//! it stops a single client (or many clients aiming at one case number) from
//! guessing receipt passwords.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Past this many keys, stale ones are swept so memory stays bounded even
/// when an attacker rotates keys.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(limit: usize, window: Duration) -> RateLimiter {
        RateLimiter {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// No limit at all: for load tests only (`--lookups-per-minute 0`).
    pub fn unlimited() -> RateLimiter {
        RateLimiter::new(0, Duration::from_secs(60))
    }

    /// Records one attempt for `key`; `Err(wait)` if the key is over its
    /// limit (the attempt is then not recorded, so waiting always helps).
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.with_key(key, now, |q| {
            Self::wait(q, self.limit, self.window, now)?;
            q.push_back(now);
            Ok(())
        })
    }

    /// Whether `key` is over its limit, without recording an attempt; with
    /// [`RateLimiter::record`] this counts only the attempts that failed.
    pub fn limited(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        self.with_key(key, now, |q| Self::wait(q, self.limit, self.window, now))
    }

    /// Records one (failed) attempt for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let _ = self.with_key(key, now, |q| {
            q.push_back(now);
            Ok(())
        });
    }

    fn wait(
        q: &VecDeque<Instant>,
        limit: usize,
        window: Duration,
        now: Instant,
    ) -> Result<(), Duration> {
        match q.front() {
            Some(oldest) if q.len() >= limit => {
                Err(window.saturating_sub(now.duration_since(*oldest)))
            }
            _ => Ok(()),
        }
    }

    /// Runs `f` on `key`'s attempts within the window (stale keys swept).
    fn with_key(
        &self,
        key: &str,
        now: Instant,
        f: impl FnOnce(&mut VecDeque<Instant>) -> Result<(), Duration>,
    ) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= SWEEP_AT {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(key.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        f(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_recovers() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(rl.check_at("a", t0).is_ok());
        assert!(rl.check_at("a", t0).is_ok());
        let wait = rl.check_at("a", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(rl.check_at("b", t0).is_ok(), "keys are independent");
        assert!(rl.check_at("a", t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn only_recorded_failures_count_against_a_key() {
        let rl = RateLimiter::new(2, Duration::from_secs(60));
        for _ in 0..5 {
            assert!(rl.limited("n").is_ok(), "checking alone never limits");
        }
        rl.record("n");
        assert!(rl.limited("n").is_ok());
        rl.record("n");
        assert!(rl.limited("n").is_err(), "two failures reach the limit");
    }
}
