//! A load generator: drives a running network with signed supply-chain extrinsics at a target
//! rate and measures the sustained throughput and the submission-to-finality latency.
//!
//! ## What it measures
//! - *Sustained throughput*: the load extrinsics seen finalized, divided by the time from the
//!   first submission to the moment the last of them was seen finalized.
//! - *Steady throughput*: over the blocks seen finalized while load was being submitted, the load
//!   extrinsics of every such block but the first, divided by the time between the first and the
//!   last of them being seen finalized (the rate between finality events, free of the ramp-up
//!   before the first block and of the drain after the last submission).
//! - *Latency* of each extrinsic: the instant its block was seen finalized minus the instant the
//!   batch that carried it was sent; p50, p90, p99 (nearest rank) and the maximum.
//! - Pool rejections by reason, extrinsics whose call failed on chain, and per block: its number,
//!   its extrinsic count and how many of them are load.
//!
//! ## How
//! 1. *Set-up* (not measured), over the first endpoint: registers the wine's product class by
//!    //Alice if it is not registered, derives the load accounts `//Load/<k>`, and admits those
//!    not yet members to //Alice's organisation (the winery) by governance — one batch of
//!    `Membership::propose { AddAccount }` signed by //Alice, then one batch of
//!    `Membership::approve` signed by //Dave for the proposals that still need an approval, the
//!    ids read from the `Proposed` events — and checks `Membership.AccountOrg` of each.
//! 2. *Pre-signing* (not measured): `rate × duration` calls `commission_serials` of one serial
//!    each at the winery's GLN, serials `L<finalized height>-<account>-<n>` unique to the run,
//!    round-robin over the accounts with consecutive nonces from each account's
//!    `system_accountNextIndex`, signed on all cores.
//! 3. *Load* (measured), open loop: extrinsic `i` is due at `t0 + i / rate` whatever happened to
//!    the ones before it. Extrinsic `i` goes to endpoint `i mod endpoints`, one submitter thread
//!    per endpoint, which sends whatever is due as JSON-RPC batches of `author_submitExtrinsic`
//!    (at most [`MAX_BATCH`] entries, the node's limit). When the accounts are a multiple of the
//!    endpoints, each account's transactions all enter through the same node, in nonce order.
//! 4. A watcher polls the first endpoint's finalized head every [`WATCH_POLL`], reads every newly
//!    finalized block, hashes its extrinsics (`blake2_256`) and matches them against the
//!    submitted ones. The run ends when every accepted extrinsic is finalized, or when the drain
//!    time has passed since the last submission.
//!
//! Rates and means are computed with integer arithmetic and shown with two decimals.
//!
//! ## Failure
//! Set-up and pre-signing fail with a [`ClientError`]: an endpoint that cannot be reached or is
//! on another chain, a chain without the development accounts' roles, a governance step that
//! failed on chain. During the load nothing is fatal: a refused or failed batch is counted as
//! rejections with its reason, a watcher error is counted (the last one kept) and retried, and
//! what was not finalized by the end is reported as such. A run in which nothing was finalized
//! is a report with `finalized` 0, which the command line turns into a non-zero exit.

use std::{
    collections::{BTreeMap, HashMap},
    str::FromStr,
    sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use pallet_membership::types::{Action, OrgId};
use parity_scale_codec::Decode;
use serde_json::{json, Value};
use tracechain_primitives::{keyring::Sr25519Pair, AccountId32, BlockNumber, Nonce, H256};
use tracechain_runtime::{story, RuntimeCall, RuntimeEvent};
use tracechain_support::Phase;

use crate::{
    rpc::{hex0x, Inclusion, RpcClient},
    ClientError,
};

/// Most entries of one JSON-RPC batch: the node refuses longer batches whole.
pub const MAX_BATCH: usize = 64;
/// How often the watcher polls the finalized head.
pub const WATCH_POLL: Duration = Duration::from_millis(20);
/// How long to wait for finality after the last submission, by default.
pub const DEFAULT_DRAIN: Duration = Duration::from_secs(60);
/// Most extrinsics one run pre-signs (`rate × duration`).
pub const MAX_EXTRINSICS: u64 = 2_000_000;
/// Most load accounts: the winery's organisation holds at most
/// [`pallet_membership::MAX_ACCOUNTS`] accounts, //Alice's among them.
pub const MAX_LOAD_ACCOUNTS: u32 = pallet_membership::MAX_ACCOUNTS as u32 - 1;
/// How long one batch submission may take before it counts as failed.
const SUBMIT_TIMEOUT: Duration = Duration::from_secs(10);

/// What a run does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadConfig {
    /// The JSON-RPC endpoints (`http://…`); the first also serves the set-up and the watcher.
    pub urls: Vec<String>,
    /// Target rate, extrinsics per second.
    pub rate: u32,
    /// How long load is submitted, in seconds.
    pub duration_secs: u32,
    /// How many load accounts sign the extrinsics.
    pub accounts: u32,
    /// How long to wait for finality after the last submission.
    pub drain: Duration,
}

impl LoadConfig {
    /// The number of extrinsics of the run: `rate × duration`.
    pub fn total(&self) -> u64 {
        u64::from(self.rate) * u64::from(self.duration_secs)
    }

