//! SSCC aggregates: packing, nesting and unpacking, and aggregates that move as one.

use super::*;

#[test]
fn acceptance_story_two_pallets_of_600_bottles_move_as_one() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    commission(&mut ctx, 21..=1_200, b"L2019");
    let (pallet_a, pallet_b) = (sscc(1), sscc(2));
    // 1,200 bottles do not fit one aggregate's 1,000 children: two pallets of 600.
    assert_eq!(pack(&mut ctx, WINERY, pallet_a, bottles(1..=1_200)), Err(Error::TooManyChildren.into()));
    pack(&mut ctx, WINERY, pallet_a, bottles(1..=600)).unwrap();
    assert!(matches!(
        last_event(&ctx),
        Event::Packed {
            items: 600,
            org: WINERY_ORG,
            biz_step: BizStep::packing,
            disposition: Disposition::in_progress,
            ..
        }
    ));
    pack(&mut ctx, WINERY, pallet_b, bottles(601..=1_200)).unwrap();
    let a = aggregate(&ctx, &pallet_a).unwrap();
    assert_eq!((a.item_count, a.aggregate_count, a.level, a.owner, a.custodian), (600, 0, 1, WINERY_ORG, WINERY_ORG));
    assert_eq!(product(&ctx, 17).parent, Some(pallet_a));
    assert_eq!(product(&ctx, 1_200).parent, Some(pallet_b));

    // Moving a pallet costs in proportion to its bottles.
    let propose_pallet = Call::propose_transfer {
        subject: Subject::Aggregate(pallet_a),
        kind: TransferKind::Custody,
        to: CARRIER_ORG,
        location: winery_gln(),
    };
    let propose_bottle = Call::propose_transfer {
        subject: item(1),
        kind: TransferKind::Custody,
        to: CARRIER_ORG,
        location: winery_gln(),
    };
    let extra = call_weight(&ctx, &propose_pallet).ref_time - call_weight(&ctx, &propose_bottle).ref_time;
    assert_eq!(extra, 600 * PER_UNIT_WEIGHT.ref_time, "600 bottles and the pallet, against one bottle");

    // The carrier takes both pallets at the winery's GLN: every bottle follows.
    for pallet in [pallet_a, pallet_b] {
        let id = propose(&mut ctx, WINERY, Subject::Aggregate(pallet), TransferKind::Custody, CARRIER_ORG).unwrap();
        assert!(matches!(last_event(&ctx), Event::TransferProposed { items: 600, .. }));
        accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
        assert!(matches!(last_event(&ctx), Event::TransferAccepted { items: 600, .. }));
    }
    for n in 1..=1_200 {
        let state = product(&ctx, n);
        assert_eq!(
            (state.custodian, state.owner, state.location),
            (CARRIER_ORG, WINERY_ORG, winery_gln()),
            "bottle {n}"
        );
    }
    assert_eq!(aggregate(&ctx, &pallet_a).unwrap().custodian, CARRIER_ORG);

    // Le Havre to Shanghai: the importer takes the pallets at CNSHA and unpacks one.
    let mut ctx = next_block(ctx, 30 * 24 * 3_600_000);
    for pallet in [pallet_a, pallet_b] {
        let id = propose(&mut ctx, CARRIER, Subject::Aggregate(pallet), TransferKind::Custody, IMPORTER_ORG).unwrap();
        accept(&mut ctx, IMPORTER, id, port(b"CNSHA")).unwrap();
    }
    assert!((1..=1_200).all(|n| product(&ctx, n).custodian == IMPORTER_ORG));
    call(&mut ctx, IMPORTER, Call::unpack { sscc: pallet_a, location: port(b"CNSHA") }).unwrap();
    assert_eq!(product(&ctx, 17).parent, None);
    hand_over(&mut ctx, IMPORTER, item(17), (TMALL, TMALL_ORG), port(b"CNSHA"));
    assert_eq!(product(&ctx, 17).custodian, TMALL_ORG);
    assert_eq!(product(&ctx, 18).custodian, IMPORTER_ORG);

    // Proposals: 0 and 1 the pallets to the carrier, 2 and 3 to the importer, 4 bottle 17 to Tmall.
    let journey: Vec<_> = history(&ctx, &bottle(17)).into_iter().map(|step| (step.action, step.org)).collect();
    let with_a = Some(pallet_a);
    assert_eq!(
        journey,
        vec![
            (StepAction::Packed { sscc: pallet_a, via: None }, WINERY_ORG),
            (StepAction::CustodyProposed { proposal: 0, to: CARRIER_ORG, aggregate: with_a }, WINERY_ORG),
            (StepAction::CustodyAccepted { proposal: 0, from: WINERY_ORG, aggregate: with_a }, CARRIER_ORG),
            (StepAction::CustodyProposed { proposal: 2, to: IMPORTER_ORG, aggregate: with_a }, CARRIER_ORG),
            (StepAction::CustodyAccepted { proposal: 2, from: CARRIER_ORG, aggregate: with_a }, IMPORTER_ORG),
            (StepAction::Unpacked { sscc: pallet_a, via: None }, IMPORTER_ORG),
            (StepAction::CustodyProposed { proposal: 4, to: TMALL_ORG, aggregate: None }, IMPORTER_ORG),
            (StepAction::CustodyAccepted { proposal: 4, from: IMPORTER_ORG, aggregate: None }, TMALL_ORG),
        ]
    );
    let steps = history(&ctx, &bottle(17));
    assert_eq!((steps[4].location.clone(), steps[4].time), (port(b"CNSHA"), NOW + 30 * 24 * 3_600_000));
}

