//! A product's journey assembled from the chain's state, as plain data for integrators, the
//! consumer page and EPCIS export.
//!
//! Everything here is read from pallet storage (never from logs or events), so the same journey
//! can be proven with storage proofs against a finalized block's state root. Steps are ordered by
//! block, then by the order in which the pallets record them. A journey's size is known before its
//! custody history is read ([`journey_parts`]), and a long one is read a history page at a time
//! ([`JourneyParts::page`]), the pages concatenating to the whole journey's steps.

use serde::{Deserialize, Serialize};
use tracechain_primitives::{calendar::UtcDateTime, BlockNumber, Moment};
use tracechain_support::StorageRead;

use pallet_custody::types::StepAction;
use pallet_customs::types::{DecisionKind, Declaration};
use pallet_inspection::types::{Attestation, AttestationStatus, InspectionResult};
use pallet_membership::types::{Location, OrgId, Role};
use pallet_products::types::{CustomsState, ItemId, ItemKind, ItemStatus, ProductClass, Recall};

/// An organisation as shown in a journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    /// Its id in the membership pallet.
    pub id: OrgId,
    /// Its registered name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Its roles, e.g. `manufacturer`, `customs authority (CNSHA)`.
    pub roles: Vec<String>,
}

/// The product class of an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Product name.
    pub name: String,
    /// Brand name.
    pub brand: String,
    /// HS code.
    pub hs_code: String,
    /// Registered country of origin.
    pub origin: String,
    /// The brand's organisation.
    pub brand_organisation: Party,
    /// Off-chain documents: `(0x-hash, uri)`.
    pub documents: Vec<(String, String)>,
}

/// A dated notice on an item: a recall, a sale, a counterfeit report, a destruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// Who.
    pub by: Party,
    /// Why, when a reason is recorded.
    pub reason: Option<String>,
    /// The block.
    pub block: BlockNumber,
    /// The block time (ms since the Unix epoch).
    pub time: Moment,
}

/// One step of the journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The block that recorded it.
    pub block: BlockNumber,
    /// The block time, when known.
    pub time: Option<Moment>,
    /// GS1 CBV business step (`commissioning`, `shipping`, `receiving`, …).
    pub biz_step: String,
    /// GS1 CBV disposition after the step, when it has one.
    pub disposition: Option<String>,
    /// A short human description.
    pub action: String,
    /// The organisation that acted.
    pub party: Party,
    /// The other organisation, for transfers.
    pub counterparty: Option<Party>,
    /// Where (GLN or UN/LOCODE).
    pub location: Option<String>,
    /// The aggregate (SSCC) involved, if any.
    pub aggregate: Option<String>,
    /// Which record of which pallet the step comes from, for machines (EPCIS export).
    pub record: StepRecord,
}

/// The record a journey step comes from: what kind of thing happened, and the id of the record
/// that holds it (a transfer proposal, a customs declaration, an attestation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum StepRecord {
    /// The item was commissioned (products pallet).
    Commissioned,
    /// Custody was proposed to the counterparty: the goods left the party (custody pallet).
    CustodyProposed {
        /// The transfer proposal.
        proposal: u64,
    },
    /// The party accepted custody from the counterparty (custody pallet).
    CustodyAccepted {
        /// The transfer proposal.
        proposal: u64,
    },
    /// The party accepted title from the counterparty (custody pallet).
    OwnershipAccepted {
        /// The transfer proposal.
        proposal: u64,
    },
    /// The item was packed into the step's aggregate (custody pallet).
    Packed,
    /// The item was unpacked from the step's aggregate (custody pallet).
    Unpacked,
    /// An aggregate was formed (custody pallet; aggregates' own journeys).
    Formed,
    /// An aggregate was dissolved (custody pallet; aggregates' own journeys).
    Dissolved,
    /// A customs declaration covering the item was filed (customs pallet).
    Declared {
        /// The declaration.
        declaration: u64,
    },
    /// The port's customs decided on a declaration covering the item (customs pallet).
    CustomsDecision {
        /// The declaration.
        declaration: u64,
    },
    /// An inspection attestation covering the item (inspection pallet).
    Attestation {
        /// The attestation.
        attestation: u64,
    },
    /// A recall of the item, its lot or its class (products pallet).
    Recall,
    /// The retail sale (identity pallet).
    Sale,
    /// The brand reported the code counterfeit (identity pallet).
    CounterfeitReport,
    /// The item was recorded as destroyed (identity pallet).
    Destruction,
}

