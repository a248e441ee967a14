//! The GS1 Core Business Vocabulary (CBV 2.0) that Tracechain records: the business steps and
//! dispositions of EPCIS 2.0 events, by their CBV short names.
//!
//! The pallets record them on chain and the EPCIS export writes them out, so they are declared
//! once, here beside the GS1 identifiers ([`crate::gs1`]). The SCALE indices are stable: a
//! stored step never changes meaning.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// An EPCIS 2.0 business step, named by its CBV 2.0 short name (the variant names are the CBV
/// names so that the metadata, and every client that reads it, shows them as EPCIS does).
/// Shared by the supply-chain pallets; indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum BizStep {
    /// `commissioning`: an identifier is assigned to a new object.
    #[codec(index = 0)]
    commissioning,
    /// `recalling`: a recall is issued.
    #[codec(index = 1)]
    recalling,
    /// `retail_selling`: sold to a consumer.
    #[codec(index = 2)]
    retail_selling,
    /// `destroying`: the object is destroyed.
    #[codec(index = 3)]
    destroying,
    /// `inspecting`: examined for conformance (also how a counterfeit finding is reported).
    #[codec(index = 4)]
    inspecting,
    /// `packing`: packed into an aggregate.
    #[codec(index = 5)]
    packing,
    /// `unpacking`: taken out of an aggregate.
    #[codec(index = 6)]
    unpacking,
    /// `shipping`: leaves a location.
    #[codec(index = 7)]
    shipping,
    /// `receiving`: arrives and is taken in.
    #[codec(index = 8)]
    receiving,
    /// `accepting`: custody or ownership accepted.
    #[codec(index = 9)]
    accepting,
    /// `holding`: held (e.g. by customs).
    #[codec(index = 10)]
    holding,
    /// `arriving`: arrives at a location.
    #[codec(index = 11)]
    arriving,
    /// `departing`: departs from a location.
    #[codec(index = 12)]
    departing,
    /// `storing`: put in storage.
    #[codec(index = 13)]
    storing,
}

impl BizStep {
    /// The CBV short name.
    pub fn as_str(&self) -> &'static str {
        match self {
            BizStep::commissioning => "commissioning",
            BizStep::recalling => "recalling",
            BizStep::retail_selling => "retail_selling",
            BizStep::destroying => "destroying",
            BizStep::inspecting => "inspecting",
            BizStep::packing => "packing",
            BizStep::unpacking => "unpacking",
            BizStep::shipping => "shipping",
            BizStep::receiving => "receiving",
            BizStep::accepting => "accepting",
            BizStep::holding => "holding",
            BizStep::arriving => "arriving",
            BizStep::departing => "departing",
            BizStep::storing => "storing",
        }
    }
}

/// An EPCIS 2.0 disposition, named by its CBV 2.0 short name. Shared by the supply-chain
/// pallets; indices are stable.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum Disposition {
    /// `active`: commissioned and in circulation.
    #[codec(index = 0)]
    active,
    /// `recalled`: under recall.
    #[codec(index = 1)]
    recalled,
    /// `retail_sold`: sold to a consumer.
    #[codec(index = 2)]
    retail_sold,
    /// `destroyed`: destroyed.
    #[codec(index = 3)]
    destroyed,
    /// `non_conformant`: found not to conform (CBV has no "counterfeit"; this is the nearest).
    #[codec(index = 4)]
    non_conformant,
    /// `conformant`: found to conform.
    #[codec(index = 5)]
    conformant,
    /// `in_transit`: on its way between locations.
    #[codec(index = 6)]
    in_transit,
    /// `in_progress`: being handled, no more specific disposition applies.
    #[codec(index = 7)]
    in_progress,
    /// `sellable_accessible`: may be sold, reachable by consumers.
    #[codec(index = 8)]
    sellable_accessible,
    /// `sellable_not_accessible`: may be sold, not yet reachable by consumers.
    #[codec(index = 9)]
    sellable_not_accessible,
    /// `non_sellable_other`: may not be sold, for another reason.
    #[codec(index = 10)]
    non_sellable_other,
}

impl Disposition {
    /// The CBV short name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Disposition::active => "active",
            Disposition::recalled => "recalled",
            Disposition::retail_sold => "retail_sold",
            Disposition::destroyed => "destroyed",
            Disposition::non_conformant => "non_conformant",
            Disposition::conformant => "conformant",
            Disposition::in_transit => "in_transit",
            Disposition::in_progress => "in_progress",
            Disposition::sellable_accessible => "sellable_accessible",
            Disposition::sellable_not_accessible => "sellable_not_accessible",
            Disposition::non_sellable_other => "non_sellable_other",
        }
    }
}
