//! The reads for other pallets and the RPC, weights, call, event and error indices, and
//! arbitrary bytes decoded as calls.

use super::*;

#[test]
fn the_ports_worklist_and_the_items_declarations() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let first = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    let second = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    let call = with_declaration(
        |call| {
            if let Call::declare { port_of_entry, .. } = call {
                *port_of_entry = port("CNSZX")
            }
        },
        items(&[bottle("1")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    let open_at = |ctx: &Ctx<'_>, code| open_at_port(ctx, code).into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    assert_eq!(open_at(&ctx, "CNSHA"), vec![first, second]);
    assert_eq!(open_at(&ctx, "CNSZX"), vec![2]);
    assert!(open_at(&ctx, "FRLEH").is_empty());
    // Holding keeps it open; clearing closes it.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(first)).unwrap();
    assert_eq!(open_at(&ctx, "CNSHA"), vec![first, second]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(first)).unwrap();
    assert_eq!(open_at(&ctx, "CNSHA"), vec![second]);
    // Each declarant's share, in key order: the rival importer's declaration at Shanghai is
    // listed with its share, before or after the first importer's as the keys sort.
    let named = Some(org(&ctx, RIVAL));
    dispatch(&mut ctx, &signed(WINERY), Call::name_importer { subjects: items(&[bottle("17")]), importer: named })
        .unwrap();
    dispatch(&mut ctx, &signed(RIVAL), declare_call(items(&[bottle("17")]))).unwrap();
    let by_rival = NEXT_DECLARATION_ID.get(&ctx) - 1;
    let keys = worklist_keys(&ctx, &port("CNSHA"));
    let declarants: Vec<OrgId> = keys.iter().filter_map(|key| worklist_declarant(&port("CNSHA"), key)).collect();
    let mut expected = vec![org(&ctx, IMPORTER), org(&ctx, RIVAL)];
    expected.sort_by_key(|declarant| OPEN_BY_PORT_AND_DECLARANT.key(&port("CNSHA"), declarant));
    assert_eq!(declarants, expected);
    let mut listed = Vec::new();
    for declarant in &declarants {
        listed.extend(open_declarations_of(&ctx, &port("CNSHA"), *declarant).into_iter().map(|(id, _)| id));
    }
    assert_eq!(open_at(&ctx, "CNSHA"), listed);
    assert!(listed.contains(&by_rival) && listed.contains(&second));
    // A key of another port, of another item or with trailing bytes is no worklist entry.
    let shenzhen = OPEN_BY_PORT_AND_DECLARANT.key(&port("CNSZX"), &org(&ctx, IMPORTER));
    assert_eq!(worklist_declarant(&port("CNSZX"), &shenzhen), Some(org(&ctx, IMPORTER)));
    assert_eq!(worklist_declarant(&port("CNSHA"), &shenzhen), None);
    assert_eq!(worklist_declarant(&port("CNSHA"), &DECLARATIONS.key(&0)), None);
    let mut trailing = keys[0].clone();
    trailing.push(0);
    assert_eq!(worklist_declarant(&port("CNSHA"), &trailing), None);
    assert_eq!(open_declarations_by_port(&ctx, &port("CNSHA"), [shenzhen, trailing]), Vec::new());
    let history = declarations_of_item(&ctx, &corkscrew("C1"));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].1.status, DeclarationStatus::Cleared);
    assert!(declaration(&ctx, 77).is_none());
}

#[test]
fn weights_grow_with_the_items_declared() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17"), bottle("A1"), bottle("99")]));
    let one = call_weight(&ctx, &declare_call(items(&[corkscrew("C1")])));
    let two = call_weight(&ctx, &declare_call(items(&[corkscrew("C1"), corkscrew("C2")])));
    let pallet = call_weight(&ctx, &declare_call(vec![Subject::Aggregate(sscc(1))]));
    assert!(one.ref_time < two.ref_time && two.ref_time < pallet.ref_time);
    // An adversarial list does not overflow.
    let huge = call_weight(&ctx, &declare_call(vec![Subject::Aggregate(sscc(1)); 100_000]));
    assert!(huge.ref_time > pallet.ref_time);
    let small = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    let large = declare(&mut ctx, vec![Subject::Aggregate(sscc(1))]);
    for (make, name) in [(clear as fn(DeclarationId) -> Call, "clear"), (hold, "hold"), (refuse, "refuse")] {
        assert!(call_weight(&ctx, &make(small)).ref_time < call_weight(&ctx, &make(large)).ref_time, "{name}");
    }
    assert!(call_weight(&ctx, &clear(large)).ref_time > call_weight(&ctx, &hold(large)).ref_time);
    let rule = Call::set_inspection_rule { chapters: (1, 1), scope: quarantine() };
    assert!(call_weight(&ctx, &rule).ref_time > 0);
}

