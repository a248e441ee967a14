//! Import declarations: who may declare which goods at which port, the fields, the importer's
//! nomination, and what declared goods may no longer do.

use super::*;

/// Everything the pallet stores, to check that a failed call changed nothing.
fn customs_state_keys(ctx: &Ctx<'_>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    pallet_changes(&ctx.overlay, PALLET_NAME)
}

#[test]
fn an_importer_declares_and_the_items_become_declared() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = declare(&mut ctx, items(&[bottle("1"), bottle("17")]));
    assert_eq!(id, 0);
    let stored = declaration(&ctx, 0).unwrap();
    assert_eq!((stored.id, stored.importer, stored.agent), (0, org(&ctx, IMPORTER), account(IMPORTER)));
    assert_eq!(stored.items, vec![bottle("1"), bottle("17")]);
    assert_eq!(
        (stored.hs_code.as_slice(), stored.declared_value, stored.currency),
        (&b"220421"[..], 1_250_000, *b"EUR")
    );
    assert_eq!((stored.port.clone(), stored.status), (port("CNSHA"), DeclarationStatus::Declared));
    assert_eq!(stored.documents.len(), 2);
    assert!(stored.origin_mismatch.is_empty());
    assert!(stored.decisions.is_empty() && stored.required_scopes.is_empty());
    assert_eq!((stored.declared_at, stored.declared_time), (BLOCK, NOW));
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::Declared);
    assert_eq!(customs_state(&ctx, &bottle("A1")), CustomsState::None);
    match last_event(&ctx) {
        Event::Declared {
            declaration,
            subjects,
            item_count,
            importer,
            agent,
            declared_origin,
            origin_mismatch,
            read_point,
            biz_location,
            biz_step,
            disposition,
            time,
            ..
        } => {
            assert_eq!((*declaration, subjects, *item_count), (0, &items(&[bottle("1"), bottle("17")]), 2));
            assert_eq!((*importer, *agent), (org(&ctx, IMPORTER), account(IMPORTER)));
            assert_eq!(declared_origin.to_string(), "FR");
            assert!(origin_mismatch.is_empty());
            assert_eq!(
                (read_point, biz_location),
                (&Location::UnLocode(port("CNSHA")), &Location::UnLocode(port("CNSHA")))
            );
            assert_eq!((biz_step.as_str(), disposition.as_str(), *time), ("arriving", "in_progress", NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Declared goods wait for customs' decision.
    let awaiting = products_error(pallet_products::Error::ItemAwaitingCustoms);
    assert_eq!(pallet_products::ensure_movable(&ctx, &bottle("1")).map(|_| ()), awaiting);
    assert_eq!(open_at_port(&ctx, "CNSHA"), vec![(0, stored.clone())]);
    assert_eq!(declarations_of_item(&ctx, &bottle("17")), vec![(0, stored)]);
    assert!(declarations_of_item(&ctx, &bottle("A1")).is_empty());
}

#[test]
fn a_squatter_cannot_declare_another_members_goods_at_a_port_nobody_governs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A rival importer, neither owner nor holder, declares the winery's bottles at Qingdao,
    // where no member is the customs authority: had it worked, nobody could ever clear them.
    assert_refused(&mut ctx, RIVAL, at_port("CNTAO", items(&[bottle("1")])), Error::PortNotGoverned.into());
    // The port is checked before the goods: even the named importer may not declare there.
    assert_refused(&mut ctx, IMPORTER, at_port("CNTAO", items(&[bottle("1")])), Error::PortNotGoverned.into());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // The honest importer declares at a governed port: Shanghai, or Shenzhen.
    dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", items(&[bottle("17")]))).unwrap();
    let id = declare(&mut ctx, items(&[bottle("1")]));
    assert_eq!(declaration(&ctx, id).unwrap().importer, org(&ctx, IMPORTER));
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::Declared);
}

#[test]
fn a_squatter_at_a_governed_port_cannot_declare_goods_it_neither_owns_nor_holds() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let squat = || declare_call(items(&[bottle("1"), bottle("17")]));
    assert_refused(&mut ctx, RIVAL, squat(), Error::NotOwnerOrCustodian.into());
    // Inside an aggregate too: every item is checked, at every depth.
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    pack(&mut ctx, sscc(2), vec![Subject::Aggregate(sscc(1))]);
    assert_refused(&mut ctx, RIVAL, declare_call(vec![Subject::Aggregate(sscc(2))]), Error::NotOwnerOrCustodian.into());
    // One foreign item among its own is enough to refuse the whole declaration.
    hand_over(&mut ctx, WINERY, RIVAL, corkscrew("C1"), TransferKind::Custody);
    let mixed = || declare_call(items(&[corkscrew("C1"), corkscrew("C2")]));
    assert_refused(&mut ctx, RIVAL, mixed(), Error::NotOwnerOrCustodian.into());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // The importer the owner named declares the pallet; the rival may declare what it holds.
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(2))]);
    assert_eq!(declaration(&ctx, id).unwrap().items, vec![bottle("1"), bottle("17")]);
    let corkscrews = with_declaration(
        |call| {
            if let Call::declare { hs_code, .. } = call {
                *hs_code = b"820559".to_vec()
            }
        },
        items(&[corkscrew("C1")]),
    );
    dispatch(&mut ctx, &signed(RIVAL), corkscrews).unwrap();
    assert_eq!(customs_state(&ctx, &corkscrew("C1")), CustomsState::Declared);
}

