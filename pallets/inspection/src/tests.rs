//! Tests of the inspection pallet against an in-memory state built by pallet-membership's
//! genesis, with items commissioned through pallet-products and packed through pallet-custody.

use std::collections::BTreeMap;

use pallet_custody::types::{Sscc, Subject};
use pallet_membership::types::{Location, OrgId, Role};
use pallet_products::Gtin;
use parity_scale_codec::{Decode, Encode};
use proptest::prelude::*;
use tracechain_pallet_testing::{
    accounts::{account, signed},
    commission_lot_call, commission_serials_call,
    consortium::{Consortium, Founder},
    context::{pallet_changes, ContextBuilder},
    events::{events_of, last_event_of},
    gs1::{sscc, wine_gtin, WINERY_GLN},
    register_wine_call,
    story::{CCIG, GACC as REGULATOR, NOW, OUTSIDER, SHANGHAI_CUSTOMS as SH_CUSTOMS, WINERY},
    test_events,
};
use tracechain_primitives::hashing::blake2_256_h;
use tracechain_support::{dispatch::DispatchError, Context};

use super::*;

const QUALITY_LAB: u8 = 8;
const BLOCK: u32 = 21;

test_events! {
    /// The events of the pallets under test. The other pallets' events are only shown in failure
    /// messages.
    TestEvent { Products(pallet_products::Event), Custody(pallet_custody::Event), Inspection(Event) }
}

type Ctx<'a> = Context<'a, TestEvent>;

/// The consortium of the acceptance story (the runtime's development chain), plus a laboratory
/// accredited for quality only.
fn consortium() -> Consortium {
    Consortium::development_chain()
        .with(Founder::new("Quality Lab", "CN").un_locode("CNSZX").account(QUALITY_LAB).inspector("quality"))
}

/// A fresh block context over the genesis state, with the winery's wine registered, bottles 1,
/// 17 and A1 of lot L1, bottle 99 without a lot, and lot item L2 commissioned.
fn new_ctx(state: &BTreeMap<Vec<u8>, Vec<u8>>) -> Ctx<'_> {
    let mut ctx = ContextBuilder::new(state)
        .genesis(pallet_membership::build_genesis, &consortium().config())
        .time(&pallet_timestamp::NOW, NOW)
        .at_block(BLOCK);
    pallet_products::dispatch(&mut ctx, &signed(WINERY), register_wine_call!(wine_gtin())).unwrap();
    commission(&mut ctx, Some("L1"), &["1", "17", "A1"]);
    commission(&mut ctx, None, &["99"]);
    let lot = commission_lot_call!(wine_gtin(), b"L2", 600, winery());
    pallet_products::dispatch(&mut ctx, &signed(WINERY), lot).unwrap();
    ctx.take_events();
    ctx
}

fn commission(ctx: &mut Ctx<'_>, lot: Option<&str>, serials: &[&str]) {
    pallet_products::dispatch(ctx, &signed(WINERY), commission_serials_call!(wine_gtin(), lot, serials, winery()))
        .unwrap();
}

fn org(ctx: &Ctx<'_>, n: u8) -> OrgId {
    pallet_membership::organisation_of(ctx, &account(n)).unwrap()
}

fn winery() -> Location {
    Location::Gln(WINERY_GLN.parse().unwrap())
}

fn gtin() -> Gtin {
    wine_gtin().parse().unwrap()
}

fn bottle(serial: &str) -> ItemId {
    pallet_products::serial_item_id(&gtin(), serial.as_bytes())
}

fn lot_item(lot: &str) -> ItemId {
    pallet_products::lot_item_id(&gtin(), lot.as_bytes())
}

fn pack(ctx: &mut Ctx<'_>, sscc: Sscc, children: Vec<Subject>) {
    let call = pallet_custody::Call::pack { sscc, children, location: winery() };
    pallet_custody::dispatch(ctx, &signed(WINERY), call).unwrap();
}

fn unpack(ctx: &mut Ctx<'_>, sscc: Sscc) {
    pallet_custody::dispatch(ctx, &signed(WINERY), pallet_custody::Call::unpack { sscc, location: winery() }).unwrap();
}

fn scope(text: &str) -> Scope {
    text.parse().unwrap()
}

fn quarantine() -> Scope {
    scope("quarantine")
}

fn module_error(error: u8) -> DispatchError {
    tracechain_pallet_testing::errors::module_error(PALLET_INDEX, error)
}

fn attest_call(subject: InspectionSubject, scope: Scope, result: InspectionResult) -> Call {
    let conditions = (result == InspectionResult::Conditional).then(|| b"store below 18 C".to_vec());
    Call::attest {
        subject,
        scope,
        result,
        report_hash: blake2_256_h(b"lab report 2024-117"),
        report_uri: b"https://ccig.example/reports/2024-117.pdf".to_vec(),
        valid_until: Some(NOW + 90 * 86_400_000),
        conditions,
    }
}

