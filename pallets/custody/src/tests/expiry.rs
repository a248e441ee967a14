//! Open proposals expire after the chain spec's lifetime, closed in bounded work per block.

use super::*;

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
