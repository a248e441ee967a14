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

#[cfg(test)]
mod tests {
    use super::*;

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
