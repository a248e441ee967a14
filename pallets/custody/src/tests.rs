//! Tests of the custody pallet against an in-memory state built from the acceptance story's
//! consortium (pallet-membership's genesis) with items commissioned through pallet-products.

use std::{collections::BTreeMap, ops::RangeInclusive, sync::OnceLock};

use pallet_membership::types::{Gln, Location, OrgId, UnLocode};
use pallet_products::{serial_item_id, CustomsState, Gtin, ItemStatus};
use parity_scale_codec::{Decode, Encode};
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    commission_serials_call,
    consortium::{Consortium, Founder, WINERY_VALIDATOR_KEY},
    context::ContextBuilder,
    events::last_event_of,
    gs1::{sscc, winery_gtin, WINERY_GLN},
    register_wine_call,
    story::{CARRIER, CARRIER_ORG, IMPORTER, IMPORTER_ORG, NOW, OUTSIDER, WINERY, WINERY_ORG},
    test_events,
};
use tracechain_primitives::{gs1::check_digit, BlockNumber, Moment};
use tracechain_support::{dispatch::DispatchError, weight::DEFAULT_BLOCK_LIMITS, Context, ModuleError, Overlay};

use super::*;

/// A second account of the winery's.
const WINERY_CLERK: u8 = 11;
const WAREHOUSE: u8 = 4;
const TMALL: u8 = 5;

const WAREHOUSE_ORG: OrgId = 3;
const TMALL_ORG: OrgId = 4;

const BLOCK: BlockNumber = 10;
/// Bottles commissioned in every test context (lot `L2019`).
const BOTTLES: RangeInclusive<u32> = 1..=20;

test_events! {
    /// The events of both pallets under test.
    TestEvent { Products(pallet_products::Event), Custody(Event) }
}

type Ctx<'a> = Context<'a, TestEvent>;

/// The acceptance story's consortium up to the retailer, with a bonded warehouse that holds no
/// role and a second account of the winery's.
fn consortium() -> Consortium {
    Consortium::new()
        .with(Founder::chateau_x(WINERY).account(WINERY_CLERK))
        .with(Founder::atlantic_freight(CARRIER))
        .with(Founder::shanghai_fine_imports(IMPORTER))
        .with(Founder::new("Waigaoqiao Bonded Warehouse", "CN").un_locode("CNSHA").account(WAREHOUSE))
        .with(Founder::tmall_global(TMALL))
        .validator(WINERY_ORG, WINERY_VALIDATOR_KEY)
}

/// "Château X 2019, 750 ml" under the development chain's GTIN: item reference 00001.
fn gtin() -> Vec<u8> {
    winery_gtin("00001").into_bytes()
}

fn bottle(n: u32) -> ItemId {
    serial_item_id(&Gtin::parse(&gtin()).unwrap(), n.to_string().as_bytes())
}

fn item(n: u32) -> Subject {
    Subject::Item(bottle(n))
}

fn winery_gln() -> Location {
    Location::Gln(Gln(WINERY_GLN.as_bytes().try_into().unwrap()))
}

fn port(code: &[u8; 5]) -> Location {
    Location::UnLocode(UnLocode(*code))
}

fn products_error(error: pallet_products::Error) -> DispatchError {
    error.into()
}

/// Commissions bottles `serials` in lot `lot` at the winery, in batches that products accepts.
fn commission(ctx: &mut Ctx<'_>, serials: RangeInclusive<u32>, lot: &[u8]) {
    let serials: Vec<Vec<u8>> = serials.map(|n| n.to_string().into_bytes()).collect();
    for batch in serials.chunks(pallet_products::MAX_BATCH) {
        let call = commission_serials_call!(gtin(), Some(lot), batch, winery_gln());
        pallet_products::dispatch(ctx, &signed(WINERY), call).unwrap();
    }
}

/// Block `BLOCK` at time `NOW` over the genesis consortium, with the product class registered and
/// bottles `BOTTLES` commissioned at the winery's GLN.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Ctx<'_> {
    let mut ctx = ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK);
    pallet_products::dispatch(&mut ctx, &signed(WINERY), register_wine_call!(gtin())).unwrap();
    commission(&mut ctx, BOTTLES, b"L2019");
    ctx.take_events();
    ctx
}

