//! A GS1 Digital Link request as a resolver receives it: the path (`/01/<gtin>/10/<lot>/21/<serial>`)
//! and the query string (`?linkType=gs1:pip&17=261231`), parsed into a [`DigitalLink`] or refused
//! with the exact reason ([`DigitalLinkError`]) that a `400` answer names.
//!
//! Every input is hostile (whatever a browser or scanner sends): [`parse`] never panics, allocates
//! at most in proportion to its bounded input, and reads each byte a bounded number of times.
//!
//! ## Rules (GS1 Digital Link URI syntax, uncompressed form)
//! - **Primary key**: only `01` (GTIN). Its value has 8, 12, 13 or 14 digits and a verifying
//!   check digit; GTIN-8/12/13 are padded with leading zeros to GTIN-14.
//! - **Key qualifiers** of a GTIN: `22` (consumer product variant), `10` (lot), `21` (serial),
//!   each at most once and in that order (`/10/<lot>/21/<serial>`, never `/21/…/10/…`). Any
//!   other qualifier is refused.
//! - **Values**: 1 to 20 characters after percent-decoding, each from GS1's AI encodable
//!   character set 82 (`A–Z a–z 0–9` and ``! " % & ' ( ) * + , - . / : ; < = > ? _``).
//! - **Trailing slash**: one is ignored (`/01/<gtin>/21/17/` is `/01/<gtin>/21/17`); an empty
//!   segment anywhere else is refused.
//! - **Query**: `linkType` at most once: `linkset` or `all` (the linkset), `gs1:defaultLink`
//!   (or none: the default link), `gs1:<name>` or `https://gs1.org/voc/<name>` (a GS1 link
//!   type), or another absolute `https://` link type URI. Every other parameter is carried
//!   through as given ([`DigitalLink::carried_query`]); the date data attributes `11`, `13`,
//!   `15`, `16` and `17` must be six digits (`YYMMDD`).
//!
//! ## Bounds
//! Path at most [`MAX_PATH_BYTES`], query at most [`MAX_QUERY_BYTES`] with at most
//! [`MAX_QUERY_PARAMETERS`] parameters, parameter names at most [`MAX_PARAMETER_NAME`] bytes,
//! link types at most [`MAX_LINK_TYPE_BYTES`]. Values quoted in errors are cut to
//! [`QUOTED_BYTES`].

/// Longest path parsed, in bytes.
pub const MAX_PATH_BYTES: usize = 512;
/// Longest query string parsed, in bytes.
pub const MAX_QUERY_BYTES: usize = 1_024;
/// Most query parameters.
pub const MAX_QUERY_PARAMETERS: usize = 16;
/// Longest query parameter name, in bytes.
pub const MAX_PARAMETER_NAME: usize = 64;
/// Longest link type, in bytes (after percent-decoding).
pub const MAX_LINK_TYPE_BYTES: usize = 128;
/// Longest lot, serial or variant, in characters.
pub const MAX_QUALIFIER_VALUE: usize = 20;
/// How much of a refused value an error quotes.
pub const QUOTED_BYTES: usize = 64;

/// GS1's vocabulary namespace, in which `gs1:` link types live.
pub const GS1_VOC: &str = "https://gs1.org/voc/";

/// A parsed Digital Link request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitalLink {
    /// The GTIN-14, as 14 ASCII digits.
    pub gtin: String,
    /// The consumer product variant (`22`), decoded.
    pub variant: Option<String>,
    /// The lot (`10`), decoded.
    pub lot: Option<String>,
    /// The serial (`21`), decoded.
    pub serial: Option<String>,
    /// What the `linkType` parameter asks for.
    pub link_type: LinkTypeRequest,
    /// Every other query parameter, `name=value` exactly as given, in order.
    pub carried: Vec<String>,
}

