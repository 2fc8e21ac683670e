//! Verifying payment codes in O(1): an in-memory index from code value to device for the steps
//! the server accepts (docs/rules.md §Paying).
//!
//! A payment code is `28` + 16 digits of HMAC-SHA256(seed, step) (see
//! [`wallet_protocol::paycode`]): it names no device, so without an index the server would have
//! to compute the code of every device for every accepted step on each charge — O(devices) HMACs
//! per scan. Instead the server keeps, per step, a hash map `code → (slot, generation)` for the
//! steps `now−1 ..= now+1` (and `now+2` once prepared ahead), so a lookup is at most three hash
//! probes plus a generation check; the single-use insert and the device/account checks then run
//! in the charge's database transaction ([`crate::store::Store::charge_code`]).
//!
//! - **Building**: [`PaycodeIndex::load`] at start-up from every active device with a seed;
//!   [`PaycodeIndex::prepare`] computes the codes of missing steps (one HMAC per device per
//!   step) outside the lock and installs them, dropping steps that left the window. The server
//!   runs it in the background a few seconds into each 30-second step for the step after next,
//!   so lookups never wait for a rebuild; a lookup that finds a required step missing (a stalled
//!   server, a test's manual clock) builds it first.
//! - **Updates**: enrolment and seed reissue [`PaycodeIndex::upsert`] the device (its codes go
//!   into every held step at once); revocation [`PaycodeIndex::remove`]s it. Each change gives
//!   the slot a new generation, so entries of an old seed still sitting in a step map stop
//!   matching immediately, and a step computed from a snapshot taken before a change is patched
//!   for the changed slots when installed.
//! - **Memory**: per device the 32-byte seed, its two ids (shared `Arc<str>`s), a slot and a
//!   by-id map entry, and one 24-byte entry (plus hash-table slack) in each of the 3–4 step
//!   maps: the `paycode_verify` bench measures about 200 bytes of resident memory per device,
//!   some 20 MiB for 100,000 devices.
//! - **Cost** (bench, 100,000 devices, one core of the dev machine): a lookup is about 1 µs for
//!   a hit and 0.15 µs for a miss (≈ 1 million verifications a second, before the database
//!   transaction); building one step is one HMAC-SHA256 per device, about 60 ms, done once
//!   every 30 s off the request path (a full load of 3 steps: about 0.27 s at start-up). Collisions between two
//!   devices' codes in one step (about 1 in 10^16 per pair) make that code ambiguous: it is
//!   refused as invalid rather than charged to either.
//! - **Several instances** (issue 12): each process keeps its own index, and the database stays
//!   the authority. A miss first catches up with the seeds issued since this instance last
//!   looked ([`PaycodeIndex::catch_up`], one indexed query; concurrent misses share one), and
//!   the ticker does the same every step. The charge's transaction re-checks that the code
//!   comes from the device's *current* seed and that the device is live, so a stale index can
//!   delay a good code by one query but never accept a bad one (an old seed, a revoked device,
//!   a second use).
//!
//! Nothing here logs a seed or a code.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use wallet_protocol::paycode::{accepted_steps, Paycode, PaycodeSeed, WINDOW_STEPS};

use crate::store::PaycodeDevice;

/// Which device a code belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaycodeHit {
    pub device_id: Arc<str>,
    pub account_id: Arc<str>,
    /// The step the code was made for.
    pub step: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Device {
        slot: u32,
        generation: u64,
    },
    /// Two devices showed the same code in one step: refuse it.
    Ambiguous,
}

struct Slot {
    device_id: Arc<str>,
    account_id: Arc<str>,
    seed: PaycodeSeed,
    generation: u64,
}

#[derive(Default)]
struct Inner {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    by_device: HashMap<Arc<str>, u32>,
    steps: BTreeMap<i64, HashMap<u64, Entry>>,
    /// Bumped by every change; slot generations are drawn from it.
    generation: u64,
}

