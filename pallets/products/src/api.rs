//! What other pallets, the runtime and the RPC use of products: the reads (classes, items,
//! recalls), the movability check, and the setters of an item's state (no permission checks: the
//! caller checked its own rule).

use crate::*;

/// The product class with this GTIN.
pub fn product_class(storage: &impl StorageRead, gtin: &Gtin) -> Option<ProductClass> {
    PRODUCT_CLASSES.get(storage, gtin)
}

/// The item with this id.
pub fn item(storage: &impl StorageRead, id: &ItemId) -> Option<Item> {
    ITEMS.get(storage, id)
}

/// The recall of lot `lot` of `gtin`, if recalled.
pub fn lot_recall(storage: &impl StorageRead, gtin: &Gtin, lot: &[u8]) -> Option<Recall> {
    LOT_RECALLS.get(storage, gtin, &lot.to_vec())
}

/// The recall of the whole class `gtin`, if recalled.
pub fn class_recall(storage: &impl StorageRead, gtin: &Gtin) -> Option<Recall> {
    CLASS_RECALLS.get(storage, gtin)
}

/// Whether the item, its lot or its product class is under recall: the item's own recall first,
/// then its lot's (a lot item's own lot, or a serialised item's `lot`), then its class's.
pub fn recall_of(storage: &impl StorageRead, item: &Item) -> Option<Recall> {
    item.recalled
        .clone()
        .or_else(|| item.lot_number().and_then(|lot| lot_recall(storage, &item.gtin, lot)))
        .or_else(|| class_recall(storage, &item.gtin))
}

/// `Ok(item)` if the item may change custody, ownership or aggregation, or be sold, now: it
/// exists, is `Active`, is not under recall (itself, its lot or its class), does not await a
/// customs decision (`Declared`: [`Error::ItemAwaitingCustoms`]), and customs neither holds it
/// (`OnHold`, `InspectionRequired`) nor refused it (`Refused`; goods customs then ordered
/// re-exported move again).
pub fn ensure_movable(storage: &impl StorageRead, id: &ItemId) -> Result<Item, DispatchError> {
    let item = ITEMS.get(storage, id).ok_or(Error::ItemNotFound)?;
    if item.status != ItemStatus::Active {
        return Err(Error::ItemNotActive.into());
    }
    if recall_of(storage, &item).is_some() {
        return Err(Error::ItemRecalled.into());
    }
    match item.customs {
        CustomsState::Declared => Err(Error::ItemAwaitingCustoms.into()),
        CustomsState::OnHold | CustomsState::InspectionRequired => Err(Error::ItemOnCustomsHold.into()),
        CustomsState::Refused => Err(Error::ItemRefusedByCustoms.into()),
        // A destroyed item's status is `Destroyed` already; this is the same answer.
        CustomsState::Destroyed => Err(Error::ItemNotActive.into()),
        CustomsState::None | CustomsState::Cleared | CustomsState::ReExported => Ok(item),
    }
}

fn update_item(storage: &mut impl StorageWrite, id: &ItemId, change: impl FnOnce(&mut Item)) {
    if let Some(mut item) = ITEMS.get(storage, id) {
        change(&mut item);
        ITEMS.insert(storage, id, &item);
    }
}

/// Sets the item's custodian and location (custody accepted).
pub fn set_custodian(storage: &mut impl StorageWrite, id: &ItemId, custodian: OrgId, location: Location) {
    update_item(storage, id, |item| {
        item.custodian = custodian;
        item.location = location;
    });
}

/// Sets the item's owner (ownership accepted).
pub fn set_owner(storage: &mut impl StorageWrite, id: &ItemId, owner: OrgId) {
    update_item(storage, id, |item| item.owner = owner);
}

/// Sets the item's location.
pub fn set_location(storage: &mut impl StorageWrite, id: &ItemId, location: Location) {
    update_item(storage, id, |item| item.location = location);
}

/// Sets the item's lifecycle status.
pub fn set_status(storage: &mut impl StorageWrite, id: &ItemId, status: ItemStatus) {
    update_item(storage, id, |item| item.status = status);
}

/// Sets the item's customs state.
pub fn set_customs_state(storage: &mut impl StorageWrite, id: &ItemId, state: CustomsState) {
    update_item(storage, id, |item| item.customs = state);
}

/// Sets (or clears) the aggregate the item is packed in.
pub fn set_parent(storage: &mut impl StorageWrite, id: &ItemId, parent: Option<AggregateRef>) {
    update_item(storage, id, |item| item.parent = parent);
}
