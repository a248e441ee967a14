//! The weight of each products call. The values are hand-set until benchmarked: one function per
//! call, named after it, which a benchmark run will later generate.

use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

/// The weight of commissioning one item: the duplicate check (a read), the item (a write),
/// hashing its element string and encoding it.
const PER_ITEM_WEIGHT: Weight =
    db_reads_writes(1, 1).saturating_add(Weight::from_parts(5 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// What every call reads: the signer's organisation and roles and the class.
const BASE_WEIGHT: Weight =
    db_reads_writes(4, 0).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// `register_class`.
pub const fn register_class() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(2, 1))
}

/// `commission_serials` of `serials` serials.
pub const fn commission_serials(serials: u64) -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(2, 1)).saturating_add(PER_ITEM_WEIGHT.saturating_mul(serials))
}

/// `commission_lot`: one item for the whole lot.
pub const fn commission_lot() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(2, 1)).saturating_add(PER_ITEM_WEIGHT)
}

/// `recall_lot`.
pub const fn recall_lot() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(3, 1))
}

/// `recall_class`.
pub const fn recall_class() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(3, 1))
}

/// `add_document`.
pub const fn add_document() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(0, 1))
}
