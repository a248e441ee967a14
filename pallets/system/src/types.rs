//! The system pallet's stored types.

use parity_scale_codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use tracechain_primitives::Nonce;

/// What is stored per account (`frame_system::AccountInfo<u32, ()>`): the nonce, and FRAME's
/// reference counters, kept for clients that read them (Tracechain has no balances).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct AccountInfo {
    /// How many transactions the account has applied.
    pub nonce: Nonce,
    /// Modules that depend on this account existing.
    pub consumers: u32,
    /// Modules that allow this account to exist.
    pub providers: u32,
    /// Self-sufficient references.
    pub sufficients: u32,
    /// Per-account data; none on Tracechain.
    pub data: (),
}
