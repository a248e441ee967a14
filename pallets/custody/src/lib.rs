//! # pallet-custody
//!
//! Who holds the goods, who owns them, what they are packed in, and the append-only journey of
//! every item. Custody (physical possession) and ownership (title) are separate rights, held by
//! organisations and changed only by **proposals** that the receiving organisation accepts, as
//! in Hyperledger Grid and Sawtooth Supply Chain. The items' current state lives in
//! pallet-products; this pallet changes it only through the products setters (`set_custodian`,
//! `set_owner`, `set_parent`, `set_location`).
//!
//! ## Who may do what
//! Every call is signed by an account of a member organisation ([`Error::NotMember`]); any
//! account of the organisation acts for it. The permission rule is checked before anything else
//! about the goods.
//!
//! - `propose_transfer` (0): a **Custody** transfer is proposed only by an account of the current
//!   custodian organisation ([`Error::NotCustodian`]), an **Ownership** transfer only by the
//!   current owner organisation ([`Error::NotOwner`]). The receiver must be another member
//!   organisation ([`Error::UnknownOrganisation`], [`Error::SelfTransfer`]). At most one proposal
//!   is open per (subject, receiver, kind) ([`Error::DuplicateProposal`]); proposals to several
//!   receivers may be open at once, and the first accepted wins (the others then fail the
//!   re-check below). An issuer has at most [`MAX_OPEN_PER_SENDER`] open proposals to one
//!   receiver ([`Error::ReceiverInboxFull`]). The bound is per (issuing organisation, receiving
//!   organisation): a member flooding another's inbox only uses up its own room there, and every
//!   other member's proposals to that receiver still go through.
//! - `accept` (1) and `reject` (2): only an account of the receiving organisation
//!   ([`Error::NotReceiver`]). A rejection gives a reason.
//! - `cancel` (3): only an account of the issuing organisation ([`Error::NotIssuer`]), whether or
//!   not it still holds the right.
//! - `pack` (4): by the custodian of every child ([`Error::NotCustodian`]); the new aggregate's
//!   owner and custodian are the packer's organisation.
//! - `unpack` (5): by the aggregate's custodian. Goods declared to customs and awaiting the
//!   decision, held or refused by customs keep the aggregate sealed (refused ones until customs
//!   orders them re-exported or destroyed); goods
//!   sold, recalled, destroyed or reported counterfeit do not: they stop the aggregate from
//!   moving, and unpacking is how they are taken out of it.
//!
//! Only `Open` proposals can be accepted, rejected or cancelled ([`Error::ProposalNotOpen`]);
//! closed proposals are kept, with who closed them, where, when and why ([`Closure`]).
//!
//! **Expiry**: a proposal stays open for the chain spec's `proposalLifetime` blocks
//! ([`DEFAULT_PROPOSAL_LIFETIME`] when the spec sets none; [`GenesisConfig`]). A proposal made in
//! block `n` can be accepted, rejected or cancelled up to block `n + lifetime - 1`; at the start
//! of block `n + lifetime` the chain closes it as `Expired` ([`on_initialize`],
//! `TransferExpired`), freeing its (subject, receiver, kind) slot and its place in the inbox. So
//! an issuer that stops following up never holds a receiver's inbox, or the goods' open slot,
//! for ever; the proposal itself, like every closed one, stays readable for the journeys that
//! name it.
//!
//! Closing expired proposals is work the block does before any extrinsic, and it is charged to
//! the block: [`on_initialize`] returns its weight, which the executive adds to
//! `System.BlockWeight` as mandatory weight. One block start closes at most
//! [`MAX_EXPIRIES_PER_BLOCK`] proposals and visits at most [`MAX_EXPIRY_LISTS_PER_BLOCK`] blocks'
//! expiry lists, so that however many proposals fall due at once, the work fits well inside the
//! block's mandatory share ([`MAX_EXPIRY_WEIGHT`]). What is left is carried to the next blocks,
//! oldest first (`ExpiryCursor` names the oldest block whose list is not yet done). A proposal
//! whose lifetime has run out but that waits in that backlog is already treated as closed by
//! `accept`, `reject` and `cancel` ([`Error::ProposalNotOpen`]); only its slot and inbox place
//! stay taken until the chain reaches it (and `open_proposals_for` still lists it until then).
//!
//! ## What is checked again on accept
//! A proposal may wait for days. On `accept` everything is checked again against the state of
//! that moment, exactly as on `propose_transfer`: the issuer must *still* be the custodian
//! (custody) or owner (ownership) of the subject and of everything in it; the subject must still
//! exist (an aggregate unpacked since, or repacked under the same SSCC, is
//! [`Error::AggregateNotFound`]) and must not have been packed into another aggregate since
//! ([`Error::PackedInAggregate`]); and every item concerned must be movable
//! (`pallet_products::ensure_movable`: active, not recalled — itself, its lot or its class —, not
//! held or refused by customs), whose errors pass through unchanged. A proposal whose lifetime has
//! run out is no longer open, even in the blocks before the chain gets round to closing it (see
//! **Expiry**): accepting, rejecting or cancelling it is [`Error::ProposalNotOpen`].
//!
//! ## Aggregates
//! An aggregate (pallet, case, container) is named by an SSCC: 18 ASCII digits whose GS1 check
//! digit verifies ([`Error::InvalidSscc`]). It holds 1 to [`MAX_CHILDREN`] children, items or
//! other aggregates, that are all movable, not already packed ([`Error::AlreadyPacked`]) and held
//! by the packer. Aggregates nest at most [`MAX_DEPTH`] levels (case → pallet → container → …,
//! [`Error::NestingTooDeep`]) and hold at most [`MAX_CONTENTS`] items and aggregates at every
//! depth ([`Error::AggregateTooLarge`]), so that moving the largest aggregate fits in a block.
//!
//! An aggregate **moves as one**: a custody or ownership transfer of it applies to the aggregate
//! and to every aggregate and item inside it, recursively, and its weight grows with the
//! `item_count` and `aggregate_count` stored in it. An ownership transfer of an aggregate needs
//! the issuer to own every item and aggregate inside too, so that a carrier that packed a
//! winery's bottles on its own pallet cannot sell the bottles with the pallet. While packed, an
//! item or aggregate cannot be transferred on its own ([`Error::PackedInAggregate`]). `unpack`
//! dissolves the aggregate: its children's parent is cleared and they move alone again.
//! Nothing but customs can keep an aggregate closed for good (see `unpack` above); a history never
//! fills up (below), so no number of steps can seal one either.
//!
//! ## Journeys
//! Every step records the organisation and account that acted, the location (a GLN or a
//! UN/LOCODE such as `CNSHA`) and the block number and block time (`pallet_timestamp::now`).
//! An item's history (per item id) and an aggregate's (per SSCC, across every packing of it) are
//! append-only: a step is never changed or removed. A custody proposal, an accepted transfer, a
//! pack and an unpack append a step to every item and aggregate concerned; how a proposal ended
//! (accepted, rejected, cancelled) is read from the proposal the step names, so rejecting and
//! cancelling never write per item and can never be blocked.
//!
//! A history has **no length limit**: it is stored in pages of at most [`HISTORY_PAGE_STEPS`]
//! steps (`HistoryPages`: (item, page) → steps, `AggregateHistoryPages` alike), with the number
//! of steps kept beside them (`HistoryLength`, `AggregateHistoryLength`). Step `n` is in page
//! `n / HISTORY_PAGE_STEPS`; appending reads the length and writes only the last page and the
//! length, so a step costs the same whatever the history's length, and older pages are never
//! written again. So a custodian looping proposals and cancellations makes the journey longer,
//! every loop recorded and paid for in weight, but can never freeze the goods: the owner's next
//! transfer goes through as it would on a short history. [`history`] and [`aggregate_history`]
//! read the pages in order and return the whole journey; every page is an ordinary storage
//! entry, so a journey proof proves each one. The only bound left is the `u32` length counter
//! (about 4·10⁹ steps, far beyond what any block budget lets anyone write): a step that would
//! overflow it is refused with `DispatchError::Exhausted` rather than wrapping round.
//!
//! ## Events
//! Every state change emits an event carrying what a GS1 EPCIS 2.0 event needs: `biz_step` and
//! `disposition` as CBV short names (pallet-products' shared [`BizStep`] and [`Disposition`]),
//! read point and business location, the source and destination organisations, the subject (item
//! or SSCC), the signing agent and the block time. Each event's docs say which EPCIS event it is.
//!
//! ## Failure
//! Calls fail with `BadOrigin` when not signed, with [`Error`], or with pallet-products' errors
//! (`ItemNotFound`, `ItemNotActive`, `ItemRecalled`, `ItemAwaitingCustoms`, `ItemOnCustomsHold`,
//! `ItemRefusedByCustoms`).
//! Every check runs before the first write, so a failed call changes nothing even outside the
//! executive's transactional layer. A stored history whose length does not decode, or whose last
//! page does not hold the steps its length says, is corruption (`DispatchError::Corruption`,
//! recorded on the overlay), and is left as found.
//!
//! ## Weights
//! [`call_weight`] reads state: a transfer, pack or unpack costs in proportion to the items and
//! aggregates it touches, which only the stored counts tell. The runtime passes it the block's
//! storage before dispatching.
//!
//! ## Not provided
//! No index of proposals by subject: [`open_proposals_for`] lists a receiver's open proposals (at
//! most [`MAX_OPEN_PER_SENDER`] from each issuer) and [`open_proposal`] finds the open proposal for
//! one (subject, receiver, kind).