/// The next block, `millis` later.
fn next_block(ctx: Ctx<'_>, millis: Moment) -> Ctx<'_> {
    let number = ctx.block_number() + 1;
    let (mut overlay, _) = ctx.into_parts();
    let now = pallet_timestamp::now(&overlay) + millis;
    pallet_timestamp::NOW.put(&mut overlay, &now);
    Context::new(overlay, number)
}

/// Dispatches straight into the block's overlay, without the executive's transactional layer:
/// a failing call must leave nothing behind on its own.
fn call(ctx: &mut Ctx<'_>, who: u8, call: Call) -> DispatchResult {
    dispatch(ctx, &signed(who), call)
}

fn propose(
    ctx: &mut Ctx<'_>,
    who: u8,
    subject: Subject,
    kind: TransferKind,
    to: OrgId,
) -> Result<ProposalId, DispatchError> {
    let id = NEXT_PROPOSAL_ID.get(ctx);
    call(ctx, who, Call::propose_transfer { subject, kind, to, location: winery_gln() }).map(|()| id)
}

fn accept(ctx: &mut Ctx<'_>, who: u8, proposal: ProposalId, location: Location) -> DispatchResult {
    call(ctx, who, Call::accept { proposal, location })
}

fn pack(ctx: &mut Ctx<'_>, who: u8, sscc: Sscc, children: Vec<Subject>) -> DispatchResult {
    call(ctx, who, Call::pack { sscc, children, location: winery_gln() })
}

fn bottles(range: RangeInclusive<u32>) -> Vec<Subject> {
    range.map(item).collect()
}

fn product(ctx: &Ctx<'_>, n: u32) -> pallet_products::Item {
    pallet_products::item(ctx, &bottle(n)).unwrap()
}

fn last_event(ctx: &Ctx<'_>) -> Event {
    last_event_of(ctx).cloned().expect("a custody event")
}

/// Moves custody of `subject` from `from` to `to` (accepted at `location`).
fn hand_over(ctx: &mut Ctx<'_>, from: u8, subject: Subject, to: (u8, OrgId), location: Location) {
    let id = propose(ctx, from, subject, TransferKind::Custody, to.1).unwrap();
    accept(ctx, to.0, id, location).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Transfers: permissions and the happy paths
// ---------------------------------------------------------------------------------------------

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

/// Moves `ctx` on to block `number` (6 s a block) and runs the block's start, as the executive
/// does.
fn start_block(ctx: Ctx<'_>, number: BlockNumber) -> Ctx<'_> {
    let mut ctx = ctx;
    while ctx.block_number() < number {
        ctx = next_block(ctx, 6_000);
        on_initialize(&mut ctx);
    }
    ctx
}

#[test]
fn open_proposals_expire_after_the_chain_specs_lifetime_and_free_their_slots() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let config: GenesisConfig = serde_json::from_str(r#"{"proposalLifetime":10}"#).unwrap();
    build_genesis(&mut ctx, &config).unwrap();
    assert_eq!(proposal_lifetime(&ctx), 10);
    // Proposed in block 10: open up to block 19, expired at the start of block 20.
    let stale = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    let title = propose(&mut ctx, WINERY, item(2), TransferKind::Ownership, IMPORTER_ORG).unwrap();
    let taken = propose(&mut ctx, WINERY, item(3), TransferKind::Custody, CARRIER_ORG).unwrap();
    assert_eq!(EXPIRING.get(&ctx, &(BLOCK + 10)), vec![stale, title, taken]);
    let mut ctx = start_block(ctx, BLOCK + 9);
    accept(&mut ctx, CARRIER, taken, winery_gln()).unwrap();
    assert_eq!(proposal(&ctx, stale).unwrap().status, ProposalStatus::Open);
    ctx.take_events();
    let mut ctx = start_block(ctx, BLOCK + 10);
    for id in [stale, title] {
        let expired = proposal(&ctx, id).unwrap();
        assert_eq!((expired.status, expired.closure), (ProposalStatus::Expired, None));
    }
    assert_eq!(proposal(&ctx, taken).unwrap().status, ProposalStatus::Accepted);
    assert!(open_proposals_for(&ctx, CARRIER_ORG).is_empty() && open_proposals_for(&ctx, IMPORTER_ORG).is_empty());
    assert!(!INBOX_SENDERS.contains(&ctx, &CARRIER_ORG));
    assert!(!EXPIRING.contains(&ctx, &(BLOCK + 10)), "the block's expiry list is pruned");
    let expired: Vec<ProposalId> = ctx
        .events()
        .iter()
        .filter_map(|record| match &record.event {
            TestEvent::Custody(Event::TransferExpired { proposal, .. }) => Some(*proposal),
            _ => None,
        })
        .collect();
    assert_eq!(expired, vec![stale, title]);
    // An expired proposal is closed: nobody accepts it any more…
    assert_eq!(accept(&mut ctx, CARRIER, stale, winery_gln()), Err(Error::ProposalNotOpen.into()));
    // …and its slot is free for a new proposal of the same goods to the same receiver.
    assert_eq!(open_proposal(&ctx, &item(1), CARRIER_ORG, TransferKind::Custody), None);
    let again = propose(&mut ctx, WINERY, item(1), TransferKind::Custody, CARRIER_ORG).unwrap();
    accept(&mut ctx, CARRIER, again, winery_gln()).unwrap();
}

#[test]
fn a_flood_of_proposals_expiring_at_once_is_closed_over_several_blocks_within_a_bounded_weight() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    build_genesis(&mut ctx, &GenesisConfig { proposal_lifetime: Some(10) }).unwrap();
    let flood = MAX_EXPIRIES_PER_BLOCK + 44;
    commission(&mut ctx, 21..=flood, b"L2019");
    // All proposed in block 10, all due at the start of block 20.
    let ids: Vec<ProposalId> =
        (1..=flood).map(|n| propose(&mut ctx, WINERY, item(n), TransferKind::Custody, CARRIER_ORG).unwrap()).collect();
    assert_eq!(EXPIRING.get(&ctx, &(BLOCK + 10)).len(), flood as usize);

    // A block start with nothing due costs two reads and writes nothing.
    let mut ctx = next_block(ctx, 6_000);
    let before = ctx.overlay.committed_changes().clone();
    assert_eq!(on_initialize(&mut ctx), EXPIRY_BASE_WEIGHT);
    assert_eq!(ctx.overlay.committed_changes(), &before);
    let mut ctx = start_block(ctx, BLOCK + 9);
    ctx.take_events();

    // Block 20 closes the first MAX_EXPIRIES_PER_BLOCK, oldest first, and says what that cost.
    let mut ctx = next_block(ctx, 6_000);
    let weight = on_initialize(&mut ctx);
    assert_eq!(
        weight,
        EXPIRY_BASE_WEIGHT
            .saturating_add(EXPIRY_LIST_WEIGHT)
            .saturating_add(EXPIRY_WEIGHT.saturating_mul(u64::from(MAX_EXPIRIES_PER_BLOCK)))
    );
    assert!(!weight.any_gt(MAX_EXPIRY_WEIGHT));
    let (closed, waiting) = ids.split_at(MAX_EXPIRIES_PER_BLOCK as usize);
    assert!(closed.iter().all(|id| proposal(&ctx, *id).unwrap().status == ProposalStatus::Expired));
    assert!(waiting.iter().all(|id| proposal(&ctx, *id).unwrap().status == ProposalStatus::Open));
    assert_eq!(ctx.events().len(), MAX_EXPIRIES_PER_BLOCK as usize);
    assert_eq!(EXPIRING.get(&ctx, &(BLOCK + 10)), waiting.to_vec(), "the rest is carried over");
    assert_eq!(EXPIRY_CURSOR.get(&ctx), Some(BLOCK + 10));
    // A proposal waiting in the backlog is past its lifetime: nobody accepts, rejects or
    // cancels it any more.
    let late = waiting[0];
    assert_eq!(accept(&mut ctx, CARRIER, late, winery_gln()), Err(Error::ProposalNotOpen.into()));
    assert_eq!(
        call(&mut ctx, CARRIER, Call::reject { proposal: late, reason: b"late".to_vec() }),
        Err(Error::ProposalNotOpen.into())
    );
    assert_eq!(call(&mut ctx, WINERY, Call::cancel { proposal: late }), Err(Error::ProposalNotOpen.into()));

    // Block 21 closes the rest and catches up: its own (empty) list is visited too.
    let mut ctx = next_block(ctx, 6_000);
    ctx.take_events();
    let weight = on_initialize(&mut ctx);
    assert_eq!(
        weight,
        EXPIRY_BASE_WEIGHT
            .saturating_add(EXPIRY_LIST_WEIGHT.saturating_mul(2))
            .saturating_add(EXPIRY_WEIGHT.saturating_mul(waiting.len() as u64))
    );
    assert!(waiting.iter().all(|id| proposal(&ctx, *id).unwrap().status == ProposalStatus::Expired));
    assert!(!EXPIRING.contains(&ctx, &(BLOCK + 10)));
    assert_eq!(EXPIRY_CURSOR.get(&ctx), None, "caught up");
    assert!(open_proposals_for(&ctx, CARRIER_ORG).is_empty());
    assert_eq!(on_initialize(&mut next_block(ctx, 6_000)), EXPIRY_BASE_WEIGHT);
}

#[test]
fn expiries_fit_in_the_blocks_mandatory_share() {
    // The most one block start spends on expiries, on top of a block full of normal
    // transactions, stays within the block's weight.
    let limits = DEFAULT_BLOCK_LIMITS;
    assert!(!MAX_EXPIRY_WEIGHT.saturating_add(limits.max_normal_weight()).any_gt(limits.max_weight));
    assert_eq!(
        MAX_EXPIRY_WEIGHT,
        EXPIRY_BASE_WEIGHT
            .saturating_add(EXPIRY_LIST_WEIGHT.saturating_mul(u64::from(MAX_EXPIRY_LISTS_PER_BLOCK)))
            .saturating_add(EXPIRY_WEIGHT.saturating_mul(u64::from(MAX_EXPIRIES_PER_BLOCK)))
    );
}

#[test]
fn a_backlog_spread_over_several_blocks_is_worked_off_oldest_first() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    build_genesis(&mut ctx, &GenesisConfig { proposal_lifetime: Some(40) }).unwrap();
    let per_block = MAX_EXPIRIES_PER_BLOCK + 44;
    commission(&mut ctx, 21..=2 * per_block, b"L2019");
    let mut ids = Vec::new();
    for serial in 1..=2 * per_block {
        if serial == per_block + 1 {
            ctx = next_block(ctx, 6_000);
        }
        ids.push(propose(&mut ctx, WINERY, item(serial), TransferKind::Custody, CARRIER_ORG).unwrap());
    }
    let expired = |ctx: &Ctx<'_>| -> Vec<bool> {
        ids.iter().map(|id| proposal(ctx, *id).unwrap().status == ProposalStatus::Expired).collect()
    };
    // Due at blocks 50 and 51: each block start closes MAX_EXPIRIES_PER_BLOCK, oldest first (the
    // rest of block 50's list before any of block 51's), until the chain has caught up.
    let max = MAX_EXPIRIES_PER_BLOCK as usize;
    for (block, closed) in [(BLOCK + 40, max), (BLOCK + 41, 2 * max), (BLOCK + 42, ids.len())] {
        ctx = start_block(ctx, block);
        let expected: Vec<bool> = (0..ids.len()).map(|index| index < closed).collect();
        assert_eq!(expired(&ctx), expected, "at block {block}");
    }
    assert_eq!(EXPIRY_CURSOR.get(&ctx), None);
    assert!(!EXPIRING.contains(&ctx, &(BLOCK + 40)) && !EXPIRING.contains(&ctx, &(BLOCK + 41)));
}

