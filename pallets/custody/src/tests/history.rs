//! Each item's append-only journey, its pages, and the forward and backward traces.

use super::*;

#[test]
fn history_is_append_only_and_records_who_where_and_when() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    let first = history(&ctx, &bottle(1));
    assert_eq!(
        first,
        vec![JourneyStep {
            action: StepAction::CustodyProposed { proposal: id, to: CARRIER_ORG, aggregate: None },
            org: WINERY_ORG,
            agent: account(WINERY),
            location: winery_gln(),
            block: BLOCK,
            time: NOW,
        }]
    );

    let mut ctx = next_block(ctx, 6_000);
    accept(&mut ctx, CARRIER, id, port(b"FRLEH")).unwrap();
    let mut ctx = next_block(ctx, 6_000);
    hand_over(&mut ctx, CARRIER, item(1), (WAREHOUSE, WAREHOUSE_ORG), port(b"CNSHA"));
    let steps = history(&ctx, &bottle(1));
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[..1], first[..], "earlier steps are never rewritten");
    assert_eq!(
        steps[1],
        JourneyStep {
            action: StepAction::CustodyAccepted { proposal: id, from: WINERY_ORG, aggregate: None },
            org: CARRIER_ORG,
            agent: account(CARRIER),
            location: port(b"FRLEH"),
            block: BLOCK + 1,
            time: NOW + 6_000,
        }
    );
    assert_eq!(
        (steps[3].org, steps[3].location.clone(), steps[3].block, steps[3].time),
        (WAREHOUSE_ORG, port(b"CNSHA"), BLOCK + 2, NOW + 12_000)
    );
    // The appended bytes are exactly the SCALE encoding of the steps, so clients decode them
    // with the metadata's type.
    assert_eq!(ctx.overlay.get(&HISTORY_PAGES.key(&bottle(1), &0)), Some(steps.encode()));
    assert_eq!(ctx.overlay.get(&HISTORY_LENGTH.key(&bottle(1))), Some(4u32.encode()));
}

/// Custody proposes and cancels `loops` times, proposing the transfer of `subject` to the
/// warehouse: every proposal is a step of the journey of everything in `subject`.
fn loop_proposals(ctx: &mut Ctx<'_>, who: u8, subject: Subject, loops: u32) -> Vec<ProposalId> {
    (0..loops)
        .map(|_| {
            let id = propose(ctx, who, subject, TransferKind::Custody, WAREHOUSE_ORG).unwrap();
            call(ctx, who, Call::cancel { proposal: id }).unwrap();
            id
        })
        .collect()
}

/// The storage changes of `after` that `before` does not have, as their keys.
fn changed_keys(
    before: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    after: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
) -> Vec<Vec<u8>> {
    after.iter().filter(|(key, value)| before.get(key.as_slice()) != Some(*value)).map(|(key, _)| key.clone()).collect()
}

/// The page layout of an item's history: every page but the last holds `HISTORY_PAGE_STEPS`
/// steps, and no page lies beyond the length.
fn assert_paged(ctx: &Ctx<'_>, id: &ItemId, length: u32) {
    assert_eq!(history_length(ctx, id), length);
    let pages = length.div_ceil(HISTORY_PAGE_STEPS);
    for page in 0..pages {
        let expected = (length - page * HISTORY_PAGE_STEPS).min(HISTORY_PAGE_STEPS) as usize;
        assert_eq!(history_page(ctx, id, page).len(), expected, "page {page}");
    }
    assert!(!HISTORY_PAGES.contains(ctx, id, &pages), "no page past the last");
}

