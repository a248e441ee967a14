//! The checks every pallet applies to what members write in free text and URIs.
//!
//! Free text (names, brands, reasons, conditions) ends up on the consumer page, in EPCIS
//! documents and in explorers. Control characters and Unicode bidirectional-formatting characters
//! can hide or reorder what a reader sees (a name that renders as another organisation's, a
//! reason whose end is hidden), so no text a member writes may contain them ([`check_text`]).
//!
//! A document URI is opened by whoever reads the journey: only `https`, `http`, `ipfs` and `ar`
//! (Arweave) are accepted, so that a `javascript:`, `data:` or `file:` link never reaches a
//! consumer's browser ([`check_uri`]).
//!
//! Each pallet keeps its own error variants (per field, as its other errors are) and maps these
//! answers onto them.
//!
//! A stored text field is a [`BoundedText`]: bytes that passed one of these checks, made only by
//! [`BoundedText::text`], [`BoundedText::name`] or [`BoundedText::uri`], and whose bound holds
//! again when it is decoded. On the wire and in the metadata it is exactly a `Vec<u8>`.

use std::{fmt, ops::Deref};

use parity_scale_codec::{Compact, Decode, Encode, EncodeLike, Error as CodecError, Input, Output};
use scale_info::{Type, TypeInfo};

/// Why a text field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    /// Empty, longer than allowed, or not UTF-8.
    Malformed,
    /// Only white space.
    Blank,
    /// A control character (C0, DEL, C1) or a bidirectional-formatting character.
    ControlCharacter,
}