#[test]
fn the_proposal_lifetime_comes_from_the_chain_spec() {
    let state = BTreeMap::new();
    let ctx = new_ctx(&state);
    assert_eq!(proposal_lifetime(&ctx), DEFAULT_PROPOSAL_LIFETIME);
    assert_eq!(serde_json::from_str::<GenesisConfig>("{}").unwrap(), GenesisConfig::default());
    assert!(serde_json::from_str::<GenesisConfig>(r#"{"lifetime":5}"#).is_err());
    assert_eq!(serde_json::to_string(&GenesisConfig::default()).unwrap(), "{}");
    let empty = BTreeMap::new();
    let mut overlay = Overlay::new(&empty);
    let zero = GenesisConfig { proposal_lifetime: Some(0) };
    assert_eq!(build_genesis(&mut overlay, &zero), Err(GenesisError::ZeroProposalLifetime));
    build_genesis(&mut overlay, &GenesisConfig::default()).unwrap();
    assert!(overlay.into_changes().is_empty(), "no lifetime in the spec, nothing written");
}

// ---------------------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Goods that may not move
// ---------------------------------------------------------------------------------------------

#[test]
fn goods_on_hold_refused_recalled_or_sold_cannot_move() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused = |error| Err(products_error(error));
    pallet_products::set_customs_state(&mut ctx, &bottle(1), CustomsState::OnHold);
    pallet_products::set_customs_state(&mut ctx, &bottle(2), CustomsState::InspectionRequired);
    pallet_products::set_customs_state(&mut ctx, &bottle(3), CustomsState::Refused);
    pallet_products::set_status(&mut ctx, &bottle(4), ItemStatus::Sold);
    pallet_products::set_status(&mut ctx, &bottle(5), ItemStatus::Destroyed);
    use pallet_products::Error::{ItemNotActive, ItemOnCustomsHold, ItemRecalled, ItemRefusedByCustoms};
    for (n, error) in [
        (1, ItemOnCustomsHold),
        (2, ItemOnCustomsHold),
        (3, ItemRefusedByCustoms),
        (4, ItemNotActive),
        (5, ItemNotActive),
    ] {
        for kind in [TransferKind::Custody, TransferKind::Ownership] {
            assert_eq!(propose(&mut ctx, WINERY, item(n), kind, CARRIER_ORG).map(|_| ()), refused(error), "bottle {n}");
        }
        assert_eq!(pack(&mut ctx, WINERY, sscc(1), vec![item(n)]), refused(error), "bottle {n}");
    }

    // A recalled lot, through pallet-products' own call.
    commission(&mut ctx, 50..=51, b"L2019B");
    let recall =
        pallet_products::Call::recall_lot { gtin: gtin(), lot: b"L2019B".to_vec(), reason: b"cork taint".to_vec() };
    pallet_products::dispatch(&mut ctx, &signed(WINERY), recall).unwrap();
    assert_eq!(
        propose(&mut ctx, WINERY, item(50), TransferKind::Custody, CARRIER_ORG).map(|_| ()),
        refused(ItemRecalled)
    );

    // One held bottle stops its whole pallet, and the pallet cannot be opened either.
    pack(&mut ctx, WINERY, sscc(2), bottles(10..=12)).unwrap();
    let id = propose(&mut ctx, WINERY, Subject::Aggregate(sscc(2)), TransferKind::Custody, CARRIER_ORG).unwrap();
    pallet_products::set_customs_state(&mut ctx, &bottle(11), CustomsState::OnHold);
    assert_eq!(accept(&mut ctx, CARRIER, id, winery_gln()), refused(ItemOnCustomsHold));
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(sscc(2)), TransferKind::Ownership, CARRIER_ORG).map(|_| ()),
        refused(ItemOnCustomsHold)
    );
    assert_eq!(
        call(&mut ctx, WINERY, Call::unpack { sscc: sscc(2), location: winery_gln() }),
        refused(ItemOnCustomsHold)
    );
    assert_eq!(product(&ctx, 10).custodian, WINERY_ORG);
    pallet_products::set_customs_state(&mut ctx, &bottle(11), CustomsState::Cleared);
    accept(&mut ctx, CARRIER, id, winery_gln()).unwrap();
    assert_eq!(product(&ctx, 10).custodian, CARRIER_ORG);

    // A bottle sold (or recalled) while still in its case stops the case from moving, but does
    // not seal it: unpacking takes it out and the rest move on.
    pack(&mut ctx, WINERY, sscc(3), bottles(13..=15)).unwrap();
    pallet_products::set_status(&mut ctx, &bottle(14), ItemStatus::Sold);
    pallet_products::set_status(&mut ctx, &bottle(15), ItemStatus::Recalled);
    assert_eq!(
        propose(&mut ctx, WINERY, Subject::Aggregate(sscc(3)), TransferKind::Custody, CARRIER_ORG).map(|_| ()),
        refused(ItemNotActive)
    );
    call(&mut ctx, WINERY, Call::unpack { sscc: sscc(3), location: winery_gln() }).unwrap();
    assert_eq!((product(&ctx, 14).parent, product(&ctx, 14).status), (None, ItemStatus::Sold));
    hand_over(&mut ctx, WINERY, item(13), (CARRIER, CARRIER_ORG), winery_gln());
}

