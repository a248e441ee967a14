//! `tracechain-load`: drives a running Tracechain network with signed supply-chain extrinsics
//! (`commission_serials` of one bottle each, by load accounts of the winery) at a target rate,
//! open loop, through every endpoint given, and reports the sustained throughput, the throughput
//! over the steady window, extrinsics per block and the submission-to-finality latency (p50, p90,
//! p99, max). See [`tracechain_client::load`] for what is measured and how.
//!
//! ```sh
//! tracechain-load --rpc http://127.0.0.1:9944 --rpc http://127.0.0.1:9945 --rate 500 --duration 30
//! ```
//!
//! Set-up (the product class, the load accounts admitted by governance) and pre-signing happen
//! before the clock starts. Progress goes to stderr, the report to stdout (`--json` for JSON).
//!
//! ## Failure
//! Exits 1 when the set-up fails (an endpoint unreachable or on another chain, a chain without
//! the development accounts, a governance step that failed), saying why, and when nothing was
//! finalized (after printing the report); refusals and unfinalized extrinsics are in the report.

use std::{process::ExitCode, time::Duration};

use clap::Parser;
use tracechain_client::load::{self, LoadConfig};

/// Loads a Tracechain network with signed commissions and reports throughput and latency.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// A node's JSON-RPC endpoint; repeat for several (extrinsics are spread round-robin over
    /// them; the first also serves the set-up and the finality watcher).
    #[arg(long = "rpc", value_name = "URL", default_value = "http://127.0.0.1:9944")]
    rpc: Vec<String>,
    /// Target rate, extrinsics per second.
    #[arg(long)]
    rate: u32,
    /// How long to submit load, in seconds.
    #[arg(long, value_name = "SECS")]
    duration: u32,
    /// Load accounts (`//Load/<k>`) that sign the extrinsics round-robin.
    #[arg(long, default_value_t = 16)]
    accounts: u32,
    /// How long to wait for finality after the last submission, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = load::DEFAULT_DRAIN.as_secs())]
    drain: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = LoadConfig {
        urls: args.rpc,
        rate: args.rate,
        duration_secs: args.duration,
        accounts: args.accounts,
        drain: Duration::from_secs(args.drain),
    };
    let report = match load::run(&config, &mut |step| eprintln!("· {step}")) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("tracechain-load failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_json()).unwrap_or_default());
    } else {
        for line in report.lines() {
            println!("{line}");
        }
    }
    if report.finalized == 0 {
        eprintln!("tracechain-load: nothing was finalized");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
