//! The products calls: product classes registered and documented, items commissioned (serials
//! and lots), lots and classes recalled.

use crate::*;

#[allow(clippy::too_many_arguments)]
pub(crate) fn register_class<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    name: Vec<u8>,
    brand: Vec<u8>,
    hs_code: Vec<u8>,
    origin: CountryCode,
    documents: Vec<Document>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if !pallet_membership::has_role(ctx, org, &Role::Manufacturer) {
        return Err(Error::NotManufacturer.into());
    }
    let gtin = Gtin::parse(gtin)?;
    // The company prefix must start right after the indicator digit: membership looks up the
    // prefix that `gtin[1..]` starts with, and it must be one of this organisation's.
    match pallet_membership::prefix_owner(ctx, gtin.after_indicator()) {
        Some((owner, _)) if owner == org => {}
        _ => return Err(Error::PrefixNotOwned.into()),
    }
    if PRODUCT_CLASSES.contains(ctx, &gtin) {
        return Err(Error::ClassAlreadyRegistered.into());
    }
    let stored_name: ProductName = bounded_text(name.clone(), Error::InvalidName, Error::NameHasControlCharacter)?;
    let stored_brand: BrandName = bounded_text(brand.clone(), Error::InvalidBrand, Error::BrandHasControlCharacter)?;
    if !(6..=10).contains(&hs_code.len()) || !hs_code.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidHsCode.into());
    }
    // Decoding accepts any two bytes; only the shape check makes it a country code.
    if !origin.is_valid() {
        return Err(Error::InvalidCountry.into());
    }
    ensure_documents(&documents)?;
    let class = ProductClass {
        gtin,
        brand_org: org,
        name: stored_name,
        brand: stored_brand,
        hs_code: hs_code.clone(),
        origin: origin.clone(),
        documents,
        registered_at: ctx.block_number(),
    };
    PRODUCT_CLASSES.insert(ctx, &gtin, &class);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::ProductClassRegistered {
        gtin,
        brand_org: org,
        agent,
        name,
        brand,
        hs_code,
        origin,
        time,
    });
    Ok(())
}

/// The commissioning checks shared by serials and lots: the signer's organisation must be the
/// class's registrant, the dates and the location must be valid, and neither the class nor the
/// lot may be recalled. Returns the brand's organisation and the GTIN.
pub(crate) fn check_commissioning(
    storage: &impl StorageRead,
    agent: &AccountId32,
    gtin: &[u8],
    lot: Option<&[u8]>,
    (production_date, expiry_date): (u32, Option<u32>),
    location: &Location,
) -> Result<(OrgId, Gtin), DispatchError> {
    let org = ensure_manufacturer(storage, agent)?;
    let gtin = Gtin::parse(gtin)?;
    let class = PRODUCT_CLASSES.get(storage, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org {
        return Err(Error::NotBrandOwner.into());
    }
    if !is_valid_date(production_date) {
        return Err(Error::InvalidProductionDate.into());
    }
    if let Some(expiry) = expiry_date {
        if !is_valid_date(expiry) || expiry <= production_date {
            return Err(Error::InvalidExpiryDate.into());
        }
    }
    // Decoding accepts any bytes; a GLN's check digit and a UN/LOCODE's shape are checked here.
    if !location.is_valid() {
        return Err(Error::InvalidLocation.into());
    }
    if let Some(lot) = lot {
        if !is_valid_serial(lot) {
            return Err(Error::InvalidLot.into());
        }
        if LOT_RECALLS.contains(storage, &gtin, &lot.to_vec()) {
            return Err(Error::LotUnderRecall.into());
        }
    }
    if CLASS_RECALLS.contains(storage, &gtin) {
        return Err(Error::ClassUnderRecall.into());
    }
    Ok((org, gtin))
}

pub(crate) fn commission_serials<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Option<Vec<u8>>,
    serials: Vec<Vec<u8>>,
    dates: (u32, Option<u32>),
    location: Location,
) -> DispatchResult {
    let (org, gtin) = check_commissioning(ctx, &agent, gtin, lot.as_deref(), dates, &location)?;
    if serials.is_empty() {
        return Err(Error::NoItems.into());
    }
    if serials.len() > MAX_BATCH {
        return Err(Error::TooManyItems.into());
    }
    // Check every item before writing any, so that a batch with an error changes nothing even
    // when called outside the executive's transactional layer.
    let mut seen = BTreeSet::new();
    let mut items = Vec::with_capacity(serials.len());
    for serial in &serials {
        if !is_valid_serial(serial) {
            return Err(Error::InvalidSerial.into());
        }
        let id = serial_item_id(&gtin, serial);
        if !seen.insert(id) || ITEMS.contains(ctx, &id) {
            return Err(Error::DuplicateItem.into());
        }
        items.push(id);
    }
    let commissioned_at = ctx.block_number();
    for (id, serial) in items.iter().zip(&serials) {
        let item = Item {
            id: *id,
            gtin,
            kind: ItemKind::Serial { serial: serial.clone() },
            lot: lot.clone(),
            production_date: dates.0,
            expiry_date: dates.1,
            owner: org,
            custodian: org,
            location: location.clone(),
            status: ItemStatus::Active,
            customs: CustomsState::None,
            recalled: None,
            parent: None,
            commissioned_at,
        };
        ITEMS.insert(ctx, id, &item);
    }
    if let Some(lot) = &lot {
        note_lot_items(ctx, &gtin, lot, items.len() as u32);
    }
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::ItemsCommissioned {
        gtin,
        lot,
        serials,
        items,
        production_date: dates.0,
        expiry_date: dates.1,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::commissioning,
        disposition: Disposition::active,
        time,
    });
    Ok(())
}