#[test]
fn the_history_looper_cannot_freeze_the_owners_goods() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // The winery owns bottle 1; the carrier holds it.
    let first = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    accept(&mut ctx, CARRIER, first, port(b"FRLEH")).unwrap();
    // The carrier loops propose/cancel: one step each, well past three pages (and past the old
    // limit of 512 steps would take the same loop, longer).
    let loops = 3 * HISTORY_PAGE_STEPS + 10;
    let looped = loop_proposals(&mut ctx, CARRIER, item(1), loops);
    assert_paged(&ctx, &bottle(1), 2 + loops);

    // The owner's honest title transfer still goes through, and costs what it always cost: the
    // weight does not grow with the history, and only the length and the last page are written.
    let weight_on_a_fresh_item = call_weight(
        &ctx,
        &Call::propose_transfer {
            subject: item(2),
            kind: TransferKind::Ownership,
            to: IMPORTER_ORG,
            location: winery_gln(),
        },
    );
    let title = propose(&mut ctx, WINERY, item(1), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    assert_eq!(call_weight(&ctx, &Call::accept { proposal: title, location: port(b"CNSHA") }), weight_on_a_fresh_item);
    let before = ctx.overlay.committed_changes().clone();
    accept(&mut ctx, IMPORTER, title, port(b"CNSHA")).unwrap();
    let history_keys: Vec<Vec<u8>> = changed_keys(&before, ctx.overlay.committed_changes())
        .into_iter()
        .filter(|key| {
            key.starts_with(&HISTORY_PAGES.key(&bottle(1), &0)[..64]) || *key == HISTORY_LENGTH.key(&bottle(1))
        })
        .collect();
    let last_page = (2 + loops) / HISTORY_PAGE_STEPS;
    let mut expected = vec![HISTORY_LENGTH.key(&bottle(1)), HISTORY_PAGES.key(&bottle(1), &last_page)];
    expected.sort();
    let mut history_keys = history_keys;
    history_keys.sort();
    assert_eq!(history_keys, expected, "one step writes the length and the last page only");
    assert_eq!(product(&ctx, 1).owner, IMPORTER_ORG);
    // The carrier's honest hand-over too.
    hand_over(&mut ctx, CARRIER, item(1), (WAREHOUSE, WAREHOUSE_ORG), port(b"CNSHA"));
    assert_eq!(product(&ctx, 1).custodian, WAREHOUSE_ORG);

    // The journey has every step, in order, across the pages.
    let length = 2 + loops + 3;
    assert_paged(&ctx, &bottle(1), length);
    let actions: Vec<StepAction> = history(&ctx, &bottle(1)).into_iter().map(|step| step.action).collect();
    let mut expected = vec![
        StepAction::CustodyProposed { proposal: first, to: CARRIER_ORG, aggregate: None },
        StepAction::CustodyAccepted { proposal: first, from: WINERY_ORG, aggregate: None },
    ];
    expected.extend(looped.iter().map(|id| StepAction::CustodyProposed {
        proposal: *id,
        to: WAREHOUSE_ORG,
        aggregate: None,
    }));
    expected.push(StepAction::OwnershipAccepted { proposal: title, from: WINERY_ORG, aggregate: None });
    let handed = title + 1;
    expected.push(StepAction::CustodyProposed { proposal: handed, to: WAREHOUSE_ORG, aggregate: None });
    expected.push(StepAction::CustodyAccepted { proposal: handed, from: CARRIER_ORG, aggregate: None });
    assert_eq!(actions, expected);
    // Each looped proposal is closed as cancelled: the journey names it, the proposal says how
    // it ended.
    assert!(looped.iter().all(|id| proposal(&ctx, *id).unwrap().status == ProposalStatus::Cancelled));
    // The pages concatenated are the journey.
    let pages: Vec<JourneyStep> =
        (0..length.div_ceil(HISTORY_PAGE_STEPS)).flat_map(|page| history_page(&ctx, &bottle(1), page)).collect();
    assert_eq!(pages, history(&ctx, &bottle(1)));
    assert_eq!(packing_history(&ctx, &bottle(1)), vec![]);
}

#[test]
fn pack_and_unpack_across_a_page_boundary() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // Bottle 1's packing is the last step of its first page, its unpacking the first of the
    // second.
    let before = HISTORY_PAGE_STEPS - 1;
    loop_proposals(&mut ctx, WINERY, item(1), before);
    pack(&mut ctx, WINERY, sscc(1), bottles(1..=2)).unwrap();
    assert_eq!(
        history_page(&ctx, &bottle(1), 0).last().unwrap().action,
        StepAction::Packed { sscc: sscc(1), via: None }
    );
    assert!(history_page(&ctx, &bottle(1), 1).is_empty());
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(1), location: winery_gln() }).unwrap();
    assert_eq!(
        history_page(&ctx, &bottle(1), 1).iter().map(|step| step.action.clone()).collect::<Vec<_>>(),
        vec![StepAction::Unpacked { sscc: sscc(1), via: None }]
    );
    assert_paged(&ctx, &bottle(1), HISTORY_PAGE_STEPS + 1);
    let journey = history(&ctx, &bottle(1));
    assert_eq!(journey.len(), (HISTORY_PAGE_STEPS + 1) as usize);
    assert_eq!(journey[before as usize].action, StepAction::Packed { sscc: sscc(1), via: None });
    assert_eq!(journey[HISTORY_PAGE_STEPS as usize].action, StepAction::Unpacked { sscc: sscc(1), via: None });
    assert_eq!(packing_history(&ctx, &bottle(1)).len(), 2);

    // An aggregate's own history pages the same way: a pallet in a case, moved (proposed and
    // cancelled) until the case's and the bottle's first page is full, is unpacked onto the next.
    pack(&mut ctx, WINERY, sscc(2), vec![item(3)]).unwrap();
    pack(&mut ctx, WINERY, sscc(3), vec![Subject::Aggregate(sscc(2))]).unwrap();
    // Case sscc(2): Formed, Packed; bottle 3: Packed twice (into the case, with it into the
    // pallet); pallet sscc(3): Formed.
    loop_proposals(&mut ctx, WINERY, Subject::Aggregate(sscc(3)), HISTORY_PAGE_STEPS - 2);
    assert_eq!(aggregate_history(&ctx, &sscc(2)).len(), HISTORY_PAGE_STEPS as usize);
    assert_eq!(history_length(&ctx, &bottle(3)), HISTORY_PAGE_STEPS);
    assert_eq!(AGGREGATE_HISTORY_LENGTH.get(&ctx, &sscc(3)), HISTORY_PAGE_STEPS - 1);
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(3), location: winery_gln() }).unwrap();
    let unpacked = StepAction::Unpacked { sscc: sscc(3), via: None };
    assert_eq!(
        AGGREGATE_HISTORY_PAGES.get(&ctx, &sscc(2), &1).iter().map(|step| step.action.clone()).collect::<Vec<_>>(),
        vec![unpacked]
    );
    assert_eq!(
        history_page(&ctx, &bottle(3), 1).iter().map(|step| step.action.clone()).collect::<Vec<_>>(),
        vec![StepAction::Unpacked { sscc: sscc(3), via: Some(sscc(2)) }]
    );
    // The pallet's Dissolved is the last step of its first page.
    assert_eq!(AGGREGATE_HISTORY_PAGES.get(&ctx, &sscc(3), &0).last().unwrap().action, StepAction::Dissolved);
    assert!(!AGGREGATE_HISTORY_PAGES.contains(&ctx, &sscc(3), &1));
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(2), location: winery_gln() }).unwrap();
    let case = aggregate_history(&ctx, &sscc(2));
    assert_eq!(case.len(), HISTORY_PAGE_STEPS as usize + 2);
    assert_eq!(case.last().unwrap().action, StepAction::Dissolved);
    // Both keep moving.
    for n in [1, 3] {
        propose(&mut ctx, WINERY, item(n), TransferKind::Custody, CARRIER_ORG).unwrap();
    }
}