fn attest(
    ctx: &mut Ctx<'_>,
    who: u8,
    subject: InspectionSubject,
    scope: Scope,
    result: InspectionResult,
) -> DispatchResult {
    dispatch(ctx, &signed(who), attest_call(subject, scope, result))
}

/// The id the last `attest` or `supersede` gave.
fn last_id(ctx: &Ctx<'_>) -> AttestationId {
    NEXT_ATTESTATION_ID.get(ctx) - 1
}

fn supersede_call(attestation: AttestationId, result: InspectionResult) -> Call {
    let conditions = (result == InspectionResult::Conditional).then(|| b"relabel".to_vec());
    Call::supersede {
        attestation,
        reason: b"corrected lab report".to_vec(),
        result,
        report_hash: blake2_256_h(b"corrected report"),
        report_uri: b"https://ccig.example/reports/2024-117-v2.pdf".to_vec(),
        valid_until: None,
        conditions,
    }
}

fn inspection_events<'c>(ctx: &'c Ctx<'_>) -> Vec<&'c Event> {
    events_of(ctx)
}

fn last_event<'c>(ctx: &'c Ctx<'_>) -> &'c Event {
    last_event_of(ctx).expect("an inspection event")
}

/// Everything the pallet stores, to check that a failed call changed nothing.
fn inspection_state(ctx: &Ctx<'_>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    pallet_changes(&ctx.overlay, PALLET_NAME)
}

#[test]
fn an_accredited_inspector_attests_with_the_epcis_fields() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let subject = InspectionSubject::Item(bottle("17"));
    attest(&mut ctx, CCIG, subject.clone(), quarantine(), InspectionResult::Pass).unwrap();
    let stored = attestation(&ctx, 0).unwrap();
    assert_eq!(stored.id, 0);
    assert_eq!(stored.subject, subject);
    assert_eq!(stored.scope, quarantine());
    assert_eq!(stored.result, InspectionResult::Pass);
    assert_eq!(stored.report_hash, blake2_256_h(b"lab report 2024-117"));
    assert_eq!(stored.issuer, org(&ctx, CCIG));
    assert_eq!(stored.agent, account(CCIG));
    assert_eq!((stored.issued_at, stored.issued_time), (BLOCK, NOW));
    assert_eq!((stored.supersedes, stored.superseded_by, stored.revoked.clone()), (None, None, None));
    assert_eq!(stored.status(NOW), AttestationStatus::InForce);
    assert_eq!(attestations_of(&ctx, &subject), vec![stored]);
    match last_event(&ctx) {
        Event::Attested {
            attestation,
            subject: attested,
            scope,
            result,
            report_uri,
            valid_until,
            inspector,
            agent,
            read_point,
            biz_step,
            disposition,
            time,
            covered_items,
            supersedes,
            ..
        } => {
            assert_eq!((*attestation, attested, scope), (0, &subject, &quarantine()));
            assert_eq!(*result, InspectionResult::Pass);
            assert_eq!(report_uri, b"https://ccig.example/reports/2024-117.pdf");
            assert_eq!(*valid_until, Some(NOW + 90 * 86_400_000));
            assert_eq!((*inspector, *agent), (org(&ctx, CCIG), account(CCIG)));
            assert_eq!(read_point.as_ref(), Some(&winery()));
            assert_eq!((biz_step.as_str(), disposition.as_str()), ("inspecting", "conformant"));
            assert_eq!((*time, *covered_items, *supersedes), (NOW, 0, None));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    // Another scope, another item: not passed.
    assert!(!passed(&ctx, &bottle("17"), &scope("quality"), NOW));
    assert!(!passed(&ctx, &bottle("1"), &quarantine(), NOW));
    // Ids are sequential.
    attest(&mut ctx, CCIG, subject, scope("quality"), InspectionResult::Pass).unwrap();
    assert_eq!(last_id(&ctx), 1);
}

#[test]
fn attest_needs_a_signed_member() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let call = || attest_call(InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Pass);
    assert_eq!(dispatch(&mut ctx, &Origin::None, call()), Err(DispatchError::BadOrigin));
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), call()), Err(Error::NotMember.into()));
    assert!(inspection_events(&ctx).is_empty());
}