/// Runs a custody call as `who` and checks that it fails with `error`, changing nothing.
fn assert_custody_refused(ctx: &mut Ctx<'_>, who: u8, call: pallet_custody::Call, error: pallet_products::Error) {
    let changes_before = ctx.overlay.committed_changes().clone();
    assert_eq!(pallet_custody::dispatch(ctx, &signed(who), call.clone()), products_error(error), "{call:?}");
    assert_eq!(ctx.overlay.committed_changes(), &changes_before, "{call:?} wrote before failing");
}

#[test]
fn declared_goods_can_neither_change_hands_nor_be_repacked_until_customs_decides() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A custody proposal made before the declaration, and a packed pallet.
    ship_to_carrier(&mut ctx, Subject::Item(corkscrew("C1"))).unwrap();
    let early = pallet_custody::NEXT_PROPOSAL_ID.get(&ctx) - 1;
    pack(&mut ctx, sscc(1), items(&[corkscrew("C2")]));
    let id = declare_corkscrews(&mut ctx, &[corkscrew("C1"), corkscrew("C2")]);
    let carrier = org(&ctx, CARRIER);
    let transfer = |subject, kind, to| pallet_custody::Call::propose_transfer { subject, kind, to, location: winery() };
    use pallet_products::Error::ItemAwaitingCustoms;
    // The custodian tries to ship the declared goods away before customs looks at them…
    let ship = transfer(Subject::Aggregate(sscc(1)), TransferKind::Custody, carrier);
    assert_custody_refused(&mut ctx, WINERY, ship, ItemAwaitingCustoms);
    let ship = transfer(Subject::Item(corkscrew("C1")), TransferKind::Custody, carrier);
    assert_custody_refused(&mut ctx, WINERY, ship, ItemAwaitingCustoms);
    // …or to sell them on, …
    let sell = transfer(Subject::Item(corkscrew("C1")), TransferKind::Ownership, org(&ctx, RETAILER));
    assert_custody_refused(&mut ctx, WINERY, sell, ItemAwaitingCustoms);
    // …or the carrier accepts the proposal made before the declaration, …
    let accept = pallet_custody::Call::accept { proposal: early, location: winery() };
    assert_custody_refused(&mut ctx, CARRIER, accept.clone(), ItemAwaitingCustoms);
    // …or the declared pallet is broken up or repacked.
    let unpack_call = pallet_custody::Call::unpack { sscc: sscc(1), location: winery() };
    assert_custody_refused(&mut ctx, WINERY, unpack_call, ItemAwaitingCustoms);
    let repack = pallet_custody::Call::pack { sscc: sscc(2), children: items(&[corkscrew("C1")]), location: winery() };
    assert_custody_refused(&mut ctx, WINERY, repack, ItemAwaitingCustoms);
    // The declaration stands, and once customs clears the goods they move again.
    assert_eq!(declaration(&ctx, id).unwrap().status, DeclarationStatus::Declared);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(id)).unwrap();
    pallet_custody::dispatch(&mut ctx, &signed(CARRIER), accept).unwrap();
    assert_eq!(pallet_products::item(&ctx, &corkscrew("C1")).unwrap().custodian, carrier);
    assert_eq!(unpack(&mut ctx, sscc(1)), Ok(()));
}

