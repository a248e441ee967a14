//! `RuntimeEvent`: every pallet's events behind the pallet's stable index.
//!
//! The enum and its `From` impls are generated from the runtime's list of pallets
//! ([`crate::pallets`]), with a variant for each pallet listed with `{ Event }`. A variant holds
//! the pallet crate's `Event` by that name: the metadata shows the type name as written.

use tracechain_support::NoEvent;

use crate::pallets::{for_each_pallet, outer_enum};

macro_rules! runtime_event {
    ($($name:ident: $krate:ident::Pallet = $index:literal $({ $event:ident })?),* $(,)?) => {
        outer_enum! {
            /// An event of any pallet. The variant index is the pallet index and never changes.
            pub enum RuntimeEvent { $($($name($krate::$event) = $index,)?)* }
        }

        $($(
            impl From<$krate::$event> for RuntimeEvent {
                fn from(event: $krate::$event) -> Self {
                    RuntimeEvent::$name(event)
                }
            }
        )?)*
    };
}

for_each_pallet!(runtime_event);

/// What a pallet without events deposits: nothing, since `NoEvent` has no values.
impl From<NoEvent> for RuntimeEvent {
    fn from(event: NoEvent) -> Self {
        match event {}
    }
}