#[test]
fn an_inspector_without_the_quarantine_scope_cannot_attest_it() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let subject = InspectionSubject::Item(bottle("17"));
    assert_eq!(
        attest(&mut ctx, QUALITY_LAB, subject.clone(), quarantine(), InspectionResult::Pass),
        Err(Error::NotAccredited.into())
    );
    // Neither can an organisation with no inspector role at all, customs included.
    for who in [WINERY, SH_CUSTOMS, REGULATOR] {
        assert_eq!(
            attest(&mut ctx, who, subject.clone(), quarantine(), InspectionResult::Pass),
            Err(Error::NotAccredited.into())
        );
    }
    // A scope that is not well formed is simply not held.
    assert_eq!(
        attest(&mut ctx, CCIG, subject.clone(), Scope(b"Quarantine".to_vec()), InspectionResult::Pass),
        Err(Error::NotAccredited.into())
    );
    // The permission is checked before the arguments.
    let mut bad = attest_call(InspectionSubject::Item(H256::zero()), quarantine(), InspectionResult::Pass);
    if let Call::attest { report_uri, .. } = &mut bad {
        report_uri.clear();
    }
    assert_eq!(dispatch(&mut ctx, &signed(QUALITY_LAB), bad), Err(Error::NotAccredited.into()));
    assert!(attestations_of(&ctx, &subject).is_empty());
    assert!(!passed(&ctx, &bottle("17"), &quarantine(), NOW));
    // The lab may attest what it is accredited for.
    attest(&mut ctx, QUALITY_LAB, subject, scope("quality"), InspectionResult::Pass).unwrap();
    assert!(passed(&ctx, &bottle("17"), &scope("quality"), NOW));
}

#[test]
fn attest_validates_the_subject_and_every_field() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let refused = |ctx: &mut Ctx<'_>, call: Call, error: Error| {
        assert_eq!(dispatch(ctx, &signed(CCIG), call.clone()), Err(error.into()), "{call:?}");
    };
    let pass = InspectionResult::Pass;
    refused(&mut ctx, attest_call(InspectionSubject::Item(H256::zero()), quarantine(), pass), Error::ItemNotFound);
    let mut bad_gtin = gtin();
    bad_gtin.0[13] = b'0' + (bad_gtin.0[13] - b'0' + 1) % 10;
    let lot = |gtin: Gtin, lot: &[u8]| InspectionSubject::Lot { gtin, lot: lot.to_vec() };
    refused(&mut ctx, attest_call(lot(bad_gtin, b"L1"), quarantine(), pass), Error::InvalidGtin);
    refused(&mut ctx, attest_call(lot(Gtin(*b"0376000100017x"), b"L1"), quarantine(), pass), Error::InvalidGtin);
    refused(&mut ctx, attest_call(lot(gtin(), b""), quarantine(), pass), Error::InvalidLot);
    refused(&mut ctx, attest_call(lot(gtin(), b"L#1"), quarantine(), pass), Error::InvalidLot);
    refused(&mut ctx, attest_call(lot(gtin(), b"L9"), quarantine(), pass), Error::LotNotFound);
    let mut bad_sscc = sscc(1);
    bad_sscc[17] = b'0' + (bad_sscc[17] - b'0' + 1) % 10;
    refused(&mut ctx, attest_call(InspectionSubject::Aggregate(bad_sscc), quarantine(), pass), Error::InvalidSscc);
    refused(&mut ctx, attest_call(InspectionSubject::Aggregate(sscc(1)), quarantine(), pass), Error::AggregateNotFound);

    let item = InspectionSubject::Item(bottle("17"));
    let with = |change: &dyn Fn(&mut Call)| {
        let mut call = attest_call(item.clone(), quarantine(), pass);
        change(&mut call);
        call
    };
    let set_uri = |uri: Vec<u8>| {
        with(&move |call| {
            if let Call::attest { report_uri, .. } = call {
                *report_uri = uri.clone();
            }
        })
    };
    refused(&mut ctx, set_uri(vec![]), Error::InvalidReportUri);
    refused(&mut ctx, set_uri(vec![b'a'; MAX_URI_LEN + 1]), Error::InvalidReportUri);
    refused(&mut ctx, set_uri(b"https://ccig.example/a b.pdf".to_vec()), Error::InvalidReportUri);
    for uri in [&b"javascript:alert(1)"[..], b"data:text/html,<b>pass</b>", b"file:///r.pdf", b"https:", b"report.pdf"]
    {
        refused(&mut ctx, set_uri(uri.to_vec()), Error::ReportUriSchemeNotAllowed);
    }
    for until in [NOW, NOW - 1, 0] {
        let call = with(&|call| {
            if let Call::attest { valid_until, .. } = call {
                *valid_until = Some(until);
            }
        });
        refused(&mut ctx, call, Error::InvalidValidity);
    }
    let set_conditions = |result: InspectionResult, text: Option<Vec<u8>>| Call::attest {
        subject: item.clone(),
        scope: quarantine(),
        result,
        report_hash: H256::zero(),
        report_uri: b"https://ccig.example/r".to_vec(),
        valid_until: None,
        conditions: text,
    };
    refused(&mut ctx, set_conditions(InspectionResult::Conditional, None), Error::MissingConditions);
    refused(&mut ctx, set_conditions(InspectionResult::Pass, Some(b"x".to_vec())), Error::UnexpectedConditions);
    refused(&mut ctx, set_conditions(InspectionResult::Fail, Some(b"x".to_vec())), Error::UnexpectedConditions);
    refused(&mut ctx, set_conditions(InspectionResult::Conditional, Some(vec![])), Error::InvalidConditions);
    refused(&mut ctx, set_conditions(InspectionResult::Conditional, Some(vec![0xff, 0xfe])), Error::InvalidConditions);
    let long = vec![b'a'; MAX_CONDITIONS_LEN + 1];
    refused(&mut ctx, set_conditions(InspectionResult::Conditional, Some(long)), Error::InvalidConditions);
    for hidden in ["store below 8 \u{b0}C\u{202e}", "store\u{0}cold", "keep\ncold"] {
        let conditions = Some(hidden.as_bytes().to_vec());
        refused(
            &mut ctx,
            set_conditions(InspectionResult::Conditional, conditions),
            Error::ConditionsHaveControlCharacter,
        );
    }
    assert!(inspection_state(&ctx).is_empty());
    assert!(inspection_events(&ctx).is_empty());
    // No validity end at all is fine: some findings do not expire.
    dispatch(&mut ctx, &signed(CCIG), set_conditions(InspectionResult::Pass, None)).unwrap();
    assert!(passed(&ctx, &bottle("17"), &quarantine(), u64::MAX));
}

