//! The identity pallet's stored types and the key a GS1 Digital Link names.

use pallet_membership::types::OrgId;
use pallet_products::{lot_item_id, serial_item_id, Gtin, ItemId};
use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;
use tracechain_primitives::{BlockNumber, Moment};

/// The key qualifier of a Digital Link after the GTIN: which item of the class it names.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum DigitalLinkKey {
    /// `/21/<serial>`: a serialised item (SGTIN).
    #[codec(index = 0)]
    Serial(Vec<u8>),
    /// `/10/<lot>`: a lot (LGTIN).
    #[codec(index = 1)]
    Lot(Vec<u8>),
}

impl DigitalLinkKey {
    /// The id of the item this key names within class `gtin`.
    pub fn item_id(&self, gtin: &Gtin) -> ItemId {
        match self {
            DigitalLinkKey::Serial(serial) => serial_item_id(gtin, serial),
            DigitalLinkKey::Lot(lot) => lot_item_id(gtin, lot),
        }
    }
}

/// A retail sale: which store sold the item, and when. Kept forever, so that every later scan
/// of the same code shows "already sold on …".
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Sale {
    /// The selling retailer organisation (the item's custodian at the time).
    pub by: OrgId,
    /// The block of the sale.
    pub at: BlockNumber,
    /// The block time of the sale.
    pub time: Moment,
}

/// A counterfeit report or a destruction: who, why, when.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct StatusChange {
    /// The reporting organisation.
    pub by: OrgId,
    /// Why, 1 to 256 bytes of UTF-8.
    pub reason: Vec<u8>,
    /// The block of the change.
    pub at: BlockNumber,
    /// The block time of the change.
    pub time: Moment,
}