    /// Refuses a configuration that cannot run.
    pub fn validate(&self) -> Result<(), ClientError> {
        let refuse = |reason: String| Err(ClientError::Load(reason));
        if self.urls.is_empty() {
            return refuse("no endpoint: give at least one --rpc URL".into());
        }
        if self.rate == 0 || self.duration_secs == 0 {
            return refuse("the rate and the duration must be positive".into());
        }
        if self.total() > MAX_EXTRINSICS {
            return refuse(format!("{} extrinsics requested; at most {MAX_EXTRINSICS} per run", self.total()));
        }
        if !(1..=MAX_LOAD_ACCOUNTS).contains(&self.accounts) {
            return refuse(format!("{} load accounts; 1 to {MAX_LOAD_ACCOUNTS} fit the winery", self.accounts));
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------------------------------
// The schedule

/// When extrinsic `index` is due, after the start of the load: `index / rate` seconds.
pub fn due(index: usize, rate: u32) -> Duration {
    let nanos = (index as u128).saturating_mul(1_000_000_000) / u128::from(rate.max(1));
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The extrinsics endpoint `endpoint` of `endpoints` submits, of `total`: every `endpoints`-th,
/// from `endpoint` on, in order.
pub fn assigned(total: usize, endpoints: usize, endpoint: usize) -> Vec<usize> {
    (endpoint..total).step_by(endpoints.max(1)).collect()
}

/// The signer of extrinsic `index` among `accounts` and its position in that signer's sequence
/// (the offset of its nonce from the account's first).
pub fn signer_of(index: usize, accounts: usize) -> (usize, usize) {
    let accounts = accounts.max(1);
    (index % accounts, index / accounts)
}

/// How many of `pending` (indices in ascending order) are due at `now`, at most [`MAX_BATCH`]:
/// the next batch.
pub fn due_now(pending: &[usize], rate: u32, now: Duration) -> usize {
    pending.iter().take(MAX_BATCH).take_while(|index| due(**index, rate) <= now).count()
}

/// The serial of a load item: unique to the run (`run_id`), the account and its sequence.
pub fn serial(run_id: BlockNumber, account: usize, sequence: usize) -> String {
    format!("L{run_id}-{account}-{sequence}")
}

// ----------------------------------------------------------------------------------------------
// The arithmetic of the report

/// The nearest-rank percentile of `sorted` (ascending): the smallest value such that at least
/// `percent`% of the values are at most it. `None` for no values.
pub fn percentile(sorted: &[u64], percent: u32) -> Option<u64> {
    let count = sorted.len() as u128;
    let rank = (u128::from(percent.min(100)) * count).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// `numerator / denominator` rounded half up to `decimals` places, as text; `None` if the
/// denominator is 0 or the numbers overflow.
pub fn ratio(numerator: u128, denominator: u128, decimals: u32) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let scale = 10u128.checked_pow(decimals)?;
    let scaled =
        numerator.checked_mul(scale)?.checked_mul(2)?.checked_add(denominator)? / denominator.checked_mul(2)?;
    let (whole, fraction) = (scaled / scale, scaled % scale);
    Some(if decimals == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = decimals as usize)
    })
}

/// Milliseconds with three decimals from microseconds, as text.
pub fn millis(micros: u64) -> String {
    format!("{}.{:03}", micros / 1_000, micros % 1_000)
}

/// Decimal text as a JSON number (null if it is not one).
fn number(text: Option<String>) -> Value {
    text.and_then(|text| serde_json::Number::from_str(&text).ok()).map_or(Value::Null, Value::Number)
}

/// A count over a time: a throughput.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Extrinsics counted.
    pub extrinsics: u64,
    /// Over this many microseconds.
    pub micros: u64,
}

impl Rate {
    /// Extrinsics per second with two decimals; `None` over no time.
    pub fn per_second(&self) -> Option<String> {
        ratio(u128::from(self.extrinsics) * 1_000_000, u128::from(self.micros), 2)
    }
}

/// One finalized block as the watcher saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockRecord {
    /// Its number.
    pub number: BlockNumber,
    /// Its extrinsics, inherents included.
    pub extrinsics: u32,
    /// How many of them are load extrinsics of this run.
    pub load: u32,
    /// When it was seen finalized, in microseconds after the start of the load.
    pub seen_us: u64,
}

/// Everything a run recorded, per extrinsic in schedule order (times in microseconds after the
/// start of the load).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Measurements {
    /// How long pre-signing took.
    pub signing: Duration,
    /// When each extrinsic was sent, if it was.
    pub submitted_us: Vec<Option<u64>>,
    /// Whether each was accepted by the pool it was sent to.
    pub accepted: Vec<bool>,
    /// Refusals by reason.
    pub rejected: BTreeMap<String, u64>,
    /// When each was seen finalized, if it was.
    pub finalized_us: Vec<Option<u64>>,
    /// Finalized load extrinsics whose call failed, by dispatch error.
    pub failed: BTreeMap<String, u64>,
    /// The blocks seen finalized, in order.
    pub blocks: Vec<BlockRecord>,
    /// The longest a batch was sent after its first extrinsic was due.
    pub max_lag_us: u64,
    /// How many watcher polls or block reads failed (and were retried).
    pub watcher_errors: u64,
    /// The last of those errors.
    pub last_watcher_error: Option<String>,
}

/// Latency percentiles, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Extrinsics measured.
    pub samples: u64,
    /// Median.
    pub p50_us: u64,
    /// 90th percentile.
    pub p90_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// Maximum.
    pub max_us: u64,
}

/// Extrinsics per block over the blocks from the first holding load to the last holding load.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockStats {
    /// Blocks in that range.
    pub blocks: u64,
    /// Load extrinsics in them.
    pub load: u64,
    /// Most load extrinsics in one of them.
    pub max_load: u32,
    /// Most extrinsics (inherents included) in one of them.
    pub max_extrinsics: u32,
}

impl BlockStats {
    /// Mean load extrinsics per block, with two decimals.
    pub fn mean_load(&self) -> Option<String> {
        ratio(u128::from(self.load), u128::from(self.blocks), 2)
    }
}

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Target rate, extrinsics per second.
    pub target_rate: u32,
    /// Load duration, seconds.
    pub duration_secs: u32,
    /// Load accounts.
    pub accounts: u32,
    /// Endpoints submitted to.
    pub endpoints: usize,
    /// Pre-signing time, milliseconds.
    pub signing_ms: u64,
    /// Extrinsics sent.
    pub submitted: u64,
    /// Extrinsics the pools accepted.
    pub accepted: u64,
    /// Refusals by reason.
    pub rejected: BTreeMap<String, u64>,
    /// Load extrinsics seen finalized.
    pub finalized: u64,
    /// Accepted extrinsics not seen finalized by the end of the run.
    pub not_finalized: u64,
    /// Finalized load extrinsics whose call failed, by dispatch error.
    pub failed_on_chain: BTreeMap<String, u64>,
    /// From the first submission to the last, microseconds.
    pub submit_span_us: u64,
    /// The longest a batch was sent after it was due, microseconds.
    pub max_submit_lag_us: u64,
    /// Finalized extrinsics over the time from the first submission to the last finality.
    pub sustained: Option<Rate>,
    /// The rate over the blocks finalized while load was submitted (see the module docs).
    pub steady: Option<Rate>,
    /// Extrinsics per block.
    pub block_stats: BlockStats,
    /// Submission-to-finality latency.
    pub latency: Option<Latency>,
    /// Every block seen finalized during the run.
    pub blocks: Vec<BlockRecord>,
    /// Watcher polls or reads that failed and were retried.
    pub watcher_errors: u64,
    /// The last of those.
    pub last_watcher_error: Option<String>,
}