#[test]
fn a_lot_attestation_covers_every_item_of_the_lot() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let l1 = InspectionSubject::Lot { gtin: gtin(), lot: b"L1".to_vec() };
    attest(&mut ctx, CCIG, l1.clone(), quarantine(), InspectionResult::Pass).unwrap();
    for serial in ["1", "17", "A1"] {
        assert!(passed(&ctx, &bottle(serial), &quarantine(), NOW), "{serial}");
    }
    // A bottle commissioned into the lot later belongs to the same batch.
    commission(&mut ctx, Some("L1"), &["18"]);
    assert!(passed(&ctx, &bottle("18"), &quarantine(), NOW));
    // Not the bottle without a lot, nor the other lot.
    assert!(!passed(&ctx, &bottle("99"), &quarantine(), NOW));
    assert!(!passed(&ctx, &lot_item("L2"), &quarantine(), NOW));
    // A lot item is covered by an attestation on its lot, and on itself.
    let l2 = InspectionSubject::Lot { gtin: gtin(), lot: b"L2".to_vec() };
    attest(&mut ctx, CCIG, l2, quarantine(), InspectionResult::Pass).unwrap();
    assert!(passed(&ctx, &lot_item("L2"), &quarantine(), NOW));
    attest(&mut ctx, CCIG, InspectionSubject::Item(lot_item("L2")), scope("quality"), InspectionResult::Pass).unwrap();
    assert!(passed(&ctx, &lot_item("L2"), &scope("quality"), NOW));
    // The read point of a lot is the inspector's own location.
    assert!(matches!(last_event(&ctx), Event::Attested { read_point: Some(_), .. }));
    assert_eq!(covering_attestations(&ctx, &bottle("17")).len(), 1);
    assert_eq!(attestations_of(&ctx, &l1).len(), 1);
    // An unknown item has nothing.
    assert!(!passed(&ctx, &H256::zero(), &quarantine(), NOW));
}

#[test]
fn an_aggregate_attestation_covers_what_it_held_when_made() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    // A case of two bottles inside a pallet with a third.
    pack(&mut ctx, sscc(1), vec![Subject::Item(bottle("1")), Subject::Item(bottle("17"))]);
    pack(&mut ctx, sscc(2), vec![Subject::Aggregate(sscc(1)), Subject::Item(bottle("99"))]);
    attest(&mut ctx, CCIG, InspectionSubject::Aggregate(sscc(2)), quarantine(), InspectionResult::Pass).unwrap();
    let id = last_id(&ctx);
    let mut expected = vec![bottle("1"), bottle("17"), bottle("99")];
    expected.sort();
    assert_eq!(covered_items(&ctx, id), expected);
    assert_eq!(attestation(&ctx, id).unwrap().covered_items, 3);
    assert!(matches!(last_event(&ctx), Event::Attested { covered_items: 3, .. }));
    for serial in ["1", "17", "99"] {
        assert!(passed(&ctx, &bottle(serial), &quarantine(), NOW), "{serial}");
    }
    assert!(!passed(&ctx, &bottle("A1"), &quarantine(), NOW));
    // Unpacked later, they stay covered: they were inspected in that pallet.
    unpack(&mut ctx, sscc(2));
    unpack(&mut ctx, sscc(1));
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    // A bottle packed under the same SSCC afterwards was not there to be inspected.
    pack(&mut ctx, sscc(2), vec![Subject::Item(bottle("A1"))]);
    assert!(!passed(&ctx, &bottle("A1"), &quarantine(), NOW));
    // The history of the SSCC keeps the attestation.
    assert_eq!(attestations_of(&ctx, &InspectionSubject::Aggregate(sscc(2))).len(), 1);
    assert_eq!(covering_attestations(&ctx, &bottle("99")).len(), 1);
}

