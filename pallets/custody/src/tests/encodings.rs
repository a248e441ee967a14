//! Call and error indices, weights, the SSCC check digit, and arbitrary bytes decoded as calls.

use super::*;

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
