//! GS1 check digits: the mod-10 check of GTIN, GLN, SSCC and every other GS1 key.
//!
//! Weights 3, 1, 3, 1, … are applied from the rightmost digit before the check digit; the check
//! digit brings the weighted sum up to a multiple of ten. Only ASCII digits are accepted.

/// The check digit (as a value 0–9) for `digits`, which exclude the check digit.
/// `None` if any byte is not an ASCII digit or `digits` is empty.
pub fn check_digit(digits: &[u8]) -> Option<u8> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(position, digit)| u32::from(digit - b'0') * if position % 2 == 0 { 3 } else { 1 })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether the last digit of `digits` is the check digit of the others.
pub fn check_digit_is_valid(digits: &[u8]) -> bool {
    match digits.split_last() {
        Some((last, body)) => last.is_ascii_digit() && check_digit(body) == Some(last - b'0'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_examples() {
        // GS1 General Specifications, check digit calculation example (GTIN-13 629104150021).
        assert!(check_digit_is_valid(b"6291041500213"));
        // GS1 US sample GTIN-14 and GTIN-12.
        assert!(check_digit_is_valid(b"10614141000415"));
        assert!(check_digit_is_valid(b"614141000418"));
        // SSCC example from the GS1 General Specifications.
        assert!(check_digit_is_valid(b"106141411234567897"));
        assert!(!check_digit_is_valid(b"6291041500214"));
        assert!(!check_digit_is_valid(b"62910415002x3"));
        assert!(!check_digit_is_valid(b""));
    }

    proptest! {
        #[test]
        fn a_computed_check_digit_validates_and_any_single_change_is_caught(
            digits in proptest::collection::vec(0u8..10, 1..17), position in any::<prop::sample::Index>(), delta in 1u8..10
        ) {
            let body: Vec<u8> = digits.iter().map(|digit| b'0' + digit).collect();
            let mut full = body.clone();
            full.push(b'0' + check_digit(&body).unwrap());
            prop_assert!(check_digit_is_valid(&full));
            let index = position.index(full.len());
            full[index] = b'0' + (full[index] - b'0' + delta) % 10;
            prop_assert!(!check_digit_is_valid(&full));
        }
    }
}
