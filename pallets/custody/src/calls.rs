//! The custody calls: transfers proposed, accepted, rejected and cancelled, aggregates packed and
//! unpacked, the block-start expiries, and the paged histories they append to.

use std::collections::BTreeSet;

use pallet_membership::types::{Location, OrgId};
use pallet_products::{BizStep, Disposition, ItemId};
use parity_scale_codec::{Compact, Decode, DecodeAll, Encode};
use tracechain_primitives::{AccountId32, BlockNumber, Moment};
use tracechain_support::{
    dispatch::{DispatchError, DispatchResult},
    overlay::hex_key,
    storage::{StorageRead, StorageWrite},
    weight::Weight,
    Context,
};

use crate::{
    is_valid_sscc, proposal_lifetime, Aggregate, Closure, Error, Event, JourneyStep, Proposal, ProposalId,
    ProposalStatus, Sscc, StepAction, Subject, TransferKind, AGGREGATES, AGGREGATE_HISTORY_LENGTH,
    AGGREGATE_HISTORY_PAGES, EXPIRING, EXPIRY_BASE_WEIGHT, EXPIRY_CURSOR, EXPIRY_LIST_WEIGHT, EXPIRY_WEIGHT,
    HISTORY_LENGTH, HISTORY_PAGES, HISTORY_PAGE_STEPS, INBOX_SENDERS, MAX_CHILDREN, MAX_CONTENTS, MAX_DEPTH,
    MAX_EXPIRIES_PER_BLOCK, MAX_EXPIRY_LISTS_PER_BLOCK, MAX_OPEN_PER_SENDER, MAX_REASON_LEN, NEXT_AGGREGATE_INSTANCE,
    NEXT_PROPOSAL_ID, OPEN_PROPOSAL, OPEN_PROPOSALS_BETWEEN, PROPOSALS,
};

// ---------------------------------------------------------------------------------------------
// Transfers
// ---------------------------------------------------------------------------------------------

/// Everything under a list of children, at every depth, in depth-first order: each aggregate and
/// item with the child of the top level it sits under (`None` for the children themselves).
#[derive(Default)]
pub(crate) struct Contents {
    pub(crate) aggregates: Vec<(Aggregate, Option<Sscc>)>,
    pub(crate) items: Vec<(ItemId, Option<Sscc>)>,
}

/// What a transfer moves: the subject (when an aggregate) and everything in it.
pub(crate) struct Goods {
    root: Option<Aggregate>,
    contents: Contents,
}

impl Goods {
    fn item_count(&self) -> u32 {
        self.root.as_ref().map_or(1, |root| root.item_count)
    }
}

/// Walks the aggregates under `children`. The stored levels and counts bound the walk; a walk
/// that goes deeper or wider than they allow means the state is corrupt.
pub(crate) fn contents_of(storage: &impl StorageRead, children: &[Subject]) -> Result<Contents, DispatchError> {
    let mut contents = Contents::default();
    let mut stack: Vec<(Subject, Option<Sscc>, u8)> = children.iter().rev().map(|child| (*child, None, 1)).collect();
    let limit = MAX_CONTENTS as usize + MAX_CHILDREN;
    while let Some((subject, via, depth)) = stack.pop() {
        if depth > MAX_DEPTH || contents.items.len() + contents.aggregates.len() > limit {
            storage.note_corruption("Custody.Aggregates nest deeper or wider than their counts allow".into());
            return Err(DispatchError::Corruption);
        }
        match subject {
            Subject::Item(id) => contents.items.push((id, via)),
            Subject::Aggregate(sscc) => {
                let aggregate = AGGREGATES.get(storage, &sscc).ok_or(Error::AggregateNotFound)?;
                let below = via.or(Some(sscc));
                stack.extend(aggregate.children.iter().rev().map(|child| (*child, below, depth + 1)));
                contents.aggregates.push((aggregate, via));
            }
        }
    }
    Ok(contents)
}

