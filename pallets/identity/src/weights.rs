//! The weight of each identity call. The values are hand-set until benchmarked: one function per
//! call, named after it, which a benchmark run will later generate.

use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

/// What every call costs apart from its reads and writes (organisation and role reads, the item,
/// the record, the status write are counted per call).
const BASE_WEIGHT: Weight = Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0);

/// `mark_sold`: also the movability check (the lot and class recalls).
pub const fn mark_sold() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(7, 2))
}

/// `report_counterfeit`.
pub const fn report_counterfeit() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(4, 2))
}

/// `mark_destroyed`.
pub const fn mark_destroyed() -> Weight {
    BASE_WEIGHT.saturating_add(db_reads_writes(4, 2))
}
