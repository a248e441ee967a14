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

#[cfg(test)]
mod tests;
pub mod types;

use std::collections::BTreeSet;

use pallet_membership::types::{Location, OrgId};
use pallet_products::{BizStep, Disposition, ItemId};
use parity_scale_codec::{Compact, Decode, DecodeAll, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{storage_key::StorageHasher, AccountId32, BlockNumber, Moment};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult, Origin},
    metadata::StorageEntry,
    overlay::hex_key,
    storage::{StorageDoubleMap, StorageMap, StorageRead, StorageValue, StorageWrite, ValueQuery},
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context, PalletError, RuntimeConfig,
};

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

/// The work of any call apart from the goods: the signer's organisation, the proposal or
/// aggregate, the receiver, the open-proposal key, the inbox and its senders, the next id, the
/// proposal lifetime and the expiry list, the event.
const BASE_WEIGHT: Weight =
    db_reads_writes(9, 6).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// The work per item or aggregate a call touches: movability (the item, its lot's and its class's
/// recalls), the right, the history's length and its last page; then the item or aggregate
/// written (pack and unpack write the parent and the location: two setters), and the history's
/// last page and length. A page holds at most [`HISTORY_PAGE_STEPS`] steps, so the page read and
/// written is bounded whatever the history's length.
const PER_UNIT_WEIGHT: Weight =
    db_reads_writes(8, 4).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// The weight of `call` in the current state. It reads the stored counts of the aggregates
/// concerned, because moving an aggregate touches everything in it.
pub fn call_weight(storage: &impl StorageRead, call: &Call) -> Weight {
    let units = match call {
        Call::propose_transfer { subject, .. } => subject_units(storage, subject),
        Call::accept { proposal, .. } => {
            PROPOSALS.get(storage, proposal).map_or(0, |proposal| subject_units(storage, &proposal.subject))
        }
        Call::reject { .. } | Call::cancel { .. } => 0,
        // A call with too many children fails before looking at them; only the first
        // `MAX_CHILDREN` are worth pricing.
        Call::pack { children, .. } => children
            .iter()
            .take(MAX_CHILDREN)
            .fold(1u64, |units, child| units.saturating_add(subject_units(storage, child))),
        Call::unpack { sscc, .. } => AGGREGATES.get(storage, sscc).map_or(0, |aggregate| aggregate.units()),
    };
    BASE_WEIGHT.saturating_add(PER_UNIT_WEIGHT.saturating_mul(units))
}

/// How many items and aggregates moving `subject` touches (1 for an item or an unknown SSCC).
fn subject_units(storage: &impl StorageRead, subject: &Subject) -> u64 {
    match subject {
        Subject::Item(_) => 1,
        Subject::Aggregate(sscc) => AGGREGATES.get(storage, sscc).map_or(1, |aggregate| aggregate.units()),
    }
}

/// Dispatches `call` from `origin`.
pub fn dispatch<E: From<Event>>(ctx: &mut Context<'_, E>, origin: &Origin, call: Call) -> DispatchResult {
    let agent = origin.ensure_signed()?;
    match call {
        Call::propose_transfer { subject, kind, to, location } => {
            propose_transfer(ctx, agent, subject, kind, to, location)
        }
        Call::accept { proposal, location } => accept(ctx, agent, proposal, location),
        Call::reject { proposal, reason } => reject(ctx, agent, proposal, reason),
        Call::cancel { proposal } => cancel(ctx, agent, proposal),
        Call::pack { sscc, children, location } => pack(ctx, agent, sscc, children, location),
        Call::unpack { sscc, location } => unpack(ctx, agent, sscc, location),
    }
}

// ---------------------------------------------------------------------------------------------
// Transfers
// ---------------------------------------------------------------------------------------------

/// Everything under a list of children, at every depth, in depth-first order: each aggregate and
/// item with the child of the top level it sits under (`None` for the children themselves).
#[derive(Default)]
struct Contents {
    aggregates: Vec<(Aggregate, Option<Sscc>)>,
    items: Vec<(ItemId, Option<Sscc>)>,
}

/// What a transfer moves: the subject (when an aggregate) and everything in it.
struct Goods {
    root: Option<Aggregate>,
    contents: Contents,
}

impl Goods {
    fn item_count(&self) -> u32 {
        self.root.as_ref().map_or(1, |root| root.item_count)
    }
}