/// An item's identity, current state and history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    /// The item id (`0x` + blake2-256 of its GS1 element string).
    pub item: String,
    /// Its GS1 Digital Link.
    pub digital_link: String,
    /// GTIN-14.
    pub gtin: String,
    /// Serial number (AI 21), for serialised items.
    pub serial: Option<String>,
    /// Lot number (AI 10).
    pub lot: Option<String>,
    /// Quantity, for lot items.
    pub quantity: Option<u32>,
    /// Production date, YYYYMMDD.
    pub production_date: u32,
    /// Expiry date, YYYYMMDD.
    pub expiry_date: Option<u32>,
    /// The product class.
    pub product: Option<Product>,
    /// What a consumer should see: `active`, `sold`, `recalled`, `destroyed`, `counterfeit`.
    pub status: String,
    /// Current owner.
    pub owner: Party,
    /// Current custodian.
    pub custodian: Party,
    /// Current location.
    pub location: String,
    /// Customs state: `none`, `declared`, `on_hold`, `inspection_required`, `cleared`, `refused`,
    /// `re_exported`, `destroyed`.
    pub customs: String,
    /// The aggregate (SSCC) the item is packed in now.
    pub packed_in: Option<String>,
    /// A recall of the item, its lot or its class.
    pub recall: Option<Notice>,
    /// The retail sale.
    pub sale: Option<Notice>,
    /// A counterfeit report by the brand.
    pub counterfeit: Option<Notice>,
    /// A recorded destruction.
    pub destroyed: Option<Notice>,
    /// Customs declarations covering the item, with their decisions.
    pub declarations: Vec<DeclarationView>,
    /// Inspections covering the item (directly, by lot or by aggregate).
    pub inspections: Vec<InspectionView>,
    /// What happened, in order.
    pub steps: Vec<Step>,
}

/// A customs declaration as shown in a journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclarationView {
    /// Its id.
    pub id: u64,
    /// The declaring importer.
    pub importer: Party,
    /// Port of entry (UN/LOCODE).
    pub port: String,
    /// Declared HS code.
    pub hs_code: String,
    /// Declared origin.
    pub declared_origin: String,
    /// Whether the declared origin differs from the product registry.
    pub origin_mismatch: bool,
    /// `declared`, `on_hold`, `inspection_required`, `cleared`, `refused`, `re_exported` or
    /// `destroyed`.
    pub status: String,
    /// Inspection scopes required before clearance.
    pub required_scopes: Vec<String>,
    /// Supporting documents (`0x` hashes).
    pub documents: Vec<String>,
}

/// An inspection attestation as shown in a journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectionView {
    /// Its id.
    pub id: u64,
    /// The inspection body.
    pub inspector: Party,
    /// Scope, e.g. `quarantine`.
    pub scope: String,
    /// `pass`, `fail` or `conditional`.
    pub result: String,
    /// `in_force`, `expired`, `revoked` or `superseded`, at the state's time.
    pub status: String,
    /// The lab report's hash (`0x`) and URI.
    pub report_hash: String,
    /// Where the report is kept.
    pub report_uri: String,
    /// Valid until (ms since the Unix epoch).
    pub valid_until: Option<Moment>,
    /// The block and time of the attestation.
    pub block: BlockNumber,
    /// Block time.
    pub time: Moment,
}

