//! The products pallet's stored types, the GS1 identifiers they are keyed by, and the EPCIS
//! vocabulary its events (and other pallets' events) carry.

use std::{fmt, str::FromStr};

use pallet_membership::types::{CountryCode, Location, OrgId};
use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use tracechain_primitives::{gs1, hashing::blake2_256_h, BlockNumber, Moment, H256};

use crate::{BrandName, Error, ProductName};

/// An item's id: `blake2_256` of its canonical GS1 element string, `(01)<gtin14>(21)<serial>`
/// for a serialised item, `(01)<gtin14>(10)<lot>` for a lot.
pub type ItemId = H256;

/// An SSCC (AI 00, 18 ASCII digits): the aggregate (pallet, container) an item is packed in.
/// Maintained by pallet-custody.
pub type AggregateRef = [u8; 18];

/// The most characters of a serial number (AI 21) or lot number (AI 10).
pub const MAX_SERIAL_LEN: usize = 20;

/// A GTIN-14: 14 ASCII digits whose last is the GS1 check digit of the others.
///
/// Only [`Gtin::parse`] (and [`FromStr`]) make one from outside input: they accept GTIN-8, -12,
/// -13 and -14, left-pad with `'0'` to 14 digits and verify the check digit. The padding keeps
/// the check digit valid, because the weights are counted from the right.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Gtin(pub [u8; 14]);

impl Gtin {
    /// Parses a GTIN-8, -12, -13 or -14 given as ASCII digits, normalised to 14 digits.
    ///
    /// Fails with [`Error::InvalidGtin`] for another length or a non-digit, and with
    /// [`Error::CheckDigitMismatch`] when the last digit is not the check digit of the others.
    pub fn parse(digits: &[u8]) -> Result<Gtin, Error> {
        if !matches!(digits.len(), 8 | 12 | 13 | 14) || !digits.iter().all(u8::is_ascii_digit) {
            return Err(Error::InvalidGtin);
        }
        if !gs1::check_digit_is_valid(digits) {
            return Err(Error::CheckDigitMismatch);
        }
        let mut gtin = [b'0'; 14];
        gtin[14 - digits.len()..].copy_from_slice(digits);
        Ok(Gtin(gtin))
    }

    /// The 14 ASCII digits.
    pub fn as_bytes(&self) -> &[u8; 14] {
        &self.0
    }

    /// The 14 digits as text.
    pub fn as_str(&self) -> &str {
        // Every constructor but the public field keeps ASCII digits; a value decoded from a
        // corrupt state or built by hand with non-UTF-8 bytes shows as empty rather than panic.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The indicator digit (packaging level; `0` for a GTIN-8/12/13 normalised to 14).
    pub fn indicator(&self) -> u8 {
        self.0[0]
    }

    /// The digits after the indicator, where the GS1 company prefix starts.
    pub fn after_indicator(&self) -> &[u8] {
        &self.0[1..]
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gtin({})", self.as_str())
    }
}

impl FromStr for Gtin {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Gtin::parse(text.as_bytes())
    }
}

impl serde::Serialize for Gtin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Gtin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `value` is a valid serial (AI 21) or lot (AI 10): 1 to [`MAX_SERIAL_LEN`] characters
/// of GS1's AI encodable character set 82 (`!"%&'()*+,-./0-9:;<=>?A-Z_a-z`).
pub fn is_valid_serial(value: &[u8]) -> bool {
    (1..=MAX_SERIAL_LEN).contains(&value.len()) && value.iter().copied().all(is_cset82)
}

/// Whether `byte` is in GS1's AI encodable character set 82.
pub fn is_cset82(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!\"%&'()*+,-./:;<=>?_".contains(&byte)
}

