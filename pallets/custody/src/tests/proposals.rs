//! Custody and ownership transfers by proposal: who may propose, accept, reject and cancel, and
//! the receiver's inbox.

use super::*;

#[test]
fn carrier_takes_custody_while_the_winery_keeps_ownership() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    assert_eq!(
        last_event(&ctx),
        Event::TransferProposed {
            proposal: id,
            subject: item(1),
            kind: TransferKind::Custody,
            from: WINERY_ORG,
            to: CARRIER_ORG,
            agent: account(WINERY),
            items: 1,
            read_point: winery_gln(),
            biz_step: Some(BizStep::shipping),
            disposition: Some(Disposition::in_transit),
            time: NOW,
        }
    );
    assert_eq!(proposal(&ctx, id).unwrap().status, ProposalStatus::Open);
    assert_eq!(product(&ctx, 1).custodian, WINERY_ORG, "nothing moves before the receiver accepts");

    accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
    let bottle_one = product(&ctx, 1);
    assert_eq!((bottle_one.custodian, bottle_one.owner), (CARRIER_ORG, WINERY_ORG));
    assert_eq!(bottle_one.location, winery_gln());
    let accepted = proposal(&ctx, id).unwrap();
    assert_eq!(accepted.status, ProposalStatus::Accepted);
    assert_eq!(
        accepted.closure,
        Some(Closure {
            by: CARRIER_ORG,
            agent: account(CARRIER),
            location: Some(winery_gln()),
            reason: None,
            at: BLOCK,
            time: NOW
        })
    );
    assert_eq!(
        last_event(&ctx),
        Event::TransferAccepted {
            proposal: id,
            subject: item(1),
            kind: TransferKind::Custody,
            from: WINERY_ORG,
            to: CARRIER_ORG,
            agent: account(CARRIER),
            items: 1,
            read_point: winery_gln(),
            biz_location: Some(winery_gln()),
            biz_step: BizStep::receiving,
            disposition: Some(Disposition::in_progress),
            time: NOW,
        }
    );
    assert!(open_proposals_for(&ctx, CARRIER_ORG).is_empty());
    assert_eq!(open_proposal(&ctx, &item(1), CARRIER_ORG, TransferKind::Custody), None);
}

#[test]
fn ownership_transfer_changes_the_owner_only() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = propose(&mut ctx, WINERY, item(2), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    assert!(matches!(
        last_event(&ctx),
        Event::TransferProposed { biz_step: None, disposition: None, kind: TransferKind::Ownership, .. }
    ));
    assert!(history(&ctx, &bottle(2)).is_empty(), "offering title is not a step of the journey");
    accept(&mut ctx, IMPORTER, id, port(b"CNSHA")).unwrap();
    let bottle_two = product(&ctx, 2);
    assert_eq!((bottle_two.owner, bottle_two.custodian), (IMPORTER_ORG, WINERY_ORG));
    assert_eq!(bottle_two.location, winery_gln(), "title moved, the bottle did not");
    assert!(matches!(
        last_event(&ctx),
        Event::TransferAccepted { biz_step: BizStep::accepting, disposition: None, biz_location: None, .. }
    ));
    let steps = history(&ctx, &bottle(2));
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].action, StepAction::OwnershipAccepted { proposal: id, from: WINERY_ORG, aggregate: None });
    assert_eq!((steps[0].org, steps[0].location.clone()), (IMPORTER_ORG, port(b"CNSHA")));
}

