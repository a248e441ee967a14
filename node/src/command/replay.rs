//! `tracechain replay`: the auditor's command around [`crate::replay`] — read the blocks from a
//! node's database or a blocks file, replay them, and print the report (a progress bar on a
//! terminal; `--json` for machines). Exits with failure when anything did not check out.

use std::{io::IsTerminal, path::Path, sync::Arc};

use super::{
    chain_access::{database_path, load_spec},
    error::CommandError,
};
use crate::{
    blocks_file,
    chain::Chain,
    cli::{ChainArgs, ReplayArgs},
    db::{rocks::RocksDatabase, Database},
    replay::{replay, ReplayOptions, ReplayReport, ReplaySource},
};

/// Runs `tracechain replay`.
pub fn run(chain_args: &ChainArgs, args: ReplayArgs) -> Result<(), CommandError> {
    let spec = load_spec(chain_args)?;
    let options = ReplayOptions { check_every_state: args.check_every_state };
    let bar = progress_bar(args.json);
    let mut progress = |done: u32, total: u32| {
        if let Some(bar) = &bar {
            bar.set_length(u64::from(total));
            bar.set_position(u64::from(done));
        }
    };
    let report = match &args.blocks {
        Some(path) => {
            let records = read_blocks_file(path, spec.genesis()?.hash())?;
            replay(&spec, ReplaySource::Blocks(records), options, &mut progress)
        }
        None => {
            let path = database_path(chain_args, &spec)?;
            if !path.join("CURRENT").exists() {
                return Err(CommandError::Usage(format!(
                    "no database at {} (give --base-path, and --chain for a non-development chain)",
                    path.display()
                )));
            }
            let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&path)?);
            let stored = Chain::open(db, spec.clone(), None)?;
            replay(&spec, ReplaySource::Database(&stored), options, &mut progress)
        }
    }
    .map_err(|error| CommandError::Usage(error.to_string()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print_report(&report, args.json);
    match &report.mismatch {
        None => Ok(()),
        Some(mismatch) => Err(CommandError::CheckFailed(format!(
            "replay found a mismatch at block #{} ({})",
            mismatch.block, mismatch.check
        ))),
    }
}

fn progress_bar(json: bool) -> Option<indicatif::ProgressBar> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} replaying [{bar:40}] {pos}/{len} blocks, {per_sec}, eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

fn read_blocks_file(
    path: &Path,
    genesis: tracechain_primitives::H256,
) -> Result<Vec<crate::replay::BlockRecord>, CommandError> {
    let file =
        std::fs::File::open(path).map_err(|source| CommandError::Io { path: path.display().to_string(), source })?;
    let mut input = std::io::BufReader::new(file);
    let file_genesis = blocks_file::read_header(&mut input)?;
    if file_genesis != genesis {
        return Err(CommandError::Usage(format!(
            "{} holds blocks of the chain with genesis {file_genesis:?}, but the chain spec gives {genesis:?}",
            path.display()
        )));
    }
    Ok(blocks_file::read_blocks(&mut input)?)
}

fn print_report(report: &ReplayReport, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(report).unwrap_or_default());
        return;
    }
    println!(
        "Replayed {} blocks ({} extrinsics, {} certificates) from the {} in {} ms",
        report.blocks, report.extrinsics, report.certificates, report.source, report.elapsed_ms
    );
    println!(
        "Last good block: #{} {} (state root {})",
        report.last_good_block.0, report.last_good_block.1, report.state_root
    );
    match &report.mismatch {
        None => println!("Every certificate, signature, extrinsics root and state root checks out."),
        Some(mismatch) => {
            println!("MISMATCH at block #{} {}: {} check failed", mismatch.block, mismatch.hash, mismatch.check);
            println!("  {}", mismatch.detail);
            if let Some(key) = &mismatch.key {
                println!("  storage key {key}");
            }
        }
    }
}
