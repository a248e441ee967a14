//! Storage items described for FRAME metadata V14 (`frame_metadata::v14`), from the same typed
//! declarations the pallets read and write through — the key and value types, the hashers and
//! the names cannot drift from what is stored.
//!
//! An item's modifier and fallback follow its query kind ([`crate::storage::QueryKind`]):
//! `ValueQuery` items are `Default` with the SCALE encoding of the value type's default as
//! fallback (what a client decodes for an absent key, and what the runtime reads); `OptionQuery`
//! items are `Optional` with the encoding of `None` (`0x00`).
//!
//! An item's metadata docs are its doc comment ([`crate::storage_items!`] passes them here), as
//! a reader of the metadata should see it: one entry, the comment's lines joined into
//! paragraphs, and Rust's intra-doc links shown as their text, since no client resolves Rust
//! paths (see [`doc_text`]).

use frame_metadata::v14::{
    PalletConstantMetadata, StorageEntryMetadata, StorageEntryModifier, StorageEntryType,
    StorageHasher as MetadataHasher,
};
use parity_scale_codec::{Decode, Encode};
use scale_info::{form::MetaForm, meta_type, TypeInfo};
use tracechain_primitives::storage_key::StorageHasher;

use crate::{
    storage::{OptionQuery, QueryKind, ValueQuery},
    StorageDoubleMap, StorageMap, StorageValue,
};

/// An entry of a pallet's storage in the metadata.
pub type StorageEntry = StorageEntryMetadata<MetaForm>;

/// A pallet's constant in the metadata.
pub type ConstantEntry = PalletConstantMetadata<MetaForm>;

/// The constant `name` with `value`, SCALE-encoded, described by its type and `docs`.
pub fn constant<T: Encode + TypeInfo + 'static>(name: &'static str, value: T, docs: &'static str) -> ConstantEntry {
    PalletConstantMetadata { name, ty: meta_type::<T>(), value: value.encode(), docs: vec![docs] }
}

/// FRAME's name for a hasher.
fn hasher(hasher: StorageHasher) -> MetadataHasher {
    match hasher {
        StorageHasher::Blake2_128Concat => MetadataHasher::Blake2_128Concat,
        StorageHasher::Twox64Concat => MetadataHasher::Twox64Concat,
        StorageHasher::Identity => MetadataHasher::Identity,
    }
}

/// The metadata modifier and fallback bytes of a query kind over the value type `V`.
pub trait QueryMetadata<V>: QueryKind {
    /// `Optional` or `Default`.
    const MODIFIER: StorageEntryModifier;
    /// What a client decodes an absent key to: `None`'s encoding, or `V::default()`'s.
    fn fallback() -> Vec<u8>;
}

impl<V> QueryMetadata<V> for OptionQuery {
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Optional;
    fn fallback() -> Vec<u8> {
        vec![0]
    }
}

impl<V: Encode + Default> QueryMetadata<V> for ValueQuery {
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Default;
    fn fallback() -> Vec<u8> {
        V::default().encode()
    }
}

fn entry<V, Q: QueryMetadata<V>>(
    name: &'static str,
    ty: StorageEntryType<MetaForm>,
    docs: &'static str,
) -> StorageEntry {
    StorageEntryMetadata { name, modifier: Q::MODIFIER, ty, default: Q::fallback(), docs: vec![docs] }
}

impl<V: Encode + Decode + TypeInfo + 'static, Q: QueryMetadata<V>> StorageValue<V, Q> {
    /// This item's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        entry::<V, Q>(self.item(), StorageEntryType::Plain(meta_type::<V>()), docs)
    }
}

impl<K: Encode + TypeInfo + 'static, V: Encode + Decode + TypeInfo + 'static, Q: QueryMetadata<V>> StorageMap<K, V, Q> {
    /// This map's metadata entry, documented by `docs`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        let ty = StorageEntryType::Map {
            hashers: vec![hasher(self.hasher())],
            key: meta_type::<K>(),
            value: meta_type::<V>(),
        };
        entry::<V, Q>(self.item(), ty, docs)
    }
}