pub mod api;
mod calls;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use pallet_membership::types::{Location, OrgId};
use pallet_products::{BizStep, Disposition, ItemId};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, BlockNumber, Moment};
use tracechain_support::{
    dispatch::{DispatchResult, Origin},
    metadata::StorageEntry,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::Weight,
    Context, PalletError, RuntimeConfig,
};

pub use api::*;
pub use calls::on_initialize;
pub use weights::{EXPIRY_BASE_WEIGHT, EXPIRY_LIST_WEIGHT, EXPIRY_WEIGHT, MAX_EXPIRY_WEIGHT};

pub use types::{
    is_valid_sscc, Aggregate, Closure, JourneyStep, PackingAction, PackingRecord, Proposal, ProposalId, ProposalStatus,
    Sscc, StepAction, Subject, TransferKind,
};

/// The pallet's name: the first half of its storage prefixes.
pub const PALLET_NAME: &str = "Custody";
/// The pallet's stable index in the runtime.
pub const PALLET_INDEX: u8 = 11;
/// The most direct children of one aggregate.
pub const MAX_CHILDREN: usize = 1_000;
/// The most levels of aggregates, the outermost included (case → pallet → container → hold).
pub const MAX_DEPTH: u8 = 4;
/// The most items and aggregates one aggregate may hold at every depth: moving one touches each,
/// and the largest must fit well within a block's weight.
pub const MAX_CONTENTS: u32 = 2_000;
/// The most steps one page of a history holds. A history has any number of pages; appending a
/// step reads and writes only the last one, so this bounds the cost of a step.
pub const HISTORY_PAGE_STEPS: u32 = 64;
/// The most open proposals one organisation may have addressed to one other organisation. The
/// bound is per (issuer, receiver), so an issuer filling it blocks only its own further
/// proposals to that receiver, never another member's.
pub const MAX_OPEN_PER_SENDER: usize = 1_024;
/// How many blocks a proposal stays open when the chain spec sets no lifetime: 60 days of
/// 6-second blocks, longer than a sea voyage between the handing over and the taking in.
pub const DEFAULT_PROPOSAL_LIFETIME: BlockNumber = 864_000;
/// The longest rejection reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// The most proposals one block start closes as expired; the rest wait for the next blocks.
pub const MAX_EXPIRIES_PER_BLOCK: u32 = 256;
/// The most blocks' expiry lists one block start visits when it is behind.
pub const MAX_EXPIRY_LISTS_PER_BLOCK: u32 = 16;

