//! Product classes: registration by the brand that owns the GTIN's company prefix, the fields'
//! checks, and documents.

use super::*;

#[test]
fn register_class_stores_the_class_and_emits_master_data() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let class = product_class(&ctx, &gtin(&wine_gtin())).unwrap();
    assert_eq!(class.brand_org, org(&ctx, WINERY));
    assert_eq!(class.hs_code, b"220421".to_vec());
    assert_eq!(class.origin, "FR".parse().unwrap());
    assert_eq!(class.registered_at, BLOCK);
    assert_eq!(class.documents.len(), 1);
    assert!(matches!(
        &ctx.events()[0].event,
        Event::ProductClassRegistered { gtin: registered, agent, time: NOW, .. }
            if registered.as_str() == wine_gtin() && *agent == account(WINERY)
    ));
    assert_eq!(
        dispatch(&mut ctx, &signed(WINERY), register_call(&wine_gtin())),
        Err(Error::ClassAlreadyRegistered.into())
    );
}

#[test]
fn register_class_needs_a_signed_member_manufacturer() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    assert_eq!(dispatch(&mut ctx, &Origin::None, register_call(&wine_gtin())), Err(DispatchError::BadOrigin));
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), register_call(&wine_gtin())), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), register_call(&wine_gtin())), Err(Error::NotManufacturer.into()));
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), register_call(&wine_gtin())), Err(Error::NotManufacturer.into()));
    // The permission is checked before the arguments: a carrier with a bad GTIN is told it is
    // not a manufacturer.
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), register_call("123")), Err(Error::NotManufacturer.into()));
    assert!(ctx.events().is_empty());
}

#[test]
fn a_gtin_outside_the_registrants_company_prefix_is_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused = Err(Error::PrefixNotOwned.into());
    // Another member's prefix (GS1's example prefix 9506000, owned by Other Maker).
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0950600013435"))), refused);
    // 3760001 appears in the GTIN, but not right after the indicator digit.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0123760001123"))), refused);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0000003760001"))), refused);
    // 3760001 starting at the indicator digit is one position off.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("3760001000170"))), refused);
    // No member owns this prefix.
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("0400000000017"))), refused);
    // The prefix's owner may register it; a non-zero indicator (a case of bottles) is fine too.
    dispatch(&mut ctx, &signed(OTHER_MAKER), register_call(&with_check_digit("0950600013435"))).unwrap();
    dispatch(&mut ctx, &signed(WINERY), register_call(&with_check_digit("1376000100017"))).unwrap();
}

#[test]
fn a_check_digit_that_does_not_verify_is_refused() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let good = wine_gtin();
    let last = good.as_bytes()[13] - b'0';
    let bad = format!("{}{}", &good[..13], (last + 1) % 10);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), register_call(&bad)), Err(Error::CheckDigitMismatch.into()));
    for malformed in ["", "1234567", "123456789", "037600010001x7", "037600010001777"] {
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), register_call(malformed)),
            Err(Error::InvalidGtin.into()),
            "{malformed:?}"
        );
    }
    assert!(product_class(&ctx, &gtin(&good)).is_none());
}

#[test]
fn gtin_13_input_is_stored_as_gtin_14() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let gtin13 = with_check_digit("376000100017");
    dispatch(&mut ctx, &signed(WINERY), register_call(&gtin13)).unwrap();
    let stored = product_class(&ctx, &gtin(&wine_gtin())).unwrap();
    assert_eq!(stored.gtin.as_str(), format!("0{gtin13}"));
    assert_eq!(stored.gtin.as_str(), wine_gtin());
    // The 14-digit form names the same class.
    assert_eq!(
        dispatch(&mut ctx, &signed(WINERY), register_call(&wine_gtin())),
        Err(Error::ClassAlreadyRegistered.into())
    );
}

#[test]
fn class_fields_are_validated() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let with = |change: &dyn Fn(&mut Call)| {
        let mut call = register_call(&wine_gtin());
        change(&mut call);
        call
    };
    let cases: Vec<(Call, Error)> = vec![
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    name.clear()
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    *name = vec![b'a'; 129]
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { name, .. } = c {
                    *name = vec![0xff, 0xfe]
                }
            }),
            Error::InvalidName,
        ),
        (
            with(&|c| {
                if let Call::register_class { brand, .. } = c {
                    *brand = vec![b'b'; 65]
                }
            }),
            Error::InvalidBrand,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"22042".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"22042100001".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { hs_code, .. } = c {
                    *hs_code = b"2204a1".to_vec()
                }
            }),
            Error::InvalidHsCode,
        ),
        (
            with(&|c| {
                if let Call::register_class { origin, .. } = c {
                    *origin = CountryCode(*b"fr")
                }
            }),
            Error::InvalidCountry,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    *documents = vec![Document { hash: H256::zero(), uri: b"u".to_vec() }; 9]
                }
            }),
            Error::TooManyDocuments,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    documents[0].uri = vec![b'u'; 257]
                }
            }),
            Error::InvalidDocumentUri,
        ),
        (
            with(&|c| {
                if let Call::register_class { documents, .. } = c {
                    documents[0].uri = b"has space".to_vec()
                }
            }),
            Error::InvalidDocumentUri,
        ),
    ];
    for (call, error) in cases {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(error.into()));
    }
    // The limits themselves are fine: 128-byte name, 64-byte brand, 10-digit HS code, 8 documents.
    let call = with(&|c| {
        if let Call::register_class { name, brand, hs_code, documents, .. } = c {
            *name = vec![b'a'; 128];
            *brand = vec![b'b'; 64];
            *hs_code = b"2204210000".to_vec();
            let mut uri = b"https://".to_vec();
            uri.resize(256, b'u');
            *documents = vec![Document { hash: H256::zero(), uri }; 8];
        }
    });
    dispatch(&mut ctx, &signed(WINERY), call).unwrap();
}