/// The report of `measurements` taken under `config`.
pub fn summarize(config: &LoadConfig, measurements: &Measurements) -> Report {
    let m = measurements;
    let submitted = m.submitted_us.iter().flatten().count() as u64;
    let accepted = m.accepted.iter().filter(|accepted| **accepted).count() as u64;
    let finalized = m.finalized_us.iter().flatten().count() as u64;
    let not_finalized = m
        .accepted
        .iter()
        .enumerate()
        .filter(|(index, accepted)| **accepted && m.finalized_us.get(*index).is_none_or(Option::is_none))
        .count() as u64;
    let mut latencies: Vec<u64> = m
        .submitted_us
        .iter()
        .zip(&m.finalized_us)
        .filter_map(|(sent, seen)| Some(seen.as_ref()?.saturating_sub(*sent.as_ref()?)))
        .collect();
    latencies.sort_unstable();
    let latency = (|| {
        Some(Latency {
            samples: latencies.len() as u64,
            p50_us: percentile(&latencies, 50)?,
            p90_us: percentile(&latencies, 90)?,
            p99_us: percentile(&latencies, 99)?,
            max_us: *latencies.last()?,
        })
    })();
    let first_submit = m.submitted_us.iter().flatten().min().copied();
    let last_submit = m.submitted_us.iter().flatten().max().copied();
    let last_final = m.finalized_us.iter().flatten().max().copied();
    let sustained = match (first_submit, last_final) {
        (Some(first), Some(last)) if finalized > 0 && last > first => {
            Some(Rate { extrinsics: finalized, micros: last - first })
        }
        _ => None,
    };
    let steady = match (first_submit, last_submit) {
        (Some(first), Some(last)) => {
            let window: Vec<&BlockRecord> =
                m.blocks.iter().filter(|block| (first..=last).contains(&block.seen_us)).collect();
            match (window.first(), window.last()) {
                (Some(start), Some(end)) if end.seen_us > start.seen_us => Some(Rate {
                    extrinsics: window.iter().skip(1).map(|block| u64::from(block.load)).sum(),
                    micros: end.seen_us - start.seen_us,
                }),
                _ => None,
            }
        }
        _ => None,
    };
    let loaded = |block: &&BlockRecord| block.load > 0;
    let block_stats = match (m.blocks.iter().find(loaded), m.blocks.iter().rev().find(loaded)) {
        (Some(first), Some(last)) => {
            let range: Vec<&BlockRecord> =
                m.blocks.iter().filter(|block| (first.number..=last.number).contains(&block.number)).collect();
            BlockStats {
                blocks: range.len() as u64,
                load: range.iter().map(|block| u64::from(block.load)).sum(),
                max_load: range.iter().map(|block| block.load).max().unwrap_or_default(),
                max_extrinsics: range.iter().map(|block| block.extrinsics).max().unwrap_or_default(),
            }
        }
        _ => BlockStats::default(),
    };
    Report {
        target_rate: config.rate,
        duration_secs: config.duration_secs,
        accounts: config.accounts,
        endpoints: config.urls.len(),
        signing_ms: u64::try_from(m.signing.as_millis()).unwrap_or(u64::MAX),
        submitted,
        accepted,
        rejected: m.rejected.clone(),
        finalized,
        not_finalized,
        failed_on_chain: m.failed.clone(),
        submit_span_us: last_submit.zip(first_submit).map_or(0, |(last, first)| last - first),
        max_submit_lag_us: m.max_lag_us,
        sustained,
        steady,
        block_stats,
        latency,
        blocks: m.blocks.clone(),
        watcher_errors: m.watcher_errors,
        last_watcher_error: m.last_watcher_error.clone(),
    }
}

impl Report {
    /// The report as JSON: rates in extrinsics per second, times in milliseconds.
    pub fn to_json(&self) -> Value {
        let rate = |rate: &Option<Rate>| match rate {
            Some(rate) => json!({
                "tps": number(rate.per_second()),
                "extrinsics": rate.extrinsics,
                "ms": number(Some(millis(rate.micros))),
            }),
            None => Value::Null,
        };
        let ms = |micros: u64| number(Some(millis(micros)));
        json!({
            "targetRate": self.target_rate,
            "durationSecs": self.duration_secs,
            "accounts": self.accounts,
            "endpoints": self.endpoints,
            "signingMs": self.signing_ms,
            "submitted": self.submitted,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "finalized": self.finalized,
            "notFinalized": self.not_finalized,
            "failedOnChain": self.failed_on_chain,
            "submitSpanMs": ms(self.submit_span_us),
            "maxSubmitLagMs": ms(self.max_submit_lag_us),
            "sustained": rate(&self.sustained),
            "steady": rate(&self.steady),
            "blockStats": {
                "blocks": self.block_stats.blocks,
                "meanLoadPerBlock": number(self.block_stats.mean_load()),
                "maxLoadPerBlock": self.block_stats.max_load,
                "maxExtrinsicsPerBlock": self.block_stats.max_extrinsics,
            },
            "latencyMs": self.latency.map_or(Value::Null, |latency| json!({
                "samples": latency.samples,
                "p50": ms(latency.p50_us),
                "p90": ms(latency.p90_us),
                "p99": ms(latency.p99_us),
                "max": ms(latency.max_us),
            })),
            "blocks": self.blocks.iter().map(|block| json!({
                "number": block.number,
                "extrinsics": block.extrinsics,
                "load": block.load,
                "seenMs": ms(block.seen_us),
            })).collect::<Vec<_>>(),
            "watcherErrors": self.watcher_errors,
            "lastWatcherError": self.last_watcher_error,
        })
    }