#[test]
fn a_failure_does_not_pass_and_a_conditional_pass_does() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    attest(&mut ctx, CCIG, InspectionSubject::Item(bottle("1")), quarantine(), InspectionResult::Fail).unwrap();
    assert!(matches!(last_event(&ctx), Event::Attested { disposition: Disposition::non_conformant, .. }));
    assert!(!passed(&ctx, &bottle("1"), &quarantine(), NOW));
    attest(&mut ctx, CCIG, InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Conditional).unwrap();
    match last_event(&ctx) {
        Event::Attested { disposition, conditions, result, .. } => {
            assert_eq!(*disposition, Disposition::conformant);
            assert_eq!(*result, InspectionResult::Conditional);
            assert_eq!(conditions.as_deref(), Some(&b"store below 18 C"[..]));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
}

#[test]
fn a_revoked_attestation_no_longer_counts() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let subject = InspectionSubject::Item(bottle("17"));
    attest(&mut ctx, CCIG, subject.clone(), quarantine(), InspectionResult::Pass).unwrap();
    let revoke = |attestation, reason: &[u8]| Call::revoke { attestation, reason: reason.to_vec() };
    // Only the issuer or a regulator.
    for who in [QUALITY_LAB, SH_CUSTOMS, WINERY] {
        assert_eq!(dispatch(&mut ctx, &signed(who), revoke(0, b"wrong")), Err(Error::NotIssuerOrRegulator.into()));
    }
    assert_eq!(dispatch(&mut ctx, &signed(OUTSIDER), revoke(0, b"wrong")), Err(Error::NotMember.into()));
    assert_eq!(dispatch(&mut ctx, &signed(CCIG), revoke(7, b"wrong")), Err(Error::AttestationNotFound.into()));
    assert_eq!(dispatch(&mut ctx, &signed(CCIG), revoke(0, b"")), Err(Error::InvalidReason.into()));
    for hidden in ["wrong\u{202e}".as_bytes(), b"wrong\x07", b"wrong\x7f"] {
        assert_eq!(dispatch(&mut ctx, &signed(CCIG), revoke(0, hidden)), Err(Error::ReasonHasControlCharacter.into()));
    }
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), revoke(0, &[b'x'; MAX_REASON_LEN + 1])),
        Err(Error::InvalidReason.into())
    );
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    dispatch(&mut ctx, &signed(CCIG), revoke(0, b"sample mislabelled")).unwrap();
    assert!(!passed(&ctx, &bottle("17"), &quarantine(), NOW));
    let stored = attestation(&ctx, 0).unwrap();
    assert_eq!(stored.status(NOW), AttestationStatus::Revoked);
    let revocation = stored.revoked.unwrap();
    assert_eq!(
        (revocation.by, revocation.reason.as_slice(), revocation.time),
        (org(&ctx, CCIG), &b"sample mislabelled"[..], NOW)
    );
    match last_event(&ctx) {
        Event::AttestationRevoked { attestation, issuer, by, reason, biz_step, time, .. } => {
            assert_eq!((*attestation, *issuer, *by), (0, org(&ctx, CCIG), org(&ctx, CCIG)));
            assert_eq!((reason.as_slice(), biz_step.as_str(), *time), (&b"sample mislabelled"[..], "inspecting", NOW));
        }
        other => panic!("unexpected {other:?}"),
    }
    // It stays in the history; it cannot be revoked or superseded again.
    assert_eq!(attestations_of(&ctx, &subject).len(), 1);
    assert_eq!(dispatch(&mut ctx, &signed(CCIG), revoke(0, b"again")), Err(Error::AlreadyRevoked.into()));
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)),
        Err(Error::AlreadyRevoked.into())
    );
    // A regulator may revoke another body's attestation.
    attest(&mut ctx, QUALITY_LAB, subject, scope("quality"), InspectionResult::Pass).unwrap();
    dispatch(&mut ctx, &signed(REGULATOR), revoke(1, b"lab suspended")).unwrap();
    assert_eq!(attestation(&ctx, 1).unwrap().revoked.map(|revocation| revocation.by), Some(org(&ctx, REGULATOR)));
    assert!(!passed(&ctx, &bottle("17"), &scope("quality"), NOW));
}

