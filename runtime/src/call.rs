//! `RuntimeCall`: every pallet's calls behind the pallet's stable index.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_support::{
    dispatch::{DispatchClass, DispatchResult, Origin},
    weight::Weight,
    Context, StorageRead,
};

use crate::RuntimeEvent;

/// A call to any pallet. The variant index is the pallet index and never changes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeCall {
    /// `System` (index 0).
    #[codec(index = 0)]
    System(pallet_system::Call),
    /// `Timestamp` (index 1).
    #[codec(index = 1)]
    Timestamp(pallet_timestamp::Call),
    /// `Membership` (index 2).
    #[codec(index = 2)]
    Membership(pallet_membership::Call),
    /// `Products` (index 10).
    #[codec(index = 10)]
    Products(pallet_products::Call),
    /// `Custody` (index 11).
    #[codec(index = 11)]
    Custody(pallet_custody::Call),
    /// `Customs` (index 12).
    #[codec(index = 12)]
    Customs(pallet_customs::Call),
    /// `Inspection` (index 13).
    #[codec(index = 13)]
    Inspection(pallet_inspection::Call),
    /// `Identity` (index 14).
    #[codec(index = 14)]
    Identity(pallet_identity::Call),
}

impl RuntimeCall {
    /// The call's weight, before the per-extrinsic base weight. Some calls weigh what they
    /// touch (an aggregate's items), so the weight is read against the state.
    pub fn weight(&self, storage: &impl StorageRead) -> Weight {
        match self {
            RuntimeCall::System(call) => pallet_system::call_weight(call),
            RuntimeCall::Timestamp(call) => pallet_timestamp::call_weight(call),
            RuntimeCall::Membership(call) => pallet_membership::call_weight(call),
            RuntimeCall::Products(call) => pallet_products::call_weight(call),
            RuntimeCall::Custody(call) => pallet_custody::call_weight(storage, call),
            RuntimeCall::Customs(call) => pallet_customs::call_weight(storage, call),
            RuntimeCall::Inspection(call) => pallet_inspection::call_weight(storage, call),
            RuntimeCall::Identity(call) => pallet_identity::call_weight(call),
        }
    }

    /// Inherents are mandatory; everything else is a normal transaction.
    pub fn class(&self) -> DispatchClass {
        if self.is_inherent() {
            DispatchClass::Mandatory
        } else {
            DispatchClass::Normal
        }
    }

    /// Whether the call is an inherent: unsigned, put in the block by its author.
    pub fn is_inherent(&self) -> bool {
        matches!(
            self,
            RuntimeCall::Timestamp(_) | RuntimeCall::Membership(pallet_membership::Call::report_equivocation { .. })
        )
    }

    /// Dispatches the call to its pallet.
    pub fn dispatch(self, ctx: &mut Context<'_, RuntimeEvent>, origin: &Origin) -> DispatchResult {
        match self {
            RuntimeCall::System(call) => pallet_system::dispatch(ctx, origin, call),
            RuntimeCall::Timestamp(call) => pallet_timestamp::dispatch(ctx, origin, call),
            RuntimeCall::Membership(call) => pallet_membership::dispatch(ctx, origin, call),
            RuntimeCall::Products(call) => pallet_products::dispatch(ctx, origin, call),
            RuntimeCall::Custody(call) => pallet_custody::dispatch(ctx, origin, call),
            RuntimeCall::Customs(call) => pallet_customs::dispatch(ctx, origin, call),
            RuntimeCall::Inspection(call) => pallet_inspection::dispatch(ctx, origin, call),
            RuntimeCall::Identity(call) => pallet_identity::dispatch(ctx, origin, call),
        }
    }
}