    /// The report as lines a person reads.
    pub fn lines(&self) -> Vec<String> {
        let na = || "n/a".to_string();
        let tps = |rate: &Option<Rate>| match rate {
            Some(rate) => format!(
                "{} extrinsics/s ({} in {} s)",
                rate.per_second().unwrap_or_else(na),
                rate.extrinsics,
                ratio(u128::from(rate.micros), 1_000_000, 2).unwrap_or_else(na)
            ),
            None => na(),
        };
        let mut lines = vec![
            format!(
                "target: {} extrinsics/s for {} s ({} extrinsics) from {} accounts through {} endpoint(s)",
                self.target_rate,
                self.duration_secs,
                u64::from(self.target_rate) * u64::from(self.duration_secs),
                self.accounts,
                self.endpoints
            ),
            format!("pre-signing: {} ms (not measured)", self.signing_ms),
            format!(
                "submitted: {} over {} s (the most delayed batch was sent {} ms after it was due)",
                self.submitted,
                ratio(u128::from(self.submit_span_us), 1_000_000, 2).unwrap_or_else(na),
                millis(self.max_submit_lag_us)
            ),
            format!("accepted by the pools: {}", self.accepted),
            format!("rejected: {}", self.rejected.values().sum::<u64>()),
        ];
        lines.extend(self.rejected.iter().map(|(reason, count)| format!("  {count} × {reason}")));
        lines.push(format!("finalized: {}", self.finalized));
        lines.push(format!("not finalized: {}", self.not_finalized));
        if !self.failed_on_chain.is_empty() {
            lines.push(format!("failed on chain: {}", self.failed_on_chain.values().sum::<u64>()));
            lines.extend(self.failed_on_chain.iter().map(|(reason, count)| format!("  {count} × {reason}")));
        }
        lines.push(format!("sustained throughput: {}", tps(&self.sustained)));
        lines.push(format!("steady-window throughput: {}", tps(&self.steady)));
        lines.push(format!(
            "blocks with load: {}, load extrinsics per block: mean {}, max {} (max {} extrinsics in a block)",
            self.block_stats.blocks,
            self.block_stats.mean_load().unwrap_or_else(na),
            self.block_stats.max_load,
            self.block_stats.max_extrinsics
        ));
        lines.push(match &self.latency {
            Some(latency) => format!(
                "latency (submission to finality, {} samples): p50 {} ms, p90 {} ms, p99 {} ms, max {} ms",
                latency.samples,
                millis(latency.p50_us),
                millis(latency.p90_us),
                millis(latency.p99_us),
                millis(latency.max_us)
            ),
            None => "latency: n/a (nothing finalized)".into(),
        });
        if self.watcher_errors > 0 {
            lines.push(format!(
                "watcher errors (retried): {}, last: {}",
                self.watcher_errors,
                self.last_watcher_error.as_deref().unwrap_or("?")
            ));
        }
        lines
    }
}

// ----------------------------------------------------------------------------------------------
// The run

/// A step's progress, for the caller to print.
pub type Progress<'a> = &'a mut dyn FnMut(&str);

/// Sets up, pre-signs, loads the network behind `config.urls` and reports; `progress` hears
/// each phase.
pub fn run(config: &LoadConfig, progress: Progress<'_>) -> Result<Report, ClientError> {
    config.validate()?;
    let (first, others) = config.urls.split_first().ok_or_else(|| ClientError::Load("no endpoint".into()))?;
    let client = RpcClient::connect(first)?;
    for url in others {
        let other = RpcClient::connect(url)?;
        if other.genesis_hash() != client.genesis_hash() {
            return Err(ClientError::Load(format!(
                "{url} is on another chain (genesis {:?}, not {:?})",
                other.genesis_hash(),
                client.genesis_hash()
            )));
        }
    }
    progress(&format!("connected to {} endpoint(s), genesis {:?}", config.urls.len(), client.genesis_hash()));

    let pairs = set_up(&client, config.accounts, progress)?;

    let run_id = client.finalized_number()?;
    let started = Instant::now();
    let signed = presign(&client, &pairs, config.total(), run_id)?;
    let signing = started.elapsed();
    progress(&format!("pre-signed {} extrinsics in {} ms (serials L{run_id}-…)", signed.len(), signing.as_millis()));

    let index: HashMap<H256, usize> = signed.iter().enumerate().map(|(position, tx)| (tx.hash, position)).collect();
    let from = client.finalized_number()?;
    progress(&format!(
        "loading at {} extrinsics/s for {} s through {} endpoint(s)…",
        config.rate,
        config.duration_secs,
        config.urls.len()
    ));
    let shared = Shared::new(signed.len(), config.urls.len());
    let (outcomes, watched) = std::thread::scope(|scope| {
        let handles: Vec<_> = config
            .urls
            .iter()
            .enumerate()
            .map(|(endpoint, url)| {
                let mine = assigned(signed.len(), config.urls.len(), endpoint);
                let (shared, signed) = (&shared, &signed);
                scope.spawn(move || {
                    let _finished = Finished(&shared.submitters_left);
                    submit(url, shared, signed, &mine, config.rate)
                })
            })
            .collect();
        let watched = watch(&client, &shared, &index, from, config.drain);
        let outcomes: Vec<Option<SubmitOutcome>> = handles.into_iter().map(|handle| handle.join().ok()).collect();
        (outcomes, watched)
    });

    let mut measurements = Measurements {
        signing,
        submitted_us: shared.submitted_us.iter().map(|at| at.load(Ordering::SeqCst).checked_sub(1)).collect(),
        accepted: shared.status.iter().map(|status| status.load(Ordering::SeqCst) == ACCEPTED).collect(),
        finalized_us: watched.finalized_us,
        failed: watched.failed,
        blocks: watched.blocks,
        watcher_errors: watched.errors,
        last_watcher_error: watched.last_error,
        ..Measurements::default()
    };
    for outcome in outcomes {
        let Some(outcome) = outcome else {
            *measurements.rejected.entry("submitter thread panicked".into()).or_default() += 1;
            continue;
        };
        measurements.max_lag_us = measurements.max_lag_us.max(outcome.max_lag_us);
        for (reason, count) in outcome.rejected {
            *measurements.rejected.entry(reason).or_default() += count;
        }
    }
    Ok(summarize(config, &measurements))
}

fn dev_pair(suri: &str) -> Result<Sr25519Pair, ClientError> {
    Sr25519Pair::from_suri(suri).map_err(|error| ClientError::Load(format!("dev key {suri}: {error}")))
}

/// The organisation `account` is an agent of, from `Membership.AccountOrg` at the best block.
fn account_org(client: &RpcClient, account: &AccountId32) -> Result<Option<OrgId>, ClientError> {
    let key = pallet_membership::ACCOUNT_ORG.key(account);
    match client.storage(&key, None)? {
        None => Ok(None),
        Some(bytes) => OrgId::decode(&mut &bytes[..]).map(Some).map_err(|error| ClientError::Unexpected {
            method: "state_getStorage".into(),
            reason: format!("Membership.AccountOrg does not decode: {error}"),
        }),
    }
}