impl<K1, K2, V, Q: QueryMetadata<V>> StorageDoubleMap<K1, K2, V, Q>
where
    K1: Encode + TypeInfo + 'static,
    K2: Encode + TypeInfo + 'static,
    V: Encode + Decode + TypeInfo + 'static,
{
    /// This map's metadata entry, documented by `docs`; its key type is the tuple `(K1, K2)`.
    pub fn metadata(&self, docs: &'static str) -> StorageEntry {
        let (first, second) = self.hashers();
        let ty = StorageEntryType::Map {
            hashers: vec![hasher(first), hasher(second)],
            key: meta_type::<(K1, K2)>(),
            value: meta_type::<V>(),
        };
        entry::<V, Q>(self.item(), ty, docs)
    }
}

/// The length of [`doc_text`]'s rendering of `doc`, to size its array.
pub const fn doc_text_len(doc: &str) -> usize {
    render_doc(doc.as_bytes(), &mut [])
}

/// The metadata text of a doc comment given as its lines, each ended by `\n` (as
/// [`crate::storage_items!`] joins a comment's `#[doc]` lines): every line trimmed; the lines
/// of a paragraph joined by a space, paragraphs by an empty line; and intra-doc links shown as
/// their text: ``[`MAX_LEN`]`` and ``[`Items`](ITEMS)`` read `` `MAX_LEN` `` and `` `Items` ``,
/// `[the spec](https://…)` reads `the spec`. A bracket that starts no link (`[0, 24]`) stays.
/// `N` is [`doc_text_len`] of the same `doc`.
pub const fn doc_text<const N: usize>(doc: &str) -> [u8; N] {
    let mut text = [0; N];
    render_doc(doc.as_bytes(), &mut text);
    text
}

/// Writes the rendering of `doc` into `out` as far as it reaches, and returns its full length:
/// called once with an empty `out` to size the text, then with an `out` of that size.
const fn render_doc(doc: &[u8], out: &mut [u8]) -> usize {
    let mut len = 0;
    let mut paragraph_ended = false;
    let mut start = 0;
    while start < doc.len() {
        let mut end = start;
        while end < doc.len() && doc[end] != b'\n' {
            end += 1;
        }
        let (first, last) = trimmed(doc, start, end);
        if first == last {
            paragraph_ended = true;
        } else {
            if len > 0 && paragraph_ended {
                len = push(out, len, b'\n');
                len = push(out, len, b'\n');
            } else if len > 0 {
                len = push(out, len, b' ');
            }
            paragraph_ended = false;
            len = render_line(doc, first, last, out, len);
        }
        start = end + 1;
    }
    len
}

/// The bounds of `doc[start..end]` without its leading and trailing white space.
const fn trimmed(doc: &[u8], start: usize, end: usize) -> (usize, usize) {
    let (mut first, mut last) = (start, end);
    while first < last && doc[first].is_ascii_whitespace() {
        first += 1;
    }
    while last > first && doc[last - 1].is_ascii_whitespace() {
        last -= 1;
    }
    (first, last)
}

/// Renders one line, `doc[first..last]`, with its links shown as their text.
const fn render_line(doc: &[u8], first: usize, last: usize, out: &mut [u8], mut len: usize) -> usize {
    let mut at = first;
    while at < last {
        if doc[at] == b'[' {
            let label_end = find(doc, at + 1, last, b']');
            if label_end < last {
                let after = label_end + 1;
                // `[label](target)` and `[label][reference]` are links whatever the label;
                // a bare `[label]` is one only as Rust code (``[`path`]``).
                let target_end = if after < last && doc[after] == b'(' {
                    find(doc, after + 1, last, b')')
                } else if after < last && doc[after] == b'[' {
                    find(doc, after + 1, last, b']')
                } else {
                    last
                };
                let bare_code = label_end - at >= 3 && doc[at + 1] == b'`' && doc[label_end - 1] == b'`';
                if target_end < last || bare_code {
                    len = copy(doc, at + 1, label_end, out, len);
                    at = if target_end < last { target_end + 1 } else { after };
                    continue;
                }
            }
        }
        len = push(out, len, doc[at]);
        at += 1;
    }
    len
}