/// Whether `date` (`YYYYMMDD`) is a real Gregorian calendar date, years 1000 to 9999.
pub fn is_valid_date(date: u32) -> bool {
    let (year, month, day) = (date / 10_000, date / 100 % 100, date % 100);
    if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

/// The canonical GS1 element string of a serialised item: `(01)<gtin14>(21)<serial>`.
pub fn serial_element_string(gtin: &Gtin, serial: &[u8]) -> Vec<u8> {
    [b"(01)".as_slice(), gtin.as_bytes(), b"(21)", serial].concat()
}

/// The canonical GS1 element string of a lot: `(01)<gtin14>(10)<lot>`.
pub fn lot_element_string(gtin: &Gtin, lot: &[u8]) -> Vec<u8> {
    [b"(01)".as_slice(), gtin.as_bytes(), b"(10)", lot].concat()
}

/// The id of the serialised item `serial` of `gtin`.
pub fn serial_item_id(gtin: &Gtin, serial: &[u8]) -> ItemId {
    blake2_256_h(&serial_element_string(gtin, serial))
}

/// The id of the lot `lot` of `gtin`.
pub fn lot_item_id(gtin: &Gtin, lot: &[u8]) -> ItemId {
    blake2_256_h(&lot_element_string(gtin, lot))
}

/// A document kept off chain (certificate, specification, lab report): its hash and where to get it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Document {
    /// `blake2_256` of the document's bytes.
    pub hash: H256,
    /// Where it can be fetched: 1 to 256 bytes of printable ASCII.
    pub uri: Vec<u8>,
}

/// A product class (a trade item), keyed by its GTIN.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ProductClass {
    /// Its GTIN-14.
    pub gtin: Gtin,
    /// The registrant: the manufacturer organisation that owns the GTIN's company prefix.
    pub brand_org: OrgId,
    /// Its name, 1 to 128 bytes of UTF-8 (e.g. "Château X 2019, 750 ml").
    pub name: ProductName,
    /// Its brand, 1 to 64 bytes of UTF-8.
    pub brand: BrandName,
    /// Its Harmonized System code, 6 to 10 ASCII digits (e.g. `220421`).
    pub hs_code: Vec<u8>,
    /// Its country of origin.
    pub origin: CountryCode,
    /// Documents about it, at most [`crate::MAX_DOCUMENTS`].
    pub documents: Vec<Document>,
    /// The block it was registered in.
    pub registered_at: BlockNumber,
}

/// The metadata's description of [`ProductClass`]: the type as it was declared with `Vec<u8>`
/// text fields, so that storing them as [`crate::ProductName`] and [`crate::BrandName`] leaves
/// the metadata byte for byte as it was (the derived `TypeInfo` would name the fields' types
/// `ProductName` and `BrandName`). Only the name and the path are [`ProductClass`]'s; the fields
/// and the docs are this twin's, derived, and must stay in step with [`ProductClass`].
impl TypeInfo for ProductClass {
    type Identity = Self;

    fn type_info() -> scale_info::Type {
        let layout = ProductClassLayout::type_info();
        scale_info::Type { path: scale_info::Path::new("ProductClass", module_path!()), ..layout }
    }
}

/// A product class (a trade item), keyed by its GTIN.
#[derive(TypeInfo)]
#[allow(dead_code)]
struct ProductClassLayout {
    /// Its GTIN-14.
    pub gtin: Gtin,
    /// The registrant: the manufacturer organisation that owns the GTIN's company prefix.
    pub brand_org: OrgId,
    /// Its name, 1 to 128 bytes of UTF-8 (e.g. "Château X 2019, 750 ml").
    pub name: Vec<u8>,
    /// Its brand, 1 to 64 bytes of UTF-8.
    pub brand: Vec<u8>,
    /// Its Harmonized System code, 6 to 10 ASCII digits (e.g. `220421`).
    pub hs_code: Vec<u8>,
    /// Its country of origin.
    pub origin: CountryCode,
    /// Documents about it, at most [`crate::MAX_DOCUMENTS`].
    pub documents: Vec<Document>,
    /// The block it was registered in.
    pub registered_at: BlockNumber,
}