/// What a request's `linkType` asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTypeRequest {
    /// No `linkType`, or `gs1:defaultLink` / `gs1:defaultLinkMulti`: the default link.
    Default,
    /// `linkType=linkset` or `linkType=all`: the whole linkset.
    Linkset,
    /// One link type, as its full URI (`gs1:pip` is `https://gs1.org/voc/pip`).
    Named(String),
}

/// Why a request is not a Digital Link this resolver accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DigitalLinkError {
    /// The path is longer than [`MAX_PATH_BYTES`].
    #[error("the path is {length} bytes long; at most {max} are accepted")]
    PathTooLong {
        /// Its length.
        length: usize,
        /// The bound.
        max: usize,
    },
    /// The query string is longer than [`MAX_QUERY_BYTES`].
    #[error("the query string is {length} bytes long; at most {max} are accepted")]
    QueryTooLong {
        /// Its length.
        length: usize,
        /// The bound.
        max: usize,
    },
    /// More than [`MAX_QUERY_PARAMETERS`] query parameters.
    #[error("the query string has more than {max} parameters")]
    TooManyQueryParameters {
        /// The bound.
        max: usize,
    },
    /// The path does not start with `/`.
    #[error("the path does not start with /")]
    NotAbsolute,
    /// The primary key is not `01` (GTIN).
    #[error("primary key {key:?} is not supported here; only 01 (GTIN) is")]
    UnsupportedPrimaryKey {
        /// The first path segment.
        key: String,
    },
    /// `/01` without a GTIN.
    #[error("the path has no GTIN after /01/")]
    MissingGtin,
    /// The GTIN has a character that is not a digit.
    #[error("the GTIN {gtin:?} has a character that is not a digit")]
    GtinNotDigits {
        /// The GTIN as given.
        gtin: String,
    },
    /// The GTIN is not 8, 12, 13 or 14 digits long.
    #[error("the GTIN {gtin:?} has {length} digits; a GTIN has 8, 12, 13 or 14")]
    GtinLength {
        /// The GTIN as given.
        gtin: String,
        /// Its length.
        length: usize,
    },
    /// The GTIN's last digit is not its check digit.
    #[error("the GTIN {gtin:?} ends in {found}, but its check digit is {expected}")]
    CheckDigit {
        /// The GTIN as given.
        gtin: String,
        /// The check digit its other digits give.
        expected: u8,
        /// Its last digit.
        found: u8,
    },
    /// A key qualifier that a GTIN does not have.
    #[error("{qualifier:?} is not a key qualifier of a GTIN (22, 10 and 21 are, in that order)")]
    UnknownQualifier {
        /// The segment as given.
        qualifier: String,
    },
    /// A key qualifier given twice.
    #[error("key qualifier {qualifier} is given twice")]
    RepeatedQualifier {
        /// The qualifier.
        qualifier: &'static str,
    },
    /// Key qualifiers out of GS1's order (22, 10, 21).
    #[error(
        "key qualifier {qualifier} comes after {after}, but GS1's order is 22, 10, 21 (e.g. /10/<lot>/21/<serial>)"
    )]
    QualifierOrder {
        /// The qualifier out of place.
        qualifier: &'static str,
        /// The qualifier it follows.
        after: &'static str,
    },
    /// A key qualifier without a value.
    #[error("key qualifier {qualifier} has no value")]
    EmptyValue {
        /// The qualifier.
        qualifier: &'static str,
    },
    /// A value longer than [`MAX_QUALIFIER_VALUE`] characters.
    #[error("the value of {qualifier} is {length} characters long; at most {max} are allowed")]
    ValueTooLong {
        /// The qualifier.
        qualifier: &'static str,
        /// Its decoded length.
        length: usize,
        /// The bound.
        max: usize,
    },
    /// A value with a character outside GS1's character set 82.
    #[error("the value of {qualifier} has the byte {byte:#04x}, which is outside GS1's character set 82")]
    InvalidCharacter {
        /// The qualifier.
        qualifier: &'static str,
        /// The decoded byte.
        byte: u8,
    },
    /// A `%` not followed by two hex digits, or a character a URI cannot carry unencoded.
    #[error("bad percent-encoding or an unencoded character in {part}")]
    Encoding {
        /// Where: a qualifier or a query parameter.
        part: String,
    },
    /// An empty path segment (`//`).
    #[error("the path has an empty segment (//)")]
    EmptySegment,
    /// `linkType` given twice.
    #[error("linkType is given more than once")]
    RepeatedLinkType,
    /// A `linkType` that is not a link type.
    #[error("linkType {value:?} is not linkset, all, gs1:<name> or an https:// link type URI")]
    InvalidLinkType {
        /// The decoded value.
        value: String,
    },
    /// A query parameter name with characters other than letters, digits, `_`, `-` and `.`, or
    /// empty, or longer than [`MAX_PARAMETER_NAME`].
    #[error("query parameter name {name:?} is not a name")]
    InvalidParameterName {
        /// The name as given.
        name: String,
    },
    /// A date data attribute that is not `YYMMDD`.
    #[error("data attribute {ai} must be six digits (YYMMDD), not {value:?}")]
    InvalidDate {
        /// The application identifier.
        ai: String,
        /// The decoded value.
        value: String,
    },
}