tracechain_support::storage_items! {
    /// proposal id → proposal, open or closed.
    pub const PROPOSALS: StorageMap<ProposalId, Proposal> =
        StorageMap::new(PALLET_NAME, "Proposals", StorageHasher::Twox64Concat);
    /// the id the next proposal gets.
    pub const NEXT_PROPOSAL_ID: StorageValue<ProposalId, ValueQuery> = StorageValue::new(PALLET_NAME, "NextProposalId");
    /// (subject, receiver, kind) → the open proposal for it. Its presence is the "at most one open
    /// proposal" rule.
    pub const OPEN_PROPOSAL: StorageMap<(Subject, OrgId, TransferKind), ProposalId> =
        StorageMap::new(PALLET_NAME, "OpenProposal", StorageHasher::Blake2_128Concat);
    /// (receiver, issuer) → the issuer's open proposals to the receiver, oldest first, at most
    /// [`MAX_OPEN_PER_SENDER`].
    pub const OPEN_PROPOSALS_BETWEEN: StorageDoubleMap<OrgId, OrgId, Vec<ProposalId>, ValueQuery> =
        StorageDoubleMap::new(
            PALLET_NAME,
            "OpenProposalsBetween",
            StorageHasher::Twox64Concat,
            StorageHasher::Twox64Concat,
        );
    /// receiver → the organisations with open proposals to it, sorted (at most one entry per member
    /// organisation).
    pub const INBOX_SENDERS: StorageMap<OrgId, Vec<OrgId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "InboxSenders", StorageHasher::Twox64Concat);
    /// how many blocks a proposal stays open, from the chain spec; [`DEFAULT_PROPOSAL_LIFETIME`]
    /// when absent.
    pub const PROPOSAL_LIFETIME: StorageValue<BlockNumber> = StorageValue::new(PALLET_NAME, "ProposalLifetime");
    /// block → the proposals made that expire at its start, in order of id (those not yet closed,
    /// when the chain is behind).
    pub const EXPIRING: StorageMap<BlockNumber, Vec<ProposalId>, ValueQuery> =
        StorageMap::new(PALLET_NAME, "Expiring", StorageHasher::Twox64Concat);
    /// the oldest block whose expiry list still holds proposals to close; absent when the chain is
    /// not behind.
    pub const EXPIRY_CURSOR: StorageValue<BlockNumber> = StorageValue::new(PALLET_NAME, "ExpiryCursor");
    /// SSCC → the aggregate currently packed under it.
    pub const AGGREGATES: StorageMap<Sscc, Aggregate> =
        StorageMap::new(PALLET_NAME, "Aggregates", StorageHasher::Blake2_128Concat);
    /// the instance the next packed aggregate gets.
    pub const NEXT_AGGREGATE_INSTANCE: StorageValue<u64, ValueQuery> =
        StorageValue::new(PALLET_NAME, "NextAggregateInstance");
    /// item → how many steps its journey has. Ids are already hashes, so the key is not hashed
    /// again.
    pub const HISTORY_LENGTH: StorageMap<ItemId, u32, ValueQuery> =
        StorageMap::new(PALLET_NAME, "HistoryLength", StorageHasher::Identity);
    /// (item, page) → steps `page × 64` to `page × 64 + 63` of its journey, oldest first; only the
    /// last page holds fewer than [`HISTORY_PAGE_STEPS`]. The item id is not hashed again, and the
    /// page index follows it in the key, so an item's pages share the prefix `twox128(Custody) ++
    /// twox128(HistoryPages) ++ item`.
    pub const HISTORY_PAGES: StorageDoubleMap<ItemId, u32, Vec<JourneyStep>, ValueQuery> =
        StorageDoubleMap::new(PALLET_NAME, "HistoryPages", StorageHasher::Identity, StorageHasher::Twox64Concat);
    /// SSCC → how many steps its journey has, across every packing of the SSCC.
    pub const AGGREGATE_HISTORY_LENGTH: StorageMap<Sscc, u32, ValueQuery> =
        StorageMap::new(PALLET_NAME, "AggregateHistoryLength", StorageHasher::Blake2_128Concat);
    /// (SSCC, page) → steps `page × 64` to `page × 64 + 63` of its journey, oldest first; only the
    /// last page holds fewer than [`HISTORY_PAGE_STEPS`].
    pub const AGGREGATE_HISTORY_PAGES: StorageDoubleMap<Sscc, u32, Vec<JourneyStep>, ValueQuery> =
        StorageDoubleMap::new(
            PALLET_NAME,
            "AggregateHistoryPages",
            StorageHasher::Blake2_128Concat,
            StorageHasher::Twox64Concat,
        );
}

