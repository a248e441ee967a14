//! The customs calls: declarations filed, importers named, the port authority's decisions (hold,
//! require inspection, clear, refuse, re-export, destroy) and the regulator's inspection rules.

use crate::*;

/// What an importer files.
pub(crate) struct Filing {
    pub(crate) subjects: Vec<Subject>,
    pub(crate) hs_code: Vec<u8>,
    pub(crate) declared_origin: CountryCode,
    pub(crate) declared_value: u128,
    pub(crate) currency: [u8; 3],
    pub(crate) port: UnLocode,
    pub(crate) documents: Vec<H256>,
}

impl Filing {
    /// The checks that need no state.
    fn validate(&self) -> Result<(), Error> {
        if self.subjects.is_empty() {
            return Err(Error::NoItems);
        }
        if self.subjects.len() > MAX_DECLARATION_ITEMS {
            return Err(Error::TooManyItems);
        }
        if !is_valid_hs_code(&self.hs_code) {
            return Err(Error::InvalidHsCode);
        }
        // Decoding accepts any bytes; only the shape checks make them codes.
        if !self.declared_origin.is_valid() {
            return Err(Error::InvalidCountry);
        }
        if !self.currency.iter().all(u8::is_ascii_uppercase) {
            return Err(Error::InvalidCurrency);
        }
        if !self.port.is_valid() {
            return Err(Error::InvalidPort);
        }
        if self.documents.len() > MAX_DOCUMENTS {
            return Err(Error::TooManyDocuments);
        }
        Ok(())
    }
}

/// Whether `hs_code` is 6 to 10 ASCII digits with a chapter in 01..=99.
pub(crate) fn is_valid_hs_code(hs_code: &[u8]) -> bool {
    (6..=10).contains(&hs_code.len())
        && hs_code.iter().all(u8::is_ascii_digit)
        && hs_chapter(hs_code).is_some_and(|chapter| chapter >= 1)
}

/// The items the subjects name, aggregates expanded, each once, in order.
pub(crate) fn expand_subjects(storage: &impl StorageRead, subjects: &[Subject]) -> Result<Vec<ItemId>, Error> {
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for subject in subjects {
        let found = match subject {
            Subject::Item(id) => vec![*id],
            Subject::Aggregate(sscc) => {
                if !is_valid_sscc(sscc) {
                    return Err(Error::InvalidSscc);
                }
                let aggregate = pallet_custody::aggregate(storage, sscc).ok_or(Error::AggregateNotFound)?;
                // Refuse an oversized aggregate from its stored count, before reading it all.
                if items.len().saturating_add(aggregate.item_count as usize) > MAX_DECLARATION_ITEMS {
                    return Err(Error::TooManyItems);
                }
                pallet_custody::items_of(storage, subject)
            }
        };
        for id in found {
            if !seen.insert(id) {
                return Err(Error::DuplicateItem);
            }
            items.push(id);
        }
        if items.len() > MAX_DECLARATION_ITEMS {
            return Err(Error::TooManyItems);
        }
    }
    if items.is_empty() {
        return Err(Error::NoItems);
    }
    Ok(items)
}