/// `Ok` if `org` holds the right a transfer of `kind` needs over something held by `custodian`
/// and owned by `owner`.
pub(crate) fn ensure_right(kind: TransferKind, org: OrgId, custodian: OrgId, owner: OrgId) -> Result<(), Error> {
    match kind {
        TransferKind::Custody if custodian != org => Err(Error::NotCustodian),
        TransferKind::Ownership if owner != org => Err(Error::NotOwner),
        _ => Ok(()),
    }
}

/// The goods a transfer of `subject` by `issuer` moves, once every rule is checked: the issuer's
/// right over the subject (first) and over everything in it, the subject not packed in another
/// aggregate (and, for a proposal's aggregate, still the same packing), every item movable, and
/// every history sound. Used alike when proposing and when accepting.
pub(crate) fn check_goods(
    storage: &impl StorageRead,
    subject: &Subject,
    kind: TransferKind,
    issuer: OrgId,
    instance: Option<u64>,
) -> Result<Goods, DispatchError> {
    match subject {
        Subject::Item(id) => {
            let item = pallet_products::item(storage, id).ok_or(pallet_products::Error::ItemNotFound)?;
            ensure_right(kind, issuer, item.custodian, item.owner)?;
            if item.parent.is_some() {
                return Err(Error::PackedInAggregate.into());
            }
            pallet_products::ensure_movable(storage, id)?;
            ensure_appendable(storage, History::Item(*id))?;
            Ok(Goods { root: None, contents: Contents { aggregates: Vec::new(), items: vec![(*id, None)] } })
        }
        Subject::Aggregate(sscc) => {
            let root = AGGREGATES
                .get(storage, sscc)
                .filter(|root| instance.is_none_or(|instance| root.instance == instance))
                .ok_or(Error::AggregateNotFound)?;
            ensure_right(kind, issuer, root.custodian, root.owner)?;
            if root.parent.is_some() {
                return Err(Error::PackedInAggregate.into());
            }
            ensure_appendable(storage, History::Aggregate(*sscc))?;
            let contents = contents_of(storage, &root.children)?;
            for (aggregate, _) in &contents.aggregates {
                ensure_right(kind, issuer, aggregate.custodian, aggregate.owner)?;
                ensure_appendable(storage, History::Aggregate(aggregate.sscc))?;
            }
            for (id, _) in &contents.items {
                let item = pallet_products::ensure_movable(storage, id)?;
                ensure_right(kind, issuer, item.custodian, item.owner)?;
                ensure_appendable(storage, History::Item(*id))?;
            }
            Ok(Goods { root: Some(root), contents })
        }
    }
}

pub(crate) fn propose_transfer<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subject: Subject,
    kind: TransferKind,
    to: OrgId,
    location: Location,
) -> DispatchResult {
    let from = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let goods = check_goods(ctx, &subject, kind, from, None)?;
    // Decoding accepts any bytes; a GLN's check digit and a UN/LOCODE's shape are checked here.
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    if to == from {
        return Err(Error::SelfTransfer.into());
    }
    if pallet_membership::organisation(ctx, to).is_none() {
        return Err(Error::UnknownOrganisation.into());
    }
    let open_key = (subject, to, kind);
    if OPEN_PROPOSAL.contains(ctx, &open_key) {
        return Err(Error::DuplicateProposal.into());
    }
    let mut inbox = OPEN_PROPOSALS_BETWEEN.get(ctx, &to, &from);
    if inbox.len() >= MAX_OPEN_PER_SENDER {
        return Err(Error::ReceiverInboxFull.into());
    }
    let id = NEXT_PROPOSAL_ID.get(ctx);
    let next_id = id.checked_add(1).ok_or(DispatchError::Exhausted)?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let proposal = Proposal {
        id,
        subject,
        kind,
        from,
        to,
        agent,
        location: location.clone(),
        aggregate_instance: goods.root.as_ref().map(|root| root.instance),
        status: ProposalStatus::Open,
        proposed_at: block,
        proposed_time: time,
        closure: None,
    };
    PROPOSALS.insert(ctx, &id, &proposal);
    NEXT_PROPOSAL_ID.put(ctx, &next_id);
    let expires_at = block.saturating_add(proposal_lifetime(ctx));
    let mut expiring = EXPIRING.get(ctx, &expires_at);
    expiring.push(id);
    EXPIRING.insert(ctx, &expires_at, &expiring);
    OPEN_PROPOSAL.insert(ctx, &open_key, &id);
    if inbox.is_empty() {
        let mut senders = INBOX_SENDERS.get(ctx, &to);
        if let Err(slot) = senders.binary_search(&from) {
            senders.insert(slot, from);
            INBOX_SENDERS.insert(ctx, &to, &senders);
        }
    }
    inbox.push(id);
    OPEN_PROPOSALS_BETWEEN.insert(ctx, &to, &from, &inbox);
    // Handing over custody is a physical step of the journey (shipping); offering title is not,
    // and shows in the journey only once accepted.
    if kind == TransferKind::Custody {
        let step = Step { org: from, agent, location: location.clone(), block, time };
        record_transfer(ctx, &goods, &step, |aggregate| StepAction::CustodyProposed { proposal: id, to, aggregate });
    }
    let (biz_step, disposition) = match kind {
        TransferKind::Custody => (Some(BizStep::shipping), Some(Disposition::in_transit)),
        TransferKind::Ownership => (None, None),
    };
    ctx.deposit_event(Event::TransferProposed {
        proposal: id,
        subject,
        kind,
        from,
        to,
        agent,
        items: goods.item_count(),
        read_point: location,
        biz_step,
        disposition,
        time,
    });
    Ok(())
}