/// The index of the first `byte` in `doc[from..last]`, or `last`.
const fn find(doc: &[u8], from: usize, last: usize, byte: u8) -> usize {
    let mut at = from;
    while at < last && doc[at] != byte {
        at += 1;
    }
    at
}

const fn copy(doc: &[u8], from: usize, to: usize, out: &mut [u8], mut len: usize) -> usize {
    let mut at = from;
    while at < to {
        len = push(out, len, doc[at]);
        at += 1;
    }
    len
}

const fn push(out: &mut [u8], len: usize, byte: u8) -> usize {
    if len < out.len() {
        out[len] = byte;
    }
    len + 1
}

/// A doc comment's metadata text (see [`doc_text`]) as a `&'static str`, computed at compile
/// time: `__metadata_docs!(" line one", " line two")` with the `#[doc]` strings of the comment.
#[doc(hidden)]
#[macro_export]
macro_rules! __metadata_docs {
    ($($line:literal),+) => {{
        const DOC: &str = concat!($($line, "\n"),+);
        const LEN: usize = $crate::metadata::doc_text_len(DOC);
        const TEXT: [u8; LEN] = $crate::metadata::doc_text::<LEN>(DOC);
        // Rendering only drops ASCII brackets, targets and white space, so the text stays UTF-8.
        const STR: &str = match ::core::str::from_utf8(&TEXT) {
            Ok(text) => text,
            Err(_) => panic!("a doc comment's metadata text is not UTF-8"),
        };
        STR
    }};
}

#[cfg(test)]
mod tests {
    fn text(doc: &str) -> String {
        let mut out = vec![0; super::doc_text_len(doc)];
        super::render_doc(doc.as_bytes(), &mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_one_line_comment_is_its_text() {
        assert_eq!(text(" proposal id → proposal, open or closed.\n"), "proposal id → proposal, open or closed.");
        assert_eq!(text(" the \"at most one\" rule.\n"), "the \"at most one\" rule.");
    }

    #[test]
    fn lines_join_into_paragraphs() {
        assert_eq!(
            text(" receiver → the organisations, sorted (at\n most one each).\n"),
            "receiver → the organisations, sorted (at most one each)."
        );
        assert_eq!(text(" First.\n\n Second,\n continued.\n\n"), "First.\n\nSecond, continued.");
        assert_eq!(text("\n   indented \n"), "indented");
    }

    #[test]
    fn intra_doc_links_read_as_their_text() {
        assert_eq!(text(" at most [`MAX_OPEN_PER_SENDER`].\n"), "at most `MAX_OPEN_PER_SENDER`.");
        assert_eq!(text(" (see [`IssuerSubjectCount`](ISSUER_SUBJECT_COUNT)).\n"), "(see `IssuerSubjectCount`).");
        assert_eq!(text(" [`Items`][crate::ITEMS] and [the spec](https://ref.gs1.org/).\n"), "`Items` and the spec.");
    }

    #[test]
    fn brackets_that_are_no_link_stay() {
        assert_eq!(text(" chapters [1, 24], `[u8; 4]`, [a\n"), "chapters [1, 24], `[u8; 4]`, [a");
        assert_eq!(text(" [`]\n"), "[`]");
    }

    #[test]
    fn the_macro_renders_at_compile_time() {
        const DOCS: &str = crate::__metadata_docs!(" the id the next", " proposal gets; [`MAX`].");
        assert_eq!(DOCS, "the id the next proposal gets; `MAX`.");
    }
}
