//! The inspection reads pallet-customs, the runtime and the RPC use: attestations, by subject
//! and by covered item, whether an item passed a scope, and the [`PassChecker`] clearance uses.

use crate::*;

/// The attestation with this id.
pub fn attestation(storage: &impl StorageRead, id: AttestationId) -> Option<Attestation> {
    ATTESTATIONS.get(storage, &id)
}

/// Every attestation made on `subject` itself (revoked and superseded ones included), oldest
/// first. For what covers an item through its lot or an aggregate, see [`covering_attestations`].
pub fn attestations_of(storage: &impl StorageRead, subject: &InspectionSubject) -> Vec<Attestation> {
    SUBJECT_ATTESTATIONS.get(storage, subject).into_iter().filter_map(|id| attestation(storage, id)).collect()
}

/// The items an aggregate attestation covers (what the aggregate held when it was made),
/// sorted; empty for an attestation on an item or a lot.
pub fn covered_items(storage: &impl StorageRead, id: AttestationId) -> Vec<ItemId> {
    COVERED_ITEMS.get(storage, &id)
}

/// The ids of the attestations that cover `item` (see the crate docs): on the item, on its lot,
/// and on aggregates that held it when they were made; each list oldest first.
fn covering_ids(storage: &impl StorageRead, item: &ItemId) -> Vec<AttestationId> {
    let mut ids = SUBJECT_ATTESTATIONS.get(storage, &InspectionSubject::Item(*item));
    if let Some(record) = pallet_products::item(storage, item) {
        if let Some(lot) = record.lot_number() {
            let lot = InspectionSubject::Lot { gtin: record.gtin, lot: lot.to_vec() };
            ids.extend(SUBJECT_ATTESTATIONS.get(storage, &lot));
        }
    }
    ids.extend(ITEM_COVERAGE.get(storage, item));
    ids
}

/// Every attestation that covers `item` (on the item, on its lot, on aggregates that held it
/// when attested), revoked and superseded ones included: what a consumer's scan shows.
pub fn covering_attestations(storage: &impl StorageRead, item: &ItemId) -> Vec<Attestation> {
    covering_ids(storage, item).into_iter().filter_map(|id| attestation(storage, id)).collect()
}

/// Whether `item` has passed an inspection of `scope` that is in force at `now`: some attestation
/// covering it for exactly that scope has result `Pass` or `Conditional` and is neither revoked,
/// superseded nor expired (see the crate docs).
pub fn passed(storage: &impl StorageRead, item: &ItemId, scope: &Scope, now: Moment) -> bool {
    PassChecker::new(storage, now).passed(item, scope)
}

/// [`passed`] for many items and scopes, reading each attestation once: an attestation on an
/// aggregate or a lot covers many items, and clearing a declaration asks about each of them.
pub struct PassChecker<'s, S> {
    storage: &'s S,
    now: Moment,
    /// Attestation id → its scope if it passes at `now`, `None` if it does not (or is missing).
    verdicts: BTreeMap<AttestationId, Option<Scope>>,
}

impl<'s, S: StorageRead> PassChecker<'s, S> {
    /// A checker at time `now`.
    pub fn new(storage: &'s S, now: Moment) -> Self {
        Self { storage, now, verdicts: BTreeMap::new() }
    }

    /// The scopes for which `item` has an attestation in force with a passing result, sorted
    /// and without duplicates.
    pub fn passed_scopes(&mut self, item: &ItemId) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = Vec::new();
        for id in covering_ids(self.storage, item) {
            let (storage, now) = (self.storage, self.now);
            let verdict = self.verdicts.entry(id).or_insert_with(|| {
                attestation(storage, id).filter(|attestation| attestation.passes_at(now)).map(|found| found.scope)
            });
            if let Some(scope) = verdict {
                if let Err(slot) = scopes.binary_search_by(|held| held.as_bytes().cmp(scope.as_bytes())) {
                    scopes.insert(slot, scope.clone());
                }
            }
        }
        scopes
    }

    /// Whether `item` passed an inspection of `scope` in force at the checker's time.
    pub fn passed(&mut self, item: &ItemId, scope: &Scope) -> bool {
        self.passed_scopes(item).contains(scope)
    }
}