/// The journey as lines a person reads: a summary, then one line per step, the inspections and
/// the sale.
pub fn describe(journey: &Journey) -> Vec<String> {
    let mut lines = vec![format!(
        "{} — {} · status {} · customs {} · owner {} · custodian {}",
        journey.digital_link,
        journey.product.as_ref().map_or("?", |product| product.name.as_str()),
        journey.status,
        journey.customs,
        journey.owner.name,
        journey.custodian.name,
    )];
    for step in &journey.steps {
        lines.push(format!(
            "  #{:<5} {:<24}  {:<15} {:<28} {} ({}){}",
            step.block,
            step.time.map_or_else(|| "time unproven".to_string(), |time| UtcDateTime::from_unix_ms(time).rfc3339()),
            step.biz_step,
            step.action,
            step.party.name,
            step.party.roles.join(", "),
            step.location.as_ref().map(|location| format!(" at {location}")).unwrap_or_default(),
        ));
    }
    for inspection in &journey.inspections {
        lines.push(format!(
            "  inspection: {} {} by {} (report {}), {}",
            inspection.scope, inspection.result, inspection.inspector.name, inspection.report_hash, inspection.status
        ));
    }
    if let Some(recall) = &journey.recall {
        lines.push(format!(
            "  RECALLED by {} in block #{}: {}",
            recall.by.name,
            recall.block,
            recall.reason.as_deref().unwrap_or("no reason given")
        ));
    }
    if let Some(sale) = &journey.sale {
        lines.push(format!(
            "  sold by {} in block #{} — a second scan shows \"already sold\"",
            sale.by.name, sale.block
        ));
    }
    if let Some(report) = &journey.counterfeit {
        lines.push(format!("  REPORTED COUNTERFEIT by {} in block #{}", report.by.name, report.block));
    }
    lines
}

/// A product class as shown to integrators and consumers.
pub fn product_view(storage: &impl StorageRead, class: &ProductClass) -> Product {
    Product {
        name: text(&class.name),
        brand: text(&class.brand),
        hs_code: text(&class.hs_code),
        origin: class.origin.to_string(),
        brand_organisation: party(storage, class.brand_org),
        documents: class
            .documents
            .iter()
            .map(|document| (format!("{:?}", document.hash), text(&document.uri)))
            .collect(),
    }
}

/// Customs declaration `id` as shown to integrators and consumers.
pub fn declaration_view(storage: &impl StorageRead, id: u64, declaration: &Declaration) -> DeclarationView {
    DeclarationView {
        id,
        importer: party(storage, declaration.importer),
        port: declaration.port.to_string(),
        hs_code: text(&declaration.hs_code),
        declared_origin: declaration.declared_origin.to_string(),
        origin_mismatch: !declaration.origin_mismatch.is_empty(),
        status: customs_name(declaration.status.customs_state()).into(),
        required_scopes: declaration.required_scopes.iter().map(ToString::to_string).collect(),
        documents: declaration.documents.iter().map(|hash| format!("{hash:?}")).collect(),
    }
}

/// An attestation as shown to integrators and consumers; its status is judged at time `now`.
pub fn inspection_view(storage: &impl StorageRead, attestation: &Attestation, now: Moment) -> InspectionView {
    let result = match attestation.result {
        InspectionResult::Pass => "pass",
        InspectionResult::Fail => "fail",
        InspectionResult::Conditional => "conditional",
    };
    InspectionView {
        id: attestation.id,
        inspector: party(storage, attestation.issuer),
        scope: attestation.scope.to_string(),
        result: result.into(),
        status: match attestation.status(now) {
            AttestationStatus::InForce => "in_force",
            AttestationStatus::Expired => "expired",
            AttestationStatus::Revoked => "revoked",
            AttestationStatus::Superseded => "superseded",
        }
        .into(),
        report_hash: format!("{:?}", attestation.report_hash),
        report_uri: text(&attestation.report_uri),
        valid_until: attestation.valid_until,
        block: attestation.issued_at,
        time: attestation.issued_time,
    }
}

/// A recall as shown to integrators and consumers.
pub fn recall_view(storage: &impl StorageRead, recall: &Recall) -> Notice {
    Notice { by: party(storage, recall.by), reason: Some(text(&recall.reason)), block: recall.at, time: recall.time }
}

/// The journey of item `id`, or `None` if no such item exists. `block_time` gives the timestamp
/// of a past block, for steps whose pallet records only the block number.
pub fn journey(
    storage: &impl StorageRead,
    id: &ItemId,
    block_time: &dyn Fn(BlockNumber) -> Option<Moment>,
) -> Option<Journey> {
    journey_parts(storage, id, block_time).map(|parts| parts.into_journey(storage))
}