/// Parses a Digital Link request's `path` and `query` (without the `?`).
pub fn parse(path: &str, query: &str) -> Result<DigitalLink, DigitalLinkError> {
    if path.len() > MAX_PATH_BYTES {
        return Err(DigitalLinkError::PathTooLong { length: path.len(), max: MAX_PATH_BYTES });
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(DigitalLinkError::QueryTooLong { length: query.len(), max: MAX_QUERY_BYTES });
    }
    let rest = path.strip_prefix('/').ok_or(DigitalLinkError::NotAbsolute)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let mut segments = rest.split('/');
    match segments.next() {
        Some("01") => {}
        Some("") | None => return Err(DigitalLinkError::EmptySegment),
        Some(other) => return Err(DigitalLinkError::UnsupportedPrimaryKey { key: quote(other) }),
    }
    let gtin = match segments.next() {
        None | Some("") => return Err(DigitalLinkError::MissingGtin),
        Some(gtin) => gtin14(gtin)?,
    };
    let mut link = DigitalLink {
        gtin,
        variant: None,
        lot: None,
        serial: None,
        link_type: LinkTypeRequest::Default,
        carried: Vec::new(),
    };
    let mut last: Option<(usize, &'static str)> = None;
    while let Some(segment) = segments.next() {
        let (rank, qualifier) = match segment {
            "22" => (0, "22"),
            "10" => (1, "10"),
            "21" => (2, "21"),
            "" => return Err(DigitalLinkError::EmptySegment),
            other => return Err(DigitalLinkError::UnknownQualifier { qualifier: quote(other) }),
        };
        if let Some((last_rank, after)) = last {
            if rank == last_rank {
                return Err(DigitalLinkError::RepeatedQualifier { qualifier });
            }
            if rank < last_rank {
                return Err(DigitalLinkError::QualifierOrder { qualifier, after });
            }
        }
        last = Some((rank, qualifier));
        let value = match segments.next() {
            None | Some("") => return Err(DigitalLinkError::EmptyValue { qualifier }),
            Some(value) => qualifier_value(qualifier, value)?,
        };
        match rank {
            0 => link.variant = Some(value),
            1 => link.lot = Some(value),
            _ => link.serial = Some(value),
        }
    }
    parse_query(query, &mut link)?;
    Ok(link)
}

impl DigitalLink {
    /// The canonical path: GTIN-14, qualifiers in GS1's order, values percent-encoded where a
    /// path segment needs it, no trailing slash.
    pub fn path(&self) -> String {
        let mut path = format!("/01/{}", self.gtin);
        for (qualifier, value) in [("22", &self.variant), ("10", &self.lot), ("21", &self.serial)] {
            if let Some(value) = value {
                path.push('/');
                path.push_str(qualifier);
                path.push('/');
                path.push_str(&percent_encode(value));
            }
        }
        path
    }

    /// The product class's path, `/01/<gtin-14>` (where a walk-up answers).
    pub fn class_path(&self) -> String {
        format!("/01/{}", self.gtin)
    }

    /// The carried query parameters joined with `&` (empty when there are none).
    pub fn carried_query(&self) -> String {
        self.carried.join("&")
    }
}

/// Percent-encodes every byte a path segment cannot carry as itself.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// GS1's AI encodable character set 82.
fn is_cset82(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!\"%&'()*+,-./:;<=>?_".contains(&byte)
}

/// At most [`QUOTED_BYTES`] of `text`, cut on a character boundary.
fn quote(text: &str) -> String {
    let mut end = text.len().min(QUOTED_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

fn gtin14(given: &str) -> Result<String, DigitalLinkError> {
    if !given.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(DigitalLinkError::GtinNotDigits { gtin: quote(given) });
    }
    if !matches!(given.len(), 8 | 12 | 13 | 14) {
        return Err(DigitalLinkError::GtinLength { gtin: quote(given), length: given.len() });
    }
    let digits = given.as_bytes();
    let (found, body) = match digits.split_last() {
        Some((last, body)) => (last - b'0', body),
        None => return Err(DigitalLinkError::MissingGtin),
    };
    let expected = crate::gs1::check_digit(body).unwrap_or(u8::MAX);
    if expected != found {
        return Err(DigitalLinkError::CheckDigit { gtin: given.to_string(), expected, found });
    }
    Ok(format!("{given:0>14}"))
}

/// Decodes `%XX` escapes; `None` on a malformed escape or a byte a URI cannot carry unencoded.
fn percent_decode(raw: &str) -> Option<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).and_then(|digit| char::from(*digit).to_digit(16))?;
            let low = bytes.get(index + 2).and_then(|digit| char::from(*digit).to_digit(16))?;
            // Two hex digits make a value below 256.
            out.push((high * 16 + low) as u8);
            index += 3;
        } else if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&byte) {
            out.push(byte);
            index += 1;
        } else {
            return None;
        }
    }
    Some(out)
}

