//! `trace_getJourneyProof`: an item's journey with everything needed to check it without
//! trusting the node — the finalized block's header and finality certificate, and the storage
//! proof of every value the journey reads, against that header's state root.
//!
//! The proof's types and its checker are in `tracechain-verify`. A verifier (`tracechain verify`) decodes the header, checks the certificate against the
//! validator set it derives from the chain spec (following the proven validator-set changes of
//! [`JourneyProof::validator_set_changes`]), checks the proof against the state root, recomputes
//! the journey from the proven values alone and compares it with [`JourneyProof::journey`].
//!
//! ## What the proof covers
//! The journey is computed here exactly as the verifier recomputes it: from the state of the
//! certified block. A step whose pallet records only its block number takes that block's time
//! from [`JourneyProof::block_times`]: the block's header, whose hash the certified state holds in
//! `System.BlockHash` (the last 2,400 blocks), and the proof of `Timestamp.Now` in its state;
//! older blocks' steps have no time. Every key read — including keys found absent — is in
//! [`JourneyProof::keys`] and proven.
//!
//! ## Failure
//! A block without a finality certificate cannot be proven (`at` must name a finalized block);
//! an unknown item is `null`; state read failures are state errors.

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use jsonrpsee::{types::ErrorObjectOwned, RpcModule};
use parity_scale_codec::{Decode, Encode};
use tracechain_primitives::{header::Header, storage_key, BlockNumber, Moment, H256};
use tracechain_runtime::journey;
use tracechain_support::{overlay::StateReader, Overlay};
use tracechain_verify::proof::{BlockTimeProof, JourneyProof, ValidatorSetChangeProof};

use crate::{
    client::NodeClient,
    error::{state_client_error, state_error, RpcError},
    json::{to_hex, Args},
    state::resolve_at,
    trace::{parse_item, ClientState, ItemRef},
};

/// A block's state through the node, recording every key read.
struct RecordingState<'a> {
    client: &'a dyn NodeClient,
    state_root: H256,
    keys: RefCell<BTreeSet<Vec<u8>>>,
}

impl StateReader for RecordingState<'_> {
    fn read(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.keys.borrow_mut().insert(key.to_vec());
        self.client.storage(self.state_root, key).map_err(|error| error.to_string())
    }
}

/// The block `at` names, or the finalized head; it must have a certificate.
fn certified_block(client: &dyn NodeClient, at: Option<H256>) -> Result<(Header, Vec<u8>), ErrorObjectOwned> {
    let header = match at {
        Some(_) => resolve_at(client, at)?,
        None => client.finalized_header(),
    };
    let (_, justification) = client
        .block(&header.hash())
        .map_err(state_client_error)?
        .ok_or_else(|| state_error(format!("block {:?} has no body", header.hash())))?;
    let justification = justification.ok_or_else(|| {
        state_error(format!("block #{} is not finalized: only a finalized block's state can be proven", header.number))
    })?;
    Ok((header, justification))
}

/// The validator-set changes before `header`'s block, each proven: block N is certified by the
/// set in the state of block N − 1, so a change at N itself is certified by the set before it
/// and takes effect from N + 1.
fn validator_set_changes(
    client: &dyn NodeClient,
    header: &Header,
) -> Result<Vec<ValidatorSetChangeProof>, ErrorObjectOwned> {
    let reader = ClientState { client, state_root: header.state_root };
    let state = Overlay::new(&reader);
    let heights = pallet_membership::validator_set_changes(&state);
    if let Some(reason) = state.corruption() {
        return Err(state_error(reason));
    }
    let validators_key = storage_key::storage_prefix(pallet_membership::PALLET_NAME, "Validators").to_vec();
    heights
        .into_iter()
        .filter(|height| *height < header.number)
        .map(|height: BlockNumber| {
            let hash = client
                .hash_of(height)
                .map_err(state_client_error)?
                .ok_or_else(|| state_error(format!("block #{height} is missing")))?;
            let (block, justification) = client
                .block(&hash)
                .map_err(state_client_error)?
                .ok_or_else(|| state_error(format!("block #{height} is missing")))?;
            let justification =
                justification.ok_or_else(|| state_error(format!("block #{height} has no certificate")))?;
            let proof = client
                .read_proof(block.header.state_root, std::slice::from_ref(&validators_key))
                .map_err(state_client_error)?;
            Ok(ValidatorSetChangeProof {
                header: to_hex(&block.header.encode()),
                justification: to_hex(&justification),
                proof: proof.iter().map(|node| to_hex(node)).collect(),
            })
        })
        .collect()
}

