//! The chain a command works on: its spec (`--dev`, `--chain`) and its database under the
//! base path.

use std::path::PathBuf;
use std::sync::Arc;

use tracechain_runtime::ChainSpec;

use super::error::{io_error, CommandError};
use crate::{
    chain::{Chain, Pruning},
    cli::ChainArgs,
    db::{rocks::RocksDatabase, Database},
};

/// The chain spec selected by `--dev` / `--chain` (development by default).
pub fn load_spec(args: &ChainArgs) -> Result<ChainSpec, CommandError> {
    match &args.chain {
        Some(path) => {
            let json = std::fs::read_to_string(path).map_err(io_error(path))?;
            Ok(ChainSpec::from_json(&json)?)
        }
        None => Ok(ChainSpec::development()?),
    }
}

/// `<base-path>/chains/<id>/db`.
pub fn database_path(args: &ChainArgs, spec: &ChainSpec) -> Result<PathBuf, CommandError> {
    let base = match &args.base_path {
        Some(path) => path.clone(),
        None => directories::ProjectDirs::from("", "", "tracechain")
            .map(|dirs| dirs.data_dir().to_path_buf())
            .ok_or_else(|| CommandError::Usage("no home directory: give --base-path".into()))?,
    };
    Ok(base.join("chains").join(&spec.id).join("db"))
}

/// Opens the chain of `args`; a new database keeps the states `pruning` says (archive if None).
pub(crate) fn open_chain(args: &ChainArgs, pruning: Option<Pruning>) -> Result<(Chain, PathBuf), CommandError> {
    let spec = load_spec(args)?;
    let path = database_path(args, &spec)?;
    std::fs::create_dir_all(&path).map_err(io_error(&path))?;
    let db: Arc<dyn Database> = Arc::new(RocksDatabase::open(&path)?);
    Ok((Chain::open(db, spec, pruning)?, path))
}