#[test]
fn the_owner_names_the_importer_and_the_nomination_lapses_with_ownership() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let importer = org(&ctx, IMPORTER);
    assert_eq!(named_importer(&ctx, &bottle("1")), Some(importer));
    pack(&mut ctx, sscc(1), items(&[bottle("17"), bottle("A1")]));
    let subjects = vec![Subject::Aggregate(sscc(1)), Subject::Item(bottle("99"))];
    dispatch(&mut ctx, &signed(WINERY), Call::name_importer { subjects, importer: Some(importer) }).unwrap();
    match last_event(&ctx) {
        Event::ImporterNamed { item_count, owner, importer: named, agent, time, .. } => {
            assert_eq!((*item_count, *owner, *named), (3, org(&ctx, WINERY), Some(importer)));
            assert_eq!((*agent, *time), (account(WINERY), NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    let name = |importer| Call::name_importer { subjects: items(&[bottle("1")]), importer };
    // Only the owner names an importer, and only a member importer.
    let (rival, carrier) = (org(&ctx, RIVAL), org(&ctx, CARRIER));
    assert_refused(&mut ctx, RIVAL, name(Some(rival)), Error::NotOwner.into());
    assert_refused(&mut ctx, IMPORTER, name(None), Error::NotOwner.into());
    assert_refused(&mut ctx, WINERY, name(Some(carrier)), Error::NomineeNotImporter.into());
    assert_refused(&mut ctx, WINERY, name(Some(999)), Error::NomineeNotImporter.into());
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), name(None)), Err(Error::NotMember.into()));
    assert_refused(&mut ctx, WINERY, Call::name_importer { subjects: vec![], importer: None }, Error::NoItems.into());
    // Withdrawn, the nomination no longer lets the importer declare.
    dispatch(&mut ctx, &signed(WINERY), name(None)).unwrap();
    assert_eq!(named_importer(&ctx, &bottle("1")), None);
    assert_refused(&mut ctx, IMPORTER, declare_call(items(&[bottle("1")])), Error::NotOwnerOrCustodian.into());
    // Renamed, it does again.
    dispatch(&mut ctx, &signed(WINERY), name(Some(importer))).unwrap();
    declare(&mut ctx, items(&[bottle("1")]));
    // A new owner is not bound by the former owner's choice: the nomination lapses.
    hand_over(&mut ctx, WINERY, RETAILER, corkscrew("C2"), TransferKind::Ownership);
    assert_eq!(named_importer(&ctx, &corkscrew("C2")), None);
    assert_refused(&mut ctx, IMPORTER, declare_call(items(&[corkscrew("C2")])), Error::NotOwnerOrCustodian.into());
    // The custodian may declare what it holds, without any nomination.
    hand_over(&mut ctx, WINERY, IMPORTER, corkscrew("C2"), TransferKind::Custody);
    declare_corkscrews(&mut ctx, &[corkscrew("C2")]);
    assert_eq!(customs_state(&ctx, &corkscrew("C2")), CustomsState::Declared);
}

