//! The custody pallet's stored types: what a transfer moves ([`Subject`]), transfer proposals,
//! aggregates (SSCC), and the steps of an item's or an aggregate's journey.

use pallet_membership::types::{Location, OrgId};
use pallet_products::{AggregateRef, ItemId};
use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use tracechain_primitives::{gs1, AccountId32, BlockNumber, Moment};

/// A Serial Shipping Container Code (GS1 AI 00): 18 ASCII digits, the last being the GS1 check
/// digit of the others. It names an aggregate (a pallet, a container).
pub type Sscc = AggregateRef;

/// A transfer proposal's id, given in order from 0.
pub type ProposalId = u64;

/// Whether `sscc` is 18 ASCII digits whose last is the GS1 mod-10 check digit of the others.
pub fn is_valid_sscc(sscc: &Sscc) -> bool {
    gs1::check_digit_is_valid(sscc)
}

/// What a transfer moves: one item, or an aggregate with everything in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum Subject {
    /// An item (serialised unit or lot), by its id.
    #[codec(index = 0)]
    Item(ItemId),
    /// An aggregate, by its SSCC.
    #[codec(index = 1)]
    Aggregate(Sscc),
}

/// Which right a transfer hands over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum TransferKind {
    /// Physical possession: proposed by the custodian.
    #[codec(index = 0)]
    Custody,
    /// Title: proposed by the owner.
    #[codec(index = 1)]
    Ownership,
}

/// Where a proposal stands. Only `Open` proposals can change; the others are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum ProposalStatus {
    /// Waiting for the receiver.
    #[codec(index = 0)]
    Open,
    /// Accepted by the receiver: the transfer happened.
    #[codec(index = 1)]
    Accepted,
    /// Rejected by the receiver.
    #[codec(index = 2)]
    Rejected,
    /// Withdrawn by the issuer.
    #[codec(index = 3)]
    Cancelled,
    /// Left open for the chain's proposal lifetime and closed by the chain (no [`Closure`]:
    /// nobody closed it).
    #[codec(index = 4)]
    Expired,
}

/// How and by whom a proposal was closed.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Closure {
    /// The organisation that closed it (the receiver, or the issuer for a cancellation).
    pub by: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// Where the receiver accepted it (accepted proposals only).
    pub location: Option<Location>,
    /// Why the receiver rejected it (rejected proposals only).
    pub reason: Option<Vec<u8>>,
    /// The block it was closed in.
    pub at: BlockNumber,
    /// The block time it was closed at.
    pub time: Moment,
}

/// A transfer proposal. Kept after it is closed, so that a journey step that names it can show
/// how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// What it transfers.
    pub subject: Subject,
    /// Custody or ownership.
    pub kind: TransferKind,
    /// The issuer: the custodian (custody) or owner (ownership) organisation when proposed.
    pub from: OrgId,
    /// The receiver organisation.
    pub to: OrgId,
    /// The issuer's signing account.
    pub agent: AccountId32,
    /// Where the goods were when proposed (the shipping point, for custody).
    pub location: Location,
    /// For an aggregate: which packing of the SSCC it was made for ([`Aggregate::instance`]), so
    /// that it cannot be accepted for a later aggregate that reuses the SSCC.
    pub aggregate_instance: Option<u64>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The block it was proposed in.
    pub proposed_at: BlockNumber,
    /// The block time it was proposed at.
    pub proposed_time: Moment,
    /// How it was closed, once it is.
    pub closure: Option<Closure>,
}

/// An aggregate (pallet, case, container): goods packed together under an SSCC, which move as one.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Aggregate {
    /// Its SSCC.
    pub sscc: Sscc,
    /// Unique per packing: an SSCC may be reused after its aggregate is unpacked (GS1 allows it
    /// after a year), and a proposal made for the old aggregate must not move the new one.
    pub instance: u64,
    /// What it holds directly: items and aggregates, 1 to [`crate::MAX_CHILDREN`].
    pub children: Vec<Subject>,
    /// How many items it holds at every depth.
    pub item_count: u32,
    /// How many aggregates it holds at every depth (itself not included).
    pub aggregate_count: u32,
    /// 1 for an aggregate of items only, else one more than its highest child aggregate; at most
    /// [`crate::MAX_DEPTH`].
    pub level: u8,
    /// The owner organisation (the packer's, when packed; follows ownership transfers).
    pub owner: OrgId,
    /// The custodian organisation (the packer, when packed; follows custody transfers).
    pub custodian: OrgId,
    /// Where it is.
    pub location: Location,
    /// The aggregate it is packed in, if any.
    pub parent: Option<Sscc>,
    /// The organisation that packed it.
    pub packed_by: OrgId,
    /// The block it was packed in.
    pub packed_at: BlockNumber,
    /// The block time it was packed at.
    pub packed_time: Moment,
}