/// An item's journey with everything read but its custody history's pages: the item's identity
/// and state, the steps other pallets record, and how many steps the history holds. From it,
/// [`JourneyParts::into_journey`] reads every history page for the whole journey, and
/// [`JourneyParts::page`] one page of it, so that the size of an answer is known before the
/// history is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JourneyParts {
    /// The item.
    pub item: ItemId,
    /// The journey without steps.
    pub journey: Journey,
    /// The steps that come before the custody history's steps of their block (commissioning).
    first: Vec<Step>,
    /// The steps that come after the custody history's steps of their block (recall, sale,
    /// counterfeit report, destruction, customs, inspections), in that order.
    rest: Vec<Step>,
    /// How many steps the custody history holds (`Custody.HistoryLength`).
    history_length: u32,
}

/// One page of an item's journey (`trace_getJourneyPage`): the steps of custody history page
/// `page` (`Custody.HistoryPages`, [`pallet_custody::HISTORY_PAGE_STEPS`] steps a page, only the
/// last one shorter) together with the steps other pallets recorded among them, in journey order.
/// A step another pallet recorded goes in the page of the history step that follows it in the
/// journey, or in the last page when no history step follows it; so the pages, in order,
/// concatenate to the journey's steps exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyPage {
    /// The item id.
    pub item: String,
    /// This page's index, from 0.
    pub page: u32,
    /// How many pages the journey has: at least 1, the history's pages otherwise.
    pub pages: u32,
    /// How many steps the whole journey has.
    pub total_steps: u64,
    /// This page's steps, in journey order.
    pub steps: Vec<Step>,
}

/// Why a journey page cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JourneyPageError {
    /// There is no page with this index.
    #[error("page {page} is past the end: the journey has {pages} page(s), 0 to {}", .pages.saturating_sub(1))]
    PastTheEnd {
        /// The page asked for.
        page: u32,
        /// How many pages the journey has.
        pages: u32,
    },
}

impl JourneyParts {
    /// How many steps the whole journey has.
    pub fn total_steps(&self) -> u64 {
        (self.first.len() as u64).saturating_add(u64::from(self.history_length)).saturating_add(self.rest.len() as u64)
    }

    /// How many pages the journey has: the custody history's pages, and at least one (which
    /// holds every step when the history is empty).
    pub fn pages(&self) -> u32 {
        self.history_length.div_ceil(pallet_custody::HISTORY_PAGE_STEPS).max(1)
    }

    /// The whole journey: every history page read, every step in order.
    pub fn into_journey(self, storage: &impl StorageRead) -> Journey {
        let history = pallet_custody::history(storage, &self.item);
        let mut steps = self.first;
        steps.extend(history.iter().map(|step| custody_step(storage, step)));
        steps.extend(self.rest);
        let mut journey = self.journey;
        journey.steps = in_journey_order(steps);
        journey
    }

    /// Page `page` of the journey (see [`JourneyPage`]): reads that history page and the one
    /// before it (for the block of its last step), never the others.
    pub fn page(&self, storage: &impl StorageRead, page: u32) -> Result<JourneyPage, JourneyPageError> {
        let pages = self.pages();
        if page >= pages {
            return Err(JourneyPageError::PastTheEnd { page, pages });
        }
        let history = pallet_custody::history_page(storage, &self.item, page);
        // The block of the history step just before this page, and of the last step of this
        // page when a page follows it: a step of another pallet belongs here when it comes after
        // the first and before the step following the second.
        let before = page.checked_sub(1).and_then(|previous| {
            pallet_custody::history_page(storage, &self.item, previous).last().map(|step| step.block)
        });
        let last_of_page = if page + 1 < pages { history.last().map(|step| step.block) } else { None };
        // A step before the history steps of its block (commissioning) follows every history step
        // of an earlier block; a step after them follows every history step of its block.
        let first = self.first.iter().filter(|step| {
            before.is_none_or(|block| block < step.block) && last_of_page.is_none_or(|block| block >= step.block)
        });
        let rest = self.rest.iter().filter(|step| {
            before.is_none_or(|block| block <= step.block) && last_of_page.is_none_or(|block| block > step.block)
        });
        let mut steps: Vec<Step> = first.cloned().collect();
        steps.extend(history.iter().map(|step| custody_step(storage, step)));
        steps.extend(rest.cloned());
        Ok(JourneyPage {
            item: self.journey.item.clone(),
            page,
            pages,
            total_steps: self.total_steps(),
            steps: in_journey_order(steps),
        })
    }
}