#[test]
fn declaring_needs_a_signed_member_importer() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = customs_state_keys(&ctx);
    let call = || declare_call(items(&[bottle("1")]));
    assert_eq!(dispatch(&mut ctx, &Origin::None, call()), Err(DispatchError::BadOrigin));
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), call()), Err(Error::NotMember.into()));
    for who in [WINERY, CARRIER, SH_CUSTOMS, RETAILER, REGULATOR] {
        assert_eq!(dispatch(&mut ctx, &signed(who), call()), Err(Error::NotImporter.into()));
    }
    // The permission is checked before the arguments.
    assert_eq!(dispatch(&mut ctx, &signed(CARRIER), declare_call(vec![])), Err(Error::NotImporter.into()));
    assert_eq!(customs_state_keys(&ctx), before);
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
}

#[test]
fn a_declaration_validates_every_field() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let before = customs_state_keys(&ctx);
    let one = || items(&[bottle("1")]);
    let refused = |ctx: &mut Ctx<'_>, call: Call, error: Error| {
        assert_eq!(dispatch(ctx, &signed(IMPORTER), call.clone()), Err(error.into()), "{call:?}");
    };
    refused(&mut ctx, declare_call(vec![]), Error::NoItems);
    refused(&mut ctx, declare_call(vec![Subject::Item(bottle("1")); MAX_DECLARATION_ITEMS + 1]), Error::TooManyItems);
    for code in [&b"22042"[..], b"22042100001", b"2204a1", b"002204", b""] {
        let call = with_declaration(
            |call| {
                if let Call::declare { hs_code, .. } = call {
                    *hs_code = code.to_vec()
                }
            },
            one(),
        );
        refused(&mut ctx, call, Error::InvalidHsCode);
    }
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_origin, .. } = call {
                *declared_origin = CountryCode(*b"fr")
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::InvalidCountry);
    for code in [*b"eur", *b"EU1", *b"E R"] {
        let call = with_declaration(
            |call| {
                if let Call::declare { currency, .. } = call {
                    *currency = code
                }
            },
            one(),
        );
        refused(&mut ctx, call, Error::InvalidCurrency);
    }
    let call = with_declaration(
        |call| {
            if let Call::declare { port_of_entry, .. } = call {
                *port_of_entry = UnLocode(*b"CNSH1")
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::InvalidPort);
    let call = with_declaration(
        |call| {
            if let Call::declare { documents, .. } = call {
                *documents = vec![H256::zero(); MAX_DOCUMENTS + 1]
            }
        },
        one(),
    );
    refused(&mut ctx, call, Error::TooManyDocuments);
    let mut bad_sscc = sscc(1);
    bad_sscc[17] = b'0' + (bad_sscc[17] - b'0' + 1) % 10;
    refused(&mut ctx, declare_call(vec![Subject::Aggregate(bad_sscc)]), Error::InvalidSscc);
    refused(&mut ctx, declare_call(vec![Subject::Aggregate(sscc(1))]), Error::AggregateNotFound);
    refused(&mut ctx, declare_call(items(&[bottle("1"), bottle("17"), bottle("1")])), Error::DuplicateItem);
    // An unknown item: pallet-products' own error.
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), declare_call(items(&[bottle("1"), H256::zero()]))),
        products_error(pallet_products::Error::ItemNotFound)
    );
    assert_eq!(customs_state_keys(&ctx), before);
    assert!(customs_events(&ctx).is_empty());
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);
    // A value of zero (samples) and no documents are fine.
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_value, documents, .. } = call {
                (*declared_value, *documents) = (0, vec![]);
            }
        },
        one(),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
}

