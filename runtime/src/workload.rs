//! A supply-chain workload for benchmarks and load tests: signed blocks that commission items,
//! hand them over (propose and accept custody), declare them at customs, inspect and clear them —
//! the calls of the acceptance story, each for one item, many per block.
//!
//! The blocks are authored on the development chain spec (the dev accounts hold the roles of the
//! story: Alice the winery, Bob the carrier, Charlie the importer, Dave customs at CNSHA, Eve the
//! inspector), one block per phase, so that a benchmark can time the authoring, the import or
//! both of exactly the same extrinsics.
//!
//! ## Failure
//! [`WorkloadError`] when the spec is not the development spec (a role is missing, so a call
//! fails) or a block cannot be built; every extrinsic of every phase must succeed.

use tracechain_primitives::{
    header::Block,
    keyring::{dev_sr25519, Sr25519Pair},
    Moment, H256,
};

use pallet_custody::types::{Subject, TransferKind};
use pallet_inspection::types::InspectionSubject;
use pallet_membership::types::OrgId;
use pallet_products::types::{serial_item_id, Gtin};

use crate::{
    executive::SignatureCheck,
    genesis::{ChainSpec, GenesisError},
    story, BlockError, InMemoryChain, RuntimeCall,
};

/// The product class of the workload: the brief's wine ([`crate::story::GTIN`]).
pub const WORKLOAD_GTIN: &str = story::GTIN;
/// The carrier organisation of the development spec.
const CARRIER: OrgId = 1;
/// Shanghai Fine Imports in the development spec (Charlie).
const IMPORTER: OrgId = 2;
/// Milliseconds between the workload's blocks.
pub const WORKLOAD_BLOCK_MS: Moment = 6_000;

/// Why the workload could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    /// The chain spec is unusable.
    #[error(transparent)]
    Genesis(#[from] GenesisError),
    /// A block could not be authored.
    #[error("the {phase} block could not be built: {error}")]
    Block {
        /// The phase.
        phase: &'static str,
        /// Why.
        error: BlockError,
    },
    /// An extrinsic was left out or its call failed: the spec lacks a role of the story.
    #[error("extrinsic {index} of the {phase} block did not succeed: {reason}")]
    Failed {
        /// The phase.
        phase: &'static str,
        /// The extrinsic's index within the phase.
        index: usize,
        /// The transaction or dispatch error.
        reason: String,
    },
    /// A number in the workload is out of range.
    #[error("invalid workload: {0}")]
    Invalid(String),
}

/// One phase: its name, its signed extrinsics (length-prefixed) and the block that holds them.
#[derive(Clone, Debug)]
pub struct WorkloadPhase {
    /// `register`, `commission`, `propose_custody`, `accept_custody`, `declare`, `attest`, `clear`.
    pub name: &'static str,
    /// The phase's extrinsics, in block order.
    pub extrinsics: Vec<Vec<u8>>,
    /// The authored block (timestamp inherent first, then the extrinsics).
    pub block: Block,
    /// The block's time.
    pub time: Moment,
}

/// The workload: the phases in chain order, each built on the previous one.
#[derive(Clone, Debug)]
pub struct SupplyChainWorkload {
    /// Every phase; the first (`register`) registers the product class and is set-up, not load.
    pub phases: Vec<WorkloadPhase>,
}

impl SupplyChainWorkload {
    /// The phases that are load (every phase after the set-up).
    pub fn load_phases(&self) -> &[WorkloadPhase] {
        self.phases.get(1..).unwrap_or_default()
    }

    /// The number of extrinsics in the load phases.
    pub fn load_extrinsics(&self) -> usize {
        self.load_phases().iter().map(|phase| phase.extrinsics.len()).sum()
    }

    /// Every block, in order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.phases.iter().map(|phase| &phase.block)
    }
}