#[test]
fn call_event_and_error_indices_are_stable() {
    assert_eq!(declare_call(vec![]).encode()[0], 0);
    assert_eq!(hold(0).encode()[0], 1);
    assert_eq!(require(0, &[]).encode()[0], 2);
    assert_eq!(clear(0).encode()[0], 3);
    assert_eq!(refuse(0).encode()[0], 4);
    assert_eq!(Call::set_inspection_rule { chapters: (1, 24), scope: quarantine() }.encode()[..3], [5, 1, 24]);
    assert_eq!(Call::remove_inspection_rule { chapters: (1, 24), scope: quarantine() }.encode()[0], 6);
    assert_eq!(DispatchError::from(Error::NotMember), module_error(0));
    assert_eq!(DispatchError::from(Error::NotJurisdiction), module_error(3));
    assert_eq!(DispatchError::from(Error::DeclarationClosed), module_error(17));
    assert_eq!(DispatchError::from(Error::IdsExhausted), module_error(32));
    // The scope and item of `InspectionMissing` are not encoded: the error fits four bytes.
    let error = Error::InspectionMissing { scope: b"quarantine".to_vec(), item: bottle("17") };
    assert_eq!(error.encode(), vec![24]);
    assert!(error.to_string().contains("quarantine"));
    let scale_info::TypeDef::Variant(errors) = <Error as scale_info::TypeInfo>::type_info().type_def else {
        panic!("errors are an enum");
    };
    let variant = errors.variants.iter().find(|variant| variant.name == "InspectionMissing").unwrap();
    assert_eq!((variant.index, variant.fields.len()), (24, 0));
    assert_eq!(DeclarationStatus::Refused.encode(), vec![4]);
    // Event indices, through a whole story.
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    dispatch(&mut ctx, &signed(REGULATOR), Call::set_inspection_rule { chapters: (82, 82), scope: quarantine() })
        .unwrap();
    dispatch(&mut ctx, &signed(REGULATOR), Call::remove_inspection_rule { chapters: (82, 82), scope: quarantine() })
        .unwrap();
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), require(id, &["quality"])).unwrap();
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(0)).unwrap();
    let indices: Vec<u8> = customs_events(&ctx).iter().map(|event| event.encode()[0]).collect();
    assert_eq!(indices, vec![5, 6, 0, 1, 2, 0, 3, 4]);
    let stored = declaration(&ctx, 0).unwrap();
    assert_eq!(Declaration::decode(&mut &stored.encode()[..]).unwrap(), stored);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_when_decoded_as_a_call(
        index in 0u8..10, variant in 0u8..2, bytes in proptest::collection::vec(any::<u8>(), 0..256)
    ) {
        // Steer most inputs past the call and subject indices into the fields.
        let input = [&[index, variant][..], &bytes].concat();
        for candidate in [&input[..], &bytes[..]] {
            if let Ok(call) = Call::decode(&mut &candidate[..]) {
                let state = BTreeMap::new();
                let mut ctx = new_ctx(&state);
                // A declaration to decide on: id 0.
                declare_corkscrews(&mut ctx, &[corkscrew("C1")]);
                let _ = call_weight(&ctx, &call);
                for who in [IMPORTER, SH_CUSTOMS, REGULATOR] {
                    let _ = ctx.transactional(|ctx| dispatch(ctx, &signed(who), call.clone()));
                }
                prop_assert!(ctx.overlay.corruption().is_none());
            }
        }
    }
}