#[test]
fn only_the_custodian_proposes_custody_and_only_the_owner_ownership() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    assert_eq!(
        propose(&mut ctx, CARRIER, item(1), TransferKind::Custody, IMPORTER_ORG),
        Err(Error::NotCustodian.into())
    );
    assert_eq!(propose(&mut ctx, CARRIER, item(1), TransferKind::Ownership, IMPORTER_ORG), Err(Error::NotOwner.into()));
    assert_eq!(propose(&mut ctx, OUTSIDER, item(1), TransferKind::Custody, CARRIER_ORG), Err(Error::NotMember.into()));
    let unsigned = Call::propose_transfer {
        subject: item(1),
        kind: TransferKind::Custody,
        to: CARRIER_ORG,
        location: winery_gln(),
    };
    assert_eq!(dispatch(&mut ctx, &Origin::None, unsigned), Err(DispatchError::BadOrigin));
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Item(bottle(999)), TransferKind::Custody, CARRIER_ORG),
        Err(products_error(pallet_products::Error::ItemNotFound))
    );

    // Any account of the custodian's organisation acts for it.
    let id = propose(&mut ctx, WINERY_CLERK, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
    // Custody and ownership are now held by two organisations, each proposing its own kind only.
    assert_eq!(
        propose(&mut ctx, WINERY, item(1), TransferKind::Custody, IMPORTER_ORG),
        Err(Error::NotCustodian.into())
    );
    assert_eq!(propose(&mut ctx, CARRIER, item(1), TransferKind::Ownership, IMPORTER_ORG), Err(Error::NotOwner.into()));
    propose(&mut ctx, WINERY, item(1), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    propose(&mut ctx, CARRIER, item(1), TransferKind::Custody, IMPORTER_ORG).unwrap();
}

#[test]
fn only_the_receiver_accepts_or_rejects_and_only_the_issuer_cancels() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let id = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    let reject = |proposal, reason: &str| Call::reject { proposal, reason: reason.as_bytes().to_vec() };
    assert_eq!(accept(&mut ctx, IMPORTER, id, winery_gln()), Err(Error::NotReceiver.into()));
    assert_eq!(accept(&mut ctx, WINERY, id, winery_gln()), Err(Error::NotReceiver.into()));
    assert_eq!(call(&mut ctx, IMPORTER, reject(id, "not ours")), Err(Error::NotReceiver.into()));
    assert_eq!(call(&mut ctx, CARRIER, Call::cancel { proposal: id }), Err(Error::NotIssuer.into()));
    assert_eq!(call(&mut ctx, OUTSIDER, Call::cancel { proposal: id }), Err(Error::NotMember.into()));
    assert_eq!(accept(&mut ctx, CARRIER, 99, winery_gln()), Err(Error::ProposalNotFound.into()));
    assert_eq!(call(&mut ctx, CARRIER, Call::cancel { proposal: 99 }), Err(Error::ProposalNotFound.into()));

    assert_eq!(call(&mut ctx, CARRIER, reject(id, "")), Err(Error::InvalidReason.into()));
    let too_long = Call::reject { proposal: id, reason: vec![b'x'; MAX_REASON_LEN + 1] };
    assert_eq!(call(&mut ctx, CARRIER, too_long), Err(Error::InvalidReason.into()));
    let not_utf8 = Call::reject { proposal: id, reason: vec![0xff, 0xfe] };
    assert_eq!(call(&mut ctx, CARRIER, not_utf8), Err(Error::InvalidReason.into()));
    for hidden in ["no space\u{202e}", "no\u{1}space", "no\nspace"] {
        assert_eq!(call(&mut ctx, CARRIER, reject(id, hidden)), Err(Error::ReasonHasControlCharacter.into()));
    }
    assert_eq!(proposal(&ctx, id).unwrap().status, ProposalStatus::Open);
    call(&mut ctx, CARRIER, reject(id, "no reefer space")).unwrap();
    let rejected = proposal(&ctx, id).unwrap();
    assert_eq!(rejected.status, ProposalStatus::Rejected);
    assert_eq!(rejected.closure.unwrap().reason, Some(b"no reefer space".to_vec()));
    assert_eq!(
        last_event(&ctx),
        Event::TransferRejected {
            proposal: id,
            subject: item(1),
            kind: TransferKind::Custody,
            from: WINERY_ORG,
            to: CARRIER_ORG,
            agent: account(CARRIER),
            reason: b"no reefer space".to_vec(),
            biz_location: winery_gln(),
            disposition: Some(Disposition::in_progress),
            time: NOW,
        }
    );
    assert_eq!(accept(&mut ctx, CARRIER, id, winery_gln()), Err(Error::ProposalNotOpen.into()));
    assert_eq!(call(&mut ctx, CARRIER, reject(id, "again")), Err(Error::ProposalNotOpen.into()));
    assert_eq!(call(&mut ctx, WINERY, Call::cancel { proposal: id }), Err(Error::ProposalNotOpen.into()));
    assert_eq!(product(&ctx, 1).custodian, WINERY_ORG);

    // The slot is free again; the issuer withdraws the new proposal.
    let again = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    call(&mut ctx, WINERY_CLERK, Call::cancel { proposal: again }).unwrap();
    assert_eq!(proposal(&ctx, again).unwrap().status, ProposalStatus::Cancelled);
    assert!(matches!(last_event(&ctx), Event::TransferCancelled { from: WINERY_ORG, to: CARRIER_ORG, .. }));
    assert_eq!(accept(&mut ctx, CARRIER, again, winery_gln()), Err(Error::ProposalNotOpen.into()));
    assert_eq!(product(&ctx, 1).custodian, WINERY_ORG);
    // The journey shows both proposals; how each ended is in the proposal it names.
    let proposed: Vec<_> = history(&ctx, &bottle(1)).into_iter().map(|step| step.action).collect();
    assert_eq!(
        proposed,
        vec![
            StepAction::CustodyProposed { proposal: id, to: CARRIER_ORG, aggregate: None },
            StepAction::CustodyProposed { proposal: again, to: CARRIER_ORG, aggregate: None },
        ]
    );
}