#[test]
fn a_superseded_attestation_no_longer_counts_and_the_history_keeps_both() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let subject = InspectionSubject::Item(bottle("17"));
    attest(&mut ctx, CCIG, subject.clone(), quarantine(), InspectionResult::Pass).unwrap();
    // Only the issuer supersedes, not even a regulator.
    for who in [QUALITY_LAB, REGULATOR] {
        assert_eq!(
            dispatch(&mut ctx, &signed(who), supersede_call(0, InspectionResult::Fail)),
            Err(Error::NotIssuer.into())
        );
    }
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), supersede_call(5, InspectionResult::Fail)),
        Err(Error::AttestationNotFound.into())
    );
    ctx.take_events();
    dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Fail)).unwrap();
    let (old, new) = (attestation(&ctx, 0).unwrap(), attestation(&ctx, 1).unwrap());
    assert_eq!((old.superseded_by, new.supersedes), (Some(1), Some(0)));
    assert_eq!(old.status(NOW), AttestationStatus::Superseded);
    assert_eq!(
        (new.subject.clone(), new.scope.clone(), new.result),
        (subject.clone(), quarantine(), InspectionResult::Fail)
    );
    assert_eq!(new.report_hash, blake2_256_h(b"corrected report"));
    assert_eq!(old.superseded_reason.as_deref(), Some(&b"corrected lab report"[..]));
    assert_eq!(new.superseded_reason, None);
    // The old one is otherwise untouched.
    assert_eq!((old.result, old.report_hash), (InspectionResult::Pass, blake2_256_h(b"lab report 2024-117")));
    assert_eq!(attestations_of(&ctx, &subject), vec![old, new]);
    assert!(!passed(&ctx, &bottle("17"), &quarantine(), NOW));
    let events = inspection_events(&ctx);
    assert!(matches!(events[0], Event::Attested { attestation: 1, supersedes: Some(0), .. }));
    match events[1] {
        Event::AttestationSuperseded { attestation: 0, by: 1, reason, .. } => {
            assert_eq!(reason.as_slice(), b"corrected lab report")
        }
        other => panic!("unexpected {other:?}"),
    }

    // A superseded one is closed; the new one can be superseded in turn.
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)),
        Err(Error::AlreadySuperseded.into())
    );
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), Call::revoke { attestation: 0, reason: b"x".to_vec() }),
        Err(Error::AlreadySuperseded.into())
    );
    dispatch(&mut ctx, &signed(CCIG), supersede_call(1, InspectionResult::Conditional)).unwrap();
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    assert_eq!(attestations_of(&ctx, &subject).len(), 3);
    // The new finding is validated like an attestation.
    let mut bad = supersede_call(2, InspectionResult::Pass);
    if let Call::supersede { valid_until, .. } = &mut bad {
        *valid_until = Some(NOW);
    }
    assert_eq!(dispatch(&mut ctx, &signed(CCIG), bad), Err(Error::InvalidValidity.into()));
}

#[test]
fn a_supersession_needs_a_reason() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    attest(&mut ctx, CCIG, InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Pass).unwrap();
    let with_reason = |reason: &[u8]| {
        let mut call = supersede_call(0, InspectionResult::Fail);
        if let Call::supersede { reason: given, .. } = &mut call {
            *given = reason.to_vec();
        }
        call
    };
    let too_long = vec![b'a'; MAX_REASON_LEN + 1];
    for reason in [&b""[..], &too_long, &[0xff, 0xfe][..]] {
        let changes_before = ctx.overlay.committed_changes().clone();
        assert_eq!(dispatch(&mut ctx, &signed(CCIG), with_reason(reason)), Err(Error::InvalidReason.into()));
        assert_eq!(ctx.overlay.committed_changes(), &changes_before, "a refused supersession changes nothing");
    }
    assert_eq!(attestation(&ctx, 0).unwrap().status(NOW), AttestationStatus::InForce);
    // The permission comes before the reason.
    assert_eq!(dispatch(&mut ctx, &signed(QUALITY_LAB), with_reason(b"")), Err(Error::NotIssuer.into()));
    let longest = vec![b'a'; MAX_REASON_LEN];
    dispatch(&mut ctx, &signed(CCIG), with_reason(&longest)).unwrap();
    assert_eq!(attestation(&ctx, 0).unwrap().superseded_reason, Some(longest));
}

