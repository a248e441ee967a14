//! The customs reads the RPC, the runtime and other pallets use: declarations, the open ones by
//! declarant and by port (the worklist), an item's declarations and named importer, the
//! inspection rules and the scopes a declaration requires.

use crate::{calls::insert_sorted, *};

/// The declaration with this id.
pub fn declaration(storage: &impl StorageRead, id: DeclarationId) -> Option<Declaration> {
    DECLARATIONS.get(storage, &id)
}

/// The open declarations (declared, on hold, pending inspection) `declarant` filed at `port`,
/// oldest first: its share of the port's worklist, at most [`MAX_OPEN_PER_DECLARANT`].
pub fn open_declarations_of(
    storage: &impl StorageRead,
    port: &UnLocode,
    declarant: OrgId,
) -> Vec<(DeclarationId, Declaration)> {
    OPEN_BY_PORT_AND_DECLARANT
        .get(storage, port, &declarant)
        .into_iter()
        .filter_map(|id| DECLARATIONS.get(storage, &id).map(|declaration| (id, declaration)))
        .collect()
}

/// The open declarations at `port` (a customs office's worklist), from the keys under
/// [`worklist_prefix`] of `port` in key order: each declarant's share ([`open_declarations_of`])
/// in the order of its key, oldest first within a share. Storage is read by key only, so the
/// caller iterates the keys (the RPC through the node's key iterator, over a state root); keys
/// that are not worklist entries of `port` are skipped.
pub fn open_declarations_by_port<K: AsRef<[u8]>>(
    storage: &impl StorageRead,
    port: &UnLocode,
    worklist_keys: impl IntoIterator<Item = K>,
) -> Vec<(DeclarationId, Declaration)> {
    worklist_keys
        .into_iter()
        .filter_map(|key| worklist_declarant(port, key.as_ref()))
        .flat_map(|declarant| open_declarations_of(storage, port, declarant))
        .collect()
}

/// The storage-key prefix shared by the entries of `port`'s worklist, one per declarant with open
/// declarations there: `twox128(Customs) ++ twox128(OpenByPortAndDeclarant) ++ blake2_128(port) ++
/// port`. A customs office lists its port's open work by iterating the keys under it, in key
/// order, reading each declarant ([`worklist_declarant`]) and its share
/// ([`open_declarations_of`]).
pub fn worklist_prefix(port: &UnLocode) -> Vec<u8> {
    tracechain_primitives::storage_key::map_key(
        PALLET_NAME,
        OPEN_BY_PORT_AND_DECLARANT.item(),
        OPEN_BY_PORT_AND_DECLARANT.hashers().0,
        &port.encode(),
    )
}

/// The declarant of a worklist entry, from a key under [`worklist_prefix`] of `port`: the
/// organisation id after its `twox64` hash. `None` if the key is not a worklist entry of `port`.
pub fn worklist_declarant(port: &UnLocode, key: &[u8]) -> Option<OrgId> {
    let rest = key.strip_prefix(worklist_prefix(port).as_slice())?;
    let mut id = rest.get(8..)?;
    let declarant = OrgId::decode(&mut id).ok()?;
    // The whole key, and no more, or it is not this item's key.
    (id.is_empty() && OPEN_BY_PORT_AND_DECLARANT.key(port, &declarant) == key).then_some(declarant)
}

/// Every declaration that covered `item`, oldest first (at most one of them open).
pub fn declarations_of_item(storage: &impl StorageRead, item: &ItemId) -> Vec<(DeclarationId, Declaration)> {
    ITEM_DECLARATIONS
        .get(storage, item)
        .into_iter()
        .filter_map(|id| DECLARATIONS.get(storage, &id).map(|declaration| (id, declaration)))
        .collect()
}

/// The importer `item`'s owner named to declare it, if the nomination is still in force (the
/// organisation that named it still owns the item).
pub fn named_importer(storage: &impl StorageRead, item: &ItemId) -> Option<OrgId> {
    let nomination = NAMED_IMPORTERS.get(storage, item)?;
    let owner = pallet_products::item(storage, item)?.owner;
    (nomination.owner == owner).then_some(nomination.importer)
}

/// The regulator's inspection rules, sorted by chapter range, then scope.
pub fn inspection_rules(storage: &impl StorageRead) -> Vec<InspectionRule> {
    INSPECTION_RULES.get(storage)
}

/// The inspection scopes clearing `declaration` requires now, sorted: those customs required,
/// and those of the rules covering the HS chapter of the declared HS code or of any declared
/// item's registered product class.
pub fn required_scopes(storage: &impl StorageRead, declaration: &Declaration) -> Vec<Scope> {
    let mut scopes = declaration.required_scopes.clone();
    let rules = inspection_rules(storage);
    if rules.is_empty() {
        return scopes;
    }
    let mut chapters = BTreeSet::new();
    chapters.extend(hs_chapter(&declaration.hs_code));
    let mut classes = BTreeSet::new();
    for item in &declaration.items {
        if let Some(record) = pallet_products::item(storage, item) {
            if classes.insert(record.gtin) {
                let class = pallet_products::product_class(storage, &record.gtin);
                chapters.extend(class.and_then(|class| hs_chapter(&class.hs_code)));
            }
        }
    }
    for rule in rules {
        if chapters.iter().any(|chapter| rule.covers(*chapter)) {
            insert_sorted(&mut scopes, rule.scope);
        }
    }
    scopes
}
