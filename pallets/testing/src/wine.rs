//! The story's wine as pallet-products registers and commissions it: "Château X 2019, 750 ml",
//! wine of fresh grapes (HS 2204.21) from France, bottled on 15 September 2019.
//!
//! The calls are macros because they are pallet-products' `Call`s and this crate may not depend
//! on a pallet (see the crate docs): each expands in the suite, which depends on pallet-products
//! under the name `pallet_products`. Their key arguments (GTIN, lot, serials) take any byte text
//! (`&str`, `String`, `Vec<u8>`, `&[u8]`), the forms the suites hold them in.

/// The wine's product name.
pub const WINE_NAME: &str = "Château X 2019, 750 ml";
/// The brand the wine is sold under.
pub const BRAND: &str = "Château X";
/// HS 2204.21: wine of fresh grapes in containers of 2 l or less. Chapter 22 is a food chapter,
/// so the customs suites' rules send the wine to quarantine inspection.
pub const WINE_HS_CODE: &[u8] = b"220421";
/// Where the wine is made (ISO 3166-1 alpha-2).
pub const WINE_ORIGIN: &str = "FR";
/// The day the suites' items are commissioned, `YYYYMMDD`.
pub const PRODUCTION_DATE: u32 = 20_190_915;

/// `pallet_products::Call::register_class` for the wine under GTIN `$gtin`, without documents.
#[macro_export]
macro_rules! register_wine_call {
    ($gtin:expr $(,)?) => {
        pallet_products::Call::register_class {
            gtin: ::core::convert::AsRef::<[u8]>::as_ref(&$gtin).to_vec(),
            name: $crate::wine::WINE_NAME.as_bytes().to_vec(),
            brand: $crate::wine::BRAND.as_bytes().to_vec(),
            hs_code: $crate::wine::WINE_HS_CODE.to_vec(),
            origin: $crate::wine::WINE_ORIGIN.parse().expect("an ISO 3166-1 country code"),
            documents: vec![],
        }
    };
}

/// `pallet_products::Call::commission_serials` of serials `$serials` (an iterable of byte texts)
/// of class `$gtin`, in lot `$lot` (an `Option` of a byte text), produced on
/// [`PRODUCTION_DATE`](crate::wine::PRODUCTION_DATE) with no expiry, at `$location`.
#[macro_export]
macro_rules! commission_serials_call {
    ($gtin:expr, $lot:expr, $serials:expr, $location:expr $(,)?) => {
        pallet_products::Call::commission_serials {
            gtin: ::core::convert::AsRef::<[u8]>::as_ref(&$gtin).to_vec(),
            lot: $lot.map(|lot| ::core::convert::AsRef::<[u8]>::as_ref(&lot).to_vec()),
            serials: ::core::iter::IntoIterator::into_iter($serials)
                .map(|serial| ::core::convert::AsRef::<[u8]>::as_ref(&serial).to_vec())
                .collect(),
            production_date: $crate::wine::PRODUCTION_DATE,
            expiry_date: None,
            location: $location,
        }
    };
}

/// `pallet_products::Call::commission_lot` of `$quantity` units of class `$gtin` in lot `$lot`
/// (a byte text), produced on [`PRODUCTION_DATE`](crate::wine::PRODUCTION_DATE) with no expiry,
/// at `$location`.
#[macro_export]
macro_rules! commission_lot_call {
    ($gtin:expr, $lot:expr, $quantity:expr, $location:expr $(,)?) => {
        pallet_products::Call::commission_lot {
            gtin: ::core::convert::AsRef::<[u8]>::as_ref(&$gtin).to_vec(),
            lot: ::core::convert::AsRef::<[u8]>::as_ref(&$lot).to_vec(),
            quantity: $quantity,
            production_date: $crate::wine::PRODUCTION_DATE,
            expiry_date: None,
            location: $location,
        }
    };
}

#[cfg(test)]
mod tests {
    /// The fields of pallet-products' calls, to see what the macros fill in.
    mod pallet_products {
        #[allow(non_camel_case_types)]
        #[derive(Debug, PartialEq)]
        pub enum Call {
            register_class {
                gtin: Vec<u8>,
                name: Vec<u8>,
                brand: Vec<u8>,
                hs_code: Vec<u8>,
                origin: String,
                documents: Vec<()>,
            },
            commission_serials {
                gtin: Vec<u8>,
                lot: Option<Vec<u8>>,
                serials: Vec<Vec<u8>>,
                production_date: u32,
                expiry_date: Option<u32>,
                location: &'static str,
            },
            commission_lot {
                gtin: Vec<u8>,
                lot: Vec<u8>,
                quantity: u32,
                production_date: u32,
                expiry_date: Option<u32>,
                location: &'static str,
            },
        }
    }

    use pallet_products::Call;

    #[test]
    fn the_calls_take_byte_text_in_any_form() {
        let Call::register_class { gtin, name, origin, .. } =
            crate::register_wine_call!(String::from("03760001000177"))
        else {
            panic!("not a registration");
        };
        assert_eq!((gtin, name, origin), (b"03760001000177".to_vec(), "Château X 2019, 750 ml".into(), "FR".into()));
        assert_eq!(
            crate::commission_serials_call!(b"1".to_vec(), Some("L1"), &["1", "17"], "FRBOD"),
            Call::commission_serials {
                gtin: b"1".to_vec(),
                lot: Some(b"L1".to_vec()),
                serials: vec![b"1".to_vec(), b"17".to_vec()],
                production_date: 20_190_915,
                expiry_date: None,
                location: "FRBOD",
            }
        );
        let Call::commission_lot { lot, quantity, .. } = crate::commission_lot_call!("1", b"L2", 600, "FRBOD") else {
            panic!("not a lot");
        };
        assert_eq!((lot, quantity), (b"L2".to_vec(), 600));
    }
}