/// A register call whose name and brand are replaced and whose first document has `uri`.
fn register_with(name: &str, brand: &str, uri: &[u8]) -> Call {
    let mut call = register_call(&wine_gtin());
    if let Call::register_class { name: n, brand: b, documents, .. } = &mut call {
        *n = name.as_bytes().to_vec();
        *b = brand.as_bytes().to_vec();
        documents[0].uri = uri.to_vec();
    }
    call
}

#[test]
fn names_brands_and_reasons_refuse_control_and_bidi_characters_and_change_nothing() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let uri = b"https://chateau-x.example/spec.pdf";
    let cases = [
        (register_with("Château X\u{202e}lm 057", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X\u{0}", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X\n2019", "Château X", uri), Error::NameHasControlCharacter),
        (register_with("Château X", "Château\u{2066}X", uri), Error::BrandHasControlCharacter),
        (register_with("Château X", "Château\u{1b}[31mX", uri), Error::BrandHasControlCharacter),
    ];
    for (call, error) in cases {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(error.into()));
        assert!(products_state(&ctx).is_empty(), "a refused class writes nothing");
    }
    register_wine(&mut ctx);
    commission(&mut ctx, WINERY, Some("L1"), &["1"]).unwrap();
    let before = products_state(&ctx);
    for reason in ["cork taint\u{202e}", "line\u{7}bell", "tab\tseparated"] {
        let lot = Call::recall_lot { gtin: wine_gtin().into_bytes(), lot: b"L1".to_vec(), reason: reason.into() };
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), lot), Err(Error::ReasonHasControlCharacter.into()));
        let class = Call::recall_class { gtin: wine_gtin().into_bytes(), reason: reason.into() };
        assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), class), Err(Error::ReasonHasControlCharacter.into()));
    }
    assert_eq!(products_state(&ctx), before);
    // Non-ASCII text without control characters is fine.
    let lot = Call::recall_lot {
        gtin: wine_gtin().into_bytes(),
        lot: b"L1".to_vec(),
        reason: "bouchon défectueux — 软木塞".into(),
    };
    dispatch(&mut ctx, &signed(WINERY), lot).unwrap();
}

#[test]
fn document_uris_are_https_http_ipfs_or_ar() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused: [&[u8]; 7] = [
        b"javascript:alert(document.cookie)",
        b"JavaScript:alert(1)",
        b"data:text/html;base64,PHNjcmlwdD4",
        b"file:///etc/passwd",
        b"ftp://x/y",
        b"https:",
        b"spec.pdf",
    ];
    for uri in refused {
        let call = register_with("Château X", "Château X", uri);
        assert_eq!(
            dispatch(&mut ctx, &signed(WINERY), call),
            Err(Error::DocumentUriSchemeNotAllowed.into()),
            "{uri:?}"
        );
        assert!(products_state(&ctx).is_empty());
    }
    let malformed: [&[u8]; 3] = [b"https://a b", b"https://a\x01b", "https://é".as_bytes()];
    for uri in malformed {
        let call = register_with("Château X", "Château X", uri);
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), call), Err(Error::InvalidDocumentUri.into()), "{uri:?}");
    }
    register_wine(&mut ctx);
    let add = |uri: &[u8]| Call::add_document {
        gtin: wine_gtin().into_bytes(),
        document: Document { hash: H256::repeat_byte(1), uri: uri.to_vec() },
    };
    let before = products_state(&ctx);
    let refused: [&[u8]; 3] = [b"javascript:alert(1)", b"data:,x", b"ipfs:"];
    for uri in refused {
        assert_eq!(dispatch(&mut ctx, &signed(WINERY), add(uri)), Err(Error::DocumentUriSchemeNotAllowed.into()));
    }
    assert_eq!(products_state(&ctx), before);
    let accepted: [&[u8]; 5] = [
        b"HTTPS://chateau-x.example/a.pdf",
        b"http://chateau-x.example/b",
        b"ipfs://bafybeigdyrzt",
        b"IPFS:QmYwAPJzv5",
        b"ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U",
    ];
    for uri in accepted {
        dispatch(&mut ctx, &signed(WINERY), add(uri)).unwrap();
    }
    assert_eq!(product_class(&ctx, &gtin(&wine_gtin())).unwrap().documents.len(), 6);
}

#[test]
fn documents_are_added_by_the_brand_up_to_the_limit() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    register_wine(&mut ctx);
    let add = |n: u8| Call::add_document {
        gtin: wine_gtin().into_bytes(),
        document: Document { hash: H256::repeat_byte(n), uri: format!("ipfs://doc{n}").into_bytes() },
    };
    assert_eq!(dispatch(&mut ctx, &signed(REGULATOR), add(1)), Err(Error::NotManufacturer.into()));
    assert_eq!(dispatch(&mut ctx, &signed(OTHER_MAKER), add(1)), Err(Error::NotBrandOwner.into()));
    for n in 2..=MAX_DOCUMENTS as u8 {
        dispatch(&mut ctx, &signed(WINERY), add(n)).unwrap();
    }
    assert_eq!(product_class(&ctx, &gtin(&wine_gtin())).unwrap().documents.len(), MAX_DOCUMENTS);
    assert_eq!(dispatch(&mut ctx, &signed(WINERY), add(9)), Err(Error::TooManyDocuments.into()));
}