#[test]
fn rights_are_checked_again_on_accept() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // Custody offered to two receivers: the first to accept wins, the other is refused.
    let to_carrier = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    let to_importer = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, IMPORTER_ORG).unwrap();
    accept(&mut ctx, IMPORTER, to_importer, port(b"FRLEH")).unwrap();
    assert_eq!(accept(&mut ctx, CARRIER, to_carrier, winery_gln()), Err(Error::NotCustodian.into()));
    assert_eq!(product(&ctx, 1).custodian, IMPORTER_ORG);
    assert_eq!(proposal(&ctx, to_carrier).unwrap().status, ProposalStatus::Open, "a failed accept changes nothing");

    // Title offered to two buyers: once sold to one, the other offer cannot be accepted.
    let to_importer = propose(&mut ctx, WINERY, item(2), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    let to_tmall = propose(&mut ctx, WINERY, item(2), TransferKind::Ownership, TMALL_ORG).unwrap();
    accept(&mut ctx, TMALL, to_tmall, port(b"CNSHA")).unwrap();
    assert_eq!(accept(&mut ctx, IMPORTER, to_importer, port(b"CNSHA")), Err(Error::NotOwner.into()));

    // Packed since it was proposed: it now moves only with its aggregate.
    let packed_later = propose(&mut ctx, WINERY, item(3), TransferKind::Custody, CARRIER_ORG).unwrap();
    pack(&mut ctx, WINERY, sscc(1), vec![item(3)]).unwrap();
    assert_eq!(accept(&mut ctx, CARRIER, packed_later, winery_gln()), Err(Error::PackedInAggregate.into()));

    // Held by customs since: not movable.
    let held_later = propose(&mut ctx, WINERY, item(4), TransferKind::Custody, CARRIER_ORG).unwrap();
    pallet_products::set_customs_state(&mut ctx, &bottle(4), CustomsState::OnHold);
    assert_eq!(
        accept(&mut ctx, CARRIER, held_later, winery_gln()),
        Err(products_error(pallet_products::Error::ItemOnCustomsHold))
    );
    pallet_products::set_customs_state(&mut ctx, &bottle(4), CustomsState::Cleared);
    accept(&mut ctx, CARRIER, held_later, winery_gln()).unwrap();
}

#[test]
fn at_most_one_open_proposal_per_subject_receiver_and_kind() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let first = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    assert_eq!(
        propose(&mut ctx, WINERY_CLERK, item(1), TransferKind::Custody, CARRIER_ORG),
        Err(Error::DuplicateProposal.into())
    );
    // Another kind, or another receiver, is another slot.
    propose(&mut ctx, WINERY, item(1), TransferKind::Ownership, CARRIER_ORG).unwrap();
    propose(&mut ctx, WINERY, item(1), TransferKind::Custody, IMPORTER_ORG).unwrap();
    assert_eq!(open_proposal(&ctx, &item(1), CARRIER_ORG, TransferKind::Custody), Some(first));
    call(&mut ctx, WINERY, Call::cancel { proposal: first }).unwrap();
    let second = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    assert_eq!(open_proposal(&ctx, &item(1), CARRIER_ORG, TransferKind::Custody), Some(second));
}