pub(crate) fn accept<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ProposalId,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.to != org {
        return Err(Error::NotReceiver.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    // Everything checked on proposing is checked again: the state may have changed since.
    let goods = check_goods(ctx, &proposal.subject, proposal.kind, proposal.from, proposal.aggregate_instance)?;

    let aggregates = goods.root.iter().chain(goods.contents.aggregates.iter().map(|(aggregate, _)| aggregate));
    for aggregate in aggregates {
        let mut aggregate = aggregate.clone();
        match proposal.kind {
            TransferKind::Custody => {
                aggregate.custodian = org;
                aggregate.location = location.clone();
            }
            TransferKind::Ownership => aggregate.owner = org,
        }
        AGGREGATES.insert(ctx, &aggregate.sscc, &aggregate);
    }
    for (item, _) in &goods.contents.items {
        match proposal.kind {
            TransferKind::Custody => pallet_products::set_custodian(ctx, item, org, location.clone()),
            TransferKind::Ownership => pallet_products::set_owner(ctx, item, org),
        }
    }
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let step = Step { org, agent, location: location.clone(), block, time };
    let from = proposal.from;
    match proposal.kind {
        TransferKind::Custody => record_transfer(ctx, &goods, &step, |aggregate| StepAction::CustodyAccepted {
            proposal: id,
            from,
            aggregate,
        }),
        TransferKind::Ownership => record_transfer(ctx, &goods, &step, |aggregate| StepAction::OwnershipAccepted {
            proposal: id,
            from,
            aggregate,
        }),
    }
    let closure = Closure { by: org, agent, location: Some(location.clone()), reason: None, at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Accepted, Some(closure));
    let (biz_location, biz_step, disposition) = match proposal.kind {
        TransferKind::Custody => (Some(location.clone()), BizStep::receiving, Some(Disposition::in_progress)),
        TransferKind::Ownership => (None, BizStep::accepting, None),
    };
    ctx.deposit_event(Event::TransferAccepted {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from,
        to: org,
        agent,
        items: goods.item_count(),
        read_point: location,
        biz_location,
        biz_step,
        disposition,
        time,
    });
    Ok(())
}

pub(crate) fn reject<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ProposalId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.to != org {
        return Err(Error::NotReceiver.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    match tracechain_support::text::check_text(&reason, MAX_REASON_LEN) {
        Ok(_) => {}
        Err(tracechain_support::text::TextError::ControlCharacter) => {
            return Err(Error::ReasonHasControlCharacter.into())
        }
        Err(_) => return Err(Error::InvalidReason.into()),
    }
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let closure = Closure { by: org, agent, location: None, reason: Some(reason.clone()), at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Rejected, Some(closure));
    ctx.deposit_event(Event::TransferRejected {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: proposal.from,
        to: org,
        agent,
        reason,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
    Ok(())
}

pub(crate) fn cancel<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, id: ProposalId) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut proposal = PROPOSALS.get(ctx, &id).ok_or(Error::ProposalNotFound)?;
    if proposal.from != org {
        return Err(Error::NotIssuer.into());
    }
    ensure_open(ctx, &proposal, ctx.block_number())?;
    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let closure = Closure { by: org, agent, location: None, reason: None, at: block, time };
    close(ctx, &mut proposal, ProposalStatus::Cancelled, Some(closure));
    ctx.deposit_event(Event::TransferCancelled {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: org,
        to: proposal.to,
        agent,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
    Ok(())
}

/// `Ok` if the proposal is open and its lifetime has not run out: from block
/// `proposed_at + lifetime` on it is as good as expired, even while it waits in the expiry
/// backlog.
pub(crate) fn ensure_open(storage: &impl StorageRead, proposal: &Proposal, now: BlockNumber) -> Result<(), Error> {
    let expires_at = proposal.proposed_at.saturating_add(proposal_lifetime(storage));
    if proposal.status != ProposalStatus::Open || now >= expires_at {
        return Err(Error::ProposalNotOpen);
    }
    Ok(())
}

/// The disposition of goods whose custody transfer did not happen: still being handled where
/// they were. Ownership proposals carry none.
pub(crate) fn unmoved_disposition(kind: TransferKind) -> Option<Disposition> {
    match kind {
        TransferKind::Custody => Some(Disposition::in_progress),
        TransferKind::Ownership => None,
    }
}

/// Closes an open proposal: records how, and frees its (subject, receiver, kind) slot and its
/// place in the receiver's list.
pub(crate) fn close(
    storage: &mut impl StorageWrite,
    proposal: &mut Proposal,
    status: ProposalStatus,
    closure: Option<Closure>,
) {
    proposal.status = status;
    proposal.closure = closure;
    PROPOSALS.insert(storage, &proposal.id, proposal);
    OPEN_PROPOSAL.remove(storage, &(proposal.subject, proposal.to, proposal.kind));
    let (to, from) = (proposal.to, proposal.from);
    let mut inbox = OPEN_PROPOSALS_BETWEEN.get(storage, &to, &from);
    inbox.retain(|open| *open != proposal.id);
    if inbox.is_empty() {
        OPEN_PROPOSALS_BETWEEN.remove(storage, &to, &from);
        let mut senders = INBOX_SENDERS.get(storage, &to);
        senders.retain(|sender| *sender != from);
        if senders.is_empty() {
            INBOX_SENDERS.remove(storage, &to);
        } else {
            INBOX_SENDERS.insert(storage, &to, &senders);
        }
    } else {
        OPEN_PROPOSALS_BETWEEN.insert(storage, &to, &from, &inbox);
    }
}

// ---------------------------------------------------------------------------------------------
// Aggregates
// ---------------------------------------------------------------------------------------------

pub(crate) fn pack<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    sscc: Sscc,
    children: Vec<Subject>,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    // Bounded before reading a child: each costs reads.
    if children.len() > MAX_CHILDREN {
        return Err(Error::TooManyChildren.into());
    }
    if children.is_empty() {
        return Err(Error::NoChildren.into());
    }
    // The permission: the packer holds every child.
    let mut child_aggregates = Vec::new();
    let mut parents = Vec::with_capacity(children.len());
    for child in &children {
        match child {
            Subject::Item(id) => {
                let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
                if item.custodian != org {
                    return Err(Error::NotCustodian.into());
                }
                parents.push(item.parent);
            }
            Subject::Aggregate(child) => {
                let aggregate = AGGREGATES.get(ctx, child).ok_or(Error::AggregateNotFound)?;
                if aggregate.custodian != org {
                    return Err(Error::NotCustodian.into());
                }
                parents.push(aggregate.parent);
                child_aggregates.push(aggregate);
            }
        }
    }
    if !is_valid_sscc(&sscc) {
        return Err(Error::InvalidSscc.into());
    }
    if AGGREGATES.contains(ctx, &sscc) {
        return Err(Error::AggregateExists.into());
    }
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    let mut seen = BTreeSet::new();
    if !children.iter().all(|child| seen.insert(*child)) {
        return Err(Error::DuplicateChild.into());
    }
    if parents.iter().any(Option::is_some) {
        return Err(Error::AlreadyPacked.into());
    }
    let level = 1 + child_aggregates.iter().map(|aggregate| aggregate.level).max().unwrap_or(0);
    if level > MAX_DEPTH {
        return Err(Error::NestingTooDeep.into());
    }
    let loose_items = (children.len() - child_aggregates.len()) as u64;
    let item_count =
        child_aggregates.iter().fold(loose_items, |count, aggregate| count + u64::from(aggregate.item_count));
    let aggregate_count =
        child_aggregates.iter().fold(0u64, |count, aggregate| count + 1 + u64::from(aggregate.aggregate_count));
    if item_count + aggregate_count > u64::from(MAX_CONTENTS) {
        return Err(Error::AggregateTooLarge.into());
    }
    // Within `MAX_CONTENTS`, so both fit in a `u32`.
    let (item_count, aggregate_count) = (item_count as u32, aggregate_count as u32);
    let contents = contents_of(ctx, &children)?;
    check_contents(ctx, &contents, org, Handling::Pack)?;
    ensure_appendable(ctx, History::Aggregate(sscc))?;
    let instance = NEXT_AGGREGATE_INSTANCE.get(ctx);
    let next_instance = instance.checked_add(1).ok_or(DispatchError::Exhausted)?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let aggregate = Aggregate {
        sscc,
        instance,
        children: children.clone(),
        item_count,
        aggregate_count,
        level,
        owner: org,
        custodian: org,
        location: location.clone(),
        parent: None,
        packed_by: org,
        packed_at: block,
        packed_time: time,
    };
    AGGREGATES.insert(ctx, &sscc, &aggregate);
    NEXT_AGGREGATE_INSTANCE.put(ctx, &next_instance);
    let step = Step { org, agent, location: location.clone(), block, time };
    for (mut child, via) in contents.aggregates {
        if via.is_none() {
            child.parent = Some(sscc);
        }
        child.location = location.clone();
        AGGREGATES.insert(ctx, &child.sscc, &child);
        append_step(ctx, History::Aggregate(child.sscc), &step.with(StepAction::Packed { sscc, via }));
    }
    for (item, via) in contents.items {
        if via.is_none() {
            pallet_products::set_parent(ctx, &item, Some(sscc));
        }
        pallet_products::set_location(ctx, &item, location.clone());
        append_step(ctx, History::Item(item), &step.with(StepAction::Packed { sscc, via }));
    }
    let formed = StepAction::Formed { children: children.len() as u32, items: item_count };
    append_step(ctx, History::Aggregate(sscc), &step.with(formed));
    ctx.deposit_event(Event::Packed {
        sscc,
        children,
        items: item_count,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::packing,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

pub(crate) fn unpack<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    sscc: Sscc,
    location: Location,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let aggregate = AGGREGATES.get(ctx, &sscc).ok_or(Error::AggregateNotFound)?;
    if aggregate.custodian != org {
        return Err(Error::NotCustodian.into());
    }
    if aggregate.parent.is_some() {
        return Err(Error::PackedInAggregate.into());
    }
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    let contents = contents_of(ctx, &aggregate.children)?;
    check_contents(ctx, &contents, org, Handling::Unpack)?;
    ensure_appendable(ctx, History::Aggregate(sscc))?;

    let (block, time) = (ctx.block_number(), pallet_timestamp::now(ctx));
    let step = Step { org, agent, location: location.clone(), block, time };
    for (mut child, via) in contents.aggregates {
        if via.is_none() {
            child.parent = None;
        }
        child.location = location.clone();
        AGGREGATES.insert(ctx, &child.sscc, &child);
        append_step(ctx, History::Aggregate(child.sscc), &step.with(StepAction::Unpacked { sscc, via }));
    }
    for (item, via) in contents.items {
        if via.is_none() {
            pallet_products::set_parent(ctx, &item, None);
        }
        pallet_products::set_location(ctx, &item, location.clone());
        append_step(ctx, History::Item(item), &step.with(StepAction::Unpacked { sscc, via }));
    }
    AGGREGATES.remove(ctx, &sscc);
    append_step(ctx, History::Aggregate(sscc), &step.with(StepAction::Dissolved));
    ctx.deposit_event(Event::Unpacked {
        sscc,
        children: aggregate.children,
        items: aggregate.item_count,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::unpacking,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

/// Closes, as `Expired`, the open proposals whose lifetime ran out, freeing their (subject,
/// receiver, kind) slots and their places in the receivers' inboxes, and forgets the expiry
/// lists done with. Called by the executive at the start of every block, before any extrinsic;
/// returns the weight it used, which the executive charges to the block as mandatory.
///
/// It starts at the oldest list not yet done (`ExpiryCursor`, or this block's own list), closes
/// at most [`MAX_EXPIRIES_PER_BLOCK`] proposals and visits at most [`MAX_EXPIRY_LISTS_PER_BLOCK`]
/// lists, in order of block then of id; a list it could not finish keeps its remaining ids, and
/// the cursor names it for the next block start.
pub fn on_initialize<E: From<Event>>(ctx: &mut Context<'_, E>) -> Weight {
    let now = ctx.block_number();
    let cursor = EXPIRY_CURSOR.get(ctx);
    let mut block = cursor.unwrap_or(now).min(now);
    let mut weight = EXPIRY_BASE_WEIGHT;
    if cursor.is_none() && !EXPIRING.contains(ctx, &now) {
        return weight;
    }
    let time = pallet_timestamp::now(ctx);
    let (mut closed, mut lists) = (0u32, 0u32);
    while block <= now && closed < MAX_EXPIRIES_PER_BLOCK && lists < MAX_EXPIRY_LISTS_PER_BLOCK {
        lists += 1;
        weight = weight.saturating_add(EXPIRY_LIST_WEIGHT);
        let mut expiring = EXPIRING.get(ctx, &block);
        let stored = !expiring.is_empty();
        let room = (MAX_EXPIRIES_PER_BLOCK - closed) as usize;
        let rest = if expiring.len() > room { expiring.split_off(room) } else { Vec::new() };
        for id in expiring {
            closed += 1;
            weight = weight.saturating_add(EXPIRY_WEIGHT);
            expire(ctx, id, time);
        }
        if !rest.is_empty() {
            EXPIRING.insert(ctx, &block, &rest);
            break;
        }
        if stored {
            EXPIRING.remove(ctx, &block);
        }
        block += 1;
    }
    // `block` is now the oldest block whose list is not done, or past this one.
    let next = (block <= now).then_some(block);
    if next != cursor {
        match next {
            Some(block) => EXPIRY_CURSOR.put(ctx, &block),
            None => EXPIRY_CURSOR.kill(ctx),
        }
    }
    weight
}

/// Closes proposal `id` as `Expired` if it is still open.
pub(crate) fn expire<E: From<Event>>(ctx: &mut Context<'_, E>, id: ProposalId, time: Moment) {
    let Some(mut proposal) = PROPOSALS.get(ctx, &id) else { return };
    if proposal.status != ProposalStatus::Open {
        return;
    }
    close(ctx, &mut proposal, ProposalStatus::Expired, None);
    ctx.deposit_event(Event::TransferExpired {
        proposal: id,
        subject: proposal.subject,
        kind: proposal.kind,
        from: proposal.from,
        to: proposal.to,
        biz_location: proposal.location.clone(),
        disposition: unmoved_disposition(proposal.kind),
        time,
    });
}

/// Packing or unpacking, which ask different things of the goods.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Handling {
    /// Every item movable.
    Pack,
    /// No item held or refused by customs (its seal stays).
    Unpack,
}

/// The checks pack and unpack make on everything they touch: held by `org`, the items fit for
/// `handling`, every history sound.
pub(crate) fn check_contents(
    storage: &impl StorageRead,
    contents: &Contents,
    org: OrgId,
    handling: Handling,
) -> DispatchResult {
    for (aggregate, _) in &contents.aggregates {
        if aggregate.custodian != org {
            return Err(Error::NotCustodian.into());
        }
        ensure_appendable(storage, History::Aggregate(aggregate.sscc))?;
    }
    for (id, _) in &contents.items {
        let item = match handling {
            Handling::Pack => pallet_products::ensure_movable(storage, id)?,
            Handling::Unpack => {
                let item = pallet_products::item(storage, id).ok_or(pallet_products::Error::ItemNotFound)?;
                ensure_not_held_by_customs(&item)?;
                item
            }
        };
        if item.custodian != org {
            return Err(Error::NotCustodian.into());
        }
        ensure_appendable(storage, History::Item(*id))?;
    }
    Ok(())
}

/// Customs' part of `pallet_products::ensure_movable`, with its errors: goods awaiting a
/// decision, held (on hold or pending an inspection) or refused stay as customs found them.
pub(crate) fn ensure_not_held_by_customs(item: &pallet_products::Item) -> DispatchResult {
    use pallet_products::CustomsState;
    match item.customs {
        CustomsState::Declared => Err(pallet_products::Error::ItemAwaitingCustoms.into()),
        CustomsState::OnHold | CustomsState::InspectionRequired => {
            Err(pallet_products::Error::ItemOnCustomsHold.into())
        }
        CustomsState::Refused => Err(pallet_products::Error::ItemRefusedByCustoms.into()),
        // Once customs ordered refused goods re-exported or destroyed, their seal is lifted.
        CustomsState::None | CustomsState::Cleared | CustomsState::ReExported | CustomsState::Destroyed => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Histories
// ---------------------------------------------------------------------------------------------

/// Who acted, where and when: a journey step without its action.
pub(crate) struct Step {
    org: OrgId,
    agent: AccountId32,
    location: Location,
    block: BlockNumber,
    time: Moment,
}

impl Step {
    fn with(&self, action: StepAction) -> JourneyStep {
        JourneyStep {
            action,
            org: self.org,
            agent: self.agent,
            location: self.location.clone(),
            block: self.block,
            time: self.time,
        }
    }
}

/// Appends a transfer's step to everything it moves: the subject's own step has no aggregate,
/// the contents' name the subject's SSCC.
pub(crate) fn record_transfer(
    storage: &mut impl StorageWrite,
    goods: &Goods,
    step: &Step,
    action: impl Fn(Option<Sscc>) -> StepAction,
) {
    let moved_with = goods.root.as_ref().map(|root| root.sscc);
    if let Some(root) = &goods.root {
        append_step(storage, History::Aggregate(root.sscc), &step.with(action(None)));
    }
    for (aggregate, _) in &goods.contents.aggregates {
        append_step(storage, History::Aggregate(aggregate.sscc), &step.with(action(moved_with)));
    }
    for (item, _) in &goods.contents.items {
        append_step(storage, History::Item(*item), &step.with(action(moved_with)));
    }
}

/// Whose history: an item's or an aggregate's (SSCC). Both are stored the same way, in pages.
#[derive(Clone, Copy, Debug)]
pub(crate) enum History {
    Item(ItemId),
    Aggregate(Sscc),
}

impl History {
    fn length_key(&self) -> Vec<u8> {
        match self {
            History::Item(id) => HISTORY_LENGTH.key(id),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_LENGTH.key(sscc),
        }
    }

    fn page_key(&self, page: u32) -> Vec<u8> {
        match self {
            History::Item(id) => HISTORY_PAGES.key(id, &page),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_PAGES.key(sscc, &page),
        }
    }

    /// How many steps the history has (0 when it has none, and when its length does not decode,
    /// which the read records as corruption).
    fn length(&self, storage: &impl StorageRead) -> u32 {
        match self {
            History::Item(id) => HISTORY_LENGTH.get(storage, id),
            History::Aggregate(sscc) => AGGREGATE_HISTORY_LENGTH.get(storage, sscc),
        }
    }

    /// The whole history, oldest step first, read page by page.
    pub(crate) fn steps(&self, storage: &impl StorageRead) -> Vec<JourneyStep> {
        let length = self.length(storage);
        let mut steps = Vec::with_capacity(length as usize);
        for page in 0..length.div_ceil(HISTORY_PAGE_STEPS) {
            steps.extend(match self {
                History::Item(id) => HISTORY_PAGES.get(storage, id, &page),
                History::Aggregate(sscc) => AGGREGATE_HISTORY_PAGES.get(storage, sscc, &page),
            });
        }
        steps
    }

    fn describe(&self) -> String {
        match self {
            History::Item(id) => format!("of item {id:?}"),
            History::Aggregate(sscc) => format!("of SSCC {}", String::from_utf8_lossy(sscc)),
        }
    }
}

/// Where the next step of `history` goes, read without decoding any step: its length, and the
/// stored steps of the page that receives it, from the page's SCALE length prefix alone (a vector
/// encodes as its compact length, then its elements). A length that does not decode, or a last
/// page that does not hold `length % HISTORY_PAGE_STEPS` steps, is corruption.
pub(crate) fn next_place(storage: &impl StorageRead, history: History) -> Result<u32, DispatchError> {
    let corrupt = |what: String| {
        storage.note_corruption(format!("Custody history {} {what}", history.describe()));
        DispatchError::Corruption
    };
    let length = match storage.storage_get(&history.length_key()) {
        None => 0,
        Some(bytes) => u32::decode_all(&mut &bytes[..])
            .map_err(|error| corrupt(format!("has a length that does not decode: {error}")))?,
    };
    let page = length / HISTORY_PAGE_STEPS;
    let held = match storage.storage_get(&history.page_key(page)) {
        None => 0,
        Some(bytes) => Compact::<u32>::decode(&mut &bytes[..]).map(|count| count.0).map_err(|error| {
            corrupt(format!("page {page} at 0x{} does not decode: {error}", hex_key(&history.page_key(page))))
        })?,
    };
    if held != length % HISTORY_PAGE_STEPS {
        return Err(corrupt(format!("has {length} steps, but its page {page} holds {held}")));
    }
    Ok(length)
}

/// `Ok` if a step can be appended to `history`: it is sound ([`next_place`]), and its length
/// counter has not reached `u32::MAX` (out of reach in practice; refused rather than wrapped).
pub(crate) fn ensure_appendable(storage: &impl StorageRead, history: History) -> DispatchResult {
    if next_place(storage, history)? == u32::MAX {
        return Err(DispatchError::Exhausted);
    }
    Ok(())
}

/// Appends `step` to `history`: to its last page, or to a new page when the last is full, and
/// counts it. The page is appended to without decoding the steps already there: only its length
/// prefix is rewritten and the new step's encoding added (as Substrate's `StorageAppend`). One
/// read and one write of the length, one of a page of at most [`HISTORY_PAGE_STEPS`] steps,
/// whatever the history's length; older pages are never touched. The caller checked the history
/// with [`ensure_appendable`], which reported any corruption; a corrupt history is left alone.
pub(crate) fn append_step(storage: &mut impl StorageWrite, history: History, step: &JourneyStep) {
    let Ok(length) = next_place(&*storage, history) else { return };
    let Some(new_length) = length.checked_add(1) else { return };
    let key = history.page_key(length / HISTORY_PAGE_STEPS);
    let held = length % HISTORY_PAGE_STEPS;
    let existing = if held == 0 { Vec::new() } else { storage.storage_get(&key).unwrap_or_default() };
    let mut steps = &existing[..];
    if held != 0 && Compact::<u32>::decode(&mut steps).is_err() {
        return;
    }
    let mut value = Compact(held + 1).encode();
    value.extend_from_slice(steps);
    step.encode_to(&mut value);
    storage.storage_set(key, value);
    storage.storage_set(history.length_key(), new_length.encode());
}
