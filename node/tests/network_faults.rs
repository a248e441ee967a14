//! Network faults with real processes, each node in its own network namespace
//! (`common::netns`): partitions 2|2 and 1|3, a paused validator (SIGSTOP, then SIGCONT) and a
//! validator killed with SIGKILL while blocks are being committed, each healed in turn.
//!
//! - **Safety**: no two nodes ever finalize different blocks at one height (checked over every
//!   finalized block after each fault).
//! - **Liveness**: with 3 of 4 validators connected, finality goes on during the fault; after
//!   each heal every node finalizes new blocks within [`RESUME_BOUND`].
//!
//! `chaos` (ignored by default; `scripts/chaos.sh --seed S --minutes M` runs it) injects random
//! faults of these kinds, from a seed, for a bounded time, and prints the faults injected, the
//! heights finalized and the conflicting finalizations found (always 0).
//!
//! Needs root for `ip netns`, as the CI machines and the devnet hosts have.

mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::netns::NetLab;
use common::network::TestNetwork;

static ONE_NETWORK_AT_A_TIME: Mutex<()> = Mutex::new(());

const PATIENCE: Duration = Duration::from_secs(90);
/// After a fault heals, every node finalizes a new block within this.
const RESUME_BOUND: Duration = Duration::from_secs(60);

/// Four validators, each in its namespace of a fresh lab, started and past block 2.
fn lab_network(dir: &std::path::Path) -> (NetLab, TestNetwork) {
    let lab = NetLab::new(4).expect("network namespaces (run as root)");
    let mut network = TestNetwork::new(dir, 4, 0, &[]);
    network.place_in(&lab);
    for index in 0..4 {
        network.start(index);
    }
    network.wait_finalized(&[0, 1, 2, 3], 2, PATIENCE);
    (lab, network)
}

/// Waits until every node of `indices` has finalized past its height now plus `blocks`; returns
/// how long that took.
fn resumes(network: &TestNetwork, indices: &[usize], blocks: u32) -> Duration {
    let started = Instant::now();
    let target = indices.iter().map(|&index| network.finalized(index)).max().unwrap_or(0) + blocks;
    network.wait_finalized(indices, target, RESUME_BOUND);
    started.elapsed()
}

#[test]
fn partitions_pauses_and_crashes_never_split_the_chain() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = tempfile::tempdir().expect("dir");
    let (lab, mut network) = lab_network(dir.path());
    let all = [0, 1, 2, 3];

    // 2|2: neither side has more than two thirds, so neither finalizes anything.
    lab.partition(&[2, 3]);
    std::thread::sleep(Duration::from_secs(1));
    let stalled_at = network.finalized(0);
    std::thread::sleep(Duration::from_secs(4));
    assert!(network.finalized(0) <= stalled_at + 1, "a side with half the validators finalized");
    lab.heal();
    let after_halves = resumes(&network, &all, 2);
    network.assert_one_chain(&all);

    // 1|3: the three keep finalizing; the one catches up after the heal.
    lab.partition(&[3]);
    resumes(&network, &[0, 1, 2], 3);
    lab.heal();
    let after_one = resumes(&network, &all, 2);
    network.assert_one_chain(&all);

    // A paused validator: the others go on; resumed, it catches up.
    network.signal(1, "STOP");
    resumes(&network, &[0, 2, 3], 3);
    network.signal(1, "CONT");
    let after_pause = resumes(&network, &all, 2);
    network.assert_one_chain(&all);

    // SIGKILL while blocks are committed (a block every 500 ms, so almost surely mid-height),
    // then a restart on the same database.
    network.kill(2);
    resumes(&network, &[0, 1, 3], 3);
    network.start(2);
    let after_crash = resumes(&network, &all, 2);
    let finalized = network.assert_one_chain(&all);
    eprintln!(
        "finality resumed after the 2|2 heal in {after_halves:?}, the 1|3 heal in {after_one:?}, \
         SIGCONT in {after_pause:?}, the restart in {after_crash:?}; {finalized} blocks on one chain"
    );
}

/// A small seeded generator, so that a chaos run can be repeated exactly.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, bound: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1)
    }
}

#[test]
#[ignore = "a bounded chaos run: scripts/chaos.sh --seed S --minutes M"]
fn chaos() {
    let _serial = ONE_NETWORK_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let seed: u64 = std::env::var("CHAOS_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(1);
    let minutes: u64 = std::env::var("CHAOS_MINUTES").ok().and_then(|minutes| minutes.parse().ok()).unwrap_or(2);
    let mut random = Seeded(seed.max(1));
    let dir = tempfile::tempdir().expect("dir");
    let (lab, mut network) = lab_network(dir.path());
    let all = [0, 1, 2, 3];
    let start_height = network.finalized(0);
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let mut faults = [0u32; 4];
    let mut conflicts = 0;
    let mut checked = 0;
    while Instant::now() < deadline {
        let victim = random.below(4) as usize;
        let fault = random.below(4) as usize;
        let hold = Duration::from_millis(1_000 + random.below(5_000));
        match fault {
            0 => {
                let other = (victim + 1 + random.below(3) as usize) % 4;
                lab.partition(&[victim, other]);
                std::thread::sleep(hold);
                lab.heal();
            }
            1 => {
                lab.partition(&[victim]);
                std::thread::sleep(hold);
                lab.heal();
            }
            2 => {
                network.signal(victim, "STOP");
                std::thread::sleep(hold);
                network.signal(victim, "CONT");
            }
            _ => {
                network.kill(victim);
                std::thread::sleep(hold);
                network.start(victim);
            }
        }
        faults[fault] += 1;
        resumes(&network, &all, 1);
        let lowest = all.iter().map(|&index| network.finalized(index)).min().unwrap_or(0);
        for number in checked + 1..=lowest {
            let hashes: Vec<Option<String>> = all.iter().map(|&index| network.block_hash(index, number)).collect();
            if hashes.iter().any(|hash| hash.is_none() || *hash != hashes[0]) {
                conflicts += 1;
            }
        }
        checked = checked.max(lowest);
    }
    let finalized = network.finalized(0) - start_height;
    eprintln!(
        "chaos seed {seed}, {minutes} min: faults injected: {} partitions 2|2, {} partitions 1|3, {} pauses, {} \
         kills; {finalized} heights finalized; conflicting finalizations: {conflicts}",
        faults[0], faults[1], faults[2], faults[3]
    );
    assert_eq!(conflicts, 0);
}
