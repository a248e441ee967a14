//! The permission matrix as data: for every call of the membership and supply-chain pallets
//! and each caller situation, whether the call is allowed or the exact error it fails with.
//!
//! `runtime/tests/permissions.rs` runs every cell against the runtime and generates
//! `docs/permissions.md` from this table ([`render_markdown`]).

#![allow(dead_code)]

/// Who calls, or in what state the goods are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Situation {
    /// An account of the brand (Manufacturer, owner of company prefix 3760001).
    Manufacturer,
    /// An account of an organisation holding only Seller.
    Seller,
    /// An account of the carrier (Carrier), custodian of the goods it was handed.
    Carrier,
    /// An account of the importer (Importer), owner of the goods it imports.
    Importer,
    /// An account of the customs authority of CNSHA.
    CustomsAuthority,
    /// An account of the inspection body accredited for quarantine.
    Inspector,
    /// An account of the retailer (Retailer), custodian of the goods on its shelf.
    Retailer,
    /// An account of the regulator (Regulator).
    Regulator,
    /// An account of an admin organisation (the one that made the open consortium proposal).
    Admin,
    /// An account of a member organisation without roles.
    NoRole,
    /// An account of no member organisation.
    NonMember,
    /// No signature (inherents only).
    Unsigned,
    /// An organisation with the rightful caller's role that is not the party concerned (another
    /// manufacturer, carrier, importer, retailer, inspection body or admin organisation).
    WrongOrganisation,
    /// The customs authority of another port (CNSZX).
    WrongPort,
    /// An inspection body accredited for another scope (quality, not quarantine).
    WrongScope,
    /// The goods' custodian, which does not own them.
    NotOwner,
    /// The goods' owner, which does not hold them.
    NotCustodian,
    /// The rightful caller, the goods declared to customs and awaiting the decision (for
    /// decisions on refused goods: the declaration still open).
    GoodsDeclared,
    /// The rightful caller, the goods held by customs.
    GoodsOnHold,
    /// The rightful caller, the goods refused by customs (for decisions: the declaration refused).
    GoodsRefused,
    /// The rightful caller, the goods' lot under recall.
    GoodsRecalled,
}

impl Situation {
    /// Every situation, in the column order of `docs/permissions.md`.
    pub const ALL: [Situation; 21] = [
        Situation::Manufacturer,
        Situation::Seller,
        Situation::Carrier,
        Situation::Importer,
        Situation::CustomsAuthority,
        Situation::Inspector,
        Situation::Retailer,
        Situation::Regulator,
        Situation::Admin,
        Situation::NoRole,
        Situation::NonMember,
        Situation::Unsigned,
        Situation::WrongOrganisation,
        Situation::WrongPort,
        Situation::WrongScope,
        Situation::NotOwner,
        Situation::NotCustodian,
        Situation::GoodsDeclared,
        Situation::GoodsOnHold,
        Situation::GoodsRefused,
        Situation::GoodsRecalled,
    ];

    /// Whether every call must have a cell in this column.
    pub fn applies_to_every_call(self) -> bool {
        self <= Situation::Unsigned
    }

    /// The column heading.
    pub fn column(self) -> &'static str {
        match self {
            Situation::Manufacturer => "manufacturer",
            Situation::Seller => "seller",
            Situation::Carrier => "carrier",
            Situation::Importer => "importer",
            Situation::CustomsAuthority => "customs",
            Situation::Inspector => "inspector",
            Situation::Retailer => "retailer",
            Situation::Regulator => "regulator",
            Situation::Admin => "admin",
            Situation::NoRole => "no role",
            Situation::NonMember => "non-member",
            Situation::Unsigned => "unsigned",
            Situation::WrongOrganisation => "wrong organisation",
            Situation::WrongPort => "wrong port",
            Situation::WrongScope => "wrong scope",
            Situation::NotOwner => "not owner",
            Situation::NotCustodian => "not custodian",
            Situation::GoodsDeclared => "goods declared",
            Situation::GoodsOnHold => "goods on hold",
            Situation::GoodsRefused => "goods refused",
            Situation::GoodsRecalled => "goods recalled",
        }
    }

    /// What the column means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Situation::Manufacturer => "an account of the brand: Manufacturer, owner of the GTIN's company prefix, registrant of the class, owner and custodian of the goods it has not handed over",
            Situation::Seller => "an account of an organisation holding only Seller",
            Situation::Carrier => "an account of the carrier the goods (or the proposal) were handed to",
            Situation::Importer => "an account of the importer that owns (and holds) the imported goods",
            Situation::CustomsAuthority => "an account of the customs authority of the declaration's port (CNSHA)",
            Situation::Inspector => "an account of the inspection body accredited for quarantine (and issuer of the attestation)",
            Situation::Retailer => "an account of the retailer holding the goods on its shelf",
            Situation::Regulator => "an account of the regulator",
            Situation::Admin => "an account of an admin organisation (the one that made the open consortium proposal)",
            Situation::NoRole => "an account of a member organisation without roles",
            Situation::NonMember => "an account of no member organisation (the executive refuses the transaction before dispatch; the pallet's own error is shown)",
            Situation::Unsigned => "no signature (only inherents are unsigned)",
            Situation::WrongOrganisation => "an organisation with the rightful caller's role that is not the party concerned: another manufacturer, carrier, retailer, importer, inspection body (accredited for quality) or admin organisation (for an approval: an admin organisation other than the proposer's, which may approve)",
            Situation::WrongPort => "the customs authority of another port (CNSZX)",
            Situation::WrongScope => "an inspection body accredited for quality, not quarantine",
            Situation::NotOwner => "the goods' custodian (the carrier), which does not own them",
            Situation::NotCustodian => "the goods' owner (the brand), which does not hold them",
            Situation::GoodsDeclared => "the rightful caller; the goods declared to customs, awaiting the decision (customs' orders on refused goods: the declaration still open)",
            Situation::GoodsOnHold => "the rightful caller; the goods held by customs",
            Situation::GoodsRefused => "the rightful caller; the goods refused by customs (customs' decisions: the declaration refused)",
            Situation::GoodsRecalled => "the rightful caller; the goods' lot under recall (commissioning and recalls: into or of that lot)",
        }
    }
}