#[test]
fn nested_aggregates_follow_their_container() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let (case_1, case_2, pallet, container) = (sscc(11), sscc(12), sscc(20), sscc(30));
    pack(&mut ctx, WINERY, case_1, bottles(1..=6)).unwrap();
    pack(&mut ctx, WINERY, case_2, bottles(7..=12)).unwrap();
    pack(&mut ctx, WINERY, pallet, vec![Subject::Aggregate(case_1), Subject::Aggregate(case_2), item(13)]).unwrap();
    pack(&mut ctx, WINERY, container, vec![Subject::Aggregate(pallet)]).unwrap();
    let outer = aggregate(&ctx, &container).unwrap();
    assert_eq!((outer.item_count, outer.aggregate_count, outer.level), (13, 3, 3));
    assert_eq!(items_of(&ctx, &Subject::Aggregate(container)), (1..=13).map(bottle).collect::<Vec<_>>());
    assert_eq!(contents(&ctx, &container), vec![Subject::Aggregate(pallet)]);
    assert_eq!(aggregate(&ctx, &case_1).unwrap().parent, Some(pallet));

    // Nothing inside moves on its own.
    for inner in [Subject::Aggregate(case_1), Subject::Aggregate(pallet), item(1), item(13)] {
        assert_eq!(
            propose(&mut ctx, WINERY, inner, TransferKind::Custody, CARRIER_ORG),
            Err(Error::PackedInAggregate.into())
        );
    }
    assert_eq!(
        call(&mut ctx, WINERY, Call::unpack { sscc: pallet, location: winery_gln() }),
        Err(Error::PackedInAggregate.into())
    );

    // The container moves: so do the pallet, the cases and every bottle, at every depth.
    hand_over(&mut ctx, WINERY, Subject::Aggregate(container), (CARRIER, CARRIER_ORG), port(b"FRLEH"));
    for n in 1..=13 {
        assert_eq!((product(&ctx, n).custodian, product(&ctx, n).location), (CARRIER_ORG, port(b"FRLEH")));
    }
    assert_eq!(product(&ctx, 14).custodian, WINERY_ORG);
    for sscc in [case_1, case_2, pallet, container] {
        let moved = aggregate(&ctx, &sscc).unwrap();
        assert_eq!((moved.custodian, moved.owner, moved.location), (CARRIER_ORG, WINERY_ORG, port(b"FRLEH")));
    }
    let id = propose(&mut ctx, WINERY, Subject::Aggregate(container), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    accept(&mut ctx, IMPORTER, id, port(b"CNSHA")).unwrap();
    assert!((1..=13).all(|n| product(&ctx, n).owner == IMPORTER_ORG));
    assert_eq!(aggregate(&ctx, &case_2).unwrap().owner, IMPORTER_ORG);
    let case_steps = aggregate_history(&ctx, &case_1);
    assert_eq!(
        case_steps.last().unwrap().action,
        StepAction::OwnershipAccepted { proposal: id, from: WINERY_ORG, aggregate: Some(container) }
    );

    // At most four levels.
    pack(&mut ctx, CARRIER, sscc(40), vec![Subject::Aggregate(container)]).unwrap();
    assert_eq!(aggregate(&ctx, &sscc(40)).unwrap().level, 4);
    assert_eq!(
        pack(&mut ctx, CARRIER, sscc(50), vec![Subject::Aggregate(sscc(40))]),
        Err(Error::NestingTooDeep.into())
    );
}