/// The pallet's calls. Indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Proposes to hand custody or ownership of an item or aggregate to another organisation.
    /// Signer: an account of the custodian (custody) or owner (ownership).
    #[codec(index = 0)]
    propose_transfer {
        /// The item or aggregate.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The receiving organisation.
        to: OrgId,
        /// Where the goods are now (the shipping point).
        location: Location,
    },
    /// Accepts a proposal: the transfer happens. Signer: an account of the receiver.
    #[codec(index = 1)]
    accept {
        /// The proposal.
        proposal: ProposalId,
        /// Where the goods are taken in (custody) or the title accepted (ownership).
        location: Location,
    },
    /// Rejects a proposal. Signer: an account of the receiver.
    #[codec(index = 2)]
    reject {
        /// The proposal.
        proposal: ProposalId,
        /// Why, 1..=256 bytes of UTF-8.
        reason: Vec<u8>,
    },
    /// Withdraws a proposal. Signer: an account of the issuer.
    #[codec(index = 3)]
    cancel {
        /// The proposal.
        proposal: ProposalId,
    },
    /// Packs items and aggregates into a new aggregate. Signer: an account of the custodian of
    /// every child.
    #[codec(index = 4)]
    pack {
        /// The new aggregate's SSCC, 18 ASCII digits with a valid GS1 check digit.
        sscc: Sscc,
        /// What it holds directly, 1..=1,000 distinct items and aggregates.
        children: Vec<Subject>,
        /// Where it is packed.
        location: Location,
    },
    /// Dissolves an aggregate: its children are unpacked where it is. Signer: an account of its
    /// custodian.
    #[codec(index = 5)]
    unpack {
        /// The aggregate's SSCC.
        sscc: Sscc,
        /// Where it is unpacked.
        location: Location,
    },
}

