//! The custody reads other pallets, the runtime and the RPC use: aggregates and their contents
//! (forward trace), journeys and their pages, packing records (backward trace), proposals.

use pallet_membership::types::OrgId;
use pallet_products::ItemId;
use tracechain_primitives::BlockNumber;
use tracechain_support::storage::StorageRead;

use crate::{
    calls::{contents_of, History},
    Aggregate, JourneyStep, PackingAction, PackingRecord, Proposal, ProposalId, Sscc, StepAction, Subject,
    TransferKind, AGGREGATES, DEFAULT_PROPOSAL_LIFETIME, HISTORY_LENGTH, HISTORY_PAGES, INBOX_SENDERS, OPEN_PROPOSAL,
    OPEN_PROPOSALS_BETWEEN, PROPOSALS, PROPOSAL_LIFETIME,
};

/// How many blocks a proposal stays open.
pub fn proposal_lifetime(storage: &impl StorageRead) -> BlockNumber {
    PROPOSAL_LIFETIME.get(storage).unwrap_or(DEFAULT_PROPOSAL_LIFETIME)
}

/// The aggregate packed under `sscc`, if any.
pub fn aggregate(storage: &impl StorageRead, sscc: &Sscc) -> Option<Aggregate> {
    AGGREGATES.get(storage, sscc)
}

/// Forward trace, one level: what the aggregate `sscc` holds directly (empty if there is none).
pub fn contents(storage: &impl StorageRead, sscc: &Sscc) -> Vec<Subject> {
    AGGREGATES.get(storage, sscc).map(|aggregate| aggregate.children).unwrap_or_default()
}

/// Forward trace, every level: the items `subject` is or holds, in depth-first order (the item
/// itself if it exists; empty for an unknown SSCC).
pub fn items_of(storage: &impl StorageRead, subject: &Subject) -> Vec<ItemId> {
    match subject {
        Subject::Item(id) => pallet_products::item(storage, id).map(|_| vec![*id]).unwrap_or_default(),
        Subject::Aggregate(sscc) => AGGREGATES
            .get(storage, sscc)
            .and_then(|aggregate| contents_of(storage, &aggregate.children).ok())
            .map(|contents| contents.items.into_iter().map(|(id, _)| id).collect())
            .unwrap_or_default(),
    }
}

/// The item's journey as this pallet recorded it, oldest step first (for the journey RPC): its
/// length, then every page in order.
pub fn history(storage: &impl StorageRead, item: &ItemId) -> Vec<JourneyStep> {
    History::Item(*item).steps(storage)
}

/// The journey of the SSCC, across every aggregate packed under it, oldest step first: its
/// length, then every page in order.
pub fn aggregate_history(storage: &impl StorageRead, sscc: &Sscc) -> Vec<JourneyStep> {
    History::Aggregate(*sscc).steps(storage)
}

/// How many steps the item's journey has.
pub fn history_length(storage: &impl StorageRead, item: &ItemId) -> u32 {
    HISTORY_LENGTH.get(storage, item)
}

/// Page `page` of the item's journey: steps `page × HISTORY_PAGE_STEPS` onwards, at most
/// [`HISTORY_PAGE_STEPS`](crate::HISTORY_PAGE_STEPS) of them (empty past the last page).
pub fn history_page(storage: &impl StorageRead, item: &ItemId, page: u32) -> Vec<JourneyStep> {
    HISTORY_PAGES.get(storage, item, &page)
}

/// Backward trace: every aggregate the item was packed into or unpacked from, directly or inside
/// another aggregate, oldest first.
pub fn packing_history(storage: &impl StorageRead, item: &ItemId) -> Vec<PackingRecord> {
    history(storage, item)
        .into_iter()
        .filter_map(|step| {
            let (sscc, action, via) = match step.action {
                StepAction::Packed { sscc, via } => (sscc, PackingAction::Packed, via),
                StepAction::Unpacked { sscc, via } => (sscc, PackingAction::Unpacked, via),
                _ => return None,
            };
            Some(PackingRecord {
                sscc,
                action,
                via,
                org: step.org,
                location: step.location,
                block: step.block,
                time: step.time,
            })
        })
        .collect()
}

/// The proposal with this id, open or closed.
pub fn proposal(storage: &impl StorageRead, id: ProposalId) -> Option<Proposal> {
    PROPOSALS.get(storage, &id)
}

/// The open proposal for (subject, receiver, kind), if any.
pub fn open_proposal(
    storage: &impl StorageRead,
    subject: &Subject,
    to: OrgId,
    kind: TransferKind,
) -> Option<ProposalId> {
    OPEN_PROPOSAL.get(storage, &(*subject, to, kind))
}

/// The open proposals addressed to `org`, oldest first (at most [`MAX_OPEN_PER_SENDER`](crate::MAX_OPEN_PER_SENDER) per
/// issuer).
pub fn open_proposals_for(storage: &impl StorageRead, org: OrgId) -> Vec<Proposal> {
    let mut ids: Vec<ProposalId> = INBOX_SENDERS
        .get(storage, &org)
        .into_iter()
        .flat_map(|from| OPEN_PROPOSALS_BETWEEN.get(storage, &org, &from))
        .collect();
    // Ids are given in order, so sorting them puts the oldest first.
    ids.sort_unstable();
    ids.into_iter().filter_map(|id| PROPOSALS.get(storage, &id)).collect()
}