#[test]
fn a_failed_call_leaves_no_trace() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    commission(&mut ctx, 21..=600, b"L2019");
    pallet_products::set_customs_state(&mut ctx, &bottle(600), CustomsState::OnHold);
    let before = ctx.overlay.committed_changes().clone();
    let events_before = ctx.events().len();
    assert_eq!(
        pack(&mut ctx, WINERY, sscc(1), bottles(1..=600)),
        Err(products_error(pallet_products::Error::ItemOnCustomsHold))
    );
    assert_eq!(ctx.overlay.committed_changes(), &before, "the 599 movable bottles were not touched");
    assert_eq!(ctx.events().len(), events_before);
}

// ---------------------------------------------------------------------------------------------
// Histories and traces
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Encodings, weights, SSCC, robustness
// ---------------------------------------------------------------------------------------------

#[test]
fn call_indices_and_error_indices_are_stable() {
    let location = winery_gln();
    let subject = item(1);
    let calls = [
        Call::propose_transfer { subject, kind: TransferKind::Custody, to: 1, location: location.clone() },
        Call::accept { proposal: 0, location: location.clone() },
        Call::reject { proposal: 0, reason: vec![] },
        Call::cancel { proposal: 0 },
        Call::pack { sscc: sscc(1), children: vec![], location: location.clone() },
        Call::unpack { sscc: sscc(1), location },
    ];
    for (index, call) in calls.iter().enumerate() {
        assert_eq!(call.encode()[0], index as u8);
    }
    assert_eq!(Call::cancel { proposal: 1 }.encode(), vec![3, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(Subject::Aggregate(sscc(1)).encode()[..2], [1, b'0']);
    assert_eq!(TransferKind::Ownership.encode(), vec![1]);
    assert_eq!(
        DispatchError::from(Error::NotCustodian),
        DispatchError::Module(ModuleError { index: PALLET_INDEX, error: [1, 0, 0, 0] })
    );
    assert_eq!(
        DispatchError::from(Error::ReceiverInboxFull),
        DispatchError::Module(ModuleError { index: 11, error: [23, 0, 0, 0] })
    );
}

#[test]
fn weights_follow_the_goods() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, WINERY, sscc(1), bottles(1..=10)).unwrap();
    let one = call_weight(&ctx, &Call::unpack { sscc: sscc(9), location: winery_gln() });
    let ten = call_weight(&ctx, &Call::unpack { sscc: sscc(1), location: winery_gln() });
    assert_eq!(ten.ref_time - one.ref_time, 11 * PER_UNIT_WEIGHT.ref_time);
    let id = propose(&mut ctx, WINERY, Subject::Aggregate(sscc(1)), TransferKind::Custody, CARRIER_ORG).unwrap();
    let accept = call_weight(&ctx, &Call::accept { proposal: id, location: winery_gln() });
    assert_eq!(accept, ten);
    // A pack with too many children is priced for the first `MAX_CHILDREN` only: it fails there.
    let oversized = Call::pack { sscc: sscc(2), children: vec![item(1); 5_000], location: winery_gln() };
    assert_eq!(call_weight(&ctx, &oversized), BASE_WEIGHT.saturating_add(PER_UNIT_WEIGHT.saturating_mul(1_001)));
}