/// The pallet's events. Indices are stable. EPCIS source and destination parties are
/// `possessing_party` for custody and `owning_party` for ownership.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A transfer was proposed.
    ///
    /// Custody: an EPCIS ObjectEvent, action OBSERVE, on the item or SSCC; bizStep `shipping`,
    /// disposition `in_transit`, readPoint = the proposal's location, no bizLocation (the goods
    /// are on their way). Ownership: an EPCIS TransactionEvent, action ADD, whose bizTransaction
    /// is the proposal; CBV has no business step for offering title, so `biz_step` and
    /// `disposition` are `None`.
    #[codec(index = 0)]
    TransferProposed {
        /// The proposal.
        proposal: ProposalId,
        /// The item or SSCC.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The issuer (source party).
        from: OrgId,
        /// The receiver (destination party).
        to: OrgId,
        /// The issuer's signing account.
        agent: AccountId32,
        /// How many items it concerns (1 for an item, the aggregate's item count).
        items: u32,
        /// `readPoint`: where the goods are.
        read_point: Location,
        /// `shipping` for custody, none for ownership.
        biz_step: Option<BizStep>,
        /// `in_transit` for custody, none for ownership.
        disposition: Option<Disposition>,
        /// Block time.
        time: Moment,
    },
    /// A transfer was accepted: the receiver is now the custodian or owner of the subject and of
    /// everything in it.
    ///
    /// Custody: an EPCIS ObjectEvent, action OBSERVE; bizStep `receiving`, disposition
    /// `in_progress`, readPoint = bizLocation = the acceptance location. Ownership: an EPCIS
    /// TransactionEvent, action OBSERVE, on the proposal's bizTransaction; bizStep `accepting`,
    /// no disposition and no bizLocation (title changed, the goods did not move).
    #[codec(index = 1)]
    TransferAccepted {
        /// The proposal.
        proposal: ProposalId,
        /// The item or SSCC.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The previous holder (source party).
        from: OrgId,
        /// The new holder (destination party).
        to: OrgId,
        /// The receiver's signing account.
        agent: AccountId32,
        /// How many items changed hands.
        items: u32,
        /// `readPoint`: where it was accepted.
        read_point: Location,
        /// `bizLocation`: where the goods now are (custody only).
        biz_location: Option<Location>,
        /// `receiving` for custody, `accepting` for ownership.
        biz_step: BizStep,
        /// `in_progress` for custody, none for ownership.
        disposition: Option<Disposition>,
        /// Block time.
        time: Moment,
    },
    /// The receiver rejected a proposal; nothing changed hands.
    ///
    /// Custody: the EPCIS equivalent is an ObjectEvent with CBV bizStep `void_shipping`, which the
    /// shared vocabulary does not have yet; the goods stay where the proposal said, `in_progress`.
    /// Ownership: an EPCIS TransactionEvent, action DELETE, on the proposal's bizTransaction.
    #[codec(index = 2)]
    TransferRejected {
        /// The proposal.
        proposal: ProposalId,
        /// The item or SSCC.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The issuer.
        from: OrgId,
        /// The receiver, who rejected it.
        to: OrgId,
        /// The receiver's signing account.
        agent: AccountId32,
        /// Why.
        reason: Vec<u8>,
        /// `bizLocation`: where the goods stay (the proposal's location).
        biz_location: Location,
        /// `in_progress` for custody, none for ownership.
        disposition: Option<Disposition>,
        /// Block time.
        time: Moment,
    },
    /// The issuer withdrew a proposal; nothing changed hands. EPCIS mapping as for
    /// `TransferRejected`.
    #[codec(index = 3)]
    TransferCancelled {
        /// The proposal.
        proposal: ProposalId,
        /// The item or SSCC.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The issuer, who cancelled it.
        from: OrgId,
        /// The receiver.
        to: OrgId,
        /// The issuer's signing account.
        agent: AccountId32,
        /// `bizLocation`: where the goods stay (the proposal's location).
        biz_location: Location,
        /// `in_progress` for custody, none for ownership.
        disposition: Option<Disposition>,
        /// Block time.
        time: Moment,
    },
    /// An aggregate was packed: an EPCIS AggregationEvent, action ADD, parentID = the SSCC,
    /// childEPCs = the children (items and SSCCs); bizStep `packing`, disposition `in_progress`.
    #[codec(index = 4)]
    Packed {
        /// The new aggregate.
        sscc: Sscc,
        /// Its direct children.
        children: Vec<Subject>,
        /// How many items it holds at every depth.
        items: u32,
        /// The packer (owner and custodian of the aggregate).
        org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: where it was packed.
        read_point: Location,
        /// `bizLocation`: where it now is.
        biz_location: Location,
        /// `packing`.
        biz_step: BizStep,
        /// `in_progress`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// An aggregate was dissolved: an EPCIS AggregationEvent, action DELETE, parentID = the SSCC,
    /// childEPCs = the children; bizStep `unpacking`, disposition `in_progress`.
    #[codec(index = 5)]
    Unpacked {
        /// The dissolved aggregate.
        sscc: Sscc,
        /// Its direct children, now loose.
        children: Vec<Subject>,
        /// How many items it held at every depth.
        items: u32,
        /// The custodian that unpacked it.
        org: OrgId,
        /// The signing account.
        agent: AccountId32,
        /// `readPoint`: where it was unpacked.
        read_point: Location,
        /// `bizLocation`: where the children now are.
        biz_location: Location,
        /// `unpacking`.
        biz_step: BizStep,
        /// `in_progress`.
        disposition: Disposition,
        /// Block time.
        time: Moment,
    },
    /// A proposal left open for the proposal lifetime expired and was closed by the chain, like
    /// a cancellation: the goods stay where they were.
    #[codec(index = 7)]
    TransferExpired {
        /// The proposal.
        proposal: ProposalId,
        /// The item or SSCC.
        subject: Subject,
        /// Custody or ownership.
        kind: TransferKind,
        /// The issuer.
        from: OrgId,
        /// The receiver.
        to: OrgId,
        /// `bizLocation`: where the goods stay (the proposal's location).
        biz_location: Location,
        /// `in_progress` for custody, none for ownership.
        disposition: Option<Disposition>,
        /// Block time.
        time: Moment,
    },
}

