//! Call, event and error indices, GTIN text forms, check digits, and the serial numbers' character
//! set.

use super::*;

#[test]
fn call_event_and_error_indices_are_stable() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    assert_eq!(register_call(&wine_gtin()).encode()[0], 0);
    assert_eq!(serials_call(&ctx, None, &[]).encode()[0], 1);
    assert_eq!(lot_call(&ctx, "L", 1).encode()[0], 2);
    assert_eq!(Call::recall_lot { gtin: vec![], lot: vec![], reason: vec![] }.encode(), vec![3, 0, 0, 0]);
    assert_eq!(Call::recall_class { gtin: vec![], reason: vec![] }.encode(), vec![4, 0, 0]);
    assert_eq!(
        Call::add_document { gtin: vec![], document: Document { hash: H256::zero(), uri: vec![] } }.encode()[0],
        5
    );
    assert_eq!(DispatchError::from(Error::NotMember), module_error(10, 0));
    assert_eq!(DispatchError::from(Error::PrefixNotOwned), module_error(10, 4));
    assert_eq!(DispatchError::from(Error::ItemNotFound), module_error(10, 25));
    assert_eq!(DispatchError::from(Error::InvalidReason), module_error(10, 33));
    assert_eq!(ItemStatus::Counterfeit.encode(), vec![4]);
    assert_eq!(CustomsState::Refused.encode(), vec![5]);
    assert_eq!(CustomsState::ReExported.encode(), vec![6]);
    assert_eq!(CustomsState::Destroyed.encode(), vec![7]);
    assert_eq!(BizStep::retail_selling.encode(), vec![2]);
    assert_eq!(Disposition::retail_sold.encode(), vec![2]);
    assert_eq!(gtin(&wine_gtin()).encode(), wine_gtin().into_bytes());
}

#[test]
fn gtin_text_forms() {
    let wine = gtin(&wine_gtin());
    assert_eq!(wine.to_string(), wine_gtin());
    assert_eq!(format!("{wine:?}"), format!("Gtin({})", wine_gtin()));
    assert_eq!(wine.indicator(), b'0');
    assert_eq!(wine.after_indicator(), &wine_gtin().as_bytes()[1..]);
    assert_eq!(serde_json::to_value(wine).unwrap(), serde_json::json!(wine_gtin()));
    assert_eq!(serde_json::from_value::<Gtin>(serde_json::json!(wine_gtin())).unwrap(), wine);
    assert!(serde_json::from_value::<Gtin>(serde_json::json!("03760001000171")).is_err());
    // GS1's published examples.
    assert!("10614141000415".parse::<Gtin>().is_ok());
    assert_eq!("614141000418".parse::<Gtin>().unwrap().as_str(), "00614141000418");
    assert_eq!("6291041500213".parse::<Gtin>().unwrap().as_str(), "06291041500213");
    assert_eq!("6291041500214".parse::<Gtin>(), Err(Error::CheckDigitMismatch));
}

fn digits(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, range).prop_map(|digits| digits.iter().map(|d| char::from(b'0' + d)).collect())
}

proptest! {
    #[test]
    fn a_computed_check_digit_passes_and_any_single_digit_change_fails(
        body in digits(13..14), position in 0usize..14, delta in 1u8..10
    ) {
        let full = with_check_digit(&body);
        prop_assert!(Gtin::parse(full.as_bytes()).is_ok());
        let mut changed = full.into_bytes();
        changed[position] = b'0' + (changed[position] - b'0' + delta) % 10;
        prop_assert_eq!(Gtin::parse(&changed), Err(Error::CheckDigitMismatch));
    }

    #[test]
    fn gtin_8_12_13_normalise_to_14_by_left_zero_padding(
        body in prop_oneof![digits(7..8), digits(11..12), digits(12..13)]
    ) {
        let short = with_check_digit(&body);
        let gtin = Gtin::parse(short.as_bytes()).unwrap();
        let expected = format!("{short:0>14}");
        prop_assert_eq!(gtin.as_str(), expected.as_str());
        prop_assert_eq!(Gtin::parse(expected.as_bytes()), Ok(gtin));
        prop_assert!(tracechain_primitives::gs1::check_digit_is_valid(gtin.as_bytes()));
    }

    #[test]
    fn serials_of_character_set_82_are_valid_and_others_not(
        serial in "[!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}", bad in "[#$@\\[\\]^`{|}~ ]"
    ) {
        prop_assert!(is_valid_serial(serial.as_bytes()));
        let mut with_bad = serial.clone();
        with_bad.insert_str(0, &bad);
        with_bad.truncate(20);
        prop_assert!(!is_valid_serial(with_bad.as_bytes()));
    }
}

/// A class's name and brand are stored as `BoundedText`: the same bytes as the `Vec<u8>` they
/// were, the same metadata description, and a stored name longer than its bound does not decode.
#[test]
fn stored_class_text_is_bounded_and_described_as_bytes() {
    use scale_info::{TypeDef, TypeInfo};

    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let class = product_class(&ctx, &gtin(&wine_gtin())).unwrap();
    assert_eq!(class.name, "Château X 2019, 750 ml".as_bytes());
    let encoded = class.encode();
    assert_eq!(ProductClass::decode(&mut &encoded[..]).unwrap(), class);

    // The name's length prefix is the first byte after the GTIN (14 bytes) and the org (4).
    let name_at = 14 + 4;
    let long_name = vec![b'x'; MAX_NAME_LEN + 1];
    let mut too_long = encoded[..name_at].to_vec();
    long_name.encode_to(&mut too_long);
    too_long.extend_from_slice(&encoded[name_at + 1 + class.name.len()..]);
    assert!(ProductClass::decode(&mut &too_long[..]).is_err());

    let info = ProductClass::type_info();
    assert_eq!(info.path.segments, vec!["pallet_products", "types", "ProductClass"]);
    let TypeDef::Composite(composite) = info.type_def else { panic!("a struct") };
    let type_name = |field: &str| composite.fields.iter().find(|f| f.name == Some(field)).unwrap().type_name;
    assert_eq!(type_name("name"), Some("Vec<u8>"));
    assert_eq!(type_name("brand"), Some("Vec<u8>"));
    assert_eq!(type_name("gtin"), Some("Gtin"));
}
