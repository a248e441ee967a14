//! The inspection calls: attestations made, revoked and superseded, with the accreditation and
//! subject checks they share.

use crate::*;

/// What an attestation finds: the fields `attest` and `supersede` share.
pub(crate) struct Finding {
    pub(crate) result: InspectionResult,
    pub(crate) report_hash: H256,
    pub(crate) report_uri: Vec<u8>,
    pub(crate) valid_until: Option<Moment>,
    pub(crate) conditions: Option<Vec<u8>>,
}

impl Finding {
    fn validate(&self, now: Moment) -> Result<(), Error> {
        let uri = &self.report_uri;
        match tracechain_support::text::check_uri(uri, MAX_URI_LEN) {
            Ok(()) => {}
            Err(tracechain_support::text::UriError::Malformed) => return Err(Error::InvalidReportUri),
            Err(tracechain_support::text::UriError::SchemeNotAllowed) => return Err(Error::ReportUriSchemeNotAllowed),
        }
        if self.valid_until.is_some_and(|until| until <= now) {
            return Err(Error::InvalidValidity);
        }
        match (&self.result, &self.conditions) {
            (InspectionResult::Conditional, None) => Err(Error::MissingConditions),
            (InspectionResult::Pass | InspectionResult::Fail, Some(_)) => Err(Error::UnexpectedConditions),
            (_, Some(conditions)) => ensure_text(
                conditions,
                MAX_CONDITIONS_LEN,
                Error::InvalidConditions,
                Error::ConditionsHaveControlCharacter,
            ),
            (_, None) => Ok(()),
        }
    }
}

pub(crate) fn attest<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    subject: InspectionSubject,
    scope: Scope,
    finding: Finding,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    // Membership validated every granted scope, so an ill-formed scope is simply not held.
    ensure_accredited(ctx, org, &scope)?;
    let (read_point, covered) = check_subject(ctx, org, &subject)?;
    let now = pallet_timestamp::now(ctx);
    finding.validate(now)?;
    record(ctx, agent, org, subject, scope, finding, covered, None, read_point).map(|_| ())
}

/// Checks that the subject exists and is well formed; returns where it is (the read point) and,
/// for an aggregate, the items it holds now (sorted).
pub(crate) fn check_subject(
    storage: &impl StorageRead,
    org: OrgId,
    subject: &InspectionSubject,
) -> Result<(Option<Location>, Option<Vec<ItemId>>), Error> {
    match subject {
        InspectionSubject::Item(id) => {
            let item = pallet_products::item(storage, id).ok_or(Error::ItemNotFound)?;
            Ok((Some(item.location), None))
        }
        InspectionSubject::Lot { gtin, lot } => {
            // Decoding accepts any 14 bytes; only parsing verifies the digits and check digit.
            if Gtin::parse(gtin.as_bytes()).is_err() {
                return Err(Error::InvalidGtin);
            }
            if !is_valid_serial(lot) {
                return Err(Error::InvalidLot);
            }
            if !pallet_products::LOTS.contains(storage, gtin, lot) {
                return Err(Error::LotNotFound);
            }
            Ok((first_location(storage, org), None))
        }
        InspectionSubject::Aggregate(sscc) => {
            if !is_valid_sscc(sscc) {
                return Err(Error::InvalidSscc);
            }
            let aggregate = pallet_custody::aggregate(storage, sscc).ok_or(Error::AggregateNotFound)?;
            let items: BTreeSet<ItemId> =
                pallet_custody::items_of(storage, &Subject::Aggregate(*sscc)).into_iter().collect();
            if items.len() > MAX_COVERED_ITEMS {
                return Err(Error::TooManyItems);
            }
            Ok((Some(aggregate.location), Some(items.into_iter().collect())))
        }
    }
}

/// One more for an issuer's count, or `TooManyAttestations` when it has its bound already.
pub(crate) fn counted(count: u32) -> Result<u32, Error> {
    if count as usize >= MAX_ATTESTATIONS_PER_SUBJECT {
        return Err(Error::TooManyAttestations);
    }
    Ok(count + 1)
}