/// The code → device index. Cheap to share (`Arc`); all methods take `&self`.
#[derive(Default)]
pub struct PaycodeIndex {
    inner: RwLock<Inner>,
    /// Held while catching up with the database; holds the time (Unix seconds) up to which
    /// seeds issued elsewhere are known.
    catching_up: tokio::sync::Mutex<Option<i64>>,
    /// How many catch-ups have started: a miss that saw a later one start needs no other.
    catch_ups: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for PaycodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.read();
        f.debug_struct("PaycodeIndex")
            .field("devices", &inner.by_device.len())
            .field("steps", &inner.steps.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The steps an index at `now_step` holds at most: the accepted window and one ahead.
fn kept(now_step: i64) -> std::ops::RangeInclusive<i64> {
    (now_step - WINDOW_STEPS)..=(now_step + WINDOW_STEPS + 1)
}

impl PaycodeIndex {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }

    /// How many catch-ups have started (read before a lookup; see [`PaycodeIndex::catch_up`]).
    pub fn catch_ups(&self) -> u64 {
        self.catch_ups.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Adds the devices whose seeds were issued since this index last looked (through other
    /// instances), asking `fetch(since)` for them. `seen` is [`PaycodeIndex::catch_ups`] from
    /// before the caller's lookup: when another catch-up started after it, that one suffices.
    /// `now` is this instance's clock; `since` reaches back `slack` seconds before the last
    /// look, for clocks that differ between instances and transactions that commit late.
    pub async fn catch_up<F, Fut, E>(
        &self,
        seen: Option<u64>,
        now: i64,
        slack: i64,
        fetch: F,
    ) -> Result<usize, E>
    where
        F: FnOnce(Option<i64>) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<PaycodeDevice>, E>>,
    {
        let mut through = self.catching_up.lock().await;
        if seen.is_some_and(|s| self.catch_ups() != s) {
            return Ok(0);
        }
        self.catch_ups
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let devices = fetch(through.map(|t| t - slack)).await?;
        let n = devices.len();
        for d in devices {
            self.upsert(&d.device_id, &d.account_id, d.seed);
        }
        *through = Some(now);
        Ok(n)
    }

    /// Records that every seed issued before `at` (Unix seconds) is in the index (after a full
    /// load).
    pub async fn caught_up_at(&self, at: i64) {
        *self.catching_up.lock().await = Some(at);
    }

    /// Replaces everything with `devices` and builds the accepted steps around `now_step`.
    pub fn load(&self, devices: Vec<PaycodeDevice>, now_step: i64) {
        {
            let mut inner = self.write();
            *inner = Inner::default();
            for d in devices {
                inner.put(&d.device_id, &d.account_id, d.seed);
            }
        }
        self.prepare(now_step, false);
    }

    /// Adds a device or replaces its seed; its codes join every held step at once.
    pub fn upsert(&self, device_id: &str, account_id: &str, seed: PaycodeSeed) {
        let mut inner = self.write();
        let slot = inner.put(device_id, account_id, seed);
        let Some(Some(s)) = inner.slots.get(slot as usize) else {
            return;
        };
        let generation = s.generation;
        let codes: Vec<(i64, u64)> = inner
            .steps
            .keys()
            .map(|step| (*step, s.seed.code(*step).value()))
            .collect();
        for (step, code) in codes {
            if let Some(map) = inner.steps.get_mut(&step) {
                insert_entry(map, code, slot, generation);
            }
        }
    }

    /// Forgets a device (revoked): its codes stop matching at once.
    pub fn remove(&self, device_id: &str) {
        let mut inner = self.write();
        if let Some(slot) = inner.by_device.remove(device_id) {
            if let Some(s) = inner.slots.get_mut(slot as usize) {
                *s = None;
            }
            inner.free.push(slot);
            inner.generation += 1;
        }
    }

    /// Devices indexed.
    pub fn len(&self) -> usize {
        self.read().by_device.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Which device showed `code`, if it is a code of an active device for a step accepted at
    /// `now_step`. Builds missing steps first (normally they are prepared ahead).
    pub fn lookup(&self, code: Paycode, now_step: i64) -> Option<PaycodeHit> {
        {
            let inner = self.read();
            if accepted_steps(now_step).all(|s| inner.steps.contains_key(&s)) {
                return inner.find(code.value(), now_step);
            }
        }
        self.prepare(now_step, false);
        self.read().find(code.value(), now_step)
    }

    /// Makes sure the steps accepted at `now_step` (and, with `ahead`, the next one) are
    /// built, and drops older ones. The HMACs run outside the lock.
    pub fn prepare(&self, now_step: i64, ahead: bool) {
        let last = now_step + WINDOW_STEPS + i64::from(ahead);
        let (missing, snapshot, at_generation) = {
            let inner = self.read();
            let missing: Vec<i64> = ((now_step - WINDOW_STEPS)..=last)
                .filter(|s| !inner.steps.contains_key(s))
                .collect();
            if missing.is_empty() && inner.steps.keys().all(|s| kept(now_step).contains(s)) {
                return;
            }
            let snapshot: Vec<(u32, u64, PaycodeSeed)> = if missing.is_empty() {
                Vec::new()
            } else {
                inner.snapshot()
            };
            (missing, snapshot, inner.generation)
        };
        let built: Vec<(i64, HashMap<u64, Entry>)> = missing
            .iter()
            .map(|step| (*step, build_step(&snapshot, *step)))
            .collect();
        let mut inner = self.write();
        inner.steps.retain(|s, _| kept(now_step).contains(s));
        for (step, mut map) in built {
            if inner.steps.contains_key(&step) {
                continue;
            }
            if inner.generation != at_generation {
                inner.patch(&mut map, step, at_generation);
            }
            inner.steps.insert(step, map);
        }
    }
}

impl Inner {
    /// Stores a device's seed under a fresh generation; answers its slot.
    fn put(&mut self, device_id: &str, account_id: &str, seed: PaycodeSeed) -> u32 {
        self.generation += 1;
        let slot = Slot {
            device_id: Arc::from(device_id),
            account_id: Arc::from(account_id),
            seed,
            generation: self.generation,
        };
        if let Some(&i) = self.by_device.get(device_id) {
            if let Some(s) = self.slots.get_mut(i as usize) {
                *s = Some(slot);
            }
            return i;
        }
        let i = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = Some(slot);
                }
                i
            }
            None => {
                self.slots.push(Some(slot));
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.by_device.insert(Arc::from(device_id), i);
        i
    }

    fn snapshot(&self) -> Vec<(u32, u64, PaycodeSeed)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let s = s.as_ref()?;
                Some((u32::try_from(i).ok()?, s.generation, s.seed.clone()))
            })
            .collect()
    }

