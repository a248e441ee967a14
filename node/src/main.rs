//! `tracechain`: the Tracechain node and its tools.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = tracechain_node::cli::Cli::parse();
    match tracechain_node::command::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
