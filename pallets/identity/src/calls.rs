//! The identity calls: items marked sold, reported counterfeit and marked destroyed.

use crate::*;

pub(crate) fn mark_sold<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, id: ItemId) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if !pallet_membership::has_role(ctx, org, &Role::Retailer) {
        return Err(Error::NotRetailer.into());
    }
    let item = pallet_products::item(ctx, &id).ok_or(Error::ItemNotFound)?;
    if item.custodian != org {
        return Err(Error::NotCustodian.into());
    }
    // Before the movability check, which would only say "not active" for a sold item.
    ensure_not_sold(ctx, &id)?;
    let item = pallet_products::ensure_movable(ctx, &id)?;
    let time = pallet_timestamp::now(ctx);
    SALES.insert(ctx, &id, &Sale { by: org, at: ctx.block_number(), time });
    pallet_products::set_status(ctx, &id, ItemStatus::Sold);
    ctx.deposit_event(Event::ItemSold {
        item: id,
        gtin: item.gtin,
        by: org,
        owner: item.owner,
        agent,
        read_point: item.location.clone(),
        biz_location: item.location,
        biz_step: BizStep::retail_selling,
        disposition: Disposition::retail_sold,
        time,
    });
    Ok(())
}

/// `AlreadySold` with the first sale's block and time, if the item was sold.
pub(crate) fn ensure_not_sold(storage: &impl StorageRead, id: &ItemId) -> Result<(), Error> {
    match SALES.get(storage, id) {
        Some(sale) => Err(Error::AlreadySold { at: sale.at, time: sale.time }),
        None => Ok(()),
    }
}

pub(crate) fn report_counterfeit<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ItemId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let item = pallet_products::item(ctx, &id).ok_or(Error::ItemNotFound)?;
    let brand_org = pallet_products::product_class(ctx, &item.gtin).map(|class| class.brand_org);
    if brand_org != Some(org) {
        return Err(Error::NotBrandOwner.into());
    }
    if COUNTERFEIT_REPORTS.contains(ctx, &id) {
        return Err(Error::AlreadyReported.into());
    }
    ensure_reason(&reason)?;
    let time = pallet_timestamp::now(ctx);
    COUNTERFEIT_REPORTS.insert(
        ctx,
        &id,
        &StatusChange { by: org, reason: reason.clone(), at: ctx.block_number(), time },
    );
    pallet_products::set_status(ctx, &id, ItemStatus::Counterfeit);
    ctx.deposit_event(Event::CounterfeitReported {
        item: id,
        gtin: item.gtin,
        by: org,
        agent,
        reason,
        read_point: item.location,
        biz_step: BizStep::inspecting,
        disposition: Disposition::non_conformant,
        time,
    });
    Ok(())
}

pub(crate) fn mark_destroyed<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: ItemId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let item = pallet_products::item(ctx, &id).ok_or(Error::ItemNotFound)?;
    if item.owner != org && !pallet_membership::has_role(ctx, org, &Role::Regulator) {
        return Err(Error::NotOwnerOrRegulator.into());
    }
    if DESTRUCTIONS.contains(ctx, &id) {
        return Err(Error::AlreadyDestroyed.into());
    }
    ensure_reason(&reason)?;
    let time = pallet_timestamp::now(ctx);
    DESTRUCTIONS.insert(ctx, &id, &StatusChange { by: org, reason: reason.clone(), at: ctx.block_number(), time });
    pallet_products::set_status(ctx, &id, ItemStatus::Destroyed);
    ctx.deposit_event(Event::ItemDestroyed {
        item: id,
        gtin: item.gtin,
        by: org,
        owner: item.owner,
        agent,
        reason,
        read_point: item.location.clone(),
        biz_location: item.location,
        biz_step: BizStep::destroying,
        disposition: Disposition::destroyed,
        time,
    });
    Ok(())
}

pub(crate) fn ensure_reason(reason: &[u8]) -> Result<(), Error> {
    match tracechain_support::text::check_text(reason, MAX_REASON_LEN) {
        Ok(_) => Ok(()),
        Err(tracechain_support::text::TextError::ControlCharacter) => Err(Error::ReasonHasControlCharacter),
        Err(_) => Err(Error::InvalidReason),
    }
}