pub(crate) fn declare<E: From<Event>>(ctx: &mut Context<'_, E>, agent: AccountId32, filing: Filing) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if !pallet_membership::has_role(ctx, org, &Role::Importer) {
        return Err(Error::NotImporter.into());
    }
    filing.validate()?;
    if !pallet_membership::is_port_governed(ctx, &filing.port) {
        return Err(Error::PortNotGoverned.into());
    }
    let items = expand_subjects(ctx, &filing.subjects)?;
    let mut origins: BTreeMap<Gtin, CountryCode> = BTreeMap::new();
    let mut histories = Vec::with_capacity(items.len());
    for id in &items {
        let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
        ensure_may_declare(ctx, org, &item)?;
        // Declared is set only here and left only by a decision: an item in that state is under
        // an open declaration (on hold and pending inspection, ensure_movable refuses).
        if item.customs == CustomsState::Declared {
            return Err(Error::AlreadyDeclared.into());
        }
        let item = pallet_products::ensure_movable(ctx, id)?;
        let history = ITEM_DECLARATIONS.get(ctx, id);
        if item.customs == CustomsState::ReExported {
            // Re-exported goods leave the territory: the port that refused them does not see
            // them declared again. The last declaration of the item is the refused one.
            let refused_at = history.last().and_then(|last| DECLARATIONS.get(ctx, last)).map(|last| last.port);
            if refused_at.as_ref() == Some(&filing.port) {
                return Err(Error::ReExportedFromPort.into());
            }
        }
        if history.len() >= MAX_DECLARATIONS_PER_ITEM {
            return Err(Error::TooManyDeclarations.into());
        }
        histories.push(history);
        if let Entry::Vacant(slot) = origins.entry(item.gtin) {
            // Every item's class exists: products commissions items only into registered classes.
            if let Some(class) = pallet_products::product_class(ctx, &item.gtin) {
                slot.insert(class.origin);
            }
        }
    }
    let origin_mismatch: Vec<(Gtin, CountryCode)> =
        origins.into_iter().filter(|(_, registered)| *registered != filing.declared_origin).collect();
    let mut open = OPEN_BY_PORT_AND_DECLARANT.get(ctx, &filing.port, &org);
    if open.len() >= MAX_OPEN_PER_DECLARANT {
        return Err(Error::DeclarantShareFull { declarant: org }.into());
    }
    let id = NEXT_DECLARATION_ID.get(ctx);
    let next = id.checked_add(1).ok_or(Error::IdsExhausted)?;
    let time = pallet_timestamp::now(ctx);
    // At most MAX_DECLARATION_ITEMS, checked by the expansion.
    let item_count = items.len() as u32;
    let declaration = Declaration {
        id,
        importer: org,
        agent,
        subjects: filing.subjects.clone(),
        items,
        hs_code: filing.hs_code.clone(),
        declared_origin: filing.declared_origin.clone(),
        declared_value: filing.declared_value,
        currency: filing.currency,
        port: filing.port.clone(),
        documents: filing.documents.clone(),
        origin_mismatch: origin_mismatch.clone(),
        status: DeclarationStatus::Declared,
        required_scopes: Vec::new(),
        decisions: Vec::new(),
        declared_at: ctx.block_number(),
        declared_time: time,
    };
    NEXT_DECLARATION_ID.put(ctx, &next);
    for (item, mut history) in declaration.items.iter().zip(histories) {
        history.push(id);
        ITEM_DECLARATIONS.insert(ctx, item, &history);
        pallet_products::set_customs_state(ctx, item, CustomsState::Declared);
    }
    DECLARATIONS.insert(ctx, &id, &declaration);
    open.push(id);
    OPEN_BY_PORT_AND_DECLARANT.insert(ctx, &filing.port, &org, &open);
    let port = Location::UnLocode(filing.port);
    ctx.deposit_event(Event::Declared {
        declaration: id,
        subjects: filing.subjects,
        item_count,
        importer: org,
        agent,
        hs_code: filing.hs_code,
        declared_origin: filing.declared_origin,
        declared_value: filing.declared_value,
        currency: filing.currency,
        documents: filing.documents,
        origin_mismatch,
        read_point: port.clone(),
        biz_location: port,
        biz_step: BizStep::arriving,
        disposition: Disposition::in_progress,
        time,
    });
    Ok(())
}

/// `Ok` if `org` owns or holds `item`, or is the importer its current owner named.
pub(crate) fn ensure_may_declare(
    storage: &impl StorageRead,
    org: OrgId,
    item: &pallet_products::Item,
) -> Result<(), Error> {
    if item.owner == org || item.custodian == org {
        return Ok(());
    }
    match NAMED_IMPORTERS.get(storage, &item.id) {
        Some(nomination) if nomination.importer == org && nomination.owner == item.owner => Ok(()),
        _ => Err(Error::NotOwnerOrCustodian),
    }
}