/// Whether `c` must not appear in member-written text: a control character (`Cc`: C0, DEL, C1)
/// or a bidirectional-formatting character (the Arabic letter mark, the left-to-right and
/// right-to-left marks, the embeddings and overrides U+202A..=U+202E and the isolates
/// U+2066..=U+2069).
pub fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` is 1..=`max_len` bytes of UTF-8 without control or bidirectional-formatting
/// characters. Blank text (only white space) is accepted here; see [`check_name`].
pub fn check_text(text: &[u8], max_len: usize) -> Result<&str, TextError> {
    if text.is_empty() || text.len() > max_len {
        return Err(TextError::Malformed);
    }
    let text = std::str::from_utf8(text).map_err(|_| TextError::Malformed)?;
    if text.chars().any(is_hidden_character) {
        return Err(TextError::ControlCharacter);
    }
    Ok(text)
}

/// As [`check_text`], and not blank: a name must show something.
pub fn check_name(text: &[u8], max_len: usize) -> Result<&str, TextError> {
    let text = check_text(text, max_len)?;
    if text.trim().is_empty() {
        return Err(TextError::Blank);
    }
    Ok(text)
}

/// The URI schemes a document or report link may have (compared case-insensitively).
pub const ALLOWED_URI_SCHEMES: [&str; 4] = ["https", "http", "ipfs", "ar"];

/// Why a URI was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriError {
    /// Empty, longer than allowed, or not printable ASCII (white space and control characters
    /// included).
    Malformed,
    /// No scheme, a scheme other than [`ALLOWED_URI_SCHEMES`], or nothing after the scheme.
    SchemeNotAllowed,
}

/// `uri` is 1..=`max_len` bytes of printable ASCII (no white space, no control characters) of
/// the form `<scheme>:<rest>` with an allowed scheme (any case) and a non-empty rest.
pub fn check_uri(uri: &[u8], max_len: usize) -> Result<(), UriError> {
    if uri.is_empty() || uri.len() > max_len || !uri.iter().all(u8::is_ascii_graphic) {
        return Err(UriError::Malformed);
    }
    let colon = uri.iter().position(|&b| b == b':').ok_or(UriError::SchemeNotAllowed)?;
    let (scheme, rest) = (&uri[..colon], &uri[colon + 1..]);
    let allowed = ALLOWED_URI_SCHEMES.iter().any(|allowed| scheme.eq_ignore_ascii_case(allowed.as_bytes()));
    if !allowed || rest.is_empty() {
        return Err(UriError::SchemeNotAllowed);
    }
    Ok(())
}

/// At most `MAX` bytes of member-written text or a URI, checked when made: the one way a pallet
/// stores free text.
///
/// - **Made only through the checks**: [`BoundedText::text`] ([`check_text`]),
///   [`BoundedText::name`] ([`check_name`]) and [`BoundedText::uri`] ([`check_uri`]), each with
///   `MAX` as the longest length. A pallet keeps its per-field errors by mapping the check's
///   answer (`BoundedText::text(reason).map_err(…)`).
/// - **Encoded as `Vec<u8>`**: a compact length, then the bytes. Its [`TypeInfo`] *is*
///   `Vec<u8>`'s (its identity included), so a type holding it has the same metadata as with a
///   `Vec<u8>`, and clients decode it as before.
/// - **Decoding enforces the bound**: a length prefix above `MAX` is refused before anything is
///   read or allocated. Decoding checks only the length: what is stored was checked when made,
///   and a stored value that no longer passes a check is not turned into a decoding failure.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BoundedText<const MAX: usize>(Vec<u8>);

impl<const MAX: usize> BoundedText<MAX> {
    /// `text` if it passes [`check_text`] with `MAX` as the longest length.
    pub fn text(text: Vec<u8>) -> Result<Self, TextError> {
        check_text(&text, MAX)?;
        Ok(Self(text))
    }

    /// `name` if it passes [`check_name`] with `MAX` as the longest length.
    pub fn name(name: Vec<u8>) -> Result<Self, TextError> {
        check_name(&name, MAX)?;
        Ok(Self(name))
    }

    /// `uri` if it passes [`check_uri`] with `MAX` as the longest length.
    pub fn uri(uri: Vec<u8>) -> Result<Self, UriError> {
        check_uri(&uri, MAX)?;
        Ok(Self(uri))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, owned.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

impl<const MAX: usize> Deref for BoundedText<MAX> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl<const MAX: usize> AsRef<[u8]> for BoundedText<MAX> {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl<const MAX: usize> From<BoundedText<MAX>> for Vec<u8> {
    fn from(text: BoundedText<MAX>) -> Self {
        text.0
    }
}

/// As the bytes' `Vec<u8>` shows them.
impl<const MAX: usize> fmt::Debug for BoundedText<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MAX: usize> PartialEq<Vec<u8>> for BoundedText<MAX> {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.0 == *other
    }
}

impl<const MAX: usize> PartialEq<BoundedText<MAX>> for Vec<u8> {
    fn eq(&self, other: &BoundedText<MAX>) -> bool {
        *self == other.0
    }
}

impl<const MAX: usize> PartialEq<[u8]> for BoundedText<MAX> {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl<const MAX: usize> PartialEq<&[u8]> for BoundedText<MAX> {
    fn eq(&self, other: &&[u8]) -> bool {
        self.0 == *other
    }
}

impl<const MAX: usize, const N: usize> PartialEq<[u8; N]> for BoundedText<MAX> {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.0 == other
    }
}

impl<const MAX: usize, const N: usize> PartialEq<&[u8; N]> for BoundedText<MAX> {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.0 == *other
    }
}

impl<const MAX: usize> Encode for BoundedText<MAX> {
    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }

    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        self.0.encode_to(dest)
    }

    fn using_encoded<R, F: FnOnce(&[u8]) -> R>(&self, f: F) -> R {
        self.0.using_encoded(f)
    }

    fn encoded_size(&self) -> usize {
        self.0.encoded_size()
    }
}

impl<const MAX: usize> EncodeLike for BoundedText<MAX> {}
impl<const MAX: usize> EncodeLike<Vec<u8>> for BoundedText<MAX> {}
impl<const MAX: usize> EncodeLike<BoundedText<MAX>> for Vec<u8> {}

impl<const MAX: usize> Decode for BoundedText<MAX> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
        let len = Compact::<u32>::decode(input)?.0 as usize;
        if len > MAX {
            return Err("text longer than its bound".into());
        }
        let mut bytes = vec![0; len];
        input.read(&mut bytes)?;
        Ok(Self(bytes))
    }
}

/// `Vec<u8>`'s type, identity included: the metadata shows a `BoundedText` as a `Vec<u8>`, with
/// the same type id.
impl<const MAX: usize> TypeInfo for BoundedText<MAX> {
    type Identity = <Vec<u8> as TypeInfo>::Identity;

    fn type_info() -> Type {
        <Vec<u8> as TypeInfo>::type_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_is_made_through_the_checks() {
        assert_eq!(
            BoundedText::<8>::text(b"a reason".to_vec()).map(|text| text.into_inner()),
            Ok(b"a reason".to_vec())
        );
        assert_eq!(BoundedText::<7>::text(b"a reason".to_vec()), Err(TextError::Malformed));
        assert_eq!(BoundedText::<8>::text(b"a\nb".to_vec()), Err(TextError::ControlCharacter));
        assert_eq!(BoundedText::<8>::name(b"  ".to_vec()), Err(TextError::Blank));
        assert_eq!(BoundedText::<8>::text(b"  ".to_vec()).map(|text| text.len()), Ok(2));
        assert_eq!(BoundedText::<16>::uri(b"javascript:x".to_vec()), Err(UriError::SchemeNotAllowed));
        assert_eq!(BoundedText::<16>::uri(b"ipfs://bafy".to_vec()).map(|uri| uri == b"ipfs://bafy"), Ok(true));
    }

    #[test]
    fn bounded_text_encodes_as_bytes_and_decodes_within_its_bound() {
        let text = BoundedText::<300>::text(vec![b'x'; 300]).unwrap();
        assert_eq!(text.encode(), vec![b'x'; 300].encode());
        assert_eq!(BoundedText::<300>::decode(&mut &text.encode()[..]), Ok(text.clone()));
        assert_eq!(
            Option::<BoundedText<300>>::decode(&mut &Some(vec![b'y'; 3]).encode()[..]).unwrap().unwrap(),
            b"yyy"
        );
        // One byte over the bound is refused on its length prefix.
        assert!(BoundedText::<299>::decode(&mut &text.encode()[..]).is_err());
        // A prefix claiming 4 GiB is refused without reading (or allocating) it.
        let huge = Compact(u32::MAX).encode();
        assert!(BoundedText::<300>::decode(&mut &huge[..]).is_err());
        // A prefix within the bound over too few bytes is refused too.
        assert!(BoundedText::<300>::decode(&mut &[12u8, b'a'][..]).is_err());
    }

    #[test]
    fn bounded_text_has_the_type_of_bytes() {
        use scale_info::{meta_type, Registry};
        assert_eq!(BoundedText::<5>::type_info(), Vec::<u8>::type_info());
        let mut registry = Registry::new();
        let bytes = registry.register_type(&meta_type::<Vec<u8>>());
        let text = registry.register_type(&meta_type::<BoundedText<5>>());
        assert_eq!(bytes.id, text.id);
    }

    #[test]
    fn text_refuses_control_and_bidi_characters() {
        assert_eq!(check_text("Château X 2019, 750 ml".as_bytes(), 128), Ok("Château X 2019, 750 ml"));
        assert_eq!(check_text("上海 Fine Imports".as_bytes(), 128).map(|_| ()), Ok(()));
        for bad in [
            "a\u{0}b",
            "line\nbreak",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}",
            "abc\u{202e}gpj.exe",
            "\u{2066}x",
            "\u{200f}",
        ] {
            assert_eq!(check_text(bad.as_bytes(), 128), Err(TextError::ControlCharacter), "{bad:?}");
        }
        assert_eq!(check_text(b"", 128), Err(TextError::Malformed));
        assert_eq!(check_text(&[0xff, 0xfe], 128), Err(TextError::Malformed));
        assert_eq!(check_text(b"abcd", 3), Err(TextError::Malformed));
        assert_eq!(check_text(b"   ", 3), Ok("   "));
        assert_eq!(check_name(b"   ", 3), Err(TextError::Blank));
    }

    #[test]
    fn uris_have_an_allowed_scheme() {
        for good in ["https://example.com/a.pdf", "HTTP://x", "ipfs://bafy", "IPFS:QmHash", "ar://tx", "Ar:tx"] {
            assert_eq!(check_uri(good.as_bytes(), 256), Ok(()), "{good}");
        }
        for bad in
            ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "ftp://x", "https:", "noscheme", ":x"]
        {
            assert_eq!(check_uri(bad.as_bytes(), 256), Err(UriError::SchemeNotAllowed), "{bad}");
        }
        for bad in ["", "https://a b", "https://a\tb", "https://a\u{0}", "https://é"] {
            assert_eq!(check_uri(bad.as_bytes(), 256), Err(UriError::Malformed), "{bad:?}");
        }
        assert_eq!(check_uri(b"https://abc", 5), Err(UriError::Malformed));
    }
}