/// Registers the product class if needed and admits the load accounts to the winery; the load
/// accounts' pairs.
fn set_up(client: &RpcClient, accounts: u32, progress: Progress<'_>) -> Result<Vec<Sr25519Pair>, ClientError> {
    let alice = dev_pair("//Alice")?;
    let dave = dev_pair("//Dave")?;
    if client.call("trace_getProductClass", json!([story::GTIN]))?.is_null() {
        client.execute("registering the product class", vec![(&alice, story::register_class())])?;
        progress(&format!("registered the product class {}", story::GTIN));
    }
    let org = account_org(client, &alice.public())?.ok_or_else(|| {
        ClientError::Load("//Alice belongs to no organisation: the chain lacks the development accounts".into())
    })?;
    let pairs = (0..accounts).map(|k| dev_pair(&format!("//Load/{k}"))).collect::<Result<Vec<_>, _>>()?;
    let mut missing = Vec::new();
    for pair in &pairs {
        let account = pair.public();
        match account_org(client, &account)? {
            Some(member) if member == org => {}
            Some(other) => {
                return Err(ClientError::Load(format!(
                    "load account {account} is an agent of organisation {other}, not of the winery ({org})"
                )))
            }
            None => missing.push(account),
        }
    }
    if missing.is_empty() {
        progress(&format!("the {accounts} load accounts are agents of the winery (organisation {org})"));
        return Ok(pairs);
    }
    admit(client, org, &missing, (&alice, &dave))?;
    for account in &missing {
        if account_org(client, account)? != Some(org) {
            return Err(ClientError::Load(format!("load account {account} was not admitted to organisation {org}")));
        }
    }
    progress(&format!("admitted {} load account(s) to the winery (organisation {org}) by governance", missing.len()));
    Ok(pairs)
}

/// Admits `accounts` to `org`: //Alice proposes every addition in one batch, //Dave approves
/// those the proposal alone did not execute in a second.
fn admit(
    client: &RpcClient,
    org: OrgId,
    accounts: &[AccountId32],
    (proposer, approver): (&Sr25519Pair, &Sr25519Pair),
) -> Result<(), ClientError> {
    let proposals = accounts
        .iter()
        .map(|account| {
            let action = Action::AddAccount { org, account: *account };
            (proposer, RuntimeCall::Membership(pallet_membership::Call::propose { action }))
        })
        .collect();
    let proposed = client.execute("proposing the load accounts", proposals)?;
    let mut waiting = Vec::new();
    for inclusion in &proposed {
        let id = inclusion
            .events
            .iter()
            .find_map(|event| match event {
                RuntimeEvent::Membership(pallet_membership::Event::Proposed { proposal, .. }) => Some(*proposal),
                _ => None,
            })
            .ok_or_else(|| {
                ClientError::Load(format!("block #{} holds a proposal without Proposed", inclusion.block))
            })?;
        if !executed(inclusion, id)? {
            waiting.push(id);
        }
    }
    if waiting.is_empty() {
        return Ok(());
    }
    let approvals = waiting
        .iter()
        .map(|proposal| (approver, RuntimeCall::Membership(pallet_membership::Call::approve { proposal: *proposal })))
        .collect();
    let approved = client.execute("approving the load accounts", approvals)?;
    for (inclusion, id) in approved.iter().zip(&waiting) {
        if !executed(inclusion, *id)? {
            return Err(ClientError::Load(format!(
                "proposal {id} needs more approvals than //Alice's and //Dave's organisations'"
            )));
        }
    }
    Ok(())
}

/// Whether `inclusion` executed proposal `id`; an error if its action failed.
fn executed(inclusion: &Inclusion, id: u32) -> Result<bool, ClientError> {
    for event in &inclusion.events {
        if let RuntimeEvent::Membership(pallet_membership::Event::Executed { proposal, result }) = event {
            if *proposal == id {
                return match result {
                    Ok(()) => Ok(true),
                    Err(error) => Err(ClientError::Dispatch {
                        what: format!("adding a load account (proposal {id})"),
                        block: inclusion.block,
                        error: error.describe(),
                    }),
                };
            }
        }
    }
    Ok(false)
}

/// A pre-signed extrinsic.
struct Signed {
    /// Its bytes (length-prefixed) in `0x` hex, as submitted.
    hex: String,
    /// Its hash, as blocks are matched.
    hash: H256,
}

/// Signs `total` commissions round-robin over `pairs`, on all cores.
fn presign(
    client: &RpcClient,
    pairs: &[Sr25519Pair],
    total: u64,
    run_id: BlockNumber,
) -> Result<Vec<Signed>, ClientError> {
    let location = story::location(story::WINERY_GLN).map_err(ClientError::Load)?;
    let nonces = pairs.iter().map(|pair| client.next_nonce(&pair.public())).collect::<Result<Vec<Nonce>, _>>()?;
    let total = usize::try_from(total).map_err(|_| ClientError::Load(format!("{total} extrinsics")))?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 16);
    let chunk = total.div_ceil(threads).max(1);
    let sign = |index: usize| -> Result<Signed, ClientError> {
        let (account, sequence) = signer_of(index, pairs.len());
        let serial = serial(run_id, account, sequence);
        if !pallet_products::types::is_valid_serial(serial.as_bytes()) {
            return Err(ClientError::Load(format!("serial {serial} is not a valid GS1 serial")));
        }
        let (Some(pair), Some(first)) = (pairs.get(account), nonces.get(account)) else {
            return Err(ClientError::Load(format!("no load account {account}")));
        };
        let nonce = u32::try_from(sequence)
            .ok()
            .and_then(|sequence| first.checked_add(sequence))
            .ok_or_else(|| ClientError::Load(format!("the nonces of load account {account} overflow")))?;
        let bytes = client.sign(pair, story::commission(vec![serial.into_bytes()], location.clone()), nonce);
        Ok(Signed { hash: RpcClient::extrinsic_hash(&bytes), hex: hex0x(&bytes) })
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..total)
            .step_by(chunk)
            .map(|start| {
                let sign = &sign;
                scope.spawn(move || (start..total.min(start + chunk)).map(sign).collect::<Result<Vec<_>, _>>())
            })
            .collect();
        let mut signed = Vec::with_capacity(total);
        for handle in handles {
            match handle.join() {
                Ok(part) => signed.extend(part?),
                Err(_) => return Err(ClientError::Load("a signing thread panicked".into())),
            }
        }
        Ok(signed)
    })
}

/// An extrinsic not yet answered.
const PENDING: u8 = 0;
/// An extrinsic its pool accepted.
const ACCEPTED: u8 = 1;
/// An extrinsic its pool refused (or whose batch failed).
const REJECTED: u8 = 2;

