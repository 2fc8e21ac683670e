//! Flood guards (issue 13, docs/rules.md §Credentials): what bounds the work one client can
//! make this instance do before any per-account limit is reached.
//!
//! - **Per-IP flood limit** of the signed-out routes: a keyed GCRA limiter (`governor`) held in
//!   this process's memory, so each instance counts on its own (behind a load balancer over
//!   N instances a client gets up to N times the rate). It only keeps one address from
//!   monopolising an instance; the budgets that matter (OTP sends, password tries, look-ups)
//!   are in the database and shared by every instance.
//! - **Argon2 slots**: every password hash or check on the request path runs with one of a
//!   fixed number of permits (one per core by default), so a flood of sign-ins with new phone
//!   numbers queues instead of taking every core and all the memory (19 MiB per hash). A
//!   request that waits longer than the queue timeout answers `RATE_LIMITED`.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use crate::config::Limits;
use crate::domain::error::{ApiError, ApiResult};

/// The flood limiter and the Argon2 slots of one instance.
pub struct Guards {
    flood: Option<DefaultKeyedRateLimiter<IpAddr>>,
    argon2: Arc<Semaphore>,
    argon2_queue: Duration,
}

impl std::fmt::Debug for Guards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guards")
            .field("flood", &self.flood.is_some())
            .field("argon2_free", &self.argon2.available_permits())
            .field("argon2_queue", &self.argon2_queue)
            .finish()
    }
}

/// The Argon2 slots `--argon2-concurrency` asks for: 0 means one per core.
pub fn argon2_slots(limits: &Limits) -> usize {
    match limits.argon2_concurrency {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        n => usize::try_from(n).unwrap_or(1),
    }
}

impl Guards {
    pub fn new(limits: &Limits) -> Self {
        let flood = NonZeroU32::new(limits.flood_per_ip_per_minute).map(|per_minute| {
            let burst = NonZeroU32::new(limits.flood_burst).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst))
        });
        Self {
            flood,
            argon2: Arc::new(Semaphore::new(argon2_slots(limits))),
            argon2_queue: Duration::from_millis(limits.argon2_queue_ms),
        }
    }

    /// One signed-out request from `ip`: `Err(retry_after_secs)` when the address is over its
    /// flood limit on this instance.
    pub fn admit_request(&self, ip: IpAddr) -> Result<(), u64> {
        let Some(flood) = &self.flood else {
            return Ok(());
        };
        flood.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whole seconds, rounded up, at least one.
            wait.as_secs()
                .saturating_add(u64::from(wait.subsec_nanos() > 0))
                .max(1)
        })
    }

    /// Runs `work` (an Argon2 hash or check) on the blocking pool once a slot is free, or
    /// answers `RATE_LIMITED` when none frees within the queue timeout. The slot is held until
    /// the work ends, even if the request is dropped meanwhile: it bounds the CPU really used.
    pub async fn argon2<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let slot = Arc::clone(&self.argon2).acquire_owned();
        let permit = match tokio::time::timeout(self.argon2_queue, slot).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(ApiError::internal(closed)),
            Err(_) => {
                tracing::warn!(
                    queue_ms = self.argon2_queue.as_millis(),
                    "password hashing busy: request refused"
                );
                return Err(ApiError::rate_limited(1));
            }
        };
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work()
        })
        .await
        .map_err(ApiError::internal)
    }

    /// The semaphore behind [`Guards::argon2`], for tests that fill it.
    pub fn argon2_semaphore(&self) -> Arc<Semaphore> {
        Arc::clone(&self.argon2)
    }

    /// Housekeeping: forgets addresses whose flood budget is whole again.
    pub fn forget_idle(&self) {
        if let Some(flood) = &self.flood {
            flood.retain_recent();
            flood.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flood_limit_counts_each_address_apart() {
        let guards = Guards::new(&Limits {
            flood_per_ip_per_minute: 1,
            flood_burst: 2,
            ..Limits::default()
        });
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        assert_eq!(guards.admit_request(a), Ok(()));
        assert_eq!(guards.admit_request(a), Ok(()));
        let wait = guards.admit_request(a).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(guards.admit_request(b), Ok(()));
    }

    #[test]
    fn zero_switches_the_flood_limit_off() {
        let guards = Guards::new(&Limits {
            flood_per_ip_per_minute: 0,
            ..Limits::default()
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..1000 {
            assert_eq!(guards.admit_request(a), Ok(()));
        }
    }

    #[tokio::test]
    async fn a_full_queue_answers_rate_limited() {
        let guards = Guards::new(&Limits {
            argon2_concurrency: 1,
            argon2_queue_ms: 20,
            ..Limits::default()
        });
        assert_eq!(guards.argon2(|| 7).await.unwrap(), 7);
        let held = guards.argon2_semaphore().acquire_owned().await.unwrap();
        let refused = guards.argon2(|| 7).await.unwrap_err();
        assert_eq!(refused.0.code, wallet_protocol::ErrorCode::RateLimited);
        drop(held);
        assert_eq!(guards.argon2(|| 8).await.unwrap(), 8);
    }
}