    /// Adds the codes of slots changed after `since` to a step built from an older snapshot.
    fn patch(&self, map: &mut HashMap<u64, Entry>, step: i64, since: u64) {
        for (i, s) in self.slots.iter().enumerate() {
            let (Some(s), Ok(i)) = (s, u32::try_from(i)) else {
                continue;
            };
            if s.generation > since {
                insert_entry(map, s.seed.code(step).value(), i, s.generation);
            }
        }
    }

    fn find(&self, code: u64, now_step: i64) -> Option<PaycodeHit> {
        for step in accepted_steps(now_step) {
            let Some(entry) = self.steps.get(&step).and_then(|m| m.get(&code)) else {
                continue;
            };
            let Entry::Device { slot, generation } = *entry else {
                return None;
            };
            let Some(Some(s)) = self.slots.get(slot as usize) else {
                continue;
            };
            if s.generation != generation {
                // A seed replaced or a device removed since this step was built.
                continue;
            }
            return Some(PaycodeHit {
                device_id: Arc::clone(&s.device_id),
                account_id: Arc::clone(&s.account_id),
                step,
            });
        }
        None
    }
}

fn insert_entry(map: &mut HashMap<u64, Entry>, code: u64, slot: u32, generation: u64) {
    map.entry(code)
        .and_modify(|e| {
            let same_slot = matches!(e, Entry::Device { slot: s, .. } if *s == slot);
            *e = if same_slot {
                Entry::Device { slot, generation }
            } else {
                Entry::Ambiguous
            };
        })
        .or_insert(Entry::Device { slot, generation });
}

/// The codes of one step for a snapshot of seeds: one HMAC per device.
fn build_step(snapshot: &[(u32, u64, PaycodeSeed)], step: i64) -> HashMap<u64, Entry> {
    let mut map = HashMap::with_capacity(snapshot.len());
    for (slot, generation, seed) in snapshot {
        insert_entry(&mut map, seed.code(step).value(), *slot, *generation);
    }
    map
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn device(n: u8) -> PaycodeDevice {
        PaycodeDevice {
            device_id: format!("dev_{n}"),
            account_id: format!("acc_{n}"),
            seed: PaycodeSeed::from_bytes([n; 32]),
        }
    }

    #[test]
    fn finds_codes_of_the_window_only() {
        let index = PaycodeIndex::new();
        index.load(vec![device(1), device(2)], 1000);
        let seed = PaycodeSeed::from_bytes([2; 32]);
        for step in 999..=1001 {
            let hit = index.lookup(seed.code(step), 1000).unwrap();
            assert_eq!((&*hit.device_id, hit.step), ("dev_2", step));
        }
        assert_eq!(index.lookup(seed.code(998), 1000), None);
        assert_eq!(index.lookup(seed.code(1002), 1000), None);
        // The window moves with the clock.
        assert!(index.lookup(seed.code(1002), 1001).is_some());
        assert_eq!(index.lookup(seed.code(999), 1001), None);
    }

    #[test]
    fn upsert_and_remove_take_effect_at_once() {
        let index = PaycodeIndex::new();
        index.load(vec![device(1)], 50);
        let old = PaycodeSeed::from_bytes([1; 32]);
        let new = PaycodeSeed::from_bytes([9; 32]);
        index.upsert("dev_1", "acc_1", new.clone());
        assert_eq!(index.lookup(old.code(50), 50), None);
        assert!(index.lookup(new.code(50), 50).is_some());
        index.upsert("dev_3", "acc_3", PaycodeSeed::from_bytes([3; 32]));
        assert!(index
            .lookup(PaycodeSeed::from_bytes([3; 32]).code(51), 50)
            .is_some());
        index.remove("dev_1");
        assert_eq!(index.lookup(new.code(50), 50), None);
        assert_eq!(index.len(), 1);
        // A prepared step built later still knows the replaced seed only.
        index.prepare(51, true);
        assert!(index
            .lookup(PaycodeSeed::from_bytes([3; 32]).code(53), 52)
            .is_some());
    }

    #[test]
    fn ambiguous_codes_are_refused() {
        let mut map = HashMap::new();
        insert_entry(&mut map, 7, 1, 1);
        insert_entry(&mut map, 7, 2, 1);
        assert_eq!(map[&7], Entry::Ambiguous);
        insert_entry(&mut map, 8, 1, 1);
        insert_entry(&mut map, 8, 1, 2);
        assert_eq!(
            map[&8],
            Entry::Device {
                slot: 1,
                generation: 2
            }
        );
    }
}