/// Walks the aggregates under `children`. The stored levels and counts bound the walk; a walk
/// that goes deeper or wider than they allow means the state is corrupt.
fn contents_of(storage: &impl StorageRead, children: &[Subject]) -> Result<Contents, DispatchError> {
    let mut contents = Contents::default();
    let mut stack: Vec<(Subject, Option<Sscc>, u8)> = children.iter().rev().map(|child| (*child, None, 1)).collect();
    let limit = MAX_CONTENTS as usize + MAX_CHILDREN;
    while let Some((subject, via, depth)) = stack.pop() {
        if depth > MAX_DEPTH || contents.items.len() + contents.aggregates.len() > limit {
            storage.note_corruption("Custody.Aggregates nest deeper or wider than their counts allow".into());
            return Err(DispatchError::Corruption);
        }
        match subject {
            Subject::Item(id) => contents.items.push((id, via)),
            Subject::Aggregate(sscc) => {
                let aggregate = AGGREGATES.get(storage, &sscc).ok_or(Error::AggregateNotFound)?;
                let below = via.or(Some(sscc));
                stack.extend(aggregate.children.iter().rev().map(|child| (*child, below, depth + 1)));
                contents.aggregates.push((aggregate, via));
            }
        }
    }
    Ok(contents)
}

/// `Ok` if `org` holds the right a transfer of `kind` needs over something held by `custodian`
/// and owned by `owner`.
fn ensure_right(kind: TransferKind, org: OrgId, custodian: OrgId, owner: OrgId) -> Result<(), Error> {
    match kind {
        TransferKind::Custody if custodian != org => Err(Error::NotCustodian),
        TransferKind::Ownership if owner != org => Err(Error::NotOwner),
        _ => Ok(()),
    }
}

/// The goods a transfer of `subject` by `issuer` moves, once every rule is checked: the issuer's
/// right over the subject (first) and over everything in it, the subject not packed in another
/// aggregate (and, for a proposal's aggregate, still the same packing), every item movable, and
/// every history sound. Used alike when proposing and when accepting.
fn check_goods(
    storage: &impl StorageRead,
    subject: &Subject,
    kind: TransferKind,
    issuer: OrgId,
    instance: Option<u64>,
) -> Result<Goods, DispatchError> {
    match subject {
        Subject::Item(id) => {
            let item = pallet_products::item(storage, id).ok_or(pallet_products::Error::ItemNotFound)?;
            ensure_right(kind, issuer, item.custodian, item.owner)?;
            if item.parent.is_some() {
                return Err(Error::PackedInAggregate.into());
            }
            pallet_products::ensure_movable(storage, id)?;
            ensure_appendable(storage, History::Item(*id))?;
            Ok(Goods { root: None, contents: Contents { aggregates: Vec::new(), items: vec![(*id, None)] } })
        }
        Subject::Aggregate(sscc) => {
            let root = AGGREGATES
                .get(storage, sscc)
                .filter(|root| instance.is_none_or(|instance| root.instance == instance))
                .ok_or(Error::AggregateNotFound)?;
            ensure_right(kind, issuer, root.custodian, root.owner)?;
            if root.parent.is_some() {
                return Err(Error::PackedInAggregate.into());
            }
            ensure_appendable(storage, History::Aggregate(*sscc))?;
            let contents = contents_of(storage, &root.children)?;
            for (aggregate, _) in &contents.aggregates {
                ensure_right(kind, issuer, aggregate.custodian, aggregate.owner)?;
                ensure_appendable(storage, History::Aggregate(aggregate.sscc))?;
            }
            for (id, _) in &contents.items {
                let item = pallet_products::ensure_movable(storage, id)?;
                ensure_right(kind, issuer, item.custodian, item.owner)?;
                ensure_appendable(storage, History::Item(*id))?;
            }
            Ok(Goods { root: Some(root), contents })
        }
    }
}