#[test]
fn an_item_under_an_open_declaration_cannot_be_declared_again() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let first = declare(&mut ctx, items(&[bottle("1"), bottle("17")]));
    let again = declare_call(items(&[bottle("A1"), bottle("17")]));
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), again.clone()), Err(Error::AlreadyDeclared.into()));
    // Nothing of the refused declaration was written.
    assert_eq!(customs_state(&ctx, &bottle("A1")), CustomsState::None);
    // Once on hold, the item may not move, so products refuses it first.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(first)).unwrap();
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), again.clone()),
        products_error(pallet_products::Error::ItemOnCustomsHold)
    );
    // Cleared goods may be declared again (e.g. re-exported and re-imported elsewhere).
    attest_lot_l1(&mut ctx, quarantine(), None);
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(first)).unwrap();
    dispatch(&mut ctx, &signed(IMPORTER), again).unwrap();
    assert_eq!(declarations_of_item(&ctx, &bottle("17")).iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![0, 1]);
    // Refused goods may not: they may not move at all.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), refuse(1)).unwrap();
    assert_eq!(
        dispatch(&mut ctx, &signed(IMPORTER), declare_call(items(&[bottle("A1")]))),
        products_error(pallet_products::Error::ItemRefusedByCustoms)
    );
}

#[test]
fn declaring_aggregates_records_the_items_they_hold() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), items(&[bottle("1"), bottle("17")]));
    pack(&mut ctx, sscc(2), vec![Subject::Aggregate(sscc(1)), Subject::Item(bottle("A1"))]);
    // An item named on its own and inside a declared pallet is named twice.
    let twice = declare_call(vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("17"))]);
    assert_eq!(dispatch(&mut ctx, &signed(IMPORTER), twice), Err(Error::DuplicateItem.into()));
    let id = declare(&mut ctx, vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("99"))]);
    let stored = declaration(&ctx, id).unwrap();
    assert_eq!(stored.subjects, vec![Subject::Aggregate(sscc(2)), Subject::Item(bottle("99"))]);
    let mut declared = stored.items.clone();
    declared.sort();
    let mut expected = vec![bottle("1"), bottle("17"), bottle("A1"), bottle("99")];
    expected.sort();
    assert_eq!(declared, expected);
    assert!(matches!(last_event(&ctx), Event::Declared { item_count: 4, .. }));
    for item in &expected {
        assert_eq!(customs_state(&ctx, item), CustomsState::Declared);
    }
    // A hold holds every item inside, and the pallet cannot be shipped.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), hold(id)).unwrap();
    assert_eq!(customs_state(&ctx, &bottle("17")), CustomsState::OnHold);
    let ship = pallet_custody::Call::propose_transfer {
        subject: Subject::Aggregate(sscc(2)),
        kind: TransferKind::Custody,
        to: org(&ctx, CARRIER),
        location: winery(),
    };
    assert_eq!(
        pallet_custody::dispatch(&mut ctx, &signed(WINERY), ship),
        products_error(pallet_products::Error::ItemOnCustomsHold)
    );
}

#[test]
fn a_declared_origin_different_from_the_registry_is_flagged() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // The wine is registered as French, the corkscrews as Chinese; the importer declares French.
    let id = declare(&mut ctx, items(&[bottle("1"), corkscrew("C1"), corkscrew("C2")]));
    let expected = vec![(corkscrew_gtin().parse::<Gtin>().unwrap(), "CN".parse::<CountryCode>().unwrap())];
    assert_eq!(declaration(&ctx, id).unwrap().origin_mismatch, expected);
    assert!(matches!(last_event(&ctx), Event::Declared { origin_mismatch, .. } if *origin_mismatch == expected));
    // Declared Italian: both classes are flagged, each once, sorted by GTIN.
    let call = with_declaration(
        |call| {
            if let Call::declare { declared_origin, .. } = call {
                *declared_origin = "IT".parse().unwrap()
            }
        },
        items(&[bottle("17"), bottle("99")]),
    );
    dispatch(&mut ctx, &signed(IMPORTER), call).unwrap();
    let flagged = declaration(&ctx, 1).unwrap().origin_mismatch;
    assert_eq!(flagged, vec![(wine_gtin().parse().unwrap(), "FR".parse().unwrap())]);
    // A flag is not a refusal: the declaration was filed.
    assert_eq!(customs_state(&ctx, &bottle("99")), CustomsState::Declared);
}

