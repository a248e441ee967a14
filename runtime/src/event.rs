//! `RuntimeEvent`: every pallet's events behind the pallet's stable index.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

/// An event of any pallet. The variant index is the pallet index and never changes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum RuntimeEvent {
    /// `System` (index 0).
    #[codec(index = 0)]
    System(pallet_system::Event),
    /// `Membership` (index 2).
    #[codec(index = 2)]
    Membership(pallet_membership::Event),
    /// `Products` (index 10).
    #[codec(index = 10)]
    Products(pallet_products::Event),
    /// `Custody` (index 11).
    #[codec(index = 11)]
    Custody(pallet_custody::Event),
    /// `Customs` (index 12).
    #[codec(index = 12)]
    Customs(pallet_customs::Event),
    /// `Inspection` (index 13).
    #[codec(index = 13)]
    Inspection(pallet_inspection::Event),
    /// `Identity` (index 14).
    #[codec(index = 14)]
    Identity(pallet_identity::Event),
}

/// `From<pallet event>` for each pallet with events.
macro_rules! runtime_event_from {
    ($($variant:ident => $event:ty),* $(,)?) => {
        $(impl From<$event> for RuntimeEvent {
            fn from(event: $event) -> Self {
                RuntimeEvent::$variant(event)
            }
        })*
    };
}

runtime_event_from! {
    System => pallet_system::Event,
    Membership => pallet_membership::Event,
    Products => pallet_products::Event,
    Custody => pallet_custody::Event,
    Customs => pallet_customs::Event,
    Inspection => pallet_inspection::Event,
    Identity => pallet_identity::Event,
}