/// What the submitters and the watcher share.
struct Shared {
    /// The start of the load.
    t0: Instant,
    /// Per extrinsic: microseconds after `t0` it was sent, plus one; 0 while not sent.
    submitted_us: Vec<AtomicU64>,
    /// Per extrinsic: [`PENDING`], [`ACCEPTED`] or [`REJECTED`].
    status: Vec<AtomicU8>,
    /// Submitter threads still running.
    submitters_left: AtomicUsize,
    /// Microseconds after `t0` of the last batch sent.
    last_submit_us: AtomicU64,
}

impl Shared {
    /// The shared state of `extrinsics` and `submitters`; the load starts now.
    fn new(extrinsics: usize, submitters: usize) -> Self {
        let submitted_us = (0..extrinsics).map(|_| AtomicU64::new(0)).collect();
        let status = (0..extrinsics).map(|_| AtomicU8::new(PENDING)).collect();
        Self {
            submitted_us,
            status,
            submitters_left: AtomicUsize::new(submitters),
            last_submit_us: AtomicU64::new(0),
            t0: Instant::now(),
        }
    }

    fn now_us(&self) -> u64 {
        micros(self.t0.elapsed())
    }
}

/// Counts a submitter as finished when dropped, however it ends.
struct Finished<'a>(&'a AtomicUsize);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// What one submitter saw.
#[derive(Default)]
struct SubmitOutcome {
    rejected: BTreeMap<String, u64>,
    max_lag_us: u64,
}

/// Sends `mine` (indices into `signed`, ascending) to `url` as they fall due.
fn submit(url: &str, shared: &Shared, signed: &[Signed], mine: &[usize], rate: u32) -> SubmitOutcome {
    let agent = ureq::AgentBuilder::new().timeout(SUBMIT_TIMEOUT).build();
    let mut outcome = SubmitOutcome::default();
    let mut next = 0;
    while let Some(pending) = mine.get(next..).filter(|pending| !pending.is_empty()) {
        let now = shared.t0.elapsed();
        let count = due_now(pending, rate, now);
        if count == 0 {
            let first = pending.first().copied().unwrap_or_default();
            std::thread::sleep(due(first, rate).saturating_sub(now));
            continue;
        }
        let batch = pending.get(..count).unwrap_or_default();
        let entries: Vec<(usize, &str)> =
            batch.iter().filter_map(|index| Some((*index, signed.get(*index)?.hex.as_str()))).collect();
        let sent = shared.t0.elapsed();
        let sent_us = micros(sent);
        let answers = post_batch(&agent, url, &entries);
        let first_due = batch.first().map_or(sent, |index| due(*index, rate));
        outcome.max_lag_us = outcome.max_lag_us.max(micros(sent.saturating_sub(first_due)));
        shared.last_submit_us.fetch_max(sent_us, Ordering::SeqCst);
        for ((index, _), answer) in entries.iter().zip(answers) {
            let (Some(at), Some(status)) = (shared.submitted_us.get(*index), shared.status.get(*index)) else {
                continue;
            };
            at.store(sent_us.saturating_add(1), Ordering::SeqCst);
            match answer {
                Ok(()) => status.store(ACCEPTED, Ordering::SeqCst),
                Err(reason) => {
                    status.store(REJECTED, Ordering::SeqCst);
                    *outcome.rejected.entry(reason).or_default() += 1;
                }
            }
        }
        next += count;
    }
    outcome
}

/// Sends `entries` (id, extrinsic hex) as one JSON-RPC batch of `author_submitExtrinsic`; the
/// answer to each, in order.
fn post_batch(agent: &ureq::Agent, url: &str, entries: &[(usize, &str)]) -> Vec<Result<(), String>> {
    let request: Vec<Value> = entries
        .iter()
        .map(|(id, hex)| json!({ "jsonrpc": "2.0", "id": id, "method": "author_submitExtrinsic", "params": [hex] }))
        .collect();
    let ids: Vec<usize> = entries.iter().map(|(id, _)| *id).collect();
    let response = match agent.post(url).send_json(Value::Array(request)) {
        Ok(response) => response.into_json::<Value>(),
        // JSON-RPC errors may come with an HTTP error status: read the body anyway.
        Err(ureq::Error::Status(_, response)) => response.into_json::<Value>(),
        Err(error) => return vec![Err(format!("transport: {error}")); ids.len()],
    };
    match response {
        Ok(response) => batch_answers(&response, &ids),
        Err(error) => vec![Err(format!("transport: {error}")); ids.len()],
    }
}

/// The answer to each of `ids` in a batch `response`: `Ok` for a result, the error's code,
/// message and data otherwise. A single error object (the batch refused whole) answers every
/// entry.
pub fn batch_answers(response: &Value, ids: &[usize]) -> Vec<Result<(), String>> {
    match response {
        Value::Array(entries) => {
            let by_id: HashMap<u64, &Value> =
                entries.iter().filter_map(|entry| Some((entry.get("id")?.as_u64()?, entry))).collect();
            ids.iter()
                .map(|id| match by_id.get(&(*id as u64)) {
                    None => Err("no answer in the batch response".to_string()),
                    Some(entry) => match (entry.get("error"), entry.get("result")) {
                        (Some(error), _) => Err(error_reason(error)),
                        (None, Some(_)) => Ok(()),
                        (None, None) => Err("an answer with neither result nor error".to_string()),
                    },
                })
                .collect()
        }
        Value::Object(object) if object.contains_key("error") => {
            let reason = format!("batch refused: {}", error_reason(&response["error"]));
            vec![Err(reason); ids.len()]
        }
        other => {
            let mut text = other.to_string();
            text.truncate(80);
            vec![Err(format!("unexpected batch response: {text}")); ids.len()]
        }
    }
}

/// A JSON-RPC error object as one line: code, message and data.
fn error_reason(error: &Value) -> String {
    let code = error["code"].as_i64().unwrap_or_default();
    let message = error["message"].as_str().unwrap_or_default();
    match error.get("data") {
        None | Some(Value::Null) => format!("{code} {message}"),
        Some(data) => format!("{code} {message}: {}", data.as_str().map_or_else(|| data.to_string(), str::to_string)),
    }
}

/// What the watcher saw.
struct Watched {
    finalized_us: Vec<Option<u64>>,
    failed: BTreeMap<String, u64>,
    blocks: Vec<BlockRecord>,
    errors: u64,
    last_error: Option<String>,
}

