//! The block export format of `export-blocks` / `import-blocks` (and the auditor's replay).
//!
//! ```text
//! magic "TRCB" ++ version 1u8 ++ genesis hash ++ { SCALE((Block, Option<certificate bytes>)) }*
//! ```
//! Each record is self-delimiting SCALE; the genesis hash lets an importer refuse a file of
//! another chain before executing anything.

use std::io::{Read, Write};

use parity_scale_codec::{Decode, Encode, IoReader};
use tracechain_primitives::{header::Block, H256};

const MAGIC: &[u8; 4] = b"TRCB";

/// A block and its finality certificate, as stored in the file.
pub type BlockRecord = (Block, Option<Vec<u8>>);
const VERSION: u8 = 1;

/// Why a blocks file cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BlocksFileError {
    /// An I/O error.
    #[error("blocks file: {0}")]
    Io(#[from] std::io::Error),
    /// Not a Tracechain blocks file.
    #[error("not a Tracechain blocks file (bad magic or version {version})")]
    BadHeader {
        /// The version byte found.
        version: u8,
    },
    /// A record does not decode.
    #[error("block record {index} does not decode: {reason}")]
    BadRecord {
        /// Its position in the file.
        index: usize,
        /// The decoder's message.
        reason: String,
    },
}

/// Writes the file header.
pub fn write_header(out: &mut impl Write, genesis: H256) -> Result<(), BlocksFileError> {
    out.write_all(MAGIC)?;
    out.write_all(&[VERSION])?;
    out.write_all(genesis.as_bytes())?;
    Ok(())
}

/// Writes one block and its certificate.
pub fn write_block(out: &mut impl Write, block: &Block, certificate: Option<&Vec<u8>>) -> Result<(), BlocksFileError> {
    out.write_all(&(block, certificate).encode())?;
    Ok(())
}

/// Reads the header, returning the file's genesis hash.
pub fn read_header(input: &mut impl Read) -> Result<H256, BlocksFileError> {
    let mut head = [0u8; 5];
    input.read_exact(&mut head)?;
    if &head[..4] != MAGIC || head[4] != VERSION {
        return Err(BlocksFileError::BadHeader { version: head[4] });
    }
    let mut genesis = [0u8; 32];
    input.read_exact(&mut genesis)?;
    Ok(H256(genesis))
}

/// Reads every record after the header.
pub fn read_blocks(input: &mut impl Read) -> Result<Vec<BlockRecord>, BlocksFileError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut cursor = &bytes[..];
    let mut blocks = Vec::new();
    while !cursor.is_empty() {
        let record = <(Block, Option<Vec<u8>>)>::decode(&mut IoReader(&mut cursor))
            .map_err(|error| BlocksFileError::BadRecord { index: blocks.len(), reason: error.to_string() })?;
        blocks.push(record);
    }
    Ok(blocks)
}