#[test]
fn a_corrupt_history_is_reported_not_overwritten() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A length that does not decode.
    ctx.overlay.set(HISTORY_LENGTH.key(&bottle(1)), vec![0xff]);
    assert_eq!(propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG), Err(DispatchError::Corruption));
    assert!(ctx.overlay.corruption().is_some_and(|reason| reason.contains("Custody history")));
    assert_eq!(ctx.overlay.get(&HISTORY_LENGTH.key(&bottle(1))), Some(vec![0xff]));

    // A length whose last page is missing: pack refuses before writing anything.
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    HISTORY_LENGTH.insert(&mut ctx, &bottle(2), &(HISTORY_PAGE_STEPS + 3));
    let before = ctx.overlay.committed_changes().clone();
    assert_eq!(pack(&mut ctx, WINERY, sscc(1), bottles(1..=2)), Err(DispatchError::Corruption));
    assert_eq!(ctx.overlay.committed_changes(), &before);
    assert!(ctx.overlay.corruption().is_some_and(|reason| reason.contains("page 1 holds 0")));
}

#[test]
fn forward_and_backward_trace() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let (case, pallet) = (sscc(11), sscc(20));
    pack(&mut ctx, WINERY, case, bottles(1..=3)).unwrap();
    let mut ctx = next_block(ctx, 6_000);
    pack(&mut ctx, WINERY, pallet, vec![Subject::Aggregate(case), item(4)]).unwrap();
    // Forward: what is in this pallet?
    assert_eq!(contents(&ctx, &pallet), vec![Subject::Aggregate(case), item(4)]);
    assert_eq!(items_of(&ctx, &Subject::Aggregate(pallet)), vec![bottle(1), bottle(2), bottle(3), bottle(4)]);
    assert_eq!(items_of(&ctx, &item(4)), vec![bottle(4)]);
    assert!(items_of(&ctx, &Subject::Item(bottle(999))).is_empty());
    assert_eq!(aggregate(&ctx, &pallet).unwrap().children.len(), 2);

    let mut ctx = next_block(ctx, 6_000);
    call(&mut ctx, WINERY, Call::unpack { sscc: pallet, location: port(b"FRBOD") }).unwrap();
    // Backward: what was this bottle packed in, and when?
    let record = |sscc, action, via, location, block, time| PackingRecord {
        sscc,
        action,
        via,
        org: WINERY_ORG,
        location,
        block,
        time,
    };
    assert_eq!(
        packing_history(&ctx, &bottle(2)),
        vec![
            record(case, PackingAction::Packed, None, winery_gln(), BLOCK, NOW),
            record(pallet, PackingAction::Packed, Some(case), winery_gln(), BLOCK + 1, NOW + 6_000),
            record(pallet, PackingAction::Unpacked, Some(case), port(b"FRBOD"), BLOCK + 2, NOW + 12_000),
        ]
    );
    assert_eq!(
        packing_history(&ctx, &bottle(4)),
        vec![
            record(pallet, PackingAction::Packed, None, winery_gln(), BLOCK + 1, NOW + 6_000),
            record(pallet, PackingAction::Unpacked, None, port(b"FRBOD"), BLOCK + 2, NOW + 12_000),
        ]
    );
    // The case is whole and loose again; the bottles are still in it.
    assert_eq!(aggregate(&ctx, &case).unwrap().parent, None);
    assert_eq!(product(&ctx, 2).parent, Some(case));
    assert_eq!(product(&ctx, 2).location, port(b"FRBOD"));
}