/// A cell's expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The call succeeds.
    Allowed,
    /// The call fails with this error: `Pallet.Error`, or `BadOrigin`.
    Err(&'static str),
}

impl Expect {
    /// The cell's text in `docs/permissions.md`.
    pub fn cell(self) -> String {
        match self {
            Expect::Allowed => "allowed".into(),
            Expect::Err(name) => format!("`{name}`"),
        }
    }

    /// The cell as the table's Rust source.
    pub fn rust(self) -> String {
        match self {
            Expect::Allowed => "A".into(),
            Expect::Err(name) => format!("E({name:?})"),
        }
    }
}

/// One cell.
pub struct Row {
    /// `Pallet.call`, with a qualifier in parentheses where a call's rule depends on an argument.
    pub call: &'static str,
    /// Who calls.
    pub situation: Situation,
    /// What happens.
    pub expect: Expect,
}

const fn row(call: &'static str, situation: Situation, expect: Expect) -> Row {
    Row { call, situation, expect }
}

const A: Expect = Expect::Allowed;
#[allow(non_snake_case)]
const fn E(name: &'static str) -> Expect {
    Expect::Err(name)
}

/// The calls of the matrix, in the order of `docs/permissions.md`.
pub const CALLS: &[&str] = &[
    "Membership.propose",
    "Membership.approve",
    "Membership.cancel",
    "Membership.add_location",
    "Membership.report_equivocation",
    "Products.register_class",
    "Products.commission_serials",
    "Products.commission_lot",
    "Products.recall_lot",
    "Products.recall_class",
    "Products.add_document",
    "Custody.propose_transfer(custody)",
    "Custody.propose_transfer(ownership)",
    "Custody.accept",
    "Custody.reject",
    "Custody.cancel",
    "Custody.pack",
    "Custody.unpack",
    "Inspection.attest",
    "Inspection.revoke",
    "Inspection.supersede",
    "Customs.declare",
    "Customs.hold",
    "Customs.require_inspection",
    "Customs.clear",
    "Customs.refuse",
    "Customs.set_inspection_rule",
    "Customs.remove_inspection_rule",
    "Customs.name_importer",
    "Customs.order_reexport",
    "Customs.order_destruction",
    "Identity.mark_sold",
    "Identity.report_counterfeit",
    "Identity.mark_destroyed",
];

/// The call labels, in order.
pub fn call_labels() -> Vec<&'static str> {
    CALLS.to_vec()
}

/// The expectation of cell (`call`, `situation`), if the table has it.
pub fn expected(call: &str, situation: Situation) -> Option<Expect> {
    TABLE.iter().find(|row| row.call == call && row.situation == situation).map(|row| row.expect)
}

use Situation::*;

