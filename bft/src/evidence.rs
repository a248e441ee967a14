//! The engine's misbehaviour evidence as equivocation reports for the chain.
//!
//! Malachite keeps, per height, the pairs of conflicting votes it received from one validator in
//! one round (each vote's signature already verified against that validator's key). Each pair
//! becomes a [`EquivocationReport`]; the node includes it in a block it proposes, where the
//! runtime checks it again from scratch (`pallet_membership::equivocation`).

use malachitebft_app_channel::app::types::core::SignedVote;
use malachitebft_app_channel::app::types::MisbehaviorEvidence;
use pallet_membership::{EquivocationReport, ReportedVote};
use tracechain_consensus::{signing::vote_kind, TracechainContext};

/// One report per conflicting vote pair that the engine kept at a height.
pub fn equivocation_reports(evidence: &MisbehaviorEvidence<TracechainContext>) -> Vec<EquivocationReport> {
    evidence
        .votes
        .iter()
        .flat_map(|(_, pairs)| pairs.iter())
        .filter_map(|(first, second)| report(first, second))
        .collect()
}

fn report(first: &SignedVote<TracechainContext>, second: &SignedVote<TracechainContext>) -> Option<EquivocationReport> {
    let (one, other) = (&first.message, &second.message);
    let same_slot = one.validator == other.validator
        && one.height == other.height
        && one.round == other.round
        && one.vote_type == other.vote_type;
    if !same_slot || one.value == other.value {
        return None;
    }
    let reported = |vote: &SignedVote<TracechainContext>| ReportedVote {
        block: vote.message.block(),
        signature: vote.signature.0,
    };
    Some(EquivocationReport {
        offender: one.validator.0,
        height: one.height.0,
        round: one.round.as_u32()?,
        kind: vote_kind(one.vote_type),
        first: reported(first),
        second: reported(second),
    })
}