/// What identifies an item within its class.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum ItemKind {
    /// One serialised unit (SGTIN): GTIN + serial (AI 21).
    #[codec(index = 0)]
    Serial {
        /// The serial number, 1 to 20 characters of GS1 character set 82.
        serial: Vec<u8>,
    },
    /// A lot or batch (LGTIN): GTIN + lot (AI 10), counted by quantity.
    #[codec(index = 1)]
    Lot {
        /// The lot number, 1 to 20 characters of GS1 character set 82.
        lot: Vec<u8>,
        /// How many units the lot holds, at least 1.
        quantity: u32,
    },
}

/// An item's lifecycle status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum ItemStatus {
    /// In the supply chain.
    #[codec(index = 0)]
    Active,
    /// Sold to a consumer.
    #[codec(index = 1)]
    Sold,
    /// Recalled (a lot or class recall is also visible through [`crate::recall_of`]).
    #[codec(index = 2)]
    Recalled,
    /// Destroyed.
    #[codec(index = 3)]
    Destroyed,
    /// Reported counterfeit by the brand.
    #[codec(index = 4)]
    Counterfeit,
}

/// Where an item stands with customs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum CustomsState {
    /// Never declared.
    #[codec(index = 0)]
    None,
    /// Declared, no decision yet.
    #[codec(index = 1)]
    Declared,
    /// Held by customs: may not move.
    #[codec(index = 2)]
    OnHold,
    /// Held pending an inspection: may not move.
    #[codec(index = 3)]
    InspectionRequired,
    /// Cleared.
    #[codec(index = 4)]
    Cleared,
    /// Refused entry: may not move, until customs orders it re-exported or destroyed.
    #[codec(index = 5)]
    Refused,
    /// Refused entry, then ordered re-exported by the customs that refused it: may move again
    /// (out of the territory) and be declared at another port.
    #[codec(index = 6)]
    ReExported,
    /// Refused entry, then ordered destroyed by the customs that refused it (the item's status is
    /// `Destroyed`): never moves again, but no longer keeps an aggregate sealed.
    #[codec(index = 7)]
    Destroyed,
}

/// A recall: who, why, when.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Recall {
    /// The recalling organisation (the brand or a regulator).
    pub by: OrgId,
    /// Why, 1 to 256 bytes of UTF-8.
    pub reason: Vec<u8>,
    /// The block of the recall.
    pub at: BlockNumber,
    /// The block time of the recall.
    pub time: Moment,
}

/// An item and its current state.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Item {
    /// Its id (see [`ItemId`]).
    pub id: ItemId,
    /// Its class.
    pub gtin: Gtin,
    /// Serial or lot.
    pub kind: ItemKind,
    /// The lot a serialised item belongs to, if given at commissioning (for a lot item: `None`,
    /// its lot is in `kind`).
    pub lot: Option<Vec<u8>>,
    /// Production date, `YYYYMMDD`.
    pub production_date: u32,
    /// Expiry date, `YYYYMMDD`, after the production date.
    pub expiry_date: Option<u32>,
    /// The organisation that owns it.
    pub owner: OrgId,
    /// The organisation that holds it.
    pub custodian: OrgId,
    /// Where it is.
    pub location: Location,
    /// Its lifecycle status.
    pub status: ItemStatus,
    /// Its customs state.
    pub customs: CustomsState,
    /// A recall of this item alone (lot and class recalls are kept apart; see [`crate::recall_of`]).
    pub recalled: Option<Recall>,
    /// The aggregate it is packed in.
    pub parent: Option<AggregateRef>,
    /// The block it was commissioned in.
    pub commissioned_at: BlockNumber,
}

impl Item {
    /// The lot it belongs to: a lot item's own, or a serialised item's `lot`.
    pub fn lot_number(&self) -> Option<&[u8]> {
        match &self.kind {
            ItemKind::Lot { lot, .. } => Some(lot),
            ItemKind::Serial { .. } => self.lot.as_deref(),
        }
    }

    /// Its canonical GS1 element string, whose hash is its id.
    pub fn element_string(&self) -> Vec<u8> {
        match &self.kind {
            ItemKind::Serial { serial } => serial_element_string(&self.gtin, serial),
            ItemKind::Lot { lot, .. } => lot_element_string(&self.gtin, lot),
        }
    }
}

pub use tracechain_primitives::cbv::{BizStep, Disposition};
