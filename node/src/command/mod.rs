//! What each command of `tracechain` does: [`run`] dispatches the parsed command line to the
//! module of its subcommand.
//!
//! The subcommands share the chain they work on ([`chain_access`]), the log set-up
//! ([`logging`]) and one error type ([`error::CommandError`]); none of them reaches back into
//! this dispatcher. The tools that work over JSON-RPC only (`verify`, `qr`, `epcis`) live in
//! `tracechain-client`; [`tools`] prints what they return.

pub mod blocks;
pub mod build_spec;
pub mod chain_access;
pub mod error;
pub mod key;
pub mod logging;
pub mod replay;
pub mod run_node;
pub mod tools;

pub use error::CommandError;

use crate::cli::{Cli, Command};

/// Runs the command line.
pub fn run(cli: Cli) -> Result<(), CommandError> {
    match cli.command {
        None => run_node::run_node(cli.run),
        Some(Command::BuildSpec(args)) => build_spec::build_spec(&cli.run.chain, args),
        Some(Command::Key(command)) => key::key(command),
        Some(Command::ExportBlocks(args)) => blocks::export_blocks(&cli.run.chain, args),
        Some(Command::ImportBlocks(args)) => blocks::import_blocks(&cli.run.chain, args),
        Some(Command::PurgeChain(args)) => blocks::purge_chain(&cli.run.chain, args),
        Some(Command::Replay(args)) => replay::run(&cli.run.chain, args),
        Some(Command::Verify(args)) => tools::verify(&cli.run.chain, args),
        Some(Command::Qr(args)) => tools::qr(args),
        Some(Command::Epcis(args)) => tools::epcis(args),
    }
}