/// The attack the per-declarant bound prevents: an importer holding many items declares them one
/// by one at Shanghai, to fill the port's worklist and so lock every other importer out of the
/// port until customs has decided on them all. It fills only its own share of the worklist.
#[test]
fn a_declarant_filling_a_ports_worklist_fills_only_its_own_share() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let (a, b) = (org(&ctx, IMPORTER), org(&ctx, RIVAL));
    // Importer A is named the importer of 1,024 more corkscrews, and declares each on its own.
    let serials: Vec<String> = (0..MAX_OPEN_PER_DECLARANT).map(|n| format!("F{n}")).collect();
    for batch in serials.chunks(pallet_products::MAX_BATCH) {
        commission(&mut ctx, &corkscrew_gtin(), None, &batch.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let flood: Vec<ItemId> = serials.iter().map(|serial| corkscrew(serial)).collect();
    for batch in flood.chunks(MAX_DECLARATION_ITEMS) {
        name_importer_of(&mut ctx, batch);
    }
    let first = NEXT_DECLARATION_ID.get(&ctx);
    for id in &flood {
        declare_corkscrews(&mut ctx, &[*id]);
    }
    assert_eq!(OPEN_BY_PORT_AND_DECLARANT.get(&ctx, &port("CNSHA"), &a).len(), MAX_OPEN_PER_DECLARANT);

    // Importer B, whom the winery names for corkscrew C1, still declares at Shanghai.
    let rival = Some(b);
    dispatch(&mut ctx, &signed(WINERY), Call::name_importer { subjects: items(&[corkscrew("C1")]), importer: rival })
        .unwrap();
    let corkscrews = |call: &mut Call| {
        if let Call::declare { hs_code, .. } = call {
            *hs_code = b"820559".to_vec()
        }
    };
    dispatch(&mut ctx, &signed(RIVAL), with_declaration(corkscrews, items(&[corkscrew("C1")]))).unwrap();
    let by_b = NEXT_DECLARATION_ID.get(&ctx) - 1;
    let ids = |open: Vec<(DeclarationId, Declaration)>| open.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    assert_eq!(ids(open_declarations_of(&ctx, &port("CNSHA"), b)), vec![by_b]);

    // A's next declaration there is refused with the error naming the per-declarant bound, and
    // changes nothing: the same state root, no event.
    let root = state_root(&state, &ctx);
    let full = Error::DeclarantShareFull { declarant: a };
    assert_eq!(
        full.to_string(),
        format!(
            "organisation {a} already has {MAX_OPEN_PER_DECLARANT} open declarations at this port, the most one \
             declarant may hold at a port"
        )
    );
    assert_refused(&mut ctx, IMPORTER, declare_call(items(&[bottle("1")])), full.into());
    assert_eq!(state_root(&state, &ctx), root, "a refused declaration changed the state root");
    assert_eq!(customs_state(&ctx, &bottle("1")), CustomsState::None);

    // Shanghai customs' worklist holds both declarants' work.
    let worklist = ids(open_at_port(&ctx, "CNSHA"));
    assert_eq!(worklist.len(), MAX_OPEN_PER_DECLARANT + 1);
    assert!(worklist.contains(&by_b) && worklist.contains(&first));
    // The share is A's at Shanghai only: A still declares at Shenzhen…
    dispatch(&mut ctx, &signed(IMPORTER), at_port("CNSZX", items(&[bottle("1")]))).unwrap();
    // …and at Shanghai again once customs has decided on one of its declarations there.
    dispatch(&mut ctx, &signed(SH_CUSTOMS), clear(first)).unwrap();
    dispatch(&mut ctx, &signed(IMPORTER), declare_call(items(&[bottle("17")]))).unwrap();
    assert_eq!(OPEN_BY_PORT_AND_DECLARANT.get(&ctx, &port("CNSHA"), &a).len(), MAX_OPEN_PER_DECLARANT);
}