#[test]
fn the_receiver_must_be_another_member_and_locations_must_be_valid() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    assert_eq!(propose(&mut ctx, WINERY, item(1), TransferKind::Custody, 99), Err(Error::UnknownOrganisation.into()));
    assert_eq!(propose(&mut ctx, WINERY, item(1), TransferKind::Custody, WINERY_ORG), Err(Error::SelfTransfer.into()));
    let bad_gln = Location::Gln(Gln(*b"3760001000008"));
    let bad_port = Location::UnLocode(UnLocode(*b"cnsha"));
    for location in [bad_gln.clone(), bad_port] {
        let proposal =
            Call::propose_transfer { subject: item(1), kind: TransferKind::Custody, to: CARRIER_ORG, location };
        assert_eq!(call(&mut ctx, WINERY, proposal), Err(Error::InvalidLocation.into()));
    }
    let id = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    assert_eq!(accept(&mut ctx, CARRIER, id, bad_gln.clone()), Err(Error::InvalidLocation.into()));
    assert_eq!(
        call(&mut ctx, WINERY, Call::pack { sscc: sscc(1), children: vec![item(2)], location: bad_gln }),
        Err(Error::InvalidLocation.into())
    );
}

#[test]
fn open_proposals_for_lists_what_awaits_the_receiver() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let a = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    let b = propose(&mut ctx, WINERY, item(2), TransferKind::Custody, CARRIER_ORG).unwrap();
    let c = propose(&mut ctx, WINERY, item(3), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    let ids = |ctx: &Ctx<'_>, org| open_proposals_for(ctx, org).into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(&ctx, CARRIER_ORG), vec![a, b]);
    assert_eq!(ids(&ctx, IMPORTER_ORG), vec![c]);
    accept(&mut ctx, CARRIER, a, winery_gln()).unwrap();
    assert_eq!(ids(&ctx, CARRIER_ORG), vec![b]);

    // A full list refuses more, and nothing is written.
    OPEN_PROPOSALS_BETWEEN.insert(
        &mut ctx,
        &WAREHOUSE_ORG,
        &WINERY_ORG,
        &(1_000..1_000 + MAX_OPEN_PER_SENDER as u64).collect::<Vec<_>>(),
    );
    let next = NEXT_PROPOSAL_ID.get(&ctx);
    assert_eq!(
        propose(&mut ctx, WINERY, item(4), TransferKind::Custody, WAREHOUSE_ORG),
        Err(Error::ReceiverInboxFull.into())
    );
    assert_eq!(NEXT_PROPOSAL_ID.get(&ctx), next);
}

#[test]
fn an_inbox_filler_uses_up_only_its_own_room_in_the_receivers_inbox() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let handed = propose(&mut ctx, WINERY, item(5), TransferKind::Custody, IMPORTER_ORG).unwrap();
    accept(&mut ctx, IMPORTER, handed, winery_gln()).unwrap();
    // The importer has filled the warehouse's inbox with its own proposals (as 1,024 real
    // proposals would)…
    OPEN_PROPOSALS_BETWEEN.insert(
        &mut ctx,
        &WAREHOUSE_ORG,
        &IMPORTER_ORG,
        &(1_000..1_000 + MAX_OPEN_PER_SENDER as u64).collect::<Vec<_>>(),
    );
    INBOX_SENDERS.insert(&mut ctx, &WAREHOUSE_ORG, &vec![IMPORTER_ORG]);
    // …so its next proposal is refused, changing nothing…
    let changes_before = ctx.overlay.committed_changes().clone();
    let goods = Call::propose_transfer {
        subject: item(5),
        kind: TransferKind::Custody,
        to: WAREHOUSE_ORG,
        location: winery_gln(),
    };
    assert_eq!(call(&mut ctx, IMPORTER, goods), Err(Error::ReceiverInboxFull.into()));
    assert_eq!(ctx.overlay.committed_changes(), &changes_before);
    // …but the winery's real transfer to the warehouse still goes through, and is accepted.
    let id = propose(&mut ctx, WINERY, item(4), TransferKind::Custody, WAREHOUSE_ORG).unwrap();
    assert_eq!(OPEN_PROPOSALS_BETWEEN.get(&ctx, &WAREHOUSE_ORG, &WINERY_ORG), vec![id]);
    assert_eq!(INBOX_SENDERS.get(&ctx, &WAREHOUSE_ORG), vec![WINERY_ORG, IMPORTER_ORG]);
    accept(&mut ctx, WAREHOUSE, id, winery_gln()).unwrap();
    // Closing the winery's last open proposal there frees its entry.
    assert!(!OPEN_PROPOSALS_BETWEEN.contains(&ctx, &WAREHOUSE_ORG, &WINERY_ORG));
    assert_eq!(INBOX_SENDERS.get(&ctx, &WAREHOUSE_ORG), vec![IMPORTER_ORG]);
}
