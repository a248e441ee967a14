//! Weights: the execution cost of a call, and the block's limits on weight and length.
//!
//! `Weight` is `sp_weights::weight_v2::Weight`: `ref_time` in picoseconds of execution on the
//! reference machine and `proof_size` in bytes, both compact-encoded. Weights are integers: the
//! runtime never uses floats.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The cost of a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("tracechain_support", "sp_weights"), replace_segment("weight", "weight_v2"))]
pub struct Weight {
    /// Picoseconds of execution time on the reference machine.
    #[codec(compact)]
    pub ref_time: u64,
    /// Bytes of storage proof the call may need.
    #[codec(compact)]
    pub proof_size: u64,
}

impl Weight {
    /// No cost.
    pub const ZERO: Weight = Weight { ref_time: 0, proof_size: 0 };

    /// A weight of `ref_time` picoseconds and no proof size.
    pub const fn from_parts(ref_time: u64, proof_size: u64) -> Self {
        Self { ref_time, proof_size }
    }

    /// Component-wise saturating sum.
    pub const fn saturating_add(self, other: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_add(other.ref_time),
            proof_size: self.proof_size.saturating_add(other.proof_size),
        }
    }

    /// Scales both components by `factor`, saturating.
    pub const fn saturating_mul(self, factor: u64) -> Weight {
        Weight { ref_time: self.ref_time.saturating_mul(factor), proof_size: self.proof_size.saturating_mul(factor) }
    }

    /// Whether any component exceeds `limit`'s.
    pub const fn any_gt(self, limit: Weight) -> bool {
        self.ref_time > limit.ref_time || self.proof_size > limit.proof_size
    }
}

/// Picoseconds per microsecond.
pub const WEIGHT_REF_TIME_PER_MICROS: u64 = 1_000_000;
/// Picoseconds per millisecond.
pub const WEIGHT_REF_TIME_PER_MILLIS: u64 = 1_000_000_000;

/// The weight of one database read, as Substrate's `RocksDbWeight` counts it (25 µs).
pub const DB_READ: Weight = Weight::from_parts(25 * WEIGHT_REF_TIME_PER_MICROS, 0);
/// The weight of one database write (100 µs).
pub const DB_WRITE: Weight = Weight::from_parts(100 * WEIGHT_REF_TIME_PER_MICROS, 0);

/// `reads` reads plus `writes` writes.
pub const fn db_reads_writes(reads: u64, writes: u64) -> Weight {
    DB_READ.saturating_mul(reads).saturating_add(DB_WRITE.saturating_mul(writes))
}

/// The block's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLimits {
    /// Total weight of a block.
    pub max_weight: Weight,
    /// Percent of `max_weight` that normal (signed) transactions may fill; the rest is kept for
    /// mandatory inherents.
    pub normal_weight_percent: u64,
    /// Total encoded length of a block's extrinsics, in bytes.
    pub max_length: u32,
    /// Percent of `max_length` that normal transactions may fill.
    pub normal_length_percent: u32,
    /// Weight charged for every extrinsic on top of its call (signature check, nonce, events).
    pub extrinsic_base_weight: Weight,
}

impl BlockLimits {
    /// Weight available to normal transactions.
    pub const fn max_normal_weight(&self) -> Weight {
        Weight {
            ref_time: self.max_weight.ref_time / 100 * self.normal_weight_percent,
            proof_size: self.max_weight.proof_size / 100 * self.normal_weight_percent,
        }
    }

    /// Length available to normal transactions.
    pub const fn max_normal_length(&self) -> u32 {
        self.max_length / 100 * self.normal_length_percent
    }
}

/// Substrate's solochain defaults: 2 s of compute per block, 75 % for normal transactions, 5 MiB.
pub const DEFAULT_BLOCK_LIMITS: BlockLimits = BlockLimits {
    max_weight: Weight::from_parts(2_000 * WEIGHT_REF_TIME_PER_MILLIS, 5 * 1024 * 1024),
    normal_weight_percent: 75,
    max_length: 5 * 1024 * 1024,
    normal_length_percent: 75,
    extrinsic_base_weight: Weight::from_parts(125 * WEIGHT_REF_TIME_PER_MICROS, 0),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_encodes_compactly() {
        assert_eq!(Weight::from_parts(1, 2).encode(), vec![4, 8]);
    }

    #[test]
    fn normal_share_of_block() {
        assert_eq!(DEFAULT_BLOCK_LIMITS.max_normal_length(), 5 * 1024 * 1024 / 100 * 75);
        assert!(!DEFAULT_BLOCK_LIMITS.max_normal_weight().any_gt(DEFAULT_BLOCK_LIMITS.max_weight));
    }
}