proptest! {
    #[test]
    fn sscc_check_digit_catches_any_single_digit_change(
        body in proptest::collection::vec(0u8..10, 17), position in 0usize..18, delta in 1u8..10
    ) {
        let mut digits: Vec<u8> = body.iter().map(|digit| b'0' + digit).collect();
        digits.push(b'0' + check_digit(&digits).unwrap());
        let valid: Sscc = digits.try_into().unwrap();
        prop_assert!(is_valid_sscc(&valid));
        let mut changed = valid;
        changed[position] = b'0' + (changed[position] - b'0' + delta) % 10;
        prop_assert!(!is_valid_sscc(&changed));
    }

    #[test]
    fn arbitrary_bytes_decoded_as_a_call_never_panic(
        index in 0u8..8, tail in proptest::collection::vec(any::<u8>(), 0..256), who in prop::sample::select(vec![WINERY, CARRIER, OUTSIDER])
    ) {
        let mut bytes = vec![index];
        bytes.extend(tail);
        if let Ok(decoded) = Call::decode(&mut &bytes[..]) {
            dispatch_on_base_state(who, decoded);
        }
    }

    #[test]
    fn mutated_valid_calls_never_panic(
        which in 0usize..8,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        who in prop::sample::select(vec![WINERY, CARRIER, OUTSIDER])
    ) {
        let mut bytes = valid_calls()[which].encode();
        for (position, byte) in edits {
            let index = position.index(bytes.len());
            bytes[index] = byte;
        }
        if let Ok(decoded) = Call::decode(&mut &bytes[..]) {
            dispatch_on_base_state(who, decoded);
        }
    }
}

