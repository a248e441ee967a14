//! The weight of each custody call and of the block-start expiries. The values are hand-set
//! until benchmarked: one function per call, named after it, which a benchmark run will later
//! generate.
//!
//! A call's work grows with the items and aggregates it touches (`units`, which
//! [`crate::call_weight`] reads from the stored aggregate counts): every call costs
//! `BASE_WEIGHT + units × PER_UNIT_WEIGHT`.

use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

use crate::{MAX_EXPIRIES_PER_BLOCK, MAX_EXPIRY_LISTS_PER_BLOCK};

/// The work of any call apart from the goods: the signer's organisation, the proposal or
/// aggregate, the receiver, the open-proposal key, the inbox and its senders, the next id, the
/// proposal lifetime and the expiry list, the event.
pub const BASE_WEIGHT: Weight =
    db_reads_writes(9, 6).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// The work per item or aggregate a call touches: movability (the item, its lot's and its class's
/// recalls), the right, the history's length and its last page; then the item or aggregate
/// written (pack and unpack write the parent and the location: two setters), and the history's
/// last page and length. A page holds at most [`HISTORY_PAGE_STEPS`](crate::HISTORY_PAGE_STEPS) steps, so the page read and
/// written is bounded whatever the history's length.
pub const PER_UNIT_WEIGHT: Weight =
    db_reads_writes(8, 4).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));

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

/// The base weight and `units` of per-unit work.
const fn with_units(units: u64) -> Weight {
    BASE_WEIGHT.saturating_add(PER_UNIT_WEIGHT.saturating_mul(units))
}

/// `propose_transfer` of a subject touching `units` items and aggregates.
pub const fn propose_transfer(units: u64) -> Weight {
    with_units(units)
}

/// `accept` of a proposal whose subject touches `units` items and aggregates (0 for an unknown
/// proposal).
pub const fn accept(units: u64) -> Weight {
    with_units(units)
}

/// `reject`: touches no goods.
pub const fn reject() -> Weight {
    with_units(0)
}

/// `cancel`: touches no goods.
pub const fn cancel() -> Weight {
    with_units(0)
}

/// `pack` into a new aggregate (1 unit) of children touching `units - 1` items and aggregates.
pub const fn pack(units: u64) -> Weight {
    with_units(units)
}

/// `unpack` of an aggregate touching `units` items and aggregates (0 for an unknown SSCC).
pub const fn unpack(units: u64) -> Weight {
    with_units(units)
}
