//! What pallet-customs, the runtime and the RPC use of identity: the resolver domain, GS1
//! Digital Link URIs built and parsed, the item a URI names, sales, counterfeit reports,
//! destructions, an item's status, and the destruction record customs writes.

use crate::*;

/// The resolver domain: genesis's, or [`DEFAULT_RESOLVER_DOMAIN`].
pub fn resolver_domain(storage: &impl StorageRead) -> String {
    RESOLVER_DOMAIN
        .get(storage)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| DEFAULT_RESOLVER_DOMAIN.into())
}

/// Percent-encodes every byte outside the URI unreserved set (`A-Z a-z 0-9 - . _ ~`).
pub fn percent_encode(value: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &byte in value {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Decodes a path segment: `%XX` escapes (either case), and raw characters that RFC 3986 allows
/// unencoded in a path segment (unreserved, sub-delims, `:` and `@`).
fn percent_decode(segment: &str) -> Result<Vec<u8>, ParseError> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).and_then(|digit| char::from(*digit).to_digit(16));
            let low = bytes.get(index + 2).and_then(|digit| char::from(*digit).to_digit(16));
            match (high, low) {
                // Two hex digits make a value below 256.
                (Some(high), Some(low)) => out.push((high * 16 + low) as u8),
                _ => return Err(ParseError::InvalidEncoding),
            }
            index += 3;
        } else if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte);
            index += 1;
        } else {
            return Err(ParseError::InvalidEncoding);
        }
    }
    Ok(out)
}

/// The item's GS1 Digital Link URI on the chain's resolver.
pub fn digital_link(storage: &impl StorageRead, item: &Item) -> String {
    let (qualifier, value) = match &item.kind {
        ItemKind::Serial { serial } => ("21", serial),
        ItemKind::Lot { lot, .. } => ("10", lot),
    };
    format!("https://{}/01/{}/{qualifier}/{}", resolver_domain(storage), item.gtin, percent_encode(value))
}

/// A parsed Digital Link: the GTIN, the key, and the lot given as a qualifier of a serial.
struct ParsedLink {
    gtin: Gtin,
    key: DigitalLinkKey,
    lot_qualifier: Option<Vec<u8>>,
}

/// Parses a GS1 Digital Link URI into the GTIN-14 and the key it names (see the crate docs for
/// the forms accepted).
pub fn parse_digital_link(uri: &str) -> Result<(Gtin, DigitalLinkKey), ParseError> {
    parse_link(uri).map(|link| (link.gtin, link.key))
}

fn parse_link(uri: &str) -> Result<ParsedLink, ParseError> {
    let rest = strip_prefix_ignore_case(uri, "https://")
        .or_else(|| strip_prefix_ignore_case(uri, "http://"))
        .ok_or(ParseError::NotHttp)?;
    // The query (data attributes) and fragment do not identify the item.
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = &rest[..end];
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host_ok = !host.is_empty() && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte));
    if !host_ok {
        return Err(ParseError::InvalidHost { host: host.into() });
    }
    let not_canonical = || ParseError::NotCanonicalPath { path: path.into() };
    let segments: Vec<&str> = path.strip_prefix('/').ok_or_else(not_canonical)?.split('/').collect();
    let (gtin, lot, serial) = match segments.as_slice() {
        ["01", gtin, "21", serial] => (gtin, None, Some(serial)),
        ["01", gtin, "10", lot] => (gtin, Some(lot), None),
        ["01", gtin, "10", lot, "21", serial] => (gtin, Some(lot), Some(serial)),
        _ => return Err(not_canonical()),
    };
    let gtin = Gtin::parse(gtin.as_bytes()).map_err(|error| match error {
        pallet_products::Error::CheckDigitMismatch => ParseError::CheckDigitMismatch,
        _ => ParseError::InvalidGtin,
    })?;
    let lot = match lot {
        Some(lot) => {
            let lot = percent_decode(lot)?;
            if !is_valid_serial(&lot) {
                return Err(ParseError::InvalidLot);
            }
            Some(lot)
        }
        None => None,
    };
    match serial {
        Some(serial) => {
            let serial = percent_decode(serial)?;
            if !is_valid_serial(&serial) {
                return Err(ParseError::InvalidSerial);
            }
            Ok(ParsedLink { gtin, key: DigitalLinkKey::Serial(serial), lot_qualifier: lot })
        }
        None => {
            let lot = lot.ok_or_else(not_canonical)?;
            Ok(ParsedLink { gtin, key: DigitalLinkKey::Lot(lot), lot_qualifier: None })
        }
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// The registered item a Digital Link URI names, on any resolver domain. A serial link that
/// also gives a lot (`/10/<lot>/21/<serial>`) must give the item's own lot.
pub fn item_for_uri(storage: &impl StorageRead, uri: &str) -> Option<ItemId> {
    let link = parse_link(uri).ok()?;
    let id = link.key.item_id(&link.gtin);
    let item = pallet_products::item(storage, &id)?;
    match link.lot_qualifier {
        Some(lot) if item.lot_number() != Some(lot.as_slice()) => None,
        _ => Some(id),
    }
}

/// The item's sale, if sold.
pub fn sale(storage: &impl StorageRead, id: &ItemId) -> Option<Sale> {
    SALES.get(storage, id)
}

/// The brand's counterfeit report on the item, if any.
pub fn counterfeit_report(storage: &impl StorageRead, id: &ItemId) -> Option<StatusChange> {
    COUNTERFEIT_REPORTS.get(storage, id)
}

/// The item's destruction, if destroyed.
pub fn destruction(storage: &impl StorageRead, id: &ItemId) -> Option<StatusChange> {
    DESTRUCTIONS.get(storage, id)
}

/// The status a consumer should see: the stored status, except that an active item covered by a
/// recall (of itself, its lot or its class) shows as `Recalled`.
pub fn status_of(storage: &impl StorageRead, item: &Item) -> ItemStatus {
    if item.status == ItemStatus::Active && pallet_products::recall_of(storage, item).is_some() {
        return ItemStatus::Recalled;
    }
    item.status
}

/// Records the item's destruction ordered elsewhere (customs' `order_destruction`): the record
/// `mark_destroyed` keeps, by `org` with `reason`, at this block, and the status `Destroyed`. An
/// item already destroyed keeps its first record. Writes nothing else and emits no event (the
/// caller emits its own); the caller checked `reason` (1..=256 bytes of UTF-8) and the item.
/// Two reads and two writes.
pub fn record_destruction<E>(ctx: &mut Context<'_, E>, id: &ItemId, org: OrgId, reason: &[u8]) {
    if !DESTRUCTIONS.contains(ctx, id) {
        let time = pallet_timestamp::now(ctx);
        let change = StatusChange { by: org, reason: reason.to_vec(), at: ctx.block_number(), time };
        DESTRUCTIONS.insert(ctx, id, &change);
    }
    pallet_products::set_status(ctx, id, ItemStatus::Destroyed);
}