/// Writes a new attestation with its indices and emits `Attested`. Every check that can fail is
/// done before the first write.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    issuer: OrgId,
    subject: InspectionSubject,
    scope: Scope,
    finding: Finding,
    covered: Option<Vec<ItemId>>,
    supersedes: Option<AttestationId>,
    read_point: Option<Location>,
) -> Result<AttestationId, DispatchError> {
    let id = NEXT_ATTESTATION_ID.get(ctx);
    let next = id.checked_add(1).ok_or(Error::IdsExhausted)?;
    let subject_count = counted(ISSUER_SUBJECT_COUNT.get(ctx, &subject, &issuer))?;
    let covered = covered.unwrap_or_default();
    let mut coverage = Vec::with_capacity(covered.len());
    for item in &covered {
        coverage.push(counted(ISSUER_COVERAGE_COUNT.get(ctx, item, &issuer))?);
    }
    let time = pallet_timestamp::now(ctx);
    // At most MAX_COVERED_ITEMS, checked when the items were read.
    let covered_count = covered.len() as u32;
    let attestation = Attestation {
        id,
        subject: subject.clone(),
        scope: scope.clone(),
        result: finding.result,
        report_hash: finding.report_hash,
        report_uri: finding.report_uri.clone(),
        valid_until: finding.valid_until,
        conditions: finding.conditions.clone(),
        issuer,
        agent,
        covered_items: covered_count,
        supersedes,
        superseded_by: None,
        superseded_reason: None,
        revoked: None,
        issued_at: ctx.block_number(),
        issued_time: time,
    };
    NEXT_ATTESTATION_ID.put(ctx, &next);
    ATTESTATIONS.insert(ctx, &id, &attestation);
    let mut subject_ids = SUBJECT_ATTESTATIONS.get(ctx, &subject);
    subject_ids.push(id);
    SUBJECT_ATTESTATIONS.insert(ctx, &subject, &subject_ids);
    ISSUER_SUBJECT_COUNT.insert(ctx, &subject, &issuer, &subject_count);
    for (item, count) in covered.iter().zip(&coverage) {
        let mut ids = ITEM_COVERAGE.get(ctx, item);
        ids.push(id);
        ITEM_COVERAGE.insert(ctx, item, &ids);
        ISSUER_COVERAGE_COUNT.insert(ctx, item, &issuer, count);
    }
    if !covered.is_empty() {
        COVERED_ITEMS.insert(ctx, &id, &covered);
    }
    ctx.deposit_event(Event::Attested {
        attestation: id,
        subject,
        covered_items: covered_count,
        scope,
        result: finding.result,
        report_hash: finding.report_hash,
        report_uri: finding.report_uri,
        valid_until: finding.valid_until,
        conditions: finding.conditions,
        supersedes,
        inspector: issuer,
        agent,
        read_point,
        biz_step: BizStep::inspecting,
        disposition: finding.result.disposition(),
        time,
    });
    Ok(id)
}

pub(crate) fn revoke<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    id: AttestationId,
    reason: Vec<u8>,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut attestation = ATTESTATIONS.get(ctx, &id).ok_or(Error::AttestationNotFound)?;
    if attestation.issuer != org && !pallet_membership::has_role(ctx, org, &Role::Regulator) {
        return Err(Error::NotIssuerOrRegulator.into());
    }
    ensure_open(&attestation)?;
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let time = pallet_timestamp::now(ctx);
    attestation.revoked = Some(Revocation { by: org, agent, reason: reason.clone(), at: ctx.block_number(), time });
    ATTESTATIONS.insert(ctx, &id, &attestation);
    ctx.deposit_event(Event::AttestationRevoked {
        attestation: id,
        subject: attestation.subject,
        scope: attestation.scope,
        issuer: attestation.issuer,
        by: org,
        agent,
        reason,
        biz_step: BizStep::inspecting,
        time,
    });
    Ok(())
}

pub(crate) fn supersede<E: From<Event>>(
    ctx: &mut Context<'_, E>,
    agent: AccountId32,
    old_id: AttestationId,
    reason: Vec<u8>,
    finding: Finding,
) -> DispatchResult {
    let org = pallet_membership::organisation_of(ctx, &agent).ok_or(Error::NotMember)?;
    let mut old = ATTESTATIONS.get(ctx, &old_id).ok_or(Error::AttestationNotFound)?;
    if old.issuer != org {
        return Err(Error::NotIssuer.into());
    }
    // A body that lost its accreditation may no longer issue findings, corrected or not.
    ensure_accredited(ctx, org, &old.scope)?;
    ensure_open(&old)?;
    ensure_text(&reason, MAX_REASON_LEN, Error::InvalidReason, Error::ReasonHasControlCharacter)?;
    let now = pallet_timestamp::now(ctx);
    finding.validate(now)?;
    // The new attestation restates the finding about the same goods: an aggregate's covered
    // items are the old attestation's, not what the SSCC holds today.
    let covered = (old.covered_items > 0).then(|| COVERED_ITEMS.get(ctx, &old_id));
    let read_point = match &old.subject {
        InspectionSubject::Item(id) => pallet_products::item(ctx, id).map(|item| item.location),
        InspectionSubject::Lot { .. } => first_location(ctx, org),
        InspectionSubject::Aggregate(sscc) => pallet_custody::aggregate(ctx, sscc).map(|aggregate| aggregate.location),
    };
    let new_id =
        record(ctx, agent, org, old.subject.clone(), old.scope.clone(), finding, covered, Some(old_id), read_point)?;
    old.superseded_by = Some(new_id);
    old.superseded_reason = Some(reason.clone());
    ATTESTATIONS.insert(ctx, &old_id, &old);
    ctx.deposit_event(Event::AttestationSuperseded {
        attestation: old_id,
        by: new_id,
        subject: old.subject,
        scope: old.scope,
        issuer: org,
        agent,
        reason,
        time: now,
    });
    Ok(())
}

pub(crate) fn ensure_accredited(storage: &impl StorageRead, org: OrgId, scope: &Scope) -> Result<(), Error> {
    if pallet_membership::has_role(storage, org, &Role::Inspector { scope: scope.clone() }) {
        Ok(())
    } else {
        Err(Error::NotAccredited)
    }
}

/// `Ok` if the attestation was neither revoked nor superseded.
pub(crate) fn ensure_open(attestation: &Attestation) -> Result<(), Error> {
    if attestation.revoked.is_some() {
        return Err(Error::AlreadyRevoked);
    }
    if attestation.superseded_by.is_some() {
        return Err(Error::AlreadySuperseded);
    }
    Ok(())
}

pub(crate) fn first_location(storage: &impl StorageRead, org: OrgId) -> Option<Location> {
    pallet_membership::organisation(storage, org).and_then(|organisation| organisation.locations.first().cloned())
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