pub(crate) fn commission_lot<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Vec<u8>,
    quantity: u32,
    dates: (u32, Option<u32>),
    location: Location,
) -> DispatchResult {
    let (org, gtin) = check_commissioning(ctx, &agent, gtin, Some(&lot), dates, &location)?;
    if quantity == 0 {
        return Err(Error::InvalidQuantity.into());
    }
    let id = lot_item_id(&gtin, &lot);
    if ITEMS.contains(ctx, &id) {
        return Err(Error::DuplicateItem.into());
    }
    let item = Item {
        id,
        gtin,
        kind: ItemKind::Lot { lot: lot.clone(), quantity },
        lot: None,
        production_date: dates.0,
        expiry_date: dates.1,
        owner: org,
        custodian: org,
        location: location.clone(),
        status: ItemStatus::Active,
        customs: CustomsState::None,
        recalled: None,
        parent: None,
        commissioned_at: ctx.block_number(),
    };
    ITEMS.insert(ctx, &id, &item);
    note_lot_items(ctx, &gtin, &lot, 1);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::LotCommissioned {
        item: id,
        gtin,
        lot,
        quantity,
        production_date: dates.0,
        expiry_date: dates.1,
        org,
        agent,
        read_point: location.clone(),
        biz_location: location,
        biz_step: BizStep::commissioning,
        disposition: Disposition::active,
        time,
    });
    Ok(())
}

pub(crate) fn note_lot_items(storage: &mut impl StorageWrite, gtin: &Gtin, lot: &[u8], count: u32) {
    let lot = lot.to_vec();
    let total = LOTS.get(storage, gtin, &lot).saturating_add(count);
    LOTS.insert(storage, gtin, &lot, &total);
}

/// The recall permission: the signer's organisation is the class's registrant or a Regulator.
/// Returns the recalling organisation and the class.
pub(crate) fn check_recall(
    storage: &impl StorageRead,
    agent: &AccountId32,
    gtin: &[u8],
) -> Result<(OrgId, ProductClass), DispatchError> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    let gtin = Gtin::parse(gtin)?;
    let class = PRODUCT_CLASSES.get(storage, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org && !pallet_membership::has_role(storage, org, &Role::Regulator) {
        return Err(Error::NotBrandOrRegulator.into());
    }
    Ok((org, class))
}