#[test]
fn packing_rules() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    hand_over(&mut ctx, WINERY, item(20), (CARRIER, CARRIER_ORG), winery_gln());
    assert_eq!(pack(&mut ctx, OUTSIDER, sscc(1), bottles(1..=2)), Err(Error::NotMember.into()));
    assert_eq!(pack(&mut ctx, WINERY, sscc(1), vec![item(1), item(20)]), Err(Error::NotCustodian.into()));
    assert_eq!(pack(&mut ctx, WINERY, sscc(1), vec![]), Err(Error::NoChildren.into()));
    assert_eq!(
        pack(&mut ctx, WINERY, sscc(1), vec![Subject::Item(bottle(999))]),
        Err(products_error(pallet_products::Error::ItemNotFound))
    );
    assert_eq!(
        pack(&mut ctx, WINERY, sscc(1), vec![Subject::Aggregate(sscc(9))]),
        Err(Error::AggregateNotFound.into())
    );
    let mut wrong_check_digit = sscc(1);
    wrong_check_digit[17] = b'0' + (wrong_check_digit[17] - b'0' + 1) % 10;
    assert_eq!(pack(&mut ctx, WINERY, wrong_check_digit, bottles(1..=2)), Err(Error::InvalidSscc.into()));
    let mut not_digits = sscc(1);
    not_digits[3] = b'A';
    assert_eq!(pack(&mut ctx, WINERY, not_digits, bottles(1..=2)), Err(Error::InvalidSscc.into()));
    assert_eq!(pack(&mut ctx, WINERY, sscc(1), vec![item(1), item(2), item(1)]), Err(Error::DuplicateChild.into()));
    pack(&mut ctx, WINERY, sscc(1), bottles(1..=2)).unwrap();
    assert_eq!(pack(&mut ctx, WINERY, sscc(1), bottles(3..=4)), Err(Error::AggregateExists.into()));
    assert_eq!(pack(&mut ctx, WINERY, sscc(2), bottles(2..=3)), Err(Error::AlreadyPacked.into()));
    assert_eq!(
        propose(&mut ctx, WINERY, item(1), TransferKind::Ownership, IMPORTER_ORG),
        Err(Error::PackedInAggregate.into())
    );
    assert_eq!(
        call(&mut ctx, CARRIER, Call::unpack { sscc: sscc(1), location: winery_gln() }),
        Err(Error::NotCustodian.into())
    );
    assert_eq!(
        call(&mut ctx, WINERY, Call::unpack { sscc: sscc(9), location: winery_gln() }),
        Err(Error::AggregateNotFound.into())
    );
    // The published GS1 example SSCC is accepted as is.
    let example: Sscc = *b"106141411234567897";
    pack(&mut ctx, WINERY, example, bottles(5..=6)).unwrap();
}

#[test]
fn aggregate_size_is_bounded() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    commission(&mut ctx, 21..=2_001, b"L2019");
    pack(&mut ctx, WINERY, sscc(1), bottles(1..=1_000)).unwrap();
    pack(&mut ctx, WINERY, sscc(2), bottles(1_001..=1_999)).unwrap();
    // 1,999 items + 2 pallets > 2,000.
    let both = vec![Subject::Aggregate(sscc(1)), Subject::Aggregate(sscc(2))];
    assert_eq!(pack(&mut ctx, WINERY, sscc(3), both), Err(Error::AggregateTooLarge.into()));
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(2), location: winery_gln() }).unwrap();
    pack(&mut ctx, WINERY, sscc(2), bottles(1_001..=1_998)).unwrap();
    let both = vec![Subject::Aggregate(sscc(1)), Subject::Aggregate(sscc(2))];
    pack(&mut ctx, WINERY, sscc(3), both).unwrap();
    let largest = aggregate(&ctx, &sscc(3)).unwrap();
    assert_eq!(largest.item_count + largest.aggregate_count, MAX_CONTENTS);

    // The largest aggregate still moves within a block's normal weight.
    let transfer = Call::propose_transfer {
        subject: Subject::Aggregate(sscc(3)),
        kind: TransferKind::Custody,
        to: CARRIER_ORG,
        location: winery_gln(),
    };
    let weight = call_weight(&ctx, &transfer)
        .saturating_add(DEFAULT_BLOCK_LIMITS.extrinsic_base_weight)
        .saturating_add(pallet_system::extrinsic_bookkeeping_weight());
    assert!(!weight.any_gt(DEFAULT_BLOCK_LIMITS.max_normal_weight()), "{weight:?}");
    let id = propose(&mut ctx, WINERY, Subject::Aggregate(sscc(3)), TransferKind::Custody, CARRIER_ORG).unwrap();
    accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
    assert_eq!(product(&ctx, 1_998).custodian, CARRIER_ORG);
}