fn qualifier_value(qualifier: &'static str, raw: &str) -> Result<String, DigitalLinkError> {
    let decoded = percent_decode(raw).ok_or_else(|| DigitalLinkError::Encoding { part: qualifier.to_string() })?;
    if decoded.len() > MAX_QUALIFIER_VALUE {
        return Err(DigitalLinkError::ValueTooLong { qualifier, length: decoded.len(), max: MAX_QUALIFIER_VALUE });
    }
    if let Some(&byte) = decoded.iter().find(|byte| !is_cset82(**byte)) {
        return Err(DigitalLinkError::InvalidCharacter { qualifier, byte });
    }
    // Character set 82 is ASCII.
    Ok(decoded.into_iter().map(char::from).collect())
}

fn parse_query(query: &str, link: &mut DigitalLink) -> Result<(), DigitalLinkError> {
    let mut seen_link_type = false;
    let mut count = 0;
    for parameter in query.split('&').filter(|parameter| !parameter.is_empty()) {
        count += 1;
        if count > MAX_QUERY_PARAMETERS {
            return Err(DigitalLinkError::TooManyQueryParameters { max: MAX_QUERY_PARAMETERS });
        }
        let (name, raw) = parameter.split_once('=').unwrap_or((parameter, ""));
        let name_ok = !name.is_empty()
            && name.len() <= MAX_PARAMETER_NAME
            && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"_-.".contains(&byte));
        if !name_ok {
            return Err(DigitalLinkError::InvalidParameterName { name: quote(name) });
        }
        let value = percent_decode(raw).ok_or_else(|| DigitalLinkError::Encoding { part: name.to_string() })?;
        let value = String::from_utf8_lossy(&value);
        if name == "linkType" {
            if seen_link_type {
                return Err(DigitalLinkError::RepeatedLinkType);
            }
            seen_link_type = true;
            link.link_type = link_type(&value)?;
            continue;
        }
        if matches!(name, "11" | "13" | "15" | "16" | "17")
            && !(value.len() == 6 && value.bytes().all(|byte| byte.is_ascii_digit()))
        {
            return Err(DigitalLinkError::InvalidDate { ai: name.to_string(), value: quote(&value) });
        }
        link.carried.push(parameter.to_string());
    }
    Ok(())
}