pub(crate) fn recall_lot<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    lot: Vec<u8>,
    reason: Vec<u8>,
) -> DispatchResult {
    let (org, class) = check_recall(ctx, &agent, gtin)?;
    if !is_valid_serial(&lot) {
        return Err(Error::InvalidLot.into());
    }
    if !LOTS.contains(ctx, &class.gtin, &lot) {
        return Err(Error::LotNotFound.into());
    }
    if LOT_RECALLS.contains(ctx, &class.gtin, &lot) {
        return Err(Error::AlreadyRecalled.into());
    }
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    let recall = Recall { by: org, reason: reason.clone(), at: ctx.block_number(), time };
    LOT_RECALLS.insert(ctx, &class.gtin, &lot, &recall);
    let read_point = first_location(ctx, org);
    ctx.deposit_event(Event::LotRecalled {
        gtin: class.gtin,
        lot,
        by: org,
        brand_org: class.brand_org,
        agent,
        reason,
        read_point,
        biz_step: BizStep::recalling,
        disposition: Disposition::recalled,
        time,
    });
    Ok(())
}

pub(crate) fn recall_class<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    reason: Vec<u8>,
) -> DispatchResult {
    let (org, class) = check_recall(ctx, &agent, gtin)?;
    if CLASS_RECALLS.contains(ctx, &class.gtin) {
        return Err(Error::AlreadyRecalled.into());
    }
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    let recall = Recall { by: org, reason: reason.clone(), at: ctx.block_number(), time };
    CLASS_RECALLS.insert(ctx, &class.gtin, &recall);
    let read_point = first_location(ctx, org);
    ctx.deposit_event(Event::ClassRecalled {
        gtin: class.gtin,
        by: org,
        brand_org: class.brand_org,
        agent,
        reason,
        read_point,
        biz_step: BizStep::recalling,
        disposition: Disposition::recalled,
        time,
    });
    Ok(())
}

pub(crate) fn add_document<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    gtin: &[u8],
    document: Document,
) -> DispatchResult {
    let org = ensure_manufacturer(ctx, &agent)?;
    let gtin = Gtin::parse(gtin)?;
    let mut class = PRODUCT_CLASSES.get(ctx, &gtin).ok_or(Error::ProductClassNotFound)?;
    if class.brand_org != org {
        return Err(Error::NotBrandOwner.into());
    }
    class.documents.push(document.clone());
    ensure_documents(&class.documents)?;
    PRODUCT_CLASSES.insert(ctx, &gtin, &class);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::DocumentAdded { gtin, document, brand_org: org, agent, time });
    Ok(())
}

/// The signer's organisation, if it holds the Manufacturer role now (a brand whose role the
/// consortium revoked no longer commissions or documents its classes).
pub(crate) fn ensure_manufacturer(storage: &impl StorageRead, agent: &AccountId32) -> Result<OrgId, Error> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    if pallet_membership::has_role(storage, org, &Role::Manufacturer) {
        Ok(org)
    } else {
        Err(Error::NotManufacturer)
    }
}

pub(crate) fn first_location(storage: &impl StorageRead, org: OrgId) -> Option<Location> {
    pallet_membership::organisation(storage, org).and_then(|organisation| organisation.locations.first().cloned())
}

/// Member-written text: `malformed` when empty, too long or not UTF-8, `hidden` when it has a
/// control or bidirectional-formatting character (`tracechain_support::text`).
pub(crate) fn ensure_text(text: &[u8], max_len: usize, malformed: Error, hidden: Error) -> Result<(), Error> {
    match check_text(text, max_len) {
        Ok(_) => Ok(()),
        Err(TextError::ControlCharacter) => Err(hidden),
        Err(_) => Err(malformed),
    }
}

/// As [`ensure_text`], with `MAX` as the longest length, keeping the checked text as the
/// [`BoundedText`] it is stored as.
pub(crate) fn bounded_text<const MAX: usize>(
    text: Vec<u8>,
    malformed: Error,
    hidden: Error,
) -> Result<BoundedText<MAX>, Error> {
    BoundedText::text(text).map_err(|error| match error {
        TextError::ControlCharacter => hidden,
        TextError::Malformed | TextError::Blank => malformed,
    })
}

pub(crate) fn ensure_documents(documents: &[Document]) -> Result<(), Error> {
    if documents.len() > MAX_DOCUMENTS {
        return Err(Error::TooManyDocuments);
    }
    for document in documents {
        match check_uri(&document.uri, MAX_URI_LEN) {
            Ok(()) => {}
            Err(UriError::Malformed) => return Err(Error::InvalidDocumentUri),
            Err(UriError::SchemeNotAllowed) => return Err(Error::DocumentUriSchemeNotAllowed),
        }
    }
    Ok(())
}