#[test]
fn superseding_needs_the_accreditation_still() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    attest(&mut ctx, CCIG, InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Pass).unwrap();
    // Governance withdraws CCIG's quarantine accreditation.
    let ccig = org(&ctx, CCIG);
    let mut roles = pallet_membership::roles(&ctx, ccig);
    roles.retain(|role| *role != Role::Inspector { scope: quarantine() });
    pallet_membership::ORG_ROLES.insert(&mut ctx, &ccig, &roles);
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)),
        Err(Error::NotAccredited.into())
    );
    // Withdrawing its own finding is still allowed.
    dispatch(&mut ctx, &signed(CCIG), Call::revoke { attestation: 0, reason: b"accreditation lapsed".to_vec() })
        .unwrap();
}

#[test]
fn superseding_an_aggregate_attestation_keeps_its_covered_items() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), vec![Subject::Item(bottle("1")), Subject::Item(bottle("17"))]);
    attest(&mut ctx, CCIG, InspectionSubject::Aggregate(sscc(1)), quarantine(), InspectionResult::Fail).unwrap();
    unpack(&mut ctx, sscc(1));
    // The pallet is gone; the corrected finding still concerns the same two bottles.
    dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)).unwrap();
    assert_eq!(covered_items(&ctx, 1), covered_items(&ctx, 0));
    assert_eq!(attestation(&ctx, 1).unwrap().covered_items, 2);
    assert!(passed(&ctx, &bottle("1"), &quarantine(), NOW));
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    assert_eq!(covering_attestations(&ctx, &bottle("1")).len(), 2);
}

#[test]
fn an_expired_attestation_no_longer_counts() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let mut call = attest_call(InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Pass);
    if let Call::attest { valid_until, .. } = &mut call {
        *valid_until = Some(NOW + 1_000);
    }
    dispatch(&mut ctx, &signed(CCIG), call).unwrap();
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW + 999));
    // Valid until, not through: at the end time it has expired.
    assert!(!passed(&ctx, &bottle("17"), &quarantine(), NOW + 1_000));
    assert_eq!(attestation(&ctx, 0).unwrap().status(NOW + 1_000), AttestationStatus::Expired);
    // The block time is what `passed` is asked about.
    pallet_timestamp::NOW.put(&mut ctx, &(NOW + 5_000));
    let now = pallet_timestamp::now(&ctx);
    assert!(!passed(&ctx, &bottle("17"), &quarantine(), now));
}

#[test]
fn a_subjects_index_is_bounded() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let subject = InspectionSubject::Item(bottle("17"));
    for _ in 0..MAX_ATTESTATIONS_PER_SUBJECT {
        attest(&mut ctx, CCIG, subject.clone(), scope("quality"), InspectionResult::Pass).unwrap();
    }
    assert_eq!(
        attest(&mut ctx, CCIG, subject.clone(), scope("quality"), InspectionResult::Pass),
        Err(Error::TooManyAttestations.into())
    );
    // Superseding adds to the same index, so it is refused too, and changes nothing.
    let before = attestation(&ctx, 0).unwrap();
    assert_eq!(
        dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)),
        Err(Error::TooManyAttestations.into())
    );
    assert_eq!(attestation(&ctx, 0).unwrap(), before);
    assert_eq!(attestations_of(&ctx, &subject).len(), MAX_ATTESTATIONS_PER_SUBJECT);
}

#[test]
fn an_attestation_flooder_cannot_use_up_the_room_another_inspector_needs() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    let item = InspectionSubject::Item(bottle("17"));
    pack(&mut ctx, sscc(1), vec![Subject::Item(bottle("1"))]);
    let pallet = InspectionSubject::Aggregate(sscc(1));
    // A laboratory accredited for quality only files its whole allowance on the bottle and on
    // the pallet (which covers bottle 1)…
    for _ in 0..MAX_ATTESTATIONS_PER_SUBJECT {
        attest(&mut ctx, QUALITY_LAB, item.clone(), scope("quality"), InspectionResult::Pass).unwrap();
        attest(&mut ctx, QUALITY_LAB, pallet.clone(), scope("quality"), InspectionResult::Pass).unwrap();
    }
    // …and is stopped there, changing nothing…
    for subject in [item.clone(), pallet.clone()] {
        let changes_before = ctx.overlay.committed_changes().clone();
        let flood = attest(&mut ctx, QUALITY_LAB, subject, scope("quality"), InspectionResult::Pass);
        assert_eq!(flood, Err(Error::TooManyAttestations.into()));
        assert_eq!(ctx.overlay.committed_changes(), &changes_before);
    }
    // …but the quarantine attestations clearance needs are still made, on the bottle and on the
    // pallet, by the body accredited for them.
    attest(&mut ctx, CCIG, item.clone(), quarantine(), InspectionResult::Pass).unwrap();
    attest(&mut ctx, CCIG, pallet.clone(), quarantine(), InspectionResult::Pass).unwrap();
    assert!(passed(&ctx, &bottle("17"), &quarantine(), NOW));
    assert!(passed(&ctx, &bottle("1"), &quarantine(), NOW));
    assert_eq!(attestations_of(&ctx, &item).len(), MAX_ATTESTATIONS_PER_SUBJECT + 1);
    assert_eq!(ISSUER_SUBJECT_COUNT.get(&ctx, &item, &org(&ctx, QUALITY_LAB)), MAX_ATTESTATIONS_PER_SUBJECT as u32);
    assert_eq!(ISSUER_COVERAGE_COUNT.get(&ctx, &bottle("1"), &org(&ctx, CCIG)), 1);
}

