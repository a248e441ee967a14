//! The weight of each inspection call. The values are hand-set until benchmarked: one function
//! per call, named after it, which a benchmark run will later generate.

use tracechain_support::weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS};

/// The weight of recording one item an aggregate attestation covers: reading it from custody,
/// and reading and writing its coverage index and the issuer's count for it.
const PER_COVERED_ITEM_WEIGHT: Weight = db_reads_writes(3, 2);

/// What attesting costs apart from coverage: the signer's organisation and roles, the subject's
/// existence, the id counter, the attestation, the subject index and the issuer's count on it;
/// hashing and encoding.
const BASE_WEIGHT: Weight =
    db_reads_writes(7, 4).saturating_add(Weight::from_parts(20 * WEIGHT_REF_TIME_PER_MICROS, 0));

/// `attest` on a subject covering `covered_items` items (an aggregate's stored item count; 0 for
/// an item or a lot).
pub const fn attest(covered_items: u64) -> Weight {
    BASE_WEIGHT.saturating_add(PER_COVERED_ITEM_WEIGHT.saturating_mul(covered_items))
}

/// `revoke`.
pub const fn revoke() -> Weight {
    db_reads_writes(4, 1).saturating_add(Weight::from_parts(10 * WEIGHT_REF_TIME_PER_MICROS, 0))
}

/// `supersede` of an attestation covering `covered_items` items, which the new one copies.
pub const fn supersede(covered_items: u64) -> Weight {
    BASE_WEIGHT
        .saturating_add(db_reads_writes(2, 1))
        .saturating_add(PER_COVERED_ITEM_WEIGHT.saturating_mul(covered_items))
}