/// The pallet's errors. Indices are stable: new variants go at the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum Error {
    /// The signing account belongs to no member organisation.
    #[codec(index = 0)]
    #[error("the signer is not an account of a member organisation")]
    NotMember,
    /// Only the custodian organisation may do this (propose custody, pack, unpack), or the
    /// issuer of a custody proposal no longer holds the goods.
    #[codec(index = 1)]
    #[error("the organisation is not the custodian")]
    NotCustodian,
    /// Only the owner organisation may propose an ownership transfer, or the issuer of an
    /// ownership proposal no longer owns the goods (all of them, for an aggregate).
    #[codec(index = 2)]
    #[error("the organisation is not the owner")]
    NotOwner,
    /// Only the receiving organisation may accept or reject the proposal.
    #[codec(index = 3)]
    #[error("only the receiving organisation may accept or reject")]
    NotReceiver,
    /// Only the issuing organisation may cancel the proposal.
    #[codec(index = 4)]
    #[error("only the issuing organisation may cancel")]
    NotIssuer,
    /// No proposal has this id.
    #[codec(index = 5)]
    #[error("no proposal has this id")]
    ProposalNotFound,
    /// The proposal was already accepted, rejected or cancelled.
    #[codec(index = 6)]
    #[error("the proposal is no longer open")]
    ProposalNotOpen,
    /// A proposal for the same subject, receiver and kind is already open.
    #[codec(index = 7)]
    #[error("a proposal for this subject, receiver and kind is already open")]
    DuplicateProposal,
    /// The SSCC is not 18 ASCII digits with a valid GS1 check digit.
    #[codec(index = 8)]
    #[error("an SSCC is 18 digits with a valid GS1 check digit")]
    InvalidSscc,
    /// An aggregate is already packed under this SSCC.
    #[codec(index = 9)]
    #[error("an aggregate with this SSCC exists")]
    AggregateExists,
    /// No aggregate is packed under this SSCC (or the proposal's aggregate was unpacked since).
    #[codec(index = 10)]
    #[error("no aggregate has this SSCC")]
    AggregateNotFound,
    /// A child is already packed in an aggregate.
    #[codec(index = 11)]
    #[error("a child is already packed in an aggregate")]
    AlreadyPacked,
    /// The item or aggregate is packed in an aggregate: it moves only with it.
    #[codec(index = 12)]
    #[error("packed in an aggregate: it moves only with the aggregate")]
    PackedInAggregate,
    /// An aggregate holds at most 1,000 direct children.
    #[codec(index = 13)]
    #[error("an aggregate holds at most {MAX_CHILDREN} direct children")]
    TooManyChildren,
    /// Aggregates nest at most 4 levels.
    #[codec(index = 14)]
    #[error("aggregates nest at most {MAX_DEPTH} levels")]
    NestingTooDeep,
    // Index 15 was `HistoryFull`, from when a history had a length limit; it is not reused, so
    // that an old error record never decodes as another error.
    /// The receiving organisation is not a member.
    #[codec(index = 16)]
    #[error("the receiving organisation is not a member")]
    UnknownOrganisation,
    /// The location is not a valid GLN (check digit) or UN/LOCODE.
    #[codec(index = 17)]
    #[error("the location is not a valid GLN or UN/LOCODE")]
    InvalidLocation,
    /// The receiver is the issuer itself.
    #[codec(index = 18)]
    #[error("a transfer goes to another organisation")]
    SelfTransfer,
    /// An aggregate holds at least one child.
    #[codec(index = 19)]
    #[error("an aggregate holds at least one child")]
    NoChildren,
    /// A child is listed twice.
    #[codec(index = 20)]
    #[error("a child is listed twice")]
    DuplicateChild,
    /// The aggregate would hold more than 2,000 items and aggregates at every depth.
    #[codec(index = 21)]
    #[error("an aggregate holds at most {MAX_CONTENTS} items and aggregates")]
    AggregateTooLarge,
    /// The rejection reason is empty, longer than 256 bytes or not UTF-8.
    #[codec(index = 22)]
    #[error("a reason is 1 to {MAX_REASON_LEN} bytes of UTF-8")]
    InvalidReason,
    /// The issuer already has 1,024 open proposals to this receiver (other issuers' proposals do
    /// not count).
    #[codec(index = 23)]
    #[error("the issuer has {MAX_OPEN_PER_SENDER} open proposals to this receiver")]
    ReceiverInboxFull,
    /// The reason has a control or bidirectional-formatting character.
    #[codec(index = 24)]
    #[error("a reason has no control or bidirectional-formatting characters")]
    ReasonHasControlCharacter,
}

