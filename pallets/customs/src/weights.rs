//! The weight of each customs call. The values are hand-set until benchmarked: one function per
//! call, named after it, which a benchmark run will later generate. [`crate::call_weight`]
//! reads the counts they take (items declared or decided, documents, scopes) from the call and
//! the state.

use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

/// Signer, roles, the port's authorities, the id counter, the declaration, the declarant's share
/// of the port's worklist; hashing and encoding.
const BASE_WEIGHT: Weight =
    db_reads_writes(6, 3).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// Declaring one item: movability (the item, its lot's and class's recalls), its nomination, its
/// class's origin, its declaration index; writing the index and its customs state.
const PER_DECLARED_ITEM_WEIGHT: Weight =
    db_reads_writes(6, 2).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// Naming the importer of one item: reading the item, writing its nomination.
const PER_NAMED_ITEM_WEIGHT: Weight =
    db_reads_writes(1, 1).saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0));

/// A decision on one item: reading and writing its customs state.
const PER_DECIDED_ITEM_WEIGHT: Weight = db_reads_writes(1, 1);

/// Clearing one item: its class (HS rules), and what covers it: its own, its lot's and its
/// aggregates' attestation lists and, amortised, the attestations.
const PER_CLEARED_ITEM_WEIGHT: Weight =
    db_reads_writes(6, 0).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// `declare` of `items` items (aggregates counted by their stored item counts) with `documents`
/// documents.
pub const fn declare(items: u64, documents: u64) -> Weight {
    BASE_WEIGHT
        .saturating_add(PER_DECLARED_ITEM_WEIGHT.saturating_mul(items))
        .saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0).saturating_mul(documents))
}

/// A decision that updates each of the declaration's `items` items once.
const fn decision(items: u64) -> Weight {
    BASE_WEIGHT.saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items))
}

/// `hold` of a declaration of `items` items.
pub const fn hold(items: u64) -> Weight {
    decision(items)
}

/// `refuse` of a declaration of `items` items.
pub const fn refuse(items: u64) -> Weight {
    decision(items)
}

/// `order_reexport` of a declaration of `items` items.
pub const fn order_reexport(items: u64) -> Weight {
    decision(items)
}

/// `order_destruction` of a declaration of `items` items: the customs state and the status (two
/// updates of each item), and the identity pallet's destruction record, looked up and written.
pub const fn order_destruction(items: u64) -> Weight {
    BASE_WEIGHT
        .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items.saturating_mul(2)))
        .saturating_add(db_reads_writes(1, 1).saturating_mul(items))
}

/// `require_inspection` of a declaration of `items` items, with `scopes` scopes.
pub const fn require_inspection(items: u64, scopes: u64) -> Weight {
    BASE_WEIGHT
        .saturating_add(db_reads_writes(1, 0))
        .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items))
        .saturating_add(Weight::from_parts(WEIGHT_REF_TIME_PER_MICROS, 0).saturating_mul(scopes))
}

/// `clear` of a declaration of `items` items.
pub const fn clear(items: u64) -> Weight {
    BASE_WEIGHT
        .saturating_add(db_reads_writes(1, 0))
        .saturating_add(PER_DECIDED_ITEM_WEIGHT.saturating_mul(items))
        .saturating_add(PER_CLEARED_ITEM_WEIGHT.saturating_mul(items))
}

/// A change of the inspection rules.
const fn rule_change() -> Weight {
    db_reads_writes(3, 1).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
}

/// `set_inspection_rule`.
pub const fn set_inspection_rule() -> Weight {
    rule_change()
}

/// `remove_inspection_rule`.
pub const fn remove_inspection_rule() -> Weight {
    rule_change()
}

/// `name_importer` of `items` items (aggregates counted by their stored item counts).
pub const fn name_importer(items: u64) -> Weight {
    db_reads_writes(3, 0)
        .saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
        .saturating_add(PER_NAMED_ITEM_WEIGHT.saturating_mul(items))
}
