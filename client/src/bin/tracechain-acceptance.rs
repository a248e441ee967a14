//! `tracechain-acceptance`: walks the brief's acceptance story against a running node over
//! JSON-RPC only, signing with the development keys, and prints bottle 17's journey as
//! `trace_getJourney` serves it. Exits non-zero, saying which step failed, if any does.

use std::time::Duration;

use clap::Parser;
use tracechain_client::{rpc::RpcClient, story};

/// Walks the acceptance story over JSON-RPC and prints the journey.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The node's JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    rpc: String,
    /// How long to wait for each transaction to be finalized, in seconds.
    #[arg(long, default_value_t = 60)]
    timeout_secs: u64,
    /// Print the journey as JSON instead of lines.
    #[arg(long)]
    json: bool,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let outcome = RpcClient::connect(&args.rpc).and_then(|mut client| {
        client.timeout = Duration::from_secs(args.timeout_secs);
        eprintln!("connected to {} (genesis {:?})", args.rpc, client.genesis_hash());
        story::run(&client, &mut |step| eprintln!("✓ {step}"))
    });
    match outcome {
        Ok(outcome) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&outcome.journey).unwrap_or_default());
            } else {
                println!("The consumer scans {}:", outcome.digital_link);
                for line in story::journey_lines(&outcome.journey) {
                    println!("{line}");
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("acceptance story failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
