//! `tracechain export-blocks`, `import-blocks` and `purge-chain`: a chain's blocks to and from a
//! file, and its database removed.

use std::path::Path;

use parity_scale_codec::Decode;
use tracechain_engine::Certificate;

use super::{
    chain_access::{database_path, load_spec, open_chain},
    error::{io_error, CommandError},
    logging::init_logging,
};
use crate::{
    blocks_file,
    cli::{ChainArgs, ExportArgs, ImportArgs, PurgeArgs},
    metrics::Metrics,
    pool::{Pool, PoolLimits},
    service::Node,
};

pub(crate) fn export_blocks(chain_args: &ChainArgs, args: ExportArgs) -> Result<(), CommandError> {
    let (chain, _) = open_chain(chain_args, None)?;
    let to = args.to.unwrap_or(chain.finalized().number).min(chain.finalized().number);
    let file = std::fs::File::create(&args.output).map_err(io_error(&args.output))?;
    let mut out = std::io::BufWriter::new(file);
    blocks_file::write_header(&mut out, chain.genesis().hash())?;
    let mut written = 0u32;
    for number in args.from.max(1)..=to {
        let hash = chain
            .hash_of(number)?
            .ok_or_else(|| CommandError::Usage(format!("block #{number} is not in the database")))?;
        let block = chain.block(&hash)?.ok_or_else(|| CommandError::Usage(format!("block #{number} body missing")))?;
        blocks_file::write_block(&mut out, &block, chain.justification(&hash)?.as_ref())?;
        written += 1;
    }
    std::io::Write::flush(&mut out).map_err(io_error(&args.output))?;
    eprintln!("Exported {written} blocks (#{}..=#{to}) to {}", args.from.max(1), args.output.display());
    Ok(())
}

pub(crate) fn import_blocks(chain_args: &ChainArgs, args: ImportArgs) -> Result<(), CommandError> {
    init_logging("warn");
    let (chain, _) = open_chain(chain_args, None)?;
    let file = std::fs::File::open(&args.input).map_err(io_error(&args.input))?;
    let mut input = std::io::BufReader::new(file);
    let genesis = blocks_file::read_header(&mut input)?;
    if genesis != chain.genesis().hash() {
        return Err(CommandError::Usage(format!(
            "the file holds blocks of the chain with genesis {genesis:?}, not {:?}",
            chain.genesis().hash()
        )));
    }
    let records = blocks_file::read_blocks(&mut input)?;
    let node = Node::new(chain, Pool::new(PoolLimits::default()), "import".into(), Metrics::new());
    let mut imported = 0usize;
    for (block, certificate) in records {
        if block.header.number <= node.chain().best().number {
            continue;
        }
        let certificate =
            certificate.map(|bytes| Certificate::decode(&mut &bytes[..])).transpose().map_err(|error| {
                CommandError::Usage(format!("block #{}: certificate does not decode: {error}", block.header.number))
            })?;
        let number = block.header.number;
        node.import_verified(block, certificate)
            .map_err(|error| CommandError::Usage(format!("block #{number}: {error}")))?;
        imported += 1;
    }
    eprintln!("Imported {imported} blocks; best is #{}", node.chain().best().number);
    Ok(())
}

pub(crate) fn purge_chain(chain_args: &ChainArgs, args: PurgeArgs) -> Result<(), CommandError> {
    let spec = load_spec(chain_args)?;
    let path = database_path(chain_args, &spec)?;
    if !path.exists() {
        eprintln!("{} does not exist: nothing to purge", path.display());
        return Ok(());
    }
    if !args.yes {
        eprint!("Delete the database at {}? [y/N] ", path.display());
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).map_err(io_error(Path::new("stdin")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Aborted");
            return Ok(());
        }
    }
    std::fs::remove_dir_all(&path).map_err(io_error(&path))?;
    eprintln!("Deleted {}", path.display());
    Ok(())
}