fn link_type(value: &str) -> Result<LinkTypeRequest, DigitalLinkError> {
    let invalid = || DigitalLinkError::InvalidLinkType { value: quote(value) };
    if value.len() > MAX_LINK_TYPE_BYTES {
        return Err(invalid());
    }
    if value == "linkset" || value == "all" {
        return Ok(LinkTypeRequest::Linkset);
    }
    let gs1_name = value
        .strip_prefix("gs1:")
        .or_else(|| value.strip_prefix(GS1_VOC))
        .or_else(|| value.strip_prefix("http://gs1.org/voc/"));
    if let Some(name) = gs1_name {
        if name.is_empty() || !name.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
            return Err(invalid());
        }
        return Ok(match name {
            "defaultLink" | "defaultLinkMulti" => LinkTypeRequest::Default,
            name => LinkTypeRequest::Named(format!("{GS1_VOC}{name}")),
        });
    }
    let other_uri = value.strip_prefix("https://").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|byte| byte.is_ascii_graphic() && !b"<>\"\\^`{|}".contains(&byte))
    });
    if other_uri {
        Ok(LinkTypeRequest::Named(value.to_string()))
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GTIN: &str = "03760001000016";

    fn ok(path: &str, query: &str) -> DigitalLink {
        parse(path, query).unwrap_or_else(|error| panic!("{path}?{query}: {error}"))
    }

    fn err(path: &str, query: &str) -> DigitalLinkError {
        parse(path, query).expect_err("refused")
    }

    #[test]
    fn serial_lot_and_variant_in_gs1_order() {
        let link = ok(&format!("/01/{GTIN}/22/V1/10/L2019-01/21/17"), "");
        assert_eq!(link.gtin, GTIN);
        assert_eq!(link.variant.as_deref(), Some("V1"));
        assert_eq!(link.lot.as_deref(), Some("L2019-01"));
        assert_eq!(link.serial.as_deref(), Some("17"));
        assert_eq!(link.link_type, LinkTypeRequest::Default);
        assert_eq!(link.path(), format!("/01/{GTIN}/22/V1/10/L2019-01/21/17"));
        assert_eq!(ok(&format!("/01/{GTIN}"), "").path(), format!("/01/{GTIN}"));
        assert_eq!(ok(&format!("/01/{GTIN}/10/L1"), "").serial, None);
    }

    #[test]
    fn check_digit_and_length() {
        assert_eq!(
            err("/01/03760001000017/21/17", ""),
            DigitalLinkError::CheckDigit { gtin: "03760001000017".into(), expected: 6, found: 7 }
        );
        assert_eq!(
            err("/01/037600010000161/21/17", ""),
            DigitalLinkError::GtinLength { gtin: "037600010000161".into(), length: 15 }
        );
        assert_eq!(err("/01/1234567/21/17", ""), DigitalLinkError::GtinLength { gtin: "1234567".into(), length: 7 });
        assert_eq!(
            err("/01/0376000100001A/21/17", ""),
            DigitalLinkError::GtinNotDigits { gtin: "0376000100001A".into() }
        );
        assert_eq!(err("/01", ""), DigitalLinkError::MissingGtin);
        assert_eq!(err("/01/", ""), DigitalLinkError::MissingGtin);
    }

    #[test]
    fn gtin_8_12_13_are_padded_to_14() {
        // GTIN-13 0952123454321 + check digit 3 (the worked example), GTIN-12 614141000418,
        // GTIN-8 95050003.
        assert_eq!(ok("/01/9521234543213", "").gtin, "09521234543213");
        assert_eq!(ok("/01/614141000418/21/5", "").gtin, "00614141000418");
        assert_eq!(ok("/01/95050003", "").gtin, "00000095050003");
        assert_eq!(ok("/01/3760001000016/21/17", "").path(), format!("/01/{GTIN}/21/17"));
    }

    #[test]
    fn qualifiers_in_order_once_each() {
        assert_eq!(
            err(&format!("/01/{GTIN}/21/17/10/L1"), ""),
            DigitalLinkError::QualifierOrder { qualifier: "10", after: "21" }
        );
        assert_eq!(
            err(&format!("/01/{GTIN}/10/L1/22/V"), ""),
            DigitalLinkError::QualifierOrder { qualifier: "22", after: "10" }
        );
        assert_eq!(err(&format!("/01/{GTIN}/21/1/21/2"), ""), DigitalLinkError::RepeatedQualifier { qualifier: "21" });
        assert_eq!(
            err(&format!("/01/{GTIN}/235/X"), ""),
            DigitalLinkError::UnknownQualifier { qualifier: "235".into() }
        );
        assert_eq!(err(&format!("/01/{GTIN}/21"), ""), DigitalLinkError::EmptyValue { qualifier: "21" });
        assert_eq!(err(&format!("/01/{GTIN}/21//"), ""), DigitalLinkError::EmptyValue { qualifier: "21" });
        assert_eq!(err(&format!("/01/{GTIN}//21/1"), ""), DigitalLinkError::EmptySegment);
        assert_eq!(err("/00/376000100000000016", ""), DigitalLinkError::UnsupportedPrimaryKey { key: "00".into() });
        assert_eq!(err("01/x", ""), DigitalLinkError::NotAbsolute);
    }

    #[test]
    fn trailing_slash_is_the_same_link() {
        assert_eq!(ok(&format!("/01/{GTIN}/21/17/"), ""), ok(&format!("/01/{GTIN}/21/17"), ""));
        assert_eq!(ok(&format!("/01/{GTIN}/"), ""), ok(&format!("/01/{GTIN}"), ""));
    }

    #[test]
    fn values_are_percent_decoded_bounded_and_cset82() {
        assert_eq!(ok(&format!("/01/{GTIN}/21/A%2FB%25"), "").serial.as_deref(), Some("A/B%"));
        let link = ok(&format!("/01/{GTIN}/21/A%2FB%25"), "");
        assert_eq!(link.path(), format!("/01/{GTIN}/21/A%2FB%25"));
        assert_eq!(ok(&format!("/01/{GTIN}/21/{}", "9".repeat(20)), "").serial.map(|serial| serial.len()), Some(20));
        assert_eq!(
            err(&format!("/01/{GTIN}/21/{}", "9".repeat(21)), ""),
            DigitalLinkError::ValueTooLong { qualifier: "21", length: 21, max: 20 }
        );
        assert_eq!(
            err(&format!("/01/{GTIN}/10/{}", "L".repeat(21)), ""),
            DigitalLinkError::ValueTooLong { qualifier: "10", length: 21, max: 20 }
        );
        assert_eq!(
            err(&format!("/01/{GTIN}/21/A%20B"), ""),
            DigitalLinkError::InvalidCharacter { qualifier: "21", byte: b' ' }
        );
        assert_eq!(
            err(&format!("/01/{GTIN}/21/%C3%A9"), ""),
            DigitalLinkError::InvalidCharacter { qualifier: "21", byte: 0xc3 }
        );
        assert_eq!(err(&format!("/01/{GTIN}/21/A%2"), ""), DigitalLinkError::Encoding { part: "21".into() });
        assert_eq!(err(&format!("/01/{GTIN}/21/A B"), ""), DigitalLinkError::Encoding { part: "21".into() });
    }

    #[test]
    fn link_types() {
        let path = format!("/01/{GTIN}/21/17");
        assert_eq!(ok(&path, "linkType=linkset").link_type, LinkTypeRequest::Linkset);
        assert_eq!(ok(&path, "linkType=all").link_type, LinkTypeRequest::Linkset);
        assert_eq!(ok(&path, "linkType=gs1:defaultLink").link_type, LinkTypeRequest::Default);
        let pip = LinkTypeRequest::Named("https://gs1.org/voc/pip".into());
        assert_eq!(ok(&path, "linkType=gs1:pip").link_type, pip);
        assert_eq!(ok(&path, "linkType=gs1%3Apip").link_type, pip);
        assert_eq!(ok(&path, "linkType=https://gs1.org/voc/pip").link_type, pip);
        assert_eq!(ok(&path, "linkType=https%3A%2F%2Fgs1.org%2Fvoc%2Fpip").link_type, pip);
        assert_eq!(
            ok(&path, "linkType=https://example.com/voc/x").link_type,
            LinkTypeRequest::Named("https://example.com/voc/x".into())
        );
        assert_eq!(err(&path, "linkType=gs1:pip&linkType=linkset"), DigitalLinkError::RepeatedLinkType);
        assert_eq!(err(&path, "linkType=pip"), DigitalLinkError::InvalidLinkType { value: "pip".into() });
        assert_eq!(err(&path, "linkType=gs1:"), DigitalLinkError::InvalidLinkType { value: "gs1:".into() });
        assert!(matches!(
            err(&path, &format!("linkType=https://{}", "a".repeat(200))),
            DigitalLinkError::InvalidLinkType { .. }
        ));
    }

    #[test]
    fn other_parameters_are_carried_as_given() {
        let link = ok(&format!("/01/{GTIN}/21/17"), "17=261231&linkType=gs1:pip&3103=000189&&lang=fr");
        assert_eq!(link.carried, ["17=261231", "3103=000189", "lang=fr"]);
        assert_eq!(link.carried_query(), "17=261231&3103=000189&lang=fr");
        assert_eq!(
            err(&format!("/01/{GTIN}"), "17=2612"),
            DigitalLinkError::InvalidDate { ai: "17".into(), value: "2612".into() }
        );
        assert_eq!(
            err(&format!("/01/{GTIN}"), "a%20b=1"),
            DigitalLinkError::InvalidParameterName { name: "a%20b".into() }
        );
        let many = vec!["x=1"; MAX_QUERY_PARAMETERS + 1].join("&");
        assert_eq!(
            err(&format!("/01/{GTIN}"), &many),
            DigitalLinkError::TooManyQueryParameters { max: MAX_QUERY_PARAMETERS }
        );
    }

    #[test]
    fn bounds() {
        let long = format!("/01/{GTIN}/21/{}", "1".repeat(MAX_PATH_BYTES));
        assert!(matches!(err(&long, ""), DigitalLinkError::PathTooLong { .. }));
        assert!(matches!(err("/01/x", &"a".repeat(MAX_QUERY_BYTES + 1)), DigitalLinkError::QueryTooLong { .. }));
        // A quoted value is cut on a character boundary.
        let unknown = format!("/01/{GTIN}/{}", "é".repeat(100));
        match err(&unknown, "") {
            DigitalLinkError::UnknownQualifier { qualifier } => assert!(qualifier.len() <= QUOTED_BYTES),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn never_panics(path in "\\PC{0,600}", query in "\\PC{0,200}") {
            let _ = parse(&path, &query);
            let _ = parse(&format!("/01/{GTIN}/{path}"), &query);
        }

        #[test]
        fn parsed_paths_parse_again_to_the_same_link(serial in "[!-~]{1,20}", lot in "[A-Za-z0-9%/]{1,20}") {
            if let Ok(link) = parse(&format!("/01/{GTIN}/10/{lot}/21/{serial}"), "") {
                prop_assert_eq!(parse(&link.path(), "").ok(), Some(link));
            }
        }
    }
}