/// Steps in journey order: by block, and within a block in the order given (each pallet's own
/// order); a step without a time takes the time another step of its block records (all steps
/// of a block share its time).
fn in_journey_order(mut steps: Vec<Step>) -> Vec<Step> {
    // A stable sort keeps each pallet's own order within a block.
    steps.sort_by_key(|step| step.block);
    let known: std::collections::BTreeMap<BlockNumber, Moment> =
        steps.iter().filter_map(|step| step.time.map(|time| (step.block, time))).collect();
    for step in &mut steps {
        if step.time.is_none() {
            step.time = known.get(&step.block).copied();
        }
    }
    steps
}

/// The parts of item `id`'s journey, or `None` if no such item exists; `block_time` as for
/// [`journey`].
pub fn journey_parts(
    storage: &impl StorageRead,
    id: &ItemId,
    block_time: &dyn Fn(BlockNumber) -> Option<Moment>,
) -> Option<JourneyParts> {
    let item = pallet_products::item(storage, id)?;
    let class = pallet_products::product_class(storage, &item.gtin);
    let party = |org: OrgId| party(storage, org);
    let notice = |by: OrgId, reason: Option<&[u8]>, block: BlockNumber, time: Moment| Notice {
        by: party(by),
        reason: reason.map(text),
        block,
        time,
    };

    let mut steps = Vec::new();
    if let Some(class) = &class {
        steps.push(Step {
            block: item.commissioned_at,
            time: block_time(item.commissioned_at),
            biz_step: "commissioning".into(),
            disposition: Some("active".into()),
            action: format!("commissioned by {}", text(&class.brand)),
            party: party(class.brand_org),
            counterparty: None,
            location: None,
            aggregate: None,
            record: StepRecord::Commissioned,
        });
    }
    let first = std::mem::take(&mut steps);
    let history_length = pallet_custody::history_length(storage, id);
    let recall = pallet_products::recall_of(storage, &item).map(|recall| recall_view(storage, &recall));
    if let Some(recall) = &recall {
        steps.push(notice_step(recall, "recalling", "recalled", "recalled", StepRecord::Recall));
    }
    let sale = pallet_identity::sale(storage, id).map(|sale| notice(sale.by, None, sale.at, sale.time));
    if let Some(sale) = &sale {
        steps.push(notice_step(sale, "retail_selling", "retail_sold", "sold to a consumer", StepRecord::Sale));
    }
    let counterfeit = pallet_identity::counterfeit_report(storage, id)
        .map(|report| notice(report.by, Some(&report.reason), report.at, report.time));
    if let Some(report) = &counterfeit {
        steps.push(notice_step(
            report,
            "inspecting",
            "non_conformant",
            "reported counterfeit by the brand",
            StepRecord::CounterfeitReport,
        ));
    }
    let destroyed = pallet_identity::destruction(storage, id)
        .map(|destruction| notice(destruction.by, Some(&destruction.reason), destruction.at, destruction.time));
    if let Some(destruction) = &destroyed {
        steps.push(notice_step(destruction, "destroying", "destroyed", "destroyed", StepRecord::Destruction));
    }
    let now = pallet_timestamp::now(storage);
    let declarations: Vec<DeclarationView> = pallet_customs::declarations_of_item(storage, id)
        .into_iter()
        .map(|(declaration_id, declaration)| {
            let port = declaration.port.to_string();
            steps.push(Step {
                block: declaration.declared_at,
                time: Some(declaration.declared_time),
                biz_step: "arriving".into(),
                disposition: Some("in_progress".into()),
                action: format!("customs declaration #{declaration_id} filed for {port}"),
                party: party(declaration.importer),
                counterparty: None,
                location: Some(port.clone()),
                aggregate: None,
                record: StepRecord::Declared { declaration: declaration_id },
            });
            for decision in &declaration.decisions {
                let (biz_step, disposition, action) = decision_words(&decision.kind);
                steps.push(Step {
                    block: decision.at,
                    time: Some(decision.time),
                    biz_step: biz_step.into(),
                    disposition: Some(disposition.into()),
                    action: format!("customs {action} (declaration #{declaration_id})"),
                    party: party(decision.by),
                    counterparty: None,
                    location: Some(port.clone()),
                    aggregate: None,
                    record: StepRecord::CustomsDecision { declaration: declaration_id },
                });
            }
            declaration_view(storage, declaration_id, &declaration)
        })
        .collect();
    let inspections: Vec<InspectionView> = pallet_inspection::covering_attestations(storage, id)
        .into_iter()
        .map(|attestation| {
            let view = inspection_view(storage, &attestation, now);
            steps.push(Step {
                block: attestation.issued_at,
                time: Some(attestation.issued_time),
                biz_step: "inspecting".into(),
                disposition: Some(
                    if attestation.result.counts_as_pass() { "conformant" } else { "non_conformant" }.into(),
                ),
                action: format!("{} inspection: {}", attestation.scope, view.result),
                party: view.inspector.clone(),
                counterparty: None,
                location: None,
                aggregate: None,
                record: StepRecord::Attestation { attestation: attestation.id },
            });
            view
        })
        .collect();

    let (serial, lot, quantity) = match &item.kind {
        ItemKind::Serial { serial } => (Some(text(serial)), item.lot.as_deref().map(text), None),
        ItemKind::Lot { lot, quantity } => (None, Some(text(lot)), Some(*quantity)),
    };
    let journey = Journey {
        item: format!("{id:?}"),
        digital_link: pallet_identity::digital_link(storage, &item),
        gtin: item.gtin.to_string(),
        serial,
        lot,
        quantity,
        production_date: item.production_date,
        expiry_date: item.expiry_date,
        product: class.map(|class| product_view(storage, &class)),
        status: status_name(pallet_identity::status_of(storage, &item)).into(),
        owner: party(item.owner),
        custodian: party(item.custodian),
        location: location_name(&item.location),
        customs: customs_name(item.customs).into(),
        packed_in: item.parent.map(|sscc| text(&sscc)),
        recall,
        sale,
        counterfeit,
        destroyed,
        declarations,
        inspections,
        steps: Vec::new(),
    };
    Some(JourneyParts { item: *id, journey, first, rest: steps, history_length })
}