impl PalletError for Error {
    const PALLET_INDEX: u8 = PALLET_INDEX;
}

/// The pallet, as the runtime lists it: [`tracechain_support::Pallet`] over this crate's
/// functions.
pub struct Pallet;

impl tracechain_support::Pallet for Pallet {
    const NAME: &'static str = PALLET_NAME;
    const INDEX: u8 = PALLET_INDEX;
    const DOCS: &'static str = "Custody and ownership transfers, SSCC aggregates, journeys.";
    type Call = Call;
    type Event = Event;
    type Error = Error;

    fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
        crate::call_weight(storage, call)
    }

    fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
        crate::dispatch(ctx, origin, call)
    }

    fn storage_metadata<R: RuntimeConfig>() -> Vec<StorageEntry> {
        crate::storage_metadata()
    }
}

/// The weight of `call` in the current state ([`weights`] gives each call's). It reads the
/// stored counts of the aggregates concerned, because moving an aggregate touches everything in
/// it.
pub fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
    match call {
        Call::propose_transfer { subject, .. } => weights::propose_transfer(subject_units(storage, subject)),
        Call::accept { proposal, .. } => weights::accept(
            PROPOSALS.get(storage, proposal).map_or(0, |proposal| subject_units(storage, &proposal.subject)),
        ),
        Call::reject { .. } => weights::reject(),
        Call::cancel { .. } => weights::cancel(),
        // A call with too many children fails before looking at them; only the first
        // `MAX_CHILDREN` are worth pricing.
        Call::pack { children, .. } => weights::pack(
            children
                .iter()
                .take(MAX_CHILDREN)
                .fold(1u64, |units, child| units.saturating_add(subject_units(storage, child))),
        ),
        Call::unpack { sscc, .. } => {
            weights::unpack(AGGREGATES.get(storage, sscc).map_or(0, |aggregate| aggregate.units()))
        }
    }
}