/// Follows the finalized blocks after `from` until every accepted extrinsic is finalized, or
/// `drain` has passed since the last submission, once the submitters are done.
fn watch(
    client: &RpcClient,
    shared: &Shared,
    index: &HashMap<H256, usize>,
    from: BlockNumber,
    drain: Duration,
) -> Watched {
    let total = shared.status.len();
    let mut watched = Watched {
        finalized_us: vec![None; total],
        failed: BTreeMap::new(),
        blocks: Vec::new(),
        errors: 0,
        last_error: None,
    };
    let mut next = from.saturating_add(1);
    // (finalized head, when it was first seen): a block read after a failed attempt keeps the
    // instant its finality was first seen.
    let mut heads: Vec<(BlockNumber, u64)> = Vec::new();
    loop {
        if shared.submitters_left.load(Ordering::SeqCst) == 0 {
            let waiting = shared
                .status
                .iter()
                .zip(&watched.finalized_us)
                .any(|(status, seen)| seen.is_none() && status.load(Ordering::SeqCst) == ACCEPTED);
            let deadline = shared.last_submit_us.load(Ordering::SeqCst).saturating_add(micros(drain));
            if !waiting || shared.now_us() >= deadline {
                break;
            }
        }
        match client.finalized_number() {
            Ok(head) => {
                let seen_us = shared.now_us();
                if heads.last().is_none_or(|(last, _)| head > *last) {
                    heads.push((head, seen_us));
                }
                while next <= head {
                    let at = heads.partition_point(|(known, _)| *known < next);
                    let seen_us = heads.get(at).map_or(seen_us, |(_, seen)| *seen);
                    match read_block(client, next, index) {
                        Ok(block) => {
                            for position in &block.load {
                                if let Some(slot) = watched.finalized_us.get_mut(*position) {
                                    *slot = Some(seen_us);
                                }
                            }
                            for reason in block.failed {
                                *watched.failed.entry(reason).or_default() += 1;
                            }
                            watched.blocks.push(BlockRecord {
                                number: next,
                                extrinsics: block.extrinsics,
                                load: block.load.len() as u32,
                                seen_us,
                            });
                            next += 1;
                        }
                        Err(error) => {
                            watched.errors += 1;
                            watched.last_error = Some(error.to_string());
                            break;
                        }
                    }
                }
            }
            Err(error) => {
                watched.errors += 1;
                watched.last_error = Some(error.to_string());
            }
        }
        std::thread::sleep(WATCH_POLL);
    }
    watched
}

/// One finalized block's extrinsics, as the watcher needs them.
struct ReadBlock {
    /// Its extrinsic count.
    extrinsics: u32,
    /// The indices of the load extrinsics it holds.
    load: Vec<usize>,
    /// The dispatch errors of those that failed.
    failed: Vec<String>,
}