fn propose_transfer<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subject: Subject,
    kind: TransferKind,
    to: OrgId,
    location: Location,
) -> DispatchResult {
    let from = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let goods = check_goods(ctx, &subject, kind, from, None)?;
    // Decoding accepts any bytes; a GLN's check digit and a UN/LOCODE's shape are checked here.
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    if to == from {
        return Err(Error::SelfTransfer.into());
    }
    if pallet_membership::organisation(ctx, to).is_none() {
        return Err(Error::UnknownOrganisation.into());
    }
    let open_key = (subject, to, kind);
    if OPEN_PROPOSAL.contains(ctx, &open_key) {
        return Err(Error::DuplicateProposal.into());
    }
    let mut inbox = OPEN_PROPOSALS_BETWEEN.get(ctx, &to, &from);
    if inbox.len() >= MAX_OPEN_PER_SENDER {
        return Err(Error::ReceiverInboxFull.into());
    }
    let id = NEXT_PROPOSAL_ID.get(ctx);
    let next_id = id.checked_add(1).ok_or(DispatchError::Exhausted)?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let proposal = Proposal {
        id,
        subject,
        kind,
        from,
        to,
        agent,
        location: location.clone(),
        aggregate_instance: goods.root.as_ref().map(|root| root.instance),
        status: ProposalStatus::Open,
        proposed_at: block,
        proposed_time: time,
        closure: None,
    };
    PROPOSALS.insert(ctx, &id, &proposal);
    NEXT_PROPOSAL_ID.put(ctx, &next_id);
    let expires_at = block.saturating_add(proposal_lifetime(ctx));
    let mut expiring = EXPIRING.get(ctx, &expires_at);
    expiring.push(id);
    EXPIRING.insert(ctx, &expires_at, &expiring);
    OPEN_PROPOSAL.insert(ctx, &open_key, &id);
    if inbox.is_empty() {
        let mut senders = INBOX_SENDERS.get(ctx, &to);
        if let Err(slot) = senders.binary_search(&from) {
            senders.insert(slot, from);
            INBOX_SENDERS.insert(ctx, &to, &senders);
        }
    }
    inbox.push(id);
    OPEN_PROPOSALS_BETWEEN.insert(ctx, &to, &from, &inbox);
    // Handing over custody is a physical step of the journey (shipping); offering title is not,
    // and shows in the journey only once accepted.
    if kind == TransferKind::Custody {
        let step = Step { org: from, agent, location: location.clone(), block, time };
        record_transfer(ctx, &goods, &step, |aggregate| StepAction::CustodyProposed { proposal: id, to, aggregate });
    }
    let (biz_step, disposition) = match kind {
        TransferKind::Custody => (Some(BizStep::shipping), Some(Disposition::in_transit)),
        TransferKind::Ownership => (None, None),
    };
    ctx.deposit_event(Event::TransferProposed {
        proposal: id,
        subject,
        kind,
        from,
        to,
        agent,
        items: goods.item_count(),
        read_point: location,
        biz_step,
        disposition,
        time,
    });
    Ok(())
}