pub(crate) fn name_importer<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subjects: Vec<Subject>,
    importer: Option<OrgId>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    if subjects.is_empty() {
        return Err(Error::NoItems.into());
    }
    if subjects.len() > MAX_DECLARATION_ITEMS {
        return Err(Error::TooManyItems.into());
    }
    let items = expand_subjects(ctx, &subjects)?;
    for id in &items {
        let item = pallet_products::item(ctx, id).ok_or(pallet_products::Error::ItemNotFound)?;
        if item.owner != org {
            return Err(Error::NotOwner.into());
        }
    }
    if let Some(importer) = importer {
        let is_member = pallet_membership::organisation(ctx, importer).is_some();
        if !is_member || !pallet_membership::has_role(ctx, importer, &Role::Importer) {
            return Err(Error::NomineeNotImporter.into());
        }
    }
    for id in &items {
        match importer {
            Some(importer) => NAMED_IMPORTERS.insert(ctx, id, &Nomination { owner: org, importer }),
            None => NAMED_IMPORTERS.remove(ctx, id),
        }
    }
    let time = pallet_timestamp::now(ctx);
    // At most MAX_DECLARATION_ITEMS, checked by the expansion.
    let item_count = items.len() as u32;
    ctx.deposit_event(Event::ImporterNamed { subjects, item_count, owner: org, importer, agent, time });
    Ok(())
}

/// A customs decision as called.
pub(crate) enum Ruling {
    Hold(Vec<u8>),
    RequireInspection(Vec<Scope>),
    Clear(Vec<u8>),
    Refuse(Vec<u8>),
    ReExport(Vec<u8>),
    Destroy(Vec<u8>),
}

