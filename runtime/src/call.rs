//! `RuntimeCall`: every pallet's calls behind the pallet's stable index.
//!
//! The enum, its weight and its dispatch are generated from the runtime's list of pallets
//! ([`crate::pallets`]); which calls are inherents is said here, call by call. A variant holds
//! the pallet crate's `Call` by that name (not `<Pallet as Pallet>::Call`): the metadata shows
//! the type name as written.

use tracechain_support::{
    dispatch::{DispatchClass, DispatchResult, Origin},
    weight::Weight,
    Context, Pallet, StorageRead,
};

use crate::{
    pallets::{for_each_pallet, outer_enum},
    RuntimeEvent,
};

macro_rules! runtime_call {
    ($($name:ident: $krate:ident::Pallet = $index:literal $({ $event:ident })?),* $(,)?) => {
        outer_enum! {
            /// A call to any pallet. The variant index is the pallet index and never changes.
            pub enum RuntimeCall { $($name($krate::Call) = $index,)* }
        }

        impl RuntimeCall {
            /// The call's weight, before the per-extrinsic base weight. Some calls weigh what they
            /// touch (an aggregate's items), so the weight is read against the state.
            pub fn weight(&self, storage: &impl StorageRead) -> Weight {
                match self {
                    $(RuntimeCall::$name(call) => <$krate::Pallet as Pallet>::call_weight(storage, call),)*
                }
            }

            /// Dispatches the call to its pallet.
            pub fn dispatch(self, ctx: &mut Context<'_, RuntimeEvent>, origin: &Origin) -> DispatchResult {
                match self {
                    $(RuntimeCall::$name(call) => <$krate::Pallet as Pallet>::dispatch(ctx, origin, call),)*
                }
            }
        }
    };
}

for_each_pallet!(runtime_call);

impl RuntimeCall {
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
}