impl Aggregate {
    /// How many entries (items and aggregates, itself included) a transfer of it touches.
    pub fn units(&self) -> u64 {
        u64::from(self.item_count) + u64::from(self.aggregate_count) + 1
    }
}

/// What happened at a journey step. For an item or aggregate that moved inside an aggregate,
/// `aggregate` names the transfer's subject; for pack and unpack, `via` names the child of the
/// packed aggregate it sits under (`None` when it is a direct child). Indices are stable.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum StepAction {
    /// Custody was proposed to `to` (CBV `shipping`). How the proposal ended is in the proposal.
    #[codec(index = 0)]
    CustodyProposed {
        /// The proposal.
        proposal: ProposalId,
        /// The proposed custodian.
        to: OrgId,
        /// The aggregate it moved with, if it was not itself the subject.
        aggregate: Option<Sscc>,
    },
    /// Custody was accepted from `from` (CBV `receiving`); the step's organisation is the new
    /// custodian.
    #[codec(index = 1)]
    CustodyAccepted {
        /// The proposal.
        proposal: ProposalId,
        /// The previous custodian.
        from: OrgId,
        /// The aggregate it moved with, if it was not itself the subject.
        aggregate: Option<Sscc>,
    },
    /// Ownership was accepted from `from` (CBV `accepting`); the step's organisation is the new
    /// owner.
    #[codec(index = 2)]
    OwnershipAccepted {
        /// The proposal.
        proposal: ProposalId,
        /// The previous owner.
        from: OrgId,
        /// The aggregate it moved with, if it was not itself the subject.
        aggregate: Option<Sscc>,
    },
    /// Packed into aggregate `sscc` (CBV `packing`).
    #[codec(index = 3)]
    Packed {
        /// The aggregate packed.
        sscc: Sscc,
        /// The child of `sscc` it sits under, when it is not a direct child.
        via: Option<Sscc>,
    },
    /// Unpacked from aggregate `sscc` (CBV `unpacking`).
    #[codec(index = 4)]
    Unpacked {
        /// The aggregate unpacked.
        sscc: Sscc,
        /// The child of `sscc` it sat under, when it was not a direct child.
        via: Option<Sscc>,
    },
    /// The aggregate itself was formed (aggregate histories only).
    #[codec(index = 5)]
    Formed {
        /// How many direct children.
        children: u32,
        /// How many items at every depth.
        items: u32,
    },
    /// The aggregate itself was dissolved (aggregate histories only).
    #[codec(index = 6)]
    Dissolved,
}

/// One step of a journey: what happened, who did it, where and when.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct JourneyStep {
    /// What happened.
    pub action: StepAction,
    /// The organisation that acted (the issuer of a proposal, the receiver of an acceptance, the
    /// packer).
    pub org: OrgId,
    /// The signing account.
    pub agent: AccountId32,
    /// Where.
    pub location: Location,
    /// The block.
    pub block: BlockNumber,
    /// The block time.
    pub time: Moment,
}

/// Packed or unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum PackingAction {
    /// Packed in.
    #[codec(index = 0)]
    Packed,
    /// Unpacked from.
    #[codec(index = 1)]
    Unpacked,
}

/// A backward-trace record: what an item was packed in or unpacked from, and when.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct PackingRecord {
    /// The aggregate.
    pub sscc: Sscc,
    /// Packed or unpacked.
    pub action: PackingAction,
    /// The child of `sscc` the item sits under, when it is not a direct child.
    pub via: Option<Sscc>,
    /// The packing organisation.
    pub org: OrgId,
    /// Where.
    pub location: Location,
    /// The block.
    pub block: BlockNumber,
    /// The block time.
    pub time: Moment,
}