pub(crate) fn decide<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: DeclarationId,
    ruling: Ruling,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let roles = pallet_membership::roles(ctx, org);
    if !roles.iter().any(|role| matches!(role, Role::CustomsAuthority { .. })) {
        return Err(Error::NotCustomsAuthority.into());
    }
    let mut declaration = DECLARATIONS.get(ctx, &id).ok_or(Error::DeclarationNotFound)?;
    if !roles.contains(&Role::CustomsAuthority { port: declaration.port.clone() }) {
        return Err(Error::NotJurisdiction.into());
    }
    let was_open = declaration.status.is_open();
    match (&ruling, declaration.status) {
        // Only a refused declaration is ordered re-exported or destroyed, once.
        (Ruling::ReExport(_) | Ruling::Destroy(_), DeclarationStatus::Refused) => {}
        (Ruling::ReExport(_) | Ruling::Destroy(_), _) if was_open => return Err(Error::NotRefused.into()),
        (Ruling::ReExport(_) | Ruling::Destroy(_), _) => return Err(Error::DeclarationClosed.into()),
        _ if !was_open => return Err(Error::DeclarationClosed.into()),
        _ => {}
    }
    if declaration.decisions.len() >= MAX_DECISIONS {
        return Err(Error::TooManyDecisions.into());
    }
    let now = pallet_timestamp::now(ctx);
    // Validate the arguments and find the new status and the decision, writing nothing yet.
    let mut required = Vec::new();
    let (status, kind) = match ruling {
        Ruling::Hold(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::OnHold, DecisionKind::Hold { reason })
        }
        Ruling::RequireInspection(scopes) => {
            let scopes = validate_scopes(scopes)?;
            for scope in &scopes {
                insert_sorted(&mut declaration.required_scopes, scope.clone());
            }
            required = required_scopes(ctx, &declaration);
            (DeclarationStatus::InspectionRequired, DecisionKind::RequireInspection { scopes })
        }
        Ruling::Clear(certificate_ref) => {
            let reference_ok = !certificate_ref.is_empty()
                && certificate_ref.len() <= MAX_CERTIFICATE_REF_LEN
                && certificate_ref.iter().all(u8::is_ascii_graphic);
            if !reference_ok {
                return Err(Error::InvalidCertificateRef.into());
            }
            required = required_scopes(ctx, &declaration);
            ensure_inspections_passed(ctx, &declaration.items, &required, now)?;
            (DeclarationStatus::Cleared, DecisionKind::Clear { certificate_ref })
        }
        Ruling::Refuse(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::Refused, DecisionKind::Refuse { reason })
        }
        Ruling::ReExport(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::ReExported, DecisionKind::ReExport { reason })
        }
        Ruling::Destroy(reason) => {
            ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
            (DeclarationStatus::Destroyed, DecisionKind::Destroy { reason })
        }
    };
    declaration.status = status;
    declaration.decisions.push(Decision { kind: kind.clone(), by: org, agent, at: ctx.block_number(), time: now });
    for item in &declaration.items {
        pallet_products::set_customs_state(ctx, item, status.customs_state());
        if let DecisionKind::Destroy { reason } = &kind {
            // The same destruction record (and status) as `Identity.mark_destroyed`, by customs.
            pallet_identity::record_destruction(ctx, item, org, reason);
        }
    }
    if was_open && !status.is_open() {
        let (port, declarant) = (&declaration.port, &declaration.importer);
        let mut open = OPEN_BY_PORT_AND_DECLARANT.get(ctx, port, declarant);
        open.retain(|held| *held != id);
        if open.is_empty() {
            OPEN_BY_PORT_AND_DECLARANT.remove(ctx, port, declarant);
        } else {
            OPEN_BY_PORT_AND_DECLARANT.insert(ctx, port, declarant, &open);
        }
    }
    DECLARATIONS.insert(ctx, &id, &declaration);
    let port = Location::UnLocode(declaration.port);
    let (subjects, importer) = (declaration.subjects, declaration.importer);
    // At most MAX_DECLARATION_ITEMS.
    let item_count = declaration.items.len() as u32;
    let event = match kind {
        DecisionKind::Hold { reason } => Event::Held {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::holding,
            disposition: Disposition::non_sellable_other,
            time: now,
        },
        DecisionKind::RequireInspection { scopes } => Event::InspectionRequired {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            scopes,
            required,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::inspecting,
            disposition: Disposition::in_progress,
            time: now,
        },
        DecisionKind::Clear { certificate_ref } => Event::Cleared {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            certificate_ref,
            inspections: required,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::accepting,
            disposition: Disposition::active,
            time: now,
        },
        DecisionKind::Refuse { reason } => Event::Refused {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::holding,
            disposition: Disposition::non_conformant,
            time: now,
        },
        DecisionKind::ReExport { reason } => Event::ReExportOrdered {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::departing,
            disposition: Disposition::in_transit,
            time: now,
        },
        DecisionKind::Destroy { reason } => Event::DestructionOrdered {
            declaration: id,
            subjects,
            item_count,
            importer,
            customs: org,
            agent,
            reason,
            read_point: port.clone(),
            biz_location: port,
            biz_step: BizStep::destroying,
            disposition: Disposition::destroyed,
            time: now,
        },
    };
    ctx.deposit_event(event);
    Ok(())
}

/// The scopes of a `require_inspection`, checked, sorted.
pub(crate) fn validate_scopes(scopes: Vec<Scope>) -> Result<Vec<Scope>, Error> {
    if scopes.is_empty() {
        return Err(Error::NoScopes);
    }
    if scopes.len() > MAX_SCOPES {
        return Err(Error::TooManyScopes);
    }
    let mut sorted = Vec::with_capacity(scopes.len());
    for scope in scopes {
        if !scope.is_valid() {
            return Err(Error::InvalidScope);
        }
        if !insert_sorted(&mut sorted, scope) {
            return Err(Error::DuplicateScope);
        }
    }
    Ok(sorted)
}