fn accept<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ProposalId,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.to != org {
        return Err(Error::NotReceiver.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    // Everything checked on proposing is checked again: the state may have changed since.
    let goods = check_goods(ctx, &proposal.subject, proposal.kind, proposal.from, proposal.aggregate_instance)?;

    let aggregates = goods.root.iter().chain(goods.contents.aggregates.iter().map(|(aggregate, _)| aggregate));
    for aggregate in aggregates {
        let mut aggregate = aggregate.clone();
        match proposal.kind {
            TransferKind::Custody => {
                aggregate.custodian = org;
                aggregate.location = location.clone();
            }
            TransferKind::Ownership => aggregate.owner = org,
        }
        AGGREGATES.insert(ctx, &aggregate.sscc, &aggregate);
    }
    for (item, _) in &goods.contents.items {
        match proposal.kind {
            TransferKind::Custody => pallet_products::set_custodian(ctx, item, org, location.clone()),
            TransferKind::Ownership => pallet_products::set_owner(ctx, item, org),
        }
    }
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let step = Step { org, agent, location: location.clone(), block, time };
    let from = proposal.from;
    match proposal.kind {
        TransferKind::Custody => record_transfer(ctx, &goods, &step, |aggregate| StepAction::CustodyAccepted {
            proposal: id,
            from,
            aggregate,
        }),
        TransferKind::Ownership => record_transfer(ctx, &goods, &step, |aggregate| StepAction::OwnershipAccepted {
            proposal: id,
            from,
            aggregate,
        }),
    }
    let closure = Closure { by: org, agent, location: Some(location.clone()), reason: None, at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Accepted, Some(closure));
    let (biz_location, biz_step, disposition) = match proposal.kind {
        TransferKind::Custody => (Some(location.clone()), BizStep::receiving, Some(Disposition::in_progress)),
        TransferKind::Ownership => (None, BizStep::accepting, None),
    };
    ctx.deposit_event(Event::TransferAccepted {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from,
        to: org,
        agent,
        items: goods.item_count(),
        read_point: location,
        biz_location,
        biz_step,
        disposition,
        time,
    });
    Ok(())
}

fn reject<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ProposalId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.to != org {
        return Err(Error::NotReceiver.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    match tracechain_support::text::check_text(&reason, MAX_REASON_LEN) {
        Ok(_) => {}
        Err(tracechain_support::text::TextError::ControlCharacter) => {
            return Err(Error::ReasonHasControlCharacter.into())
        }
        Err(_) => return Err(Error::InvalidReason.into()),
    }
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let closure = Closure { by: org, agent, location: None, reason: Some(reason.clone()), at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Rejected, Some(closure));
    ctx.deposit_event(Event::TransferRejected {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: proposal.from,
        to: org,
        agent,
        reason,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
    Ok(())
}

fn cancel<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, id: ProposalId) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.from != org {
        return Err(Error::NotIssuer.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let closure = Closure { by: org, agent, location: None, reason: None, at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Cancelled, Some(closure));
    ctx.deposit_event(Event::TransferCancelled {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: org,
        to: proposal.to,
        agent,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
    Ok(())
}

/// `Ok` if the proposal is open and its lifetime has not run out: from block
/// `proposed_at + lifetime` on it is as good as expired, even while it waits in the expiry
/// backlog.
fn ensure_open(storage: &impl StorageRead, proposal: &Proposal, now: BlockNumber) -> Result<(), Error> {
    let expires_at = proposal.proposed_at.saturating_add(proposal_lifetime(storage));
    if proposal.status != ProposalStatus::Open || now >= expires_at {
        return Err(Error::ProposalNotOpen);
    }
    Ok(())
}

/// The disposition of goods whose custody transfer did not happen: still being handled where
/// they were. Ownership proposals carry none.
fn unmoved_disposition(kind: TransferKind) -> Option<Disposition> {
    match kind {
        TransferKind::Custody => Some(Disposition::in_progress),
        TransferKind::Ownership => None,
    }
}

/// Closes an open proposal: records how, and frees its (subject, receiver, kind) slot and its
/// place in the receiver's list.
fn close(storage: &mut impl StorageWrite, proposal: &mut Proposal, status: ProposalStatus, closure: Option<Closure>) {
    proposal.status = status;
    proposal.closure = closure;
    PROPOSALS.insert(storage, &proposal.id, proposal);
    OPEN_PROPOSAL.remove(storage, &(proposal.subject, proposal.to, proposal.kind));
    let (to, from) = (proposal.to, proposal.from);
    let mut inbox = OPEN_PROPOSALS_BETWEEN.get(storage, &to, &from);
    inbox.retain(|open| *open != proposal.id);
    if inbox.is_empty() {
        OPEN_PROPOSALS_BETWEEN.remove(storage, &to, &from);
        let mut senders = INBOX_SENDERS.get(storage, &to);
        senders.retain(|sender| *sender != from);
        if senders.is_empty() {
            INBOX_SENDERS.remove(storage, &to);
        } else {
            INBOX_SENDERS.insert(storage, &to, &senders);
        }
    } else {
        OPEN_PROPOSALS_BETWEEN.insert(storage, &to, &from, &inbox);
    }
}

// ---------------------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------------------

fn pack<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    sscc: Sscc,
    children: Vec<Subject>,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    // Bounded before reading a child: each costs reads.
    if children.len() > MAX_CHILDREN {
        return Err(Error::TooManyChildren.into());
    }
    if children.is_empty() {
        return Err(Error::NoChildren.into());
    }
    // The permission: the packer holds every child.
    let mut child_aggregates = Vec::new();
    let mut parents = Vec::with_capacity(children.len());
    for child in &children {
        match child {
            Subject::Item(id) => {
                let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
                if item.custodian != org {
                    return Err(Error::NotCustodian.into());
                }
                parents.push(item.parent);
            }
            Subject::Aggregate(child) => {
                let aggregate = AGGREGATES.get(ctx, child).ok_or(Error::AggregateNotFound)?;
                if aggregate.custodian != org {
                    return Err(Error::NotCustodian.into());
                }
                parents.push(aggregate.parent);
                child_aggregates.push(aggregate);
            }
        }
    }
    if !is_valid_sscc(&sscc) {
        return Err(Error::InvalidSscc.into());
    }
    if AGGREGATES.contains(ctx, &sscc) {
        return Err(Error::AggregateExists.into());
    }
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    let mut seen = BTreeSet::new();
    if !children.iter().all(|child| seen.insert(*child)) {
        return Err(Error::DuplicateChild.into());
    }
    if parents.iter().any(Option::is_some) {
        return Err(Error::AlreadyPacked.into());
    }
    let level = 1 + child_aggregates.iter().map(|aggregate| aggregate.level).max().unwrap_or(0);
    if level > MAX_DEPTH {
        return Err(Error::NestingTooDeep.into());
    }
    let loose_items = (children.len() - child_aggregates.len()) as u64;
    let item_count =
        child_aggregates.iter().fold(loose_items, |count, aggregate| count + u64::from(aggregate.item_count));
    let aggregate_count =
        child_aggregates.iter().fold(0u64, |count, aggregate| count + 1 + u64::from(aggregate.aggregate_count));
    if item_count + aggregate_count > u64::from(MAX_CONTENTS) {
        return Err(Error::AggregateTooLarge.into());
    }
    // Within `MAX_CONTENTS`, so both fit in a `u32`.
    let (item_count, aggregate_count) = (item_count as u32, aggregate_count as u32);
    let contents = contents_of(ctx, &children)?;
    check_contents(ctx, &contents, org, Handling::Pack)?;
    ensure_appendable(ctx, History::Aggregate(sscc))?;
    let instance = NEXT_AGGREGATE_INSTANCE.get(ctx);
    let next_instance = instance.checked_add(1).ok_or(DispatchError::Exhausted)?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let aggregate = Aggregate {
        sscc,
        instance,
        children: children.clone(),
        item_count,
        aggregate_count,
        level,
        owner: org,
        custodian: org,
        location: location.clone(),
        parent: None,
        packed_by: org,
        packed_at: block,
        packed_time: time,
    };
    AGGREGATES.insert(ctx, &sscc, &aggregate);
    NEXT_AGGREGATE_INSTANCE.put(ctx, &next_instance);
    let step = Step { org, agent, location: location.clone(), block, time };
    for (mut child, via) in contents.aggregates {
        if via.is_none() {
            child.parent = Some(sscc);
        }
        child.location = location.clone();
        AGGREGATES.insert(ctx, &child.sscc, &child);
        append_step(ctx, History::Aggregate(child.sscc), &step.with(StepAction::Packed { sscc, via }));
    }
    for (item, via) in contents.items {
        if via.is_none() {
            pallet_products::set_parent(ctx, &item, Some(sscc));
        }
        pallet_products::set_location(ctx, &item, location.clone());
        append_step(ctx, History::Item(item), &step.with(StepAction::Packed { sscc, via }));
    }
    let formed = StepAction::Formed { children: children.len() as u32, items: item_count };
    append_step(ctx, History::Aggregate(sscc), &step.with(formed));
    ctx.deposit_event(Event::Packed {
        sscc,
        children,
        items: item_count,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::packing,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

fn unpack<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    sscc: Sscc,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let aggregate = AGGREGATES.get(ctx, &sscc).ok_or(Error::AggregateNotFound)?;
    if aggregate.custodian != org {
        return Err(Error::NotCustodian.into());
    }
    if aggregate.parent.is_some() {
        return Err(Error::PackedInAggregate.into());
    }
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    let contents = contents_of(ctx, &aggregate.children)?;
    check_contents(ctx, &contents, org, Handling::Unpack)?;
    ensure_appendable(ctx, History::Aggregate(sscc))?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let step = Step { org, agent, location: location.clone(), block, time };
    for (mut child, via) in contents.aggregates {
        if via.is_none() {
            child.parent = None;
        }
        child.location = location.clone();
        AGGREGATES.insert(ctx, &child.sscc, &child);
        append_step(ctx, History::Aggregate(child.sscc), &step.with(StepAction::Unpacked { sscc, via }));
    }
    for (item, via) in contents.items {
        if via.is_none() {
            pallet_products::set_parent(ctx, &item, None);
        }
        pallet_products::set_location(ctx, &item, location.clone());
        append_step(ctx, History::Item(item), &step.with(StepAction::Unpacked { sscc, via }));
    }
    AGGREGATES.remove(ctx, &sscc);
    append_step(ctx, History::Aggregate(sscc), &step.with(StepAction::Dissolved));
    ctx.deposit_event(Event::Unpacked {
        sscc,
        children: aggregate.children,
        items: aggregate.item_count,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::unpacking,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------------------------

/// How many blocks a proposal stays open.
pub fn proposal_lifetime(storage: &impl StorageRead) -> BlockNumber {
    PROPOSAL_LIFETIME.get(storage).unwrap_or(DEFAULT_PROPOSAL_LIFETIME)
}

/// The weight of a block start that closes nothing: the cursor and this block's expiry list.
pub const EXPIRY_BASE_WEIGHT: Weight = db_reads_writes(2, 0);
/// The weight of visiting one more block's expiry list (read, then removed or rewritten), and
/// the cursor and the block time written or read once the block start has work.
pub const EXPIRY_LIST_WEIGHT: Weight = db_reads_writes(2, 2);
/// The weight of closing one expired proposal: the proposal read and written, its open slot
/// removed, the inbox and the inbox's senders read and written; the event.
pub const EXPIRY_WEIGHT: Weight =
    db_reads_writes(3, 4).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));
/// The most weight one block start spends on expiries.
pub const MAX_EXPIRY_WEIGHT: Weight = EXPIRY_BASE_WEIGHT
    .saturating_add(EXPIRY_LIST_WEIGHT.saturating_mul(MAX_EXPIRY_LISTS_PER_BLOCK as u64))
    .saturating_add(EXPIRY_WEIGHT.saturating_mul(MAX_EXPIRIES_PER_BLOCK as u64));

/// Closes, as `Expired`, the open proposals whose lifetime ran out, freeing their (subject,
/// receiver, kind) slots and their places in the receivers' inboxes, and forgets the expiry
/// lists done with. Called by the executive at the start of every block, before any extrinsic;
/// returns the weight it used, which the executive charges to the block as mandatory.
///
/// It starts at the oldest list not yet done (`ExpiryCursor`, or this block's own list), closes
/// at most [`MAX_EXPIRIES_PER_BLOCK`] proposals and visits at most [`MAX_EXPIRY_LISTS_PER_BLOCK`]
/// lists, in order of block then of id; a list it could not finish keeps its remaining ids, and
/// the cursor names it for the next block start.
pub fn on_initialize<E: From<Event>>(ctx: &mut Context<'_, E>) -> Weight {
    let now = ctx.block_number();
    let cursor = EXPIRY_CURSOR.get(ctx);
    let mut block = cursor.unwrap_or(now).min(now);
    let mut weight = EXPIRY_BASE_WEIGHT;
    if cursor.is_none() && !EXPIRING.contains(ctx, &now) {
        return weight;
    }
    let time = pallet_timestamp::now(ctx);
    let (mut closed, mut lists) = (0u32, 0u32);
    while block <= now && closed < MAX_EXPIRIES_PER_BLOCK && lists < MAX_EXPIRY_LISTS_PER_BLOCK {
        lists += 1;
        weight = weight.saturating_add(EXPIRY_LIST_WEIGHT);
        let mut expiring = EXPIRING.get(ctx, &block);
        let stored = !expiring.is_empty();
        let room = (MAX_EXPIRIES_PER_BLOCK - closed) as usize;
        let rest = if expiring.len() > room { expiring.split_off(room) } else { Vec::new() };
        for id in expiring {
            closed += 1;
            weight = weight.saturating_add(EXPIRY_WEIGHT);
            expire(ctx, id, time);
        }
        if !rest.is_empty() {
            EXPIRING.insert(ctx, &block, &rest);
            break;
        }
        if stored {
            EXPIRING.remove(ctx, &block);
        }
        block += 1;
    }
    // `block` is now the oldest block whose list is not done, or past this one.
    let next = (block <= now).then_some(block);
    if next != cursor {
        match next {
            Some(block) => EXPIRY_CURSOR.put(ctx, &block),
            None => EXPIRY_CURSOR.kill(ctx),
        }
    }
    weight
}

/// Closes proposal `id` as `Expired` if it is still open.
fn expire<E: From<Event>>(ctx: &mut Context<'_, E>, id: ProposalId, time: Moment) {
    let Some(mut proposal) = PROPOSALS.get(ctx, &id) else { return };
    if proposal.status != ProposalStatus::Open {
        return;
    }
    close(ctx, &mut proposal, ProposalStatus::Expired, None);
    ctx.deposit_event(Event::TransferExpired {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: proposal.from,
        to: proposal.to,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
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

/// Packing or unpacking, which ask different things of the goods.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Handling {
    /// Every item movable.
    Pack,
    /// No item held or refused by customs (its seal stays).
    Unpack,
}

/// The checks pack and unpack make on everything they touch: held by `org`, the items fit for
/// `handling`, every history sound.
fn check_contents(storage: &impl StorageRead, contents: &Contents, org: OrgId, handling: Handling) -> DispatchResult {
    for (aggregate, _) in &contents.aggregates {
        if aggregate.custodian != org {
            return Err(Error::NotCustodian.into());
        }
        ensure_appendable(storage, History::Aggregate(aggregate.sscc))?;
    }
    for (id, _) in &contents.items {
        let item = match handling {
            Handling::Pack => pallet_products::ensure_movable(storage, id)?,
            Handling::Unpack => {
                let item = pallet_products::item(storage, id).ok_or(pallet_products::Error::ItemNotFound)?;
                ensure_not_held_by_customs(&item)?;
                item
            }
        };
        if item.custodian != org {
            return Err(Error::NotCustodian.into());
        }
        ensure_appendable(storage, History::Item(*id))?;
    }
    Ok(())
}

/// Customs' part of `pallet_products::ensure_movable`, with its errors: goods awaiting a
/// decision, held (on hold or pending an inspection) or refused stay as customs found them.
fn ensure_not_held_by_customs(item: &pallet_products::Item) -> DispatchResult {
    use pallet_products::CustomsState;
    match item.customs {
        CustomsState::Declared => Err(pallet_products::Error::ItemAwaitingCustoms.into()),
        CustomsState::OnHold | CustomsState::InspectionRequired => {
            Err(pallet_products::Error::ItemOnCustomsHold.into())
        }
        CustomsState::Refused => Err(pallet_products::Error::ItemRefusedByCustoms.into()),
        // Once customs ordered refused goods re-exported or destroyed, their seal is lifted.
        CustomsState::None | CustomsState::Cleared | CustomsState::ReExported | CustomsState::Destroyed => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Histories
// ---------------------------------------------------------------------------------------------

/// Who acted, where and when: a journey step without its action.
struct Step {
    org: OrgId,
    agent: AccountId32,
    location: Location,
    block: BlockNumber,
    time: Moment,
}

impl Step {
    fn with(&self, action: StepAction) -> JourneyStep {
        JourneyStep {
            action,
            org: self.org,
            agent: self.agent,
            location: self.location.clone(),
            block: self.block,
            time: self.time,
        }
    }
}

/// Appends a transfer's step to everything it moves: the subject's own step has no aggregate,
/// the contents' name the subject's SSCC.
fn record_transfer(
    storage: &mut impl StorageWrite,
    goods: &Goods,
    step: &Step,
    action: impl Fn(Option<Sscc>) -> StepAction,
) {
    let moved_with = goods.root.as_ref().map(|root| root.sscc);
    if let Some(root) = &goods.root {
        append_step(storage, History::Aggregate(root.sscc), &step.with(action(None)));
    }
    for (aggregate, _) in &goods.contents.aggregates {
        append_step(storage, History::Aggregate(aggregate.sscc), &step.with(action(moved_with)));
    }
    for (item, _) in &goods.contents.items {
        append_step(storage, History::Item(*item), &step.with(action(moved_with)));
    }
}

/// Whose history: an item's or an aggregate's (SSCC). Both are stored the same way, in pages.
#[derive(Clone, Copy, Debug)]
enum History {
    Item(ItemId),
    Aggregate(Sscc),
}

impl History {
    fn length_key(&self) -> Vec<u8> {
        match self {
            History::Item(id) => HISTORY_LENGTH.key(id),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_LENGTH.key(sscc),
        }
    }

    fn page_key(&self, page: u32) -> Vec<u8> {
        match self {
            History::Item(id) => HISTORY_PAGES.key(id, &page),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_PAGES.key(sscc, &page),
        }
    }

    /// How many steps the history has (0 when it has none, and when its length does not decode,
    /// which the read records as corruption).
    fn length(&self, storage: &impl StorageRead) -> u32 {
        match self {
            History::Item(id) => HISTORY_LENGTH.get(storage, id),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_LENGTH.get(storage, sscc),
        }
    }

    /// The whole history, oldest step first, read page by page.
    fn steps(&self, storage: &impl StorageRead) -> Vec<JourneyStep> {
        let length = self.length(storage);
        let mut steps = Vec::with_capacity(length as usize);
        for page in 0..length.div_ceil(HISTORY_PAGE_STEPS) {
            steps.extend(match self {
                History::Item(id) => HISTORY_PAGES.get(storage, id, &page),
                History::Aggregate(sscc) => AGGREGATE_HISTORY_PAGES.get(storage, sscc, &page),
            });
        }
        steps
    }

    fn describe(&self) -> String {
        match self {
            History::Item(id) => format!("of item {id:?}"),
            History::Aggregate(sscc) => format!("of SSCC {}", String::from_utf8_lossy(sscc)),
        }
    }
}

/// Where the next step of `history` goes, read without decoding any step: its length, and the
/// stored steps of the page that receives it, from the page's SCALE length prefix alone (a vector
/// encodes as its compact length, then its elements). A length that does not decode, or a last
/// page that does not hold `length % HISTORY_PAGE_STEPS` steps, is corruption.
fn next_place(storage: &impl StorageRead, history: History) -> Result<u32, DispatchError> {
    let corrupt = |what: String| {
        storage.note_corruption(format!("Custody history {} {what}", history.describe()));
        DispatchError::Corruption
    };
    let length = match storage.storage_get(&history.length_key()) {
        None => 0,
        Some(bytes) => u32::decode_all(&mut &bytes[..])
            .map_err(|error| corrupt(format!("has a length that does not decode: {error}")))?,
    };
    let page = length / HISTORY_PAGE_STEPS;
    let held = match storage.storage_get(&history.page_key(page)) {
        None => 0,
        Some(bytes) => Compact::<u32>::decode(&mut &bytes[..]).map(|count| count.0).map_err(|error| {
            corrupt(format!("page {page} at 0x{} does not decode: {error}", hex_key(&history.page_key(page))))
        })?,
    };
    if held != length % HISTORY_PAGE_STEPS {
        return Err(corrupt(format!("has {length} steps, but its page {page} holds {held}")));
    }
    Ok(length)
}

/// `Ok` if a step can be appended to `history`: it is sound ([`next_place`]), and its length
/// counter has not reached `u32::MAX` (out of reach in practice; refused rather than wrapped).
fn ensure_appendable(storage: &impl StorageRead, history: History) -> DispatchResult {
    if next_place(storage, history)? == u32::MAX {
        return Err(DispatchError::Exhausted);
    }
    Ok(())
}

/// Appends `step` to `history`: to its last page, or to a new page when the last is full, and
/// counts it. The page is appended to without decoding the steps already there: only its length
/// prefix is rewritten and the new step's encoding added (as Substrate's `StorageAppend`). One
/// read and one write of the length, one of a page of at most [`HISTORY_PAGE_STEPS`] steps,
/// whatever the history's length; older pages are never touched. The caller checked the history
/// with [`ensure_appendable`], which reported any corruption; a corrupt history is left alone.
fn append_step(storage: &mut impl StorageWrite, history: History, step: &JourneyStep) {
    let Ok(length) = next_place(&*storage, history) else { return };
    let Some(new_length) = length.checked_add(1) else { return };
    let key = history.page_key(length / HISTORY_PAGE_STEPS);
    let held = length % HISTORY_PAGE_STEPS;
    let existing = if held == 0 { Vec::new() } else { storage.storage_get(&key).unwrap_or_default() };
    let mut steps = &existing[..];
    if held != 0 && Compact::<u32>::decode(&mut steps).is_err() {
        return;
    }
    let mut value = Compact(held + 1).encode();
    value.extend_from_slice(steps);
    step.encode_to(&mut value);
    storage.storage_set(key, value);
    storage.storage_set(history.length_key(), new_length.encode());
}

// ---------------------------------------------------------------------------------------------
// For other pallets and the RPC: reads
// ---------------------------------------------------------------------------------------------

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
/// [`HISTORY_PAGE_STEPS`] of them (empty past the last page).
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

/// The open proposals addressed to `org`, oldest first (at most [`MAX_OPEN_PER_SENDER`] per
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
