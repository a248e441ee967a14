//! The block's limits as `frame_system` publishes them in its constants (`BlockWeights`,
//! `BlockLength`, `DbWeight`), under FRAME's type paths, so that clients which read them (to
//! size a batch, or to tell a transaction's share of a block) decode them as on any Substrate
//! chain. The values are derived from the one declaration of the limits,
//! [`tracechain_support::weight::BlockLimits`]; nothing here is set twice.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_support::weight::{BlockLimits, Weight, DB_READ, DB_WRITE};

/// One value per dispatch class (`frame_support::dispatch::PerDispatchClass`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct PerDispatchClass<T> {
    /// For normal transactions.
    pub normal: T,
    /// For operational transactions.
    pub operational: T,
    /// For mandatory inherents.
    pub mandatory: T,
}

/// The weight limits of one dispatch class (`frame_system::limits::WeightsPerClass`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct WeightsPerClass {
    /// Charged for every extrinsic of the class on top of its call.
    pub base_extrinsic: Weight,
    /// The heaviest single extrinsic of the class; `None` is unlimited.
    pub max_extrinsic: Option<Weight>,
    /// The most weight the class may use in a block; `None` is unlimited.
    pub max_total: Option<Weight>,
    /// Weight kept for the class whatever the others use.
    pub reserved: Option<Weight>,
}

/// A block's weight limits (`frame_system::limits::BlockWeights`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct BlockWeights {
    /// The weight of an empty block: Tracechain charges block overhead to no one.
    pub base_block: Weight,
    /// The most weight a block may use.
    pub max_block: Weight,
    /// The limits of each dispatch class.
    pub per_class: PerDispatchClass<WeightsPerClass>,
}

/// A block's length limits in bytes, per class (`frame_system::limits::BlockLength`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct BlockLength {
    /// The longest total of each class's extrinsics.
    pub max: PerDispatchClass<u32>,
}

/// The weight of one database read and one write (`sp_weights::RuntimeDbWeight`), in
/// picoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct RuntimeDbWeight {
    /// One read.
    pub read: u64,
    /// One write.
    pub write: u64,
}

impl BlockWeights {
    /// The weights of `limits`: normal transactions fill their share of the block, operational
    /// and mandatory ones the whole of it (the runtime submits no operational transactions).
    pub fn from_limits(limits: &BlockLimits) -> Self {
        let base_extrinsic = limits.extrinsic_base_weight;
        let normal_total = limits.max_normal_weight();
        let whole_block = limits.max_weight;
        let operational_reserve = Weight::from_parts(
            whole_block.ref_time.saturating_sub(normal_total.ref_time),
            whole_block.proof_size.saturating_sub(normal_total.proof_size),
        );
        BlockWeights {
            base_block: Weight::ZERO,
            max_block: whole_block,
            per_class: PerDispatchClass {
                normal: WeightsPerClass {
                    base_extrinsic,
                    max_extrinsic: Some(normal_total),
                    max_total: Some(normal_total),
                    reserved: Some(Weight::ZERO),
                },
                operational: WeightsPerClass {
                    base_extrinsic,
                    max_extrinsic: Some(whole_block),
                    max_total: Some(whole_block),
                    reserved: Some(operational_reserve),
                },
                mandatory: WeightsPerClass { base_extrinsic, max_extrinsic: None, max_total: None, reserved: None },
            },
        }
    }
}

impl BlockLength {
    /// The lengths of `limits`.
    pub fn from_limits(limits: &BlockLimits) -> Self {
        BlockLength {
            max: PerDispatchClass {
                normal: limits.max_normal_length(),
                operational: limits.max_length,
                mandatory: limits.max_length,
            },
        }
    }
}

/// The database weights every call's weight is built from.
pub const DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: DB_READ.ref_time, write: DB_WRITE.ref_time };