/// How many items and aggregates moving `subject` touches (1 for an item or an unknown SSCC).
fn subject_units(storage: &impl StorageRead, subject: &Subject) -> u64 {
    match subject {
        Subject::Item(_) => 1,
        Subject::Aggregate(sscc) => AGGREGATES.get(storage, sscc).map_or(1, |aggregate| aggregate.units()),
    }
}

/// Dispatches `call` from `origin` to its implementation in `calls.rs`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::propose_transfer { subject, kind, to, location } => {
            calls::propose_transfer(ctx, agent, subject, kind, to, location)
        }
        Call::accept { proposal, location } => calls::accept(ctx, agent, proposal, location),
        Call::reject { proposal, reason } => calls::reject(ctx, agent, proposal, reason),
        Call::cancel { proposal } => calls::cancel(ctx, agent, proposal),
        Call::pack { sscc, children, location } => calls::pack(ctx, agent, sscc, children, location),
        Call::unpack { sscc, location } => calls::unpack(ctx, agent, sscc, location),
    }
}

/// The pallet's genesis configuration (the `custody` section of a chain spec).
///
/// JSON: `{"proposalLifetime":864000}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// How many blocks a transfer proposal stays open; [`DEFAULT_PROPOSAL_LIFETIME`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_lifetime: Option<BlockNumber>,
}

/// Why a genesis configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenesisError {
    /// A lifetime of zero blocks would expire every proposal before it could be accepted.
    #[error("the proposal lifetime must be at least one block")]
    ZeroProposalLifetime,
}

/// Writes the proposal lifetime, if the spec sets one.
pub fn build_genesis(storage: &mut impl StorageWrite, config: &GenesisConfig) -> Result<(), GenesisError> {
    match config.proposal_lifetime {
        Some(0) => Err(GenesisError::ZeroProposalLifetime),
        Some(lifetime) => {
            PROPOSAL_LIFETIME.put(storage, &lifetime);
            Ok(())
        }
        None => Ok(()),
    }
}