#[test]
fn unpack_dissolves_the_aggregate_and_frees_its_children() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let pallet = sscc(1);
    pack(&mut ctx, WINERY, pallet, bottles(1..=3)).unwrap();
    let stale = propose(&mut ctx, WINERY, Subject::Aggregate(pallet), TransferKind::Custody, CARRIER_ORG).unwrap();
    call(&mut ctx, WINERY, Call::unpack { sscc: pallet, location: port(b"FRBOD") }).unwrap();
    assert_eq!(
        last_event(&ctx),
        Event::Unpacked {
            sscc: pallet,
            children: bottles(1..=3),
            items: 3,
            org: WINERY_ORG,
            agent: account(WINERY),
            read_point: port(b"FRBOD"),
            biz_location: port(b"FRBOD"),
            biz_step: BizStep::unpacking,
            disposition: Disposition::in_progress,
            time: NOW,
        }
    );
    assert_eq!(aggregate(&ctx, &pallet), None);
    assert!(contents(&ctx, &pallet).is_empty());
    assert!(items_of(&ctx, &Subject::Aggregate(pallet)).is_empty());
    assert_eq!((product(&ctx, 1).parent, product(&ctx, 1).location), (None, port(b"FRBOD")));
    // Loose again: the bottle moves alone.
    propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();

    // The SSCC is reused for a new pallet: the proposal made for the old one cannot move it.
    pack(&mut ctx, WINERY, pallet, bottles(4..=5)).unwrap();
    assert_eq!(accept(&mut ctx, CARRIER, stale, winery_gln()), Err(Error::AggregateNotFound.into()));
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(pallet), TransferKind::Custody, CARRIER_ORG),
        Err(Error::DuplicateProposal.into()),
        "the stale proposal holds its slot until it is closed"
    );
    call(&mut ctx, CARRIER, Call::reject { proposal: stale, reason: b"old pallet".to_vec() }).unwrap();
    let fresh = propose(&mut ctx, WINERY, Subject::Aggregate(pallet), TransferKind::Custody, CARRIER_ORG).unwrap();
    accept(&mut ctx, CARRIER, fresh, winery_gln()).unwrap();
    assert_eq!(product(&ctx, 4).custodian, CARRIER_ORG);
    assert_eq!(product(&ctx, 2).custodian, WINERY_ORG);

    let actions: Vec<_> = aggregate_history(&ctx, &pallet).into_iter().map(|step| step.action).collect();
    assert_eq!(
        actions,
        vec![
            StepAction::Formed { children: 3, items: 3 },
            StepAction::CustodyProposed { proposal: stale, to: CARRIER_ORG, aggregate: None },
            StepAction::Dissolved,
            StepAction::Formed { children: 2, items: 2 },
            StepAction::CustodyProposed { proposal: fresh, to: CARRIER_ORG, aggregate: None },
            StepAction::CustodyAccepted { proposal: fresh, from: WINERY_ORG, aggregate: None },
        ]
    );
}

#[test]
fn ownership_of_an_aggregate_needs_ownership_of_everything_in_it() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    for n in 1..=2 {
        hand_over(&mut ctx, WINERY, item(n), (CARRIER, CARRIER_ORG), winery_gln());
    }
    // The carrier consolidates the winery's bottles on its own pallet: it owns the pallet, not
    // the wine.
    pack(&mut ctx, CARRIER, sscc(7), bottles(1..=2)).unwrap();
    let consolidated = aggregate(&ctx, &sscc(7)).unwrap();
    assert_eq!(
        (consolidated.owner, consolidated.custodian, consolidated.packed_by),
        (CARRIER_ORG, CARRIER_ORG, CARRIER_ORG)
    );
    assert_eq!(
        propose(&mut ctx, CARRIER, Subject::Aggregate(sscc(7)), TransferKind::Ownership, IMPORTER_ORG),
        Err(Error::NotOwner.into())
    );
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(sscc(7)), TransferKind::Ownership, IMPORTER_ORG),
        Err(Error::NotOwner.into())
    );
    hand_over(&mut ctx, CARRIER, Subject::Aggregate(sscc(7)), (IMPORTER, IMPORTER_ORG), port(b"CNSHA"));
    assert_eq!((product(&ctx, 1).custodian, product(&ctx, 1).owner), (IMPORTER_ORG, WINERY_ORG));
}