/// The matrix.
pub const TABLE: &[Row] = &[
    // Membership.propose
    row("Membership.propose", Manufacturer, E("Membership.NotAdmin")),
    row("Membership.propose", Seller, E("Membership.NotAdmin")),
    row("Membership.propose", Carrier, E("Membership.NotAdmin")),
    row("Membership.propose", Importer, E("Membership.NotAdmin")),
    row("Membership.propose", CustomsAuthority, E("Membership.NotAdmin")),
    row("Membership.propose", Inspector, E("Membership.NotAdmin")),
    row("Membership.propose", Retailer, E("Membership.NotAdmin")),
    row("Membership.propose", Regulator, E("Membership.NotAdmin")),
    row("Membership.propose", Admin, A),
    row("Membership.propose", NoRole, E("Membership.NotAdmin")),
    row("Membership.propose", NonMember, E("Membership.NotMember")),
    row("Membership.propose", Unsigned, E("BadOrigin")),
    row("Membership.propose", WrongOrganisation, A),
    // Membership.approve
    row("Membership.approve", Manufacturer, E("Membership.NotAdmin")),
    row("Membership.approve", Seller, E("Membership.NotAdmin")),
    row("Membership.approve", Carrier, E("Membership.NotAdmin")),
    row("Membership.approve", Importer, E("Membership.NotAdmin")),
    row("Membership.approve", CustomsAuthority, E("Membership.NotAdmin")),
    row("Membership.approve", Inspector, E("Membership.NotAdmin")),
    row("Membership.approve", Retailer, E("Membership.NotAdmin")),
    row("Membership.approve", Regulator, E("Membership.NotAdmin")),
    row("Membership.approve", Admin, E("Membership.AlreadyApproved")),
    row("Membership.approve", NoRole, E("Membership.NotAdmin")),
    row("Membership.approve", NonMember, E("Membership.NotMember")),
    row("Membership.approve", Unsigned, E("BadOrigin")),
    row("Membership.approve", WrongOrganisation, A),
    // Membership.cancel
    row("Membership.cancel", Manufacturer, E("Membership.NotProposer")),
    row("Membership.cancel", Seller, E("Membership.NotProposer")),
    row("Membership.cancel", Carrier, E("Membership.NotProposer")),
    row("Membership.cancel", Importer, E("Membership.NotProposer")),
    row("Membership.cancel", CustomsAuthority, E("Membership.NotProposer")),
    row("Membership.cancel", Inspector, E("Membership.NotProposer")),
    row("Membership.cancel", Retailer, E("Membership.NotProposer")),
    row("Membership.cancel", Regulator, E("Membership.NotProposer")),
    row("Membership.cancel", Admin, A),
    row("Membership.cancel", NoRole, E("Membership.NotProposer")),
    row("Membership.cancel", NonMember, E("Membership.NotMember")),
    row("Membership.cancel", Unsigned, E("BadOrigin")),
    row("Membership.cancel", WrongOrganisation, E("Membership.NotProposer")),
    // Membership.add_location
    row("Membership.add_location", Manufacturer, A),
    row("Membership.add_location", Seller, A),
    row("Membership.add_location", Carrier, A),
    row("Membership.add_location", Importer, A),
    row("Membership.add_location", CustomsAuthority, A),
    row("Membership.add_location", Inspector, A),
    row("Membership.add_location", Retailer, A),
    row("Membership.add_location", Regulator, A),
    row("Membership.add_location", Admin, A),
    row("Membership.add_location", NoRole, A),
    row("Membership.add_location", NonMember, E("Membership.NotMember")),
    row("Membership.add_location", Unsigned, E("BadOrigin")),
    // Membership.report_equivocation
    row("Membership.report_equivocation", Manufacturer, E("BadOrigin")),
    row("Membership.report_equivocation", Seller, E("BadOrigin")),
    row("Membership.report_equivocation", Carrier, E("BadOrigin")),
    row("Membership.report_equivocation", Importer, E("BadOrigin")),
    row("Membership.report_equivocation", CustomsAuthority, E("BadOrigin")),
    row("Membership.report_equivocation", Inspector, E("BadOrigin")),
    row("Membership.report_equivocation", Retailer, E("BadOrigin")),
    row("Membership.report_equivocation", Regulator, E("BadOrigin")),
    row("Membership.report_equivocation", Admin, E("BadOrigin")),
    row("Membership.report_equivocation", NoRole, E("BadOrigin")),
    row("Membership.report_equivocation", NonMember, E("BadOrigin")),
    row("Membership.report_equivocation", Unsigned, E("Membership.VotesDoNotConflict")),
    // Products.register_class
    row("Products.register_class", Manufacturer, A),
    row("Products.register_class", Seller, E("Products.NotManufacturer")),
    row("Products.register_class", Carrier, E("Products.NotManufacturer")),
    row("Products.register_class", Importer, E("Products.NotManufacturer")),
    row("Products.register_class", CustomsAuthority, E("Products.NotManufacturer")),
    row("Products.register_class", Inspector, E("Products.NotManufacturer")),
    row("Products.register_class", Retailer, E("Products.NotManufacturer")),
    row("Products.register_class", Regulator, E("Products.NotManufacturer")),
    row("Products.register_class", Admin, E("Products.NotManufacturer")),
    row("Products.register_class", NoRole, E("Products.NotManufacturer")),
    row("Products.register_class", NonMember, E("Products.NotMember")),
    row("Products.register_class", Unsigned, E("BadOrigin")),
    row("Products.register_class", WrongOrganisation, E("Products.PrefixNotOwned")),
    // Products.commission_serials
    row("Products.commission_serials", Manufacturer, A),
    row("Products.commission_serials", Seller, E("Products.NotManufacturer")),
    row("Products.commission_serials", Carrier, E("Products.NotManufacturer")),
    row("Products.commission_serials", Importer, E("Products.NotManufacturer")),
    row("Products.commission_serials", CustomsAuthority, E("Products.NotManufacturer")),
    row("Products.commission_serials", Inspector, E("Products.NotManufacturer")),
    row("Products.commission_serials", Retailer, E("Products.NotManufacturer")),
    row("Products.commission_serials", Regulator, E("Products.NotManufacturer")),
    row("Products.commission_serials", Admin, E("Products.NotManufacturer")),
    row("Products.commission_serials", NoRole, E("Products.NotManufacturer")),
    row("Products.commission_serials", NonMember, E("Products.NotMember")),
    row("Products.commission_serials", Unsigned, E("BadOrigin")),
    row("Products.commission_serials", WrongOrganisation, E("Products.NotBrandOwner")),
    row("Products.commission_serials", GoodsRecalled, E("Products.LotUnderRecall")),
    // Products.commission_lot
    row("Products.commission_lot", Manufacturer, A),
    row("Products.commission_lot", Seller, E("Products.NotManufacturer")),
    row("Products.commission_lot", Carrier, E("Products.NotManufacturer")),
    row("Products.commission_lot", Importer, E("Products.NotManufacturer")),
    row("Products.commission_lot", CustomsAuthority, E("Products.NotManufacturer")),
    row("Products.commission_lot", Inspector, E("Products.NotManufacturer")),
    row("Products.commission_lot", Retailer, E("Products.NotManufacturer")),
    row("Products.commission_lot", Regulator, E("Products.NotManufacturer")),
    row("Products.commission_lot", Admin, E("Products.NotManufacturer")),
    row("Products.commission_lot", NoRole, E("Products.NotManufacturer")),
    row("Products.commission_lot", NonMember, E("Products.NotMember")),
    row("Products.commission_lot", Unsigned, E("BadOrigin")),
    row("Products.commission_lot", WrongOrganisation, E("Products.NotBrandOwner")),
    row("Products.commission_lot", GoodsRecalled, E("Products.LotUnderRecall")),
    // Products.recall_lot
    row("Products.recall_lot", Manufacturer, A),
    row("Products.recall_lot", Seller, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", Carrier, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", Importer, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", CustomsAuthority, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", Inspector, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", Retailer, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", Regulator, A),
    row("Products.recall_lot", Admin, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", NoRole, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", NonMember, E("Products.NotMember")),
    row("Products.recall_lot", Unsigned, E("BadOrigin")),
    row("Products.recall_lot", WrongOrganisation, E("Products.NotBrandOrRegulator")),
    row("Products.recall_lot", GoodsRecalled, E("Products.AlreadyRecalled")),
    // Products.recall_class
    row("Products.recall_class", Manufacturer, A),
    row("Products.recall_class", Seller, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", Carrier, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", Importer, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", CustomsAuthority, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", Inspector, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", Retailer, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", Regulator, A),
    row("Products.recall_class", Admin, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", NoRole, E("Products.NotBrandOrRegulator")),
    row("Products.recall_class", NonMember, E("Products.NotMember")),
    row("Products.recall_class", Unsigned, E("BadOrigin")),
    row("Products.recall_class", WrongOrganisation, E("Products.NotBrandOrRegulator")),
    // Products.add_document
    row("Products.add_document", Manufacturer, A),
    row("Products.add_document", Seller, E("Products.NotManufacturer")),
    row("Products.add_document", Carrier, E("Products.NotManufacturer")),
    row("Products.add_document", Importer, E("Products.NotManufacturer")),
    row("Products.add_document", CustomsAuthority, E("Products.NotManufacturer")),
    row("Products.add_document", Inspector, E("Products.NotManufacturer")),
    row("Products.add_document", Retailer, E("Products.NotManufacturer")),
    row("Products.add_document", Regulator, E("Products.NotManufacturer")),
    row("Products.add_document", Admin, E("Products.NotManufacturer")),
    row("Products.add_document", NoRole, E("Products.NotManufacturer")),
    row("Products.add_document", NonMember, E("Products.NotMember")),
    row("Products.add_document", Unsigned, E("BadOrigin")),
    row("Products.add_document", WrongOrganisation, E("Products.NotBrandOwner")),
    // Custody.propose_transfer(custody)
    row("Custody.propose_transfer(custody)", Manufacturer, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Seller, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Carrier, A),
    row("Custody.propose_transfer(custody)", Importer, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", CustomsAuthority, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Inspector, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Retailer, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Regulator, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", Admin, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", NoRole, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", NonMember, E("Custody.NotMember")),
    row("Custody.propose_transfer(custody)", Unsigned, E("BadOrigin")),
    row("Custody.propose_transfer(custody)", WrongOrganisation, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", NotCustodian, E("Custody.NotCustodian")),
    row("Custody.propose_transfer(custody)", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Custody.propose_transfer(custody)", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Custody.propose_transfer(custody)", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Custody.propose_transfer(custody)", GoodsRecalled, E("Products.ItemRecalled")),
    // Custody.propose_transfer(ownership)
    row("Custody.propose_transfer(ownership)", Manufacturer, A),
    row("Custody.propose_transfer(ownership)", Seller, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Carrier, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Importer, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", CustomsAuthority, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Inspector, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Retailer, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Regulator, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", Admin, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", NoRole, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", NonMember, E("Custody.NotMember")),
    row("Custody.propose_transfer(ownership)", Unsigned, E("BadOrigin")),
    row("Custody.propose_transfer(ownership)", WrongOrganisation, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", NotOwner, E("Custody.NotOwner")),
    row("Custody.propose_transfer(ownership)", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Custody.propose_transfer(ownership)", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Custody.propose_transfer(ownership)", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Custody.propose_transfer(ownership)", GoodsRecalled, E("Products.ItemRecalled")),
    // Custody.accept
    row("Custody.accept", Manufacturer, E("Custody.NotReceiver")),
    row("Custody.accept", Seller, E("Custody.NotReceiver")),
    row("Custody.accept", Carrier, A),
    row("Custody.accept", Importer, E("Custody.NotReceiver")),
    row("Custody.accept", CustomsAuthority, E("Custody.NotReceiver")),
    row("Custody.accept", Inspector, E("Custody.NotReceiver")),
    row("Custody.accept", Retailer, E("Custody.NotReceiver")),
    row("Custody.accept", Regulator, E("Custody.NotReceiver")),
    row("Custody.accept", Admin, E("Custody.NotReceiver")),
    row("Custody.accept", NoRole, E("Custody.NotReceiver")),
    row("Custody.accept", NonMember, E("Custody.NotMember")),
    row("Custody.accept", Unsigned, E("BadOrigin")),
    row("Custody.accept", WrongOrganisation, E("Custody.NotReceiver")),
    row("Custody.accept", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Custody.accept", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Custody.accept", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Custody.accept", GoodsRecalled, E("Products.ItemRecalled")),
    // Custody.reject
    row("Custody.reject", Manufacturer, E("Custody.NotReceiver")),
    row("Custody.reject", Seller, E("Custody.NotReceiver")),
    row("Custody.reject", Carrier, A),
    row("Custody.reject", Importer, E("Custody.NotReceiver")),
    row("Custody.reject", CustomsAuthority, E("Custody.NotReceiver")),
    row("Custody.reject", Inspector, E("Custody.NotReceiver")),
    row("Custody.reject", Retailer, E("Custody.NotReceiver")),
    row("Custody.reject", Regulator, E("Custody.NotReceiver")),
    row("Custody.reject", Admin, E("Custody.NotReceiver")),
    row("Custody.reject", NoRole, E("Custody.NotReceiver")),
    row("Custody.reject", NonMember, E("Custody.NotMember")),
    row("Custody.reject", Unsigned, E("BadOrigin")),
    row("Custody.reject", WrongOrganisation, E("Custody.NotReceiver")),
    // Custody.cancel
    row("Custody.cancel", Manufacturer, A),
    row("Custody.cancel", Seller, E("Custody.NotIssuer")),
    row("Custody.cancel", Carrier, E("Custody.NotIssuer")),
    row("Custody.cancel", Importer, E("Custody.NotIssuer")),
    row("Custody.cancel", CustomsAuthority, E("Custody.NotIssuer")),
    row("Custody.cancel", Inspector, E("Custody.NotIssuer")),
    row("Custody.cancel", Retailer, E("Custody.NotIssuer")),
    row("Custody.cancel", Regulator, E("Custody.NotIssuer")),
    row("Custody.cancel", Admin, E("Custody.NotIssuer")),
    row("Custody.cancel", NoRole, E("Custody.NotIssuer")),
    row("Custody.cancel", NonMember, E("Custody.NotMember")),
    row("Custody.cancel", Unsigned, E("BadOrigin")),
    row("Custody.cancel", WrongOrganisation, E("Custody.NotIssuer")),
    // Custody.pack
    row("Custody.pack", Manufacturer, A),
    row("Custody.pack", Seller, E("Custody.NotCustodian")),
    row("Custody.pack", Carrier, E("Custody.NotCustodian")),
    row("Custody.pack", Importer, E("Custody.NotCustodian")),
    row("Custody.pack", CustomsAuthority, E("Custody.NotCustodian")),
    row("Custody.pack", Inspector, E("Custody.NotCustodian")),
    row("Custody.pack", Retailer, E("Custody.NotCustodian")),
    row("Custody.pack", Regulator, E("Custody.NotCustodian")),
    row("Custody.pack", Admin, E("Custody.NotCustodian")),
    row("Custody.pack", NoRole, E("Custody.NotCustodian")),
    row("Custody.pack", NonMember, E("Custody.NotMember")),
    row("Custody.pack", Unsigned, E("BadOrigin")),
    row("Custody.pack", WrongOrganisation, E("Custody.NotCustodian")),
    row("Custody.pack", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Custody.pack", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Custody.pack", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Custody.pack", GoodsRecalled, E("Products.ItemRecalled")),
    // Custody.unpack
    row("Custody.unpack", Manufacturer, A),
    row("Custody.unpack", Seller, E("Custody.NotCustodian")),
    row("Custody.unpack", Carrier, E("Custody.NotCustodian")),
    row("Custody.unpack", Importer, E("Custody.NotCustodian")),
    row("Custody.unpack", CustomsAuthority, E("Custody.NotCustodian")),
    row("Custody.unpack", Inspector, E("Custody.NotCustodian")),
    row("Custody.unpack", Retailer, E("Custody.NotCustodian")),
    row("Custody.unpack", Regulator, E("Custody.NotCustodian")),
    row("Custody.unpack", Admin, E("Custody.NotCustodian")),
    row("Custody.unpack", NoRole, E("Custody.NotCustodian")),
    row("Custody.unpack", NonMember, E("Custody.NotMember")),
    row("Custody.unpack", Unsigned, E("BadOrigin")),
    row("Custody.unpack", WrongOrganisation, E("Custody.NotCustodian")),
    row("Custody.unpack", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Custody.unpack", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Custody.unpack", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Custody.unpack", GoodsRecalled, A),
    // Inspection.attest
    row("Inspection.attest", Manufacturer, E("Inspection.NotAccredited")),
    row("Inspection.attest", Seller, E("Inspection.NotAccredited")),
    row("Inspection.attest", Carrier, E("Inspection.NotAccredited")),
    row("Inspection.attest", Importer, E("Inspection.NotAccredited")),
    row("Inspection.attest", CustomsAuthority, E("Inspection.NotAccredited")),
    row("Inspection.attest", Inspector, A),
    row("Inspection.attest", Retailer, E("Inspection.NotAccredited")),
    row("Inspection.attest", Regulator, E("Inspection.NotAccredited")),
    row("Inspection.attest", Admin, E("Inspection.NotAccredited")),
    row("Inspection.attest", NoRole, E("Inspection.NotAccredited")),
    row("Inspection.attest", NonMember, E("Inspection.NotMember")),
    row("Inspection.attest", Unsigned, E("BadOrigin")),
    row("Inspection.attest", WrongScope, E("Inspection.NotAccredited")),
    // Inspection.revoke
    row("Inspection.revoke", Manufacturer, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", Seller, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", Carrier, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", Importer, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", CustomsAuthority, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", Inspector, A),
    row("Inspection.revoke", Retailer, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", Regulator, A),
    row("Inspection.revoke", Admin, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", NoRole, E("Inspection.NotIssuerOrRegulator")),
    row("Inspection.revoke", NonMember, E("Inspection.NotMember")),
    row("Inspection.revoke", Unsigned, E("BadOrigin")),
    row("Inspection.revoke", WrongOrganisation, E("Inspection.NotIssuerOrRegulator")),
    // Inspection.supersede
    row("Inspection.supersede", Manufacturer, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Seller, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Carrier, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Importer, E("Inspection.NotIssuer")),
    row("Inspection.supersede", CustomsAuthority, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Inspector, A),
    row("Inspection.supersede", Retailer, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Regulator, E("Inspection.NotIssuer")),
    row("Inspection.supersede", Admin, E("Inspection.NotIssuer")),
    row("Inspection.supersede", NoRole, E("Inspection.NotIssuer")),
    row("Inspection.supersede", NonMember, E("Inspection.NotMember")),
    row("Inspection.supersede", Unsigned, E("BadOrigin")),
    row("Inspection.supersede", WrongOrganisation, E("Inspection.NotIssuer")),
    // Customs.declare
    row("Customs.declare", Manufacturer, E("Customs.NotImporter")),
    row("Customs.declare", Seller, E("Customs.NotImporter")),
    row("Customs.declare", Carrier, E("Customs.NotImporter")),
    row("Customs.declare", Importer, A),
    row("Customs.declare", CustomsAuthority, E("Customs.NotImporter")),
    row("Customs.declare", Inspector, E("Customs.NotImporter")),
    row("Customs.declare", Retailer, E("Customs.NotImporter")),
    row("Customs.declare", Regulator, E("Customs.NotImporter")),
    row("Customs.declare", Admin, E("Customs.NotImporter")),
    row("Customs.declare", NoRole, E("Customs.NotImporter")),
    row("Customs.declare", NonMember, E("Customs.NotMember")),
    row("Customs.declare", Unsigned, E("BadOrigin")),
    row("Customs.declare", WrongOrganisation, E("Customs.NotOwnerOrCustodian")),
    row("Customs.declare", GoodsDeclared, E("Customs.AlreadyDeclared")),
    row("Customs.declare", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Customs.declare", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Customs.declare", GoodsRecalled, E("Products.ItemRecalled")),
    // Customs.hold
    row("Customs.hold", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", CustomsAuthority, A),
    row("Customs.hold", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.hold", NonMember, E("Customs.NotMember")),
    row("Customs.hold", Unsigned, E("BadOrigin")),
    row("Customs.hold", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.hold", GoodsRefused, E("Customs.DeclarationClosed")),
    // Customs.require_inspection
    row("Customs.require_inspection", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", CustomsAuthority, A),
    row("Customs.require_inspection", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.require_inspection", NonMember, E("Customs.NotMember")),
    row("Customs.require_inspection", Unsigned, E("BadOrigin")),
    row("Customs.require_inspection", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.require_inspection", GoodsRefused, E("Customs.DeclarationClosed")),
    // Customs.clear
    row("Customs.clear", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", CustomsAuthority, A),
    row("Customs.clear", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.clear", NonMember, E("Customs.NotMember")),
    row("Customs.clear", Unsigned, E("BadOrigin")),
    row("Customs.clear", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.clear", GoodsRefused, E("Customs.DeclarationClosed")),
    // Customs.refuse
    row("Customs.refuse", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", CustomsAuthority, A),
    row("Customs.refuse", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.refuse", NonMember, E("Customs.NotMember")),
    row("Customs.refuse", Unsigned, E("BadOrigin")),
    row("Customs.refuse", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.refuse", GoodsRefused, E("Customs.DeclarationClosed")),
    // Customs.set_inspection_rule
    row("Customs.set_inspection_rule", Manufacturer, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Seller, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Carrier, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Importer, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", CustomsAuthority, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Inspector, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Retailer, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", Regulator, A),
    row("Customs.set_inspection_rule", Admin, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", NoRole, E("Customs.NotRegulator")),
    row("Customs.set_inspection_rule", NonMember, E("Customs.NotMember")),
    row("Customs.set_inspection_rule", Unsigned, E("BadOrigin")),
    // Customs.remove_inspection_rule
    row("Customs.remove_inspection_rule", Manufacturer, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Seller, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Carrier, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Importer, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", CustomsAuthority, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Inspector, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Retailer, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", Regulator, A),
    row("Customs.remove_inspection_rule", Admin, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", NoRole, E("Customs.NotRegulator")),
    row("Customs.remove_inspection_rule", NonMember, E("Customs.NotMember")),
    row("Customs.remove_inspection_rule", Unsigned, E("BadOrigin")),
    // Customs.name_importer
    row("Customs.name_importer", Manufacturer, E("Customs.NotOwner")),
    row("Customs.name_importer", Seller, E("Customs.NotOwner")),
    row("Customs.name_importer", Carrier, E("Customs.NotOwner")),
    row("Customs.name_importer", Importer, A),
    row("Customs.name_importer", CustomsAuthority, E("Customs.NotOwner")),
    row("Customs.name_importer", Inspector, E("Customs.NotOwner")),
    row("Customs.name_importer", Retailer, E("Customs.NotOwner")),
    row("Customs.name_importer", Regulator, E("Customs.NotOwner")),
    row("Customs.name_importer", Admin, E("Customs.NotOwner")),
    row("Customs.name_importer", NoRole, E("Customs.NotOwner")),
    row("Customs.name_importer", NonMember, E("Customs.NotMember")),
    row("Customs.name_importer", Unsigned, E("BadOrigin")),
    row("Customs.name_importer", WrongOrganisation, E("Customs.NotOwner")),
    // Customs.order_reexport
    row("Customs.order_reexport", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", CustomsAuthority, A),
    row("Customs.order_reexport", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.order_reexport", NonMember, E("Customs.NotMember")),
    row("Customs.order_reexport", Unsigned, E("BadOrigin")),
    row("Customs.order_reexport", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.order_reexport", GoodsDeclared, E("Customs.NotRefused")),
    // Customs.order_destruction
    row("Customs.order_destruction", Manufacturer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Seller, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Carrier, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Importer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", CustomsAuthority, A),
    row("Customs.order_destruction", Inspector, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Retailer, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Regulator, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", Admin, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", NoRole, E("Customs.NotCustomsAuthority")),
    row("Customs.order_destruction", NonMember, E("Customs.NotMember")),
    row("Customs.order_destruction", Unsigned, E("BadOrigin")),
    row("Customs.order_destruction", WrongPort, E("Customs.NotJurisdiction")),
    row("Customs.order_destruction", GoodsDeclared, E("Customs.NotRefused")),
    // Identity.mark_sold
    row("Identity.mark_sold", Manufacturer, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Seller, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Carrier, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Importer, E("Identity.NotRetailer")),
    row("Identity.mark_sold", CustomsAuthority, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Inspector, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Retailer, A),
    row("Identity.mark_sold", Regulator, E("Identity.NotRetailer")),
    row("Identity.mark_sold", Admin, E("Identity.NotRetailer")),
    row("Identity.mark_sold", NoRole, E("Identity.NotRetailer")),
    row("Identity.mark_sold", NonMember, E("Identity.NotMember")),
    row("Identity.mark_sold", Unsigned, E("BadOrigin")),
    row("Identity.mark_sold", WrongOrganisation, E("Identity.NotCustodian")),
    row("Identity.mark_sold", GoodsDeclared, E("Products.ItemAwaitingCustoms")),
    row("Identity.mark_sold", GoodsOnHold, E("Products.ItemOnCustomsHold")),
    row("Identity.mark_sold", GoodsRefused, E("Products.ItemRefusedByCustoms")),
    row("Identity.mark_sold", GoodsRecalled, E("Products.ItemRecalled")),
    // Identity.report_counterfeit
    row("Identity.report_counterfeit", Manufacturer, A),
    row("Identity.report_counterfeit", Seller, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Carrier, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Importer, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", CustomsAuthority, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Inspector, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Retailer, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Regulator, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", Admin, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", NoRole, E("Identity.NotBrandOwner")),
    row("Identity.report_counterfeit", NonMember, E("Identity.NotMember")),
    row("Identity.report_counterfeit", Unsigned, E("BadOrigin")),
    row("Identity.report_counterfeit", WrongOrganisation, E("Identity.NotBrandOwner")),
    // Identity.mark_destroyed
    row("Identity.mark_destroyed", Manufacturer, A),
    row("Identity.mark_destroyed", Seller, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", Carrier, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", Importer, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", CustomsAuthority, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", Inspector, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", Retailer, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", Regulator, A),
    row("Identity.mark_destroyed", Admin, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", NoRole, E("Identity.NotOwnerOrRegulator")),
    row("Identity.mark_destroyed", NonMember, E("Identity.NotMember")),
    row("Identity.mark_destroyed", Unsigned, E("BadOrigin")),
    row("Identity.mark_destroyed", WrongOrganisation, E("Identity.NotOwnerOrRegulator")),
];

/// `docs/permissions.md`: the matrix, calls × situations.
pub fn render_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Permission matrix\n\n");
    out.push_str(
        "Generated from `runtime/tests/common/permissions.rs` by `runtime/tests/permissions.rs`; do not edit by hand.\n\
         Regenerate with `TRACECHAIN_BLESS=1 cargo test -p tracechain-runtime --test permissions`.\n\n\
         Every cell is run against the runtime on one consortium chain: through the dispatch layer (a refused call must\n\
         leave the state root unchanged) and as a signed extrinsic through the executive. A cell says `allowed` or the\n\
         exact error (`Pallet.Error` as in the metadata); `—` is a situation that does not apply to the call. Each\n\
         cell's arguments are otherwise valid, so the error shown is the permission (or goods) rule that refuses it.\n\n",
    );
    let columns: Vec<Situation> = Situation::ALL.to_vec();
    out.push_str("| call |");
    for situation in &columns {
        out.push_str(&format!(" {} |", situation.column()));
    }
    out.push_str("\n|---|");
    for _ in &columns {
        out.push_str("---|");
    }
    out.push('\n');
    for call in CALLS {
        out.push_str(&format!("| `{call}` |"));
        for situation in &columns {
            let cell = expected(call, *situation).map_or_else(|| "—".to_string(), Expect::cell);
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{} cells.\n\n## Situations\n\n", TABLE.len()));
    for situation in &columns {
        out.push_str(&format!("- **{}**: {}.\n", situation.column(), situation.meaning()));
    }
    out
}