#[test]
fn weights_grow_with_the_items_covered() {
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    pack(&mut ctx, sscc(1), vec![Subject::Item(bottle("1"))]);
    pack(
        &mut ctx,
        sscc(2),
        vec![Subject::Item(bottle("17")), Subject::Item(bottle("A1")), Subject::Item(bottle("99"))],
    );
    let on = |subject| call_weight(&ctx, &attest_call(subject, quarantine(), InspectionResult::Pass));
    let item = on(InspectionSubject::Item(bottle("17")));
    let small = on(InspectionSubject::Aggregate(sscc(1)));
    let large = on(InspectionSubject::Aggregate(sscc(2)));
    assert!(item.ref_time < small.ref_time && small.ref_time < large.ref_time);
    attest(&mut ctx, CCIG, InspectionSubject::Aggregate(sscc(2)), quarantine(), InspectionResult::Pass).unwrap();
    let supersede = call_weight(&ctx, &supersede_call(0, InspectionResult::Pass));
    assert!(supersede.ref_time > large.ref_time);
    assert!(call_weight(&ctx, &Call::revoke { attestation: 0, reason: vec![] }).ref_time > 0);
}

#[test]
fn call_event_and_error_indices_are_stable() {
    let call = attest_call(InspectionSubject::Item(H256::zero()), quarantine(), InspectionResult::Pass);
    assert_eq!(call.encode()[..2], [0, 0]);
    assert_eq!(Call::revoke { attestation: 1, reason: vec![] }.encode(), [vec![1], 1u64.encode(), vec![0]].concat());
    assert_eq!(supersede_call(0, InspectionResult::Fail).encode()[0], 2);
    assert_eq!(InspectionSubject::Lot { gtin: gtin(), lot: vec![] }.encode()[0], 1);
    assert_eq!(InspectionSubject::Aggregate(sscc(1)).encode()[0], 2);
    assert_eq!(InspectionResult::Conditional.encode(), vec![2]);
    assert_eq!(DispatchError::from(Error::NotMember), module_error(0));
    assert_eq!(DispatchError::from(Error::NotAccredited), module_error(1));
    assert_eq!(DispatchError::from(Error::AlreadySuperseded), module_error(18));
    assert_eq!(DispatchError::from(Error::IdsExhausted), module_error(21));
    let state = BTreeMap::new();
    let mut ctx = new_ctx(&state);
    attest(&mut ctx, CCIG, InspectionSubject::Item(bottle("17")), quarantine(), InspectionResult::Pass).unwrap();
    dispatch(&mut ctx, &signed(CCIG), supersede_call(0, InspectionResult::Pass)).unwrap();
    dispatch(&mut ctx, &signed(CCIG), Call::revoke { attestation: 1, reason: b"r".to_vec() }).unwrap();
    let indices: Vec<u8> = inspection_events(&ctx).iter().map(|event| event.encode()[0]).collect();
    assert_eq!(indices, vec![0, 0, 2, 1]);
    // The stored attestation round-trips.
    let stored = attestation(&ctx, 1).unwrap();
    assert_eq!(Attestation::decode(&mut &stored.encode()[..]).unwrap(), stored);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_when_decoded_as_a_call(
        index in 0u8..3, variant in 0u8..3, bytes in proptest::collection::vec(any::<u8>(), 0..256)
    ) {
        // Steer most inputs past the call and subject indices into the fields.
        let input = [&[index, variant][..], &bytes].concat();
        for candidate in [&input[..], &bytes[..]] {
            if let Ok(call) = Call::decode(&mut &candidate[..]) {
                let state = BTreeMap::new();
                let mut ctx = new_ctx(&state);
                let _ = call_weight(&ctx, &call);
                for who in [CCIG, QUALITY_LAB, REGULATOR] {
                    let _ = ctx.transactional(|ctx| dispatch(ctx, &signed(who), call.clone()));
                }
                prop_assert!(ctx.overlay.corruption().is_none());
            }
        }
    }
}