fn decision_words(kind: &DecisionKind) -> (&'static str, &'static str, String) {
    match kind {
        DecisionKind::Hold { reason } => ("holding", "in_progress", format!("hold: {}", text(reason))),
        DecisionKind::RequireInspection { scopes } => (
            "inspecting",
            "in_progress",
            format!("requires inspection: {}", scopes.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
        ),
        DecisionKind::Clear { certificate_ref } => {
            ("accepting", "active", format!("cleared, certificate {}", text(certificate_ref)))
        }
        DecisionKind::Refuse { reason } => ("holding", "non_conformant", format!("refused: {}", text(reason))),
        DecisionKind::ReExport { reason } => {
            ("departing", "in_transit", format!("re-export ordered: {}", text(reason)))
        }
        DecisionKind::Destroy { reason } => {
            ("destroying", "destroyed", format!("destruction ordered: {}", text(reason)))
        }
    }
}

fn notice_step(notice: &Notice, biz_step: &str, disposition: &str, action: &str, record: StepRecord) -> Step {
    Step {
        block: notice.block,
        time: Some(notice.time),
        biz_step: biz_step.into(),
        disposition: Some(disposition.into()),
        action: match &notice.reason {
            Some(reason) => format!("{action}: {reason}"),
            None => action.into(),
        },
        party: notice.by.clone(),
        counterparty: None,
        location: None,
        aggregate: None,
        record,
    }
}

fn custody_step(storage: &impl StorageRead, step: &pallet_custody::types::JourneyStep) -> Step {
    let sscc_text = |sscc: &[u8; 18]| text(sscc);
    let (biz_step, disposition, action, counterparty, aggregate, record) = match &step.action {
        StepAction::CustodyProposed { proposal, to, aggregate } => (
            "shipping",
            "in_transit",
            "custody handed over",
            Some(*to),
            aggregate.as_ref().map(sscc_text),
            StepRecord::CustodyProposed { proposal: *proposal },
        ),
        StepAction::CustodyAccepted { proposal, from, aggregate } => (
            "receiving",
            "in_progress",
            "custody accepted",
            Some(*from),
            aggregate.as_ref().map(sscc_text),
            StepRecord::CustodyAccepted { proposal: *proposal },
        ),
        StepAction::OwnershipAccepted { proposal, from, aggregate } => (
            "accepting",
            "in_progress",
            "ownership accepted",
            Some(*from),
            aggregate.as_ref().map(sscc_text),
            StepRecord::OwnershipAccepted { proposal: *proposal },
        ),
        StepAction::Packed { sscc, .. } => {
            ("packing", "in_progress", "packed", None, Some(sscc_text(sscc)), StepRecord::Packed)
        }
        StepAction::Unpacked { sscc, .. } => {
            ("unpacking", "in_progress", "unpacked", None, Some(sscc_text(sscc)), StepRecord::Unpacked)
        }
        StepAction::Formed { .. } => ("packing", "in_progress", "aggregate formed", None, None, StepRecord::Formed),
        StepAction::Dissolved => ("unpacking", "in_progress", "aggregate dissolved", None, None, StepRecord::Dissolved),
    };
    Step {
        block: step.block,
        time: Some(step.time),
        biz_step: biz_step.into(),
        disposition: Some(disposition.into()),
        action: action.into(),
        party: party(storage, step.org),
        counterparty: counterparty.map(|org| party(storage, org)),
        location: Some(location_name(&step.location)),
        aggregate,
        record,
    }
}

/// An organisation with its name and roles; an unknown (removed) one keeps its id.
pub fn party(storage: &impl StorageRead, org: OrgId) -> Party {
    match pallet_membership::organisation(storage, org) {
        Some(organisation) => Party {
            id: org,
            name: text(&organisation.name),
            country: organisation.country.to_string(),
            roles: pallet_membership::roles(storage, org).iter().map(role_name).collect(),
        },
        None => {
            Party { id: org, name: format!("organisation #{org} (removed)"), country: String::new(), roles: Vec::new() }
        }
    }
}

/// A role in words.
pub fn role_name(role: &Role) -> String {
    match role {
        Role::Manufacturer => "manufacturer".into(),
        Role::Seller => "seller".into(),
        Role::Carrier => "carrier".into(),
        Role::Importer => "importer".into(),
        Role::CustomsAuthority { port } => format!("customs authority ({port})"),
        Role::Inspector { scope } => format!("inspector ({scope})"),
        Role::Retailer => "retailer".into(),
        Role::Regulator => "regulator".into(),
        Role::Admin => "consortium admin".into(),
    }
}

/// A GLN or UN/LOCODE as text.
pub fn location_name(location: &Location) -> String {
    match location {
        Location::Gln(gln) => format!("GLN {gln}"),
        Location::UnLocode(code) => code.to_string(),
    }
}

fn status_name(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Active => "active",
        ItemStatus::Sold => "sold",
        ItemStatus::Recalled => "recalled",
        ItemStatus::Destroyed => "destroyed",
        ItemStatus::Counterfeit => "counterfeit",
    }
}

fn customs_name(state: CustomsState) -> &'static str {
    match state {
        CustomsState::None => "none",
        CustomsState::Declared => "declared",
        CustomsState::OnHold => "on_hold",
        CustomsState::InspectionRequired => "inspection_required",
        CustomsState::Cleared => "cleared",
        CustomsState::Refused => "refused",
        CustomsState::ReExported => "re_exported",
        CustomsState::Destroyed => "destroyed",
    }
}

/// Bytes that should be UTF-8 text, shown lossily.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