/// Inserts `scope` into the list sorted by bytes; `false` if it was there already.
pub(crate) fn insert_sorted(scopes: &mut Vec<Scope>, scope: Scope) -> bool {
    match scopes.binary_search_by(|held| held.as_bytes().cmp(scope.as_bytes())) {
        Ok(_) => false,
        Err(slot) => {
            scopes.insert(slot, scope);
            true
        }
    }
}

/// `InspectionMissing` for the first item (in declaration order) and scope (in byte order)
/// without a passed inspection in force at `now`.
pub(crate) fn ensure_inspections_passed(
    storage: &impl StorageRead,
    items: &[ItemId],
    scopes: &[Scope],
    now: Moment,
) -> Result<(), Error> {
    if scopes.is_empty() {
        return Ok(());
    }
    let mut checker = PassChecker::new(storage, now);
    for item in items {
        let passed = checker.passed_scopes(item);
        if let Some(missing) = scopes.iter().find(|scope| !passed.contains(scope)) {
            return Err(Error::InspectionMissing { scope: missing.as_bytes().to_vec(), item: *item });
        }
    }
    Ok(())
}

pub(crate) fn ensure_regulator(storage: &impl StorageRead, agent: &AccountId32) -> Result<OrgId, Error> {
    let org = pallet_membership::organisation_of(storage, agent).ok_or(Error::NotMember)?;
    if pallet_membership::has_role(storage, org, &Role::Regulator) {
        Ok(org)
    } else {
        Err(Error::NotRegulator)
    }
}

pub(crate) fn set_rule<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    rule: InspectionRule,
) -> DispatchResult {
    let org = ensure_regulator(ctx, &agent)?;
    if !rule.has_valid_chapters() {
        return Err(Error::InvalidChapterRange.into());
    }
    if !rule.scope.is_valid() {
        return Err(Error::InvalidScope.into());
    }
    let mut rules = INSPECTION_RULES.get(ctx);
    let slot = match rules.binary_search_by(|held| rule_order(held, &rule)) {
        Ok(_) => return Err(Error::RuleExists.into()),
        Err(slot) => slot,
    };
    if rules.len() >= MAX_RULES {
        return Err(Error::TooManyRules.into());
    }
    rules.insert(slot, rule.clone());
    INSPECTION_RULES.put(ctx, &rules);
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::InspectionRuleSet { chapters: rule.chapters, scope: rule.scope, by: org, agent, time });
    Ok(())
}

pub(crate) fn remove_rule<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    rule: InspectionRule,
) -> DispatchResult {
    let org = ensure_regulator(ctx, &agent)?;
    let mut rules = INSPECTION_RULES.get(ctx);
    let slot = rules.binary_search_by(|held| rule_order(held, &rule)).map_err(|_| Error::RuleNotFound)?;
    rules.remove(slot);
    if rules.is_empty() {
        INSPECTION_RULES.kill(ctx);
    } else {
        INSPECTION_RULES.put(ctx, &rules);
    }
    let time = pallet_timestamp::now(ctx);
    ctx.deposit_event(Event::InspectionRuleRemoved {
        chapters: rule.chapters,
        scope: rule.scope,
        by: org,
        agent,
        time,
    });
    Ok(())
}

/// Member-written text: `malformed` when empty, too long or not UTF-8, `hidden` when it has a
/// control or bidirectional-formatting character (`tracechain_support::text`).
pub(crate) fn ensure_text(text: &[u8], max_len: usize, malformed: Error, hidden: Error) -> Result<(), Error> {
    match tracechain_support::text::check_text(text, max_len) {
        Ok(_) => Ok(()),
        Err(tracechain_support::text::TextError::ControlCharacter) => Err(hidden),
        Err(_) => Err(malformed),
    }
}
