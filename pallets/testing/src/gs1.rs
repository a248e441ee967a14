//! The winery's GS1 keys as the suites use them: GTIN-14s and SSCCs under its company prefix,
//! with the mod-10 check digit ([`tracechain_primitives::gs1::check_digit`]), and its GLN.
//!
//! They come as digit strings and arrays, the forms the pallets parse (`Gtin`, `Gln`) or store
//! (an SSCC is `[u8; 18]`), so that this crate needs no pallet.

use tracechain_primitives::gs1::check_digit;

/// Château X's GS1 company prefix.
pub const WINERY_COMPANY_PREFIX: &str = "3760001";
/// Château X's GLN (company prefix 3760001, location reference 00000, check digit 9).
pub const WINERY_GLN: &str = "3760001000009";

/// `body` followed by its GS1 check digit.
///
/// # Panics
/// If `body` is empty or not all ASCII digits.
pub fn with_check_digit(body: &str) -> String {
    format!("{body}{}", check_digit(body.as_bytes()).expect("a GS1 key body is digits"))
}

/// The winery's GTIN-14 for item reference `item_reference` (five digits): indicator 0,
/// company prefix 3760001, the reference, the check digit.
pub fn winery_gtin(item_reference: &str) -> String {
    with_check_digit(&format!("0{WINERY_COMPANY_PREFIX}{item_reference}"))
}

/// The pallet suites' wine, "Château X 2019, 750 ml": item reference 00017.
pub fn wine_gtin() -> String {
    winery_gtin("00017")
}

/// The winery's SSCC `serial_reference` (a pallet or case): extension digit 0, company prefix
/// 3760001, the nine-digit serial reference, the check digit.
pub fn sscc(serial_reference: u32) -> [u8; 18] {
    let digits = with_check_digit(&format!("0{WINERY_COMPANY_PREFIX}{serial_reference:09}"));
    let mut sscc = [0u8; 18];
    sscc.copy_from_slice(digits.as_bytes());
    sscc
}

#[cfg(test)]
mod tests {
    use tracechain_primitives::gs1::check_digit_is_valid;

    use super::*;

    #[test]
    fn the_winerys_keys_carry_valid_check_digits() {
        assert_eq!(wine_gtin(), "03760001000177");
        assert_eq!(winery_gtin("00001"), "03760001000016");
        assert_eq!(&sscc(1), b"037600010000000016");
        assert!(check_digit_is_valid(&sscc(999_999_999)));
        assert!(check_digit_is_valid(WINERY_GLN.as_bytes()));
        assert_eq!(with_check_digit("629104150021"), "6291041500213");
    }
}