/// Builds the proof of `item`'s journey at the certified block `at` (the finalized head if
/// `None`); `None` if there is no such item.
pub fn journey_proof(
    client: &dyn NodeClient,
    item: &ItemRef,
    at: Option<H256>,
) -> Result<Option<JourneyProof>, ErrorObjectOwned> {
    let (header, justification) = certified_block(client, at)?;
    let recorder = RecordingState { client, state_root: header.state_root, keys: RefCell::new(BTreeSet::new()) };
    let overlay = Overlay::new(&recorder);
    let id = match item {
        ItemRef::Id(id) => Some(*id),
        ItemRef::Uri(uri) => pallet_identity::item_for_uri(&overlay, uri),
    };
    let Some(id) = id else { return Ok(None) };
    let Some(first) = journey::journey(&overlay, &id, &|_| None) else { return Ok(None) };
    let (times, block_times) = past_block_times(client, &overlay, &first)?;
    let journey = journey::journey(&overlay, &id, &|number| times.get(&number).copied());
    if let Some(reason) = overlay.corruption() {
        return Err(state_error(format!("the state of block #{} cannot be read: {reason}", header.number)));
    }
    let Some(journey) = journey else { return Ok(None) };
    let keys: Vec<Vec<u8>> = recorder.keys.into_inner().into_iter().collect();
    let proof = client.read_proof(header.state_root, &keys).map_err(state_client_error)?;
    Ok(Some(JourneyProof {
        item: format!("{id:?}"),
        header: to_hex(&header.encode()),
        justification: to_hex(&justification),
        keys: keys.iter().map(|key| to_hex(key)).collect(),
        proof: proof.iter().map(|node| to_hex(node)).collect(),
        journey: serde_json::to_value(&journey).map_err(|error| state_error(error.to_string()))?,
        validator_set_changes: validator_set_changes(client, &header)?,
        block_times,
    }))
}

/// The times (and their proofs) of the blocks whose steps in `journey` have none, for those
/// blocks the certified state (`state`) still records the hash of.
fn past_block_times(
    client: &dyn NodeClient,
    state: &Overlay<'_>,
    journey: &journey::Journey,
) -> Result<(BTreeMap<BlockNumber, Moment>, Vec<BlockTimeProof>), ErrorObjectOwned> {
    let now_key = pallet_timestamp::NOW.key();
    let mut times = BTreeMap::new();
    let mut proofs = Vec::new();
    let wanted: BTreeSet<BlockNumber> =
        journey.steps.iter().filter(|step| step.time.is_none()).map(|step| step.block).collect();
    for number in wanted {
        let Some(hash) = pallet_system::block_hash(state, number) else { continue };
        let past = client
            .header(&hash)
            .map_err(state_client_error)?
            .ok_or_else(|| state_error(format!("block #{number} {hash:?} is missing")))?;
        let Some(time) = client.storage(past.state_root, &now_key).map_err(state_client_error)? else { continue };
        let time = Moment::decode(&mut &time[..]).map_err(|error| state_error(format!("Timestamp.Now: {error}")))?;
        let proof = client.read_proof(past.state_root, std::slice::from_ref(&now_key)).map_err(state_client_error)?;
        times.insert(number, time);
        proofs.push(BlockTimeProof {
            header: to_hex(&past.encode()),
            proof: proof.iter().map(|node| to_hex(node)).collect(),
        });
    }
    Ok((times, proofs))
}

/// Registers `trace_getJourneyProof`.
pub(crate) fn register(module: &mut RpcModule<Arc<dyn NodeClient>>) -> Result<(), RpcError> {
    module.register_blocking_method(
        "trace_getJourneyProof",
        |params, client, _| -> Result<Option<JourneyProof>, ErrorObjectOwned> {
            let args = Args::parse(&params, "trace_getJourneyProof", &["item", "at"])?;
            let item = parse_item(&args, 0)?;
            journey_proof(&**client, &item, args.hash(1)?)
        },
    )?;
    Ok(())
}