/// Reads finalized block `number` and finds the load extrinsics in it, and their failures.
fn read_block(client: &RpcClient, number: BlockNumber, index: &HashMap<H256, usize>) -> Result<ReadBlock, ClientError> {
    let unexpected = |reason: &str| ClientError::Unexpected { method: "chain_getBlock".into(), reason: reason.into() };
    let hash = client.block_hash(number)?.ok_or_else(|| unexpected("a finalized block has no hash"))?;
    let block = client.call("chain_getBlock", json!([format!("{hash:?}")]))?;
    let extrinsics = block["block"]["extrinsics"].as_array().ok_or_else(|| unexpected("no extrinsics"))?;
    let mut load = Vec::new();
    let mut positions = Vec::new();
    for (position, extrinsic) in extrinsics.iter().enumerate() {
        let text = extrinsic.as_str().ok_or_else(|| unexpected("an extrinsic that is not a string"))?;
        let bytes = hex::decode(text.trim_start_matches("0x")).map_err(|_| unexpected("an extrinsic not in hex"))?;
        if let Some(found) = index.get(&RpcClient::extrinsic_hash(&bytes)) {
            load.push(*found);
            positions.push(position as u32);
        }
    }
    let mut failed = Vec::new();
    if !load.is_empty() {
        for record in client.events(hash)? {
            let Phase::ApplyExtrinsic(position) = record.phase else { continue };
            if positions.binary_search(&position).is_err() {
                continue;
            }
            if let RuntimeEvent::System(pallet_system::Event::ExtrinsicFailed { dispatch_error, .. }) = &record.event {
                failed.push(dispatch_error.describe());
            }
        }
    }
    Ok(ReadBlock { extrinsics: extrinsics.len() as u32, load, failed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(rate: u32, duration_secs: u32) -> LoadConfig {
        LoadConfig {
            urls: vec!["http://127.0.0.1:9944".into()],
            rate,
            duration_secs,
            accounts: 16,
            drain: DEFAULT_DRAIN,
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 90), Some(90));
        assert_eq!(percentile(&values, 99), Some(99));
        assert_eq!(percentile(&values, 100), Some(100));
        assert_eq!(percentile(&values, 0), Some(1));
        let few = [10, 20, 30, 40, 50];
        // Rank ⌈p·n/100⌉: 50% of 5 is rank 3, 90% and 99% rank 5.
        assert_eq!(percentile(&few, 50), Some(30));
        assert_eq!(percentile(&few, 90), Some(50));
        assert_eq!(percentile(&few, 99), Some(50));
        assert_eq!(percentile(&few, 20), Some(10));
        assert_eq!(percentile(&few, 21), Some(20));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn the_schedule_is_open_loop_at_the_rate() {
        assert_eq!(due(0, 50), Duration::ZERO);
        assert_eq!(due(1, 50), Duration::from_millis(20));
        assert_eq!(due(50, 50), Duration::from_secs(1));
        assert_eq!(due(1, 3), Duration::from_nanos(333_333_333));
        assert_eq!(due(9_999, 1_000), Duration::from_millis(9_999));
        // What is due now, at most one batch.
        let pending: Vec<usize> = (0..200).collect();
        assert_eq!(due_now(&pending, 1_000, Duration::from_micros(4_500)), 5);
        assert_eq!(due_now(&pending, 1_000, Duration::from_secs(1)), MAX_BATCH);
        assert_eq!(due_now(&pending[10..], 1_000, Duration::from_millis(9)), 0);
        assert_eq!(due_now(&[], 1_000, Duration::from_secs(1)), 0);
    }

    #[test]
    fn extrinsics_go_round_robin_over_endpoints_and_accounts() {
        assert_eq!(assigned(10, 4, 0), [0, 4, 8]);
        assert_eq!(assigned(10, 4, 3), [3, 7]);
        assert_eq!(assigned(10, 1, 0), (0..10).collect::<Vec<_>>());
        let all: usize = (0..4).map(|endpoint| assigned(1_001, 4, endpoint).len()).sum();
        assert_eq!(all, 1_001);
        assert_eq!(signer_of(0, 16), (0, 0));
        assert_eq!(signer_of(17, 16), (1, 1));
        assert_eq!(signer_of(31, 16), (15, 1));
        // With accounts a multiple of the endpoints, an account's extrinsics all use one endpoint.
        for index in (3..10_000).step_by(16) {
            assert_eq!(signer_of(index, 16).0 % 4, index % 4);
        }
        let longest = serial(9_999_999, 62, MAX_EXTRINSICS as usize);
        assert!(pallet_products::types::is_valid_serial(longest.as_bytes()), "{longest}");
    }

    #[test]
    fn ratios_are_rounded_fixed_point() {
        assert_eq!(ratio(1, 3, 2).as_deref(), Some("0.33"));
        assert_eq!(ratio(2, 3, 2).as_deref(), Some("0.67"));
        assert_eq!(ratio(10, 4, 0).as_deref(), Some("3"));
        assert_eq!(ratio(500 * 1_000_000, 10_000_000, 2).as_deref(), Some("50.00"));
        assert_eq!(ratio(1, 0, 2), None);
        assert_eq!(millis(1_234_567), "1234.567");
        assert_eq!(millis(5), "0.005");
        assert_eq!(Rate { extrinsics: 499, micros: 10_300_000 }.per_second().as_deref(), Some("48.45"));
        assert_eq!(number(Some("48.45".into())), json!(48.45));
        assert_eq!(number(None), Value::Null);
    }

    #[test]
    fn batch_answers_are_matched_by_id() {
        let response = json!([
            { "jsonrpc": "2.0", "id": 7, "error": { "code": 1010, "message": "Invalid Transaction", "data": "stale" } },
            { "jsonrpc": "2.0", "id": 3, "result": "0x00" },
        ]);
        assert_eq!(
            batch_answers(&response, &[3, 7, 9]),
            [
                Ok(()),
                Err("1010 Invalid Transaction: stale".to_string()),
                Err("no answer in the batch response".to_string())
            ]
        );
        let refused = json!({ "jsonrpc": "2.0", "id": null, "error": { "code": -32010, "message": "too big" } });
        assert_eq!(batch_answers(&refused, &[1, 2]), vec![Err("batch refused: -32010 too big".to_string()); 2]);
        assert!(batch_answers(&json!("nonsense"), &[1])[0].is_err());
    }

    fn block(number: BlockNumber, load: u32, seen_ms: u64) -> BlockRecord {
        BlockRecord { number, extrinsics: load + 1, load, seen_us: seen_ms * 1_000 }
    }

    #[test]
    fn the_report_adds_up() {
        // 10 extrinsics sent every 100 ms from 0; 8 accepted, 7 finalized in blocks 11 to 13.
        let ms = |ms: u64| Some(ms * 1_000);
        let measurements = Measurements {
            signing: Duration::from_millis(12),
            submitted_us: (0..10).map(|n| ms(n * 100)).collect(),
            accepted: (0..10).map(|n| n < 8).collect(),
            rejected: BTreeMap::from([("1014 Priority is too low".to_string(), 2)]),
            finalized_us: vec![ms(500), ms(500), ms(500), ms(1_000), ms(1_000), ms(1_500), ms(1_500), None, None, None],
            blocks: vec![
                block(10, 0, 0),
                block(11, 3, 500),
                block(12, 2, 1_000),
                block(13, 2, 1_500),
                block(14, 0, 2_000),
            ],
            max_lag_us: 250,
            ..Measurements::default()
        };
        let report = summarize(&config(10, 1), &measurements);
        assert_eq!((report.submitted, report.accepted, report.finalized, report.not_finalized), (10, 8, 7, 1));
        assert_eq!(report.signing_ms, 12);
        assert_eq!(report.submit_span_us, 900_000);
        // 7 finalized from the first submission (0) to the last finality (1.5 s).
        assert_eq!(report.sustained, Some(Rate { extrinsics: 7, micros: 1_500_000 }));
        assert_eq!(report.sustained.and_then(|rate| rate.per_second()).as_deref(), Some("4.67"));
        // Blocks seen while submitting (0 to 0.9 s): #10 at 0 and #11 at 0.5 s: 3 in 0.5 s.
        assert_eq!(report.steady, Some(Rate { extrinsics: 3, micros: 500_000 }));
        assert_eq!(report.block_stats, BlockStats { blocks: 3, load: 7, max_load: 3, max_extrinsics: 4 });
        assert_eq!(report.block_stats.mean_load().as_deref(), Some("2.33"));
        // Latencies: 500, 400, 300, 700, 600, 1000, 900 ms.
        assert_eq!(
            report.latency,
            Some(Latency { samples: 7, p50_us: 600_000, p90_us: 1_000_000, p99_us: 1_000_000, max_us: 1_000_000 })
        );
        let json = report.to_json();
        assert_eq!(json["rejected"]["1014 Priority is too low"], 2);
        assert_eq!(json["sustained"]["tps"], json!(4.67));
        assert_eq!(json["latencyMs"]["p50"], json!(600.0));
        assert_eq!(json["blocks"].as_array().map(Vec::len), Some(5));
        assert!(report.lines().iter().any(|line| line.contains("p50 600.000 ms")));
    }

    #[test]
    fn a_run_that_finalized_nothing_reports_no_rates() {
        let measurements = Measurements {
            submitted_us: vec![Some(0), Some(1_000)],
            accepted: vec![true, true],
            finalized_us: vec![None, None],
            ..Measurements::default()
        };
        let report = summarize(&config(2, 1), &measurements);
        assert_eq!((report.finalized, report.not_finalized), (0, 2));
        assert_eq!((report.sustained, report.steady, report.latency), (None, None, None));
        assert_eq!(report.block_stats, BlockStats::default());
        assert_eq!(report.to_json()["latencyMs"], Value::Null);
    }

    #[test]
    fn configurations_that_cannot_run_are_refused() {
        assert!(config(50, 10).validate().is_ok());
        assert!(config(0, 10).validate().is_err());
        assert!(config(50, 0).validate().is_err());
        assert!(config(u32::MAX, 10).validate().is_err());
        assert!(LoadConfig { accounts: 0, ..config(50, 10) }.validate().is_err());
        assert!(LoadConfig { accounts: MAX_LOAD_ACCOUNTS + 1, ..config(50, 10) }.validate().is_err());
        assert!(LoadConfig { urls: Vec::new(), ..config(50, 10) }.validate().is_err());
    }
}