/// Builds the workload of `items` items (1..=1,000: one block per phase) on `spec`, whose genesis
/// must give the dev accounts the roles of the development spec. Block `n` has time
/// `first_block_time + (n - 1) * WORKLOAD_BLOCK_MS`.
pub fn supply_chain_workload(
    spec: &ChainSpec,
    items: usize,
    first_block_time: Moment,
) -> Result<SupplyChainWorkload, WorkloadError> {
    if !(1..=1_000).contains(&items) {
        return Err(WorkloadError::Invalid(format!("{items} items; 1 to 1,000 fit one block per phase")));
    }
    let mut builder = WorkloadBuilder { chain: InMemoryChain::new(spec)?, time: first_block_time, phases: Vec::new() };
    let (alice, bob, charlie, dave, eve) =
        (dev_sr25519("Alice"), dev_sr25519("Bob"), dev_sr25519("Charlie"), dev_sr25519("Dave"), dev_sr25519("Eve"));
    let gtin = Gtin::parse(WORKLOAD_GTIN.as_bytes())
        .map_err(|error| WorkloadError::Invalid(format!("workload GTIN: {error:?}")))?;
    let winery = story::location(story::WINERY_GLN).map_err(WorkloadError::Invalid)?;
    let serials: Vec<Vec<u8>> = (1..=items).map(|serial| serial.to_string().into_bytes()).collect();
    let item_ids: Vec<H256> = serials.iter().map(|serial| serial_item_id(&gtin, serial)).collect();

    builder.phase("register", &alice, vec![story::register_class()])?;
    builder.phase("commission", &alice, {
        serials.iter().map(|serial| story::commission(vec![serial.clone()], winery.clone())).collect()
    })?;
    let first_proposal = builder.read_next_id(&pallet_custody::NEXT_PROPOSAL_ID);
    builder.phase("propose_custody", &alice, {
        let mut calls: Vec<RuntimeCall> = item_ids
            .iter()
            .map(|item| {
                RuntimeCall::Custody(pallet_custody::Call::propose_transfer {
                    subject: Subject::Item(*item),
                    kind: TransferKind::Custody,
                    to: CARRIER,
                    location: winery.clone(),
                })
            })
            .collect();
        // The winery, which keeps the title, names the importer that will declare the goods.
        calls.push(RuntimeCall::Customs(pallet_customs::Call::name_importer {
            subjects: item_ids.iter().map(|item| Subject::Item(*item)).collect(),
            importer: Some(IMPORTER),
        }));
        calls
    })?;
    builder.phase("accept_custody", &bob, {
        (first_proposal..)
            .take(items)
            .map(|proposal| RuntimeCall::Custody(pallet_custody::Call::accept { proposal, location: winery.clone() }))
            .collect()
    })?;
    let first_declaration = builder.read_next_id(&pallet_customs::NEXT_DECLARATION_ID);
    builder.phase("declare", &charlie, {
        item_ids.iter().map(|item| story::declare_at_shanghai(vec![Subject::Item(*item)], 750)).collect()
    })?;
    let attestations = item_ids
        .iter()
        .map(|item| story::attest_quarantine_pass(InspectionSubject::Item(*item)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(WorkloadError::Invalid)?;
    builder.phase("attest", &eve, attestations)?;
    builder.phase("clear", &dave, {
        (first_declaration..)
            .take(items)
            .map(|declaration| {
                RuntimeCall::Customs(pallet_customs::Call::clear {
                    declaration,
                    certificate_ref: format!("CNSHA-2026-{declaration:06}").into_bytes(),
                })
            })
            .collect()
    })?;
    Ok(SupplyChainWorkload { phases: builder.phases })
}

struct WorkloadBuilder {
    chain: InMemoryChain,
    time: Moment,
    phases: Vec<WorkloadPhase>,
}

impl WorkloadBuilder {
    /// Signs `calls` by `signer` with consecutive nonces, authors them as one
    /// block and checks that every one succeeded.
    fn phase(
        &mut self,
        name: &'static str,
        signer: &Sr25519Pair,
        calls: Vec<RuntimeCall>,
    ) -> Result<(), WorkloadError> {
        let first_nonce = self.chain.account_nonce(&signer.public());
        let extrinsics: Vec<Vec<u8>> =
            calls.into_iter().zip(first_nonce..).map(|(call, nonce)| self.chain.sign(signer, call, nonce)).collect();
        let (block, results) = self
            .chain
            .build_block(self.time, &extrinsics, SignatureCheck::Verify)
            .map_err(|error| WorkloadError::Block { phase: name, error })?;
        for (index, result) in results.into_iter().enumerate() {
            let reason = match result {
                Ok(Ok(())) => continue,
                Ok(Err(error)) => format!("dispatch error {error:?}"),
                Err(error) => format!("invalid transaction {error:?}"),
            };
            return Err(WorkloadError::Failed { phase: name, index, reason });
        }
        self.phases.push(WorkloadPhase { name, extrinsics, block, time: self.time });
        self.time = self.time.saturating_add(WORKLOAD_BLOCK_MS);
        Ok(())
    }

    /// The value of an id counter at the best block (0 before the first id is handed out).
    fn read_next_id<V: parity_scale_codec::Codec + Default>(
        &self,
        counter: &tracechain_support::StorageValue<V, tracechain_support::ValueQuery>,
    ) -> V {
        self.chain.read(|state| counter.get(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_holds_its_items_and_imports_on_a_fresh_chain() {
        let spec = ChainSpec::development().expect("development spec");
        let workload = supply_chain_workload(&spec, 20, 1_700_000_000_000).expect("workload");
        let names: Vec<&str> = workload.phases.iter().map(|phase| phase.name).collect();
        assert_eq!(
            names,
            ["register", "commission", "propose_custody", "accept_custody", "declare", "attest", "clear"]
        );
        // One call per item and phase, and the winery's naming of the importer.
        assert_eq!(workload.load_extrinsics(), 6 * 20 + 1);
        let mut chain = InMemoryChain::new(&spec).expect("genesis");
        for block in workload.blocks() {
            chain.import_block(block).expect("the workload's blocks import");
        }
        let gtin = Gtin::parse(WORKLOAD_GTIN.as_bytes()).expect("gtin");
        let item = serial_item_id(&gtin, b"20");
        let declared = chain.read(|state| pallet_customs::declarations_of_item(state, &item));
        assert_eq!(declared.len(), 1);
        assert_eq!(declared[0].1.status, pallet_customs::types::DeclarationStatus::Cleared);
        let item = chain.read(|state| pallet_products::item(state, &item)).expect("item");
        assert_eq!(item.custodian, CARRIER);
    }

    #[test]
    fn out_of_range_sizes_are_refused() {
        let spec = ChainSpec::development().expect("development spec");
        assert!(matches!(supply_chain_workload(&spec, 0, 0), Err(WorkloadError::Invalid(_))));
        assert!(matches!(supply_chain_workload(&spec, 1_001, 0), Err(WorkloadError::Invalid(_))));
    }
}
