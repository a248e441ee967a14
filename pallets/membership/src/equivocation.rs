//! Recording equivocations: a validator that signed two different votes of one kind in one round,
//! or, as the round's proposer, two different blocks ([`VoteKind::Proposal`](tracechain_primitives::consensus_message::VoteKind::Proposal)).
//!
//! The consensus engine of every node detects equivocations among the votes it receives; the
//! node puts what it saw into the next block it proposes as `report_equivocation`, an unsigned
//! inherent (like the timestamp, it is the block author's to include, and no transaction pool
//! accepts one). Nothing in a report is trusted:
//!
//! - the two votes must be for different blocks (one may be nil, except in a proposal
//!   equivocation: a proposal is always of a block, [`Error::NilProposal`]);
//! - the height must be decided already (`height < the block's number`) and by the validator set
//!   in force now: after the block in which that set took effect (`ValidatorSetChanges`), since
//!   the set of older heights is no longer in state;
//! - the offender must be a validator of that set;
//! - both signatures must verify over [`vote_message`] on this chain (genesis hash from
//!   `System.BlockHash(0)`), which for proposals is the proposal-parts message with `pol_round`
//!   nil;
//! - the offence `(validator, height, round, kind)` must not be recorded yet.
//!
//! A report that breaks any rule fails, and because inherents are mandatory, so does the block
//! that holds it: validators vote nil on a block with a false accusation. A valid report is
//! stored in `Equivocations` with the offender's organisation and raises `EquivocationRecorded`.
//! The chain does not punish by itself: the record is the evidence on which the consortium's
//! governance removes or replaces the validator (`SetValidators`).

use tracechain_primitives::{consensus_message::vote_message, keyring::verify_ed25519, BlockNumber};
use tracechain_support::{
    dispatch::{DispatchResult, Origin},
    storage::StorageRead,
    weight::{db_reads_writes, Weight, WEIGHT_REF_TIME_PER_MICROS},
    Context,
};

use crate::{
    types::{EquivocationRecord, EquivocationReport, Offence, ReportedVote},
    Error, Event, OrgId, EQUIVOCATIONS, VALIDATORS, VALIDATOR_SET_CHANGES,
};

/// The weight of recording one report: two ed25519 verifications (about 50 µs each on the
/// reference machine) and the reads of the rules above, one write.
pub fn report_weight() -> Weight {
    db_reads_writes(4, 1).saturating_add(Weight::from_parts(2 * 60 * WEIGHT_REF_TIME_PER_MICROS, 0))
}

/// `report_equivocation`: checks `report` against the rules of the module docs and records it.
pub fn report_equivocation<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    origin: &Origin,
    report: EquivocationReport,
) -> DispatchResult {
    origin.ensure_none()?;
    let org = check_report(ctx, ctx.block_number(), &report)?;
    let offence = report.offence();
    if EQUIVOCATIONS.get(ctx, &offence).is_some() {
        return Err(Error::EquivocationAlreadyRecorded.into());
    }
    ctx.deposit_event(Event::EquivocationRecorded {
        org,
        offender: report.offender,
        height: report.height,
        round: report.round,
        kind: report.kind,
    });
    let record = EquivocationRecord { org, report, recorded_in: ctx.block_number() };
    EQUIVOCATIONS.insert(ctx, &offence, &record);
    Ok(())
}

/// The recorded equivocation of `offence`, if any.
pub fn equivocation(storage: &impl StorageRead, offence: &Offence) -> Option<EquivocationRecord> {
    EQUIVOCATIONS.get(storage, offence)
}

/// Whether `report` would be recorded in block `now` on `storage` (the checks of
/// [`report_equivocation`] without writing): what a block author asks before including one.
pub fn is_recordable(storage: &impl StorageRead, now: BlockNumber, report: &EquivocationReport) -> bool {
    check_report(storage, now, report).is_ok() && EQUIVOCATIONS.get(storage, &report.offence()).is_none()
}

fn check_report(storage: &impl StorageRead, now: BlockNumber, report: &EquivocationReport) -> Result<OrgId, Error> {
    if report.first.block == report.second.block {
        return Err(Error::VotesDoNotConflict);
    }
    let proposal = report.kind == tracechain_primitives::consensus_message::VoteKind::Proposal;
    if proposal && (report.first.block.is_none() || report.second.block.is_none()) {
        return Err(Error::NilProposal);
    }
    let term_start = VALIDATOR_SET_CHANGES.get(storage).last().copied().unwrap_or(0);
    if report.height >= now || report.height <= term_start {
        return Err(Error::EquivocationOutsideTerm);
    }
    let org = offender_org(storage, report)?;
    let genesis = pallet_system::block_hash(storage, 0).ok_or(Error::EquivocationOutsideTerm)?;
    let signed = |vote: &ReportedVote| {
        let message = vote_message(genesis, report.kind, report.height, report.round, vote.block);
        verify_ed25519(&vote.signature, &message, &report.offender)
    };
    if !signed(&report.first) || !signed(&report.second) {
        return Err(Error::InvalidVoteSignature);
    }
    Ok(org)
}

fn offender_org(storage: &impl StorageRead, report: &EquivocationReport) -> Result<OrgId, Error> {
    VALIDATORS
        .get(storage)
        .iter()
        .find(|validator| validator.consensus_key == report.offender)
        .map(|validator| validator.org)
        .ok_or(Error::NotAValidator)
}