/// One well-formed call of each kind against [`base_state`], for mutation.
fn valid_calls() -> Vec<Call> {
    let custody = TransferKind::Custody;
    vec![
        Call::propose_transfer { subject: item(7), kind: custody, to: CARRIER_ORG, location: winery_gln() },
        Call::propose_transfer {
            subject: Subject::Aggregate(sscc(1)),
            kind: TransferKind::Ownership,
            to: IMPORTER_ORG,
            location: port(b"FRLEH"),
        },
        Call::accept { proposal: 0, location: winery_gln() },
        Call::reject { proposal: 0, reason: b"no space".to_vec() },
        Call::cancel { proposal: 0 },
        Call::pack { sscc: sscc(2), children: vec![item(8), Subject::Aggregate(sscc(1))], location: winery_gln() },
        Call::unpack { sscc: sscc(1), location: port(b"FRBOD") },
        Call::pack { sscc: sscc(3), children: bottles(9..=12), location: port(b"FRBOD") },
    ]
}

/// Prices and dispatches `call` from `who` on a fresh block over [`base_state`]; it may fail but
/// must not panic.
fn dispatch_on_base_state(who: u8, call: Call) {
    let mut ctx: Ctx<'_> = Context::new(Overlay::new(base_state()), BLOCK);
    let _ = call_weight(&ctx, &call);
    let _ = dispatch(&mut ctx, &signed(who), call);
}

#[test]
fn the_fuzz_calls_succeed_unmutated() {
    // Proposal 0 is the carrier's to accept or reject and the winery's to cancel.
    let signers = [WINERY, WINERY, CARRIER, CARRIER, WINERY, WINERY, WINERY, WINERY];
    for (call, who) in valid_calls().into_iter().zip(signers) {
        let mut ctx: Ctx<'_> = Context::new(Overlay::new(base_state()), BLOCK);
        let description = format!("{call:?}");
        assert_eq!(dispatch(&mut ctx, &signed(who), call), Ok(()), "{description}");
    }
}

/// The state `new_ctx` builds, committed, with one pallet packed and proposal 0 (custody of
/// bottle 6 to the carrier) open: shared by the fuzz cases.
fn base_state() -> &'static BTreeMap<Vec<u8>, Vec<u8>> {
    static STATE: OnceLock<BTreeMap<Vec<u8>, Vec<u8>>> = OnceLock::new();
    STATE.get_or_init(|| {
        let empty = BTreeMap::new();
        let mut ctx = new_ctx(&empty);
        pack(&mut ctx, WINERY, sscc(1), bottles(1..=5)).unwrap();
        propose(&mut ctx, WINERY, item(6), TransferKind::Custody, CARRIER_ORG).unwrap();
        let (overlay, _) = ctx.into_parts();
        overlay.into_changes().into_iter().filter_map(|(key, value)| value.map(|value| (key, value))).collect()
    })
}

#[test]
fn the_published_example_sscc_verifies() {
    assert!(is_valid_sscc(b"106141411234567897"));
    assert!(!is_valid_sscc(b"106141411234567898"));
    assert!(!is_valid_sscc(b"10614141123456789X"));
}
