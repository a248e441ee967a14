//! `Era`: the mortality of a transaction (`CheckMortality`), encoded exactly as `sp_runtime::generic::Era`.
//!
//! - `Immortal` encodes as the single byte `0x00`; an immortal transaction signs the genesis hash.
//! - `Mortal(period, phase)` encodes as a little-endian `u16`: the low 4 bits hold
//!   `clamp(trailing_zeros(period) - 1, 1, 15)` and the high 12 bits `phase / quantize_factor`, where
//!   `quantize_factor = max(period >> 12, 1)`. A mortal transaction is valid from its birth block
//!   (the last block `<= now` congruent to `phase` modulo `period`) for `period` blocks, and it signs
//!   the hash of its birth block, so it cannot be replayed on another fork or after it dies.
//!
//! Decoding rejects encodings whose period is below 4 or whose phase is not below the period.

use parity_scale_codec::{Decode, Encode, Error as CodecError, Input, Output};
use scale_info::{build::Variants, Path, Type, TypeInfo};

use crate::BlockNumber;

/// The longest mortality Substrate allows, in blocks.
pub const MAX_PERIOD: u64 = 1 << 16;

/// A transaction's validity window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// Valid forever (until its nonce is used).
    Immortal,
    /// Valid for `period` blocks from the birth block whose number is `phase` modulo `period`.
    Mortal {
        /// A power of two in `4..=65536`.
        period: u64,
        /// `birth % period`, quantized.
        phase: u64,
    },
}

impl Era {
    /// A mortal era of at least `period` blocks (rounded up to a power of two in `4..=65536`)
    /// born at `current`, as clients build it.
    pub fn mortal(period: u64, current: u64) -> Self {
        let period = period.checked_next_power_of_two().unwrap_or(MAX_PERIOD).clamp(4, MAX_PERIOD);
        let phase = current % period;
        let quantize_factor = (period >> 12).max(1);
        Era::Mortal { period, phase: phase / quantize_factor * quantize_factor }
    }

    /// The first block at which a transaction with this era is valid, given the current block.
    pub fn birth(&self, current: BlockNumber) -> BlockNumber {
        match *self {
            Era::Immortal => 0,
            Era::Mortal { period, phase } => {
                let current = u64::from(current);
                let birth = (current.max(phase) - phase) / period * period + phase;
                // `birth <= max(current, phase) < 2^32` because `phase < period <= 2^16`
                // is only above `current` when `current < 2^16`.
                BlockNumber::try_from(birth).unwrap_or(BlockNumber::MAX)
            }
        }
    }

    /// The first block at which a transaction with this era is no longer valid.
    pub fn death(&self, current: BlockNumber) -> u64 {
        match *self {
            Era::Immortal => u64::MAX,
            Era::Mortal { period, .. } => u64::from(self.birth(current)) + period,
        }
    }

    /// Whether the era is valid at block `current`.
    pub fn is_alive_at(&self, current: BlockNumber) -> bool {
        let birth = self.birth(current);
        birth <= current && u64::from(current) < self.death(current)
    }
}

impl Encode for Era {
    fn encode_to<T: Output + ?Sized>(&self, output: &mut T) {
        match *self {
            Era::Immortal => output.push_byte(0),
            Era::Mortal { period, phase } => {
                let quantize_factor = (period >> 12).max(1);
                let low = u64::from(period.trailing_zeros().saturating_sub(1).clamp(1, 15));
                let encoded = (low | ((phase / quantize_factor) << 4)) as u16;
                encoded.encode_to(output);
            }
        }
    }
}

impl Decode for Era {
    fn decode<I: Input>(input: &mut I) -> Result<Self, CodecError> {
        let first = input.read_byte()?;
        if first == 0 {
            return Ok(Era::Immortal);
        }
        let encoded = u64::from(first) + (u64::from(input.read_byte()?) << 8);
        let period = 2u64 << (encoded % (1 << 4));
        let quantize_factor = (period >> 12).max(1);
        let phase = (encoded >> 4) * quantize_factor;
        if period >= 4 && phase < period {
            Ok(Era::Mortal { period, phase })
        } else {
            Err("Era: invalid period and phase".into())
        }
    }
}

/// `Mortal1` … `Mortal255`, the names Substrate gives the era's variants (index 0 unused).
static MORTAL_VARIANT_NAMES: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (0..=255u8).map(|index| format!("Mortal{index}")).collect());

impl TypeInfo for Era {
    type Identity = Self;

    fn type_info() -> Type {
        // Substrate describes the era as `Immortal` plus 255 two-byte `MortalN` variants; the
        // index of the variant is the first byte of the encoding.
        let mut variants = Variants::new().variant("Immortal", |v| v.index(0));
        for index in 1..=255u8 {
            let name: &'static str = &MORTAL_VARIANT_NAMES[usize::from(index)];
            variants = variants.variant(name, move |v| {
                v.index(index).fields(scale_info::build::Fields::unnamed().field(|f| f.ty::<u8>()))
            });
        }
        Type::builder().path(Path::new("Era", "sp_runtime::generic::era")).variant(variants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn immortal_is_one_zero_byte() {
        assert_eq!(Era::Immortal.encode(), vec![0]);
        assert_eq!(Era::decode(&mut &[0u8][..]), Ok(Era::Immortal));
    }

    #[test]
    fn mortal_matches_substrate_vectors() {
        // sp_runtime::generic::era tests: period 64 at block 42.
        let era = Era::mortal(64, 42);
        assert_eq!(era, Era::Mortal { period: 64, phase: 42 });
        assert_eq!(era.encode(), vec![165, 2]);
        assert_eq!(Era::decode(&mut &[165u8, 2][..]), Ok(era));
        // period 32768 at block 20000: quantized phase.
        let era = Era::mortal(32768, 20_000);
        assert_eq!(era, Era::Mortal { period: 32768, phase: 20_000 / 8 * 8 });
        assert_eq!(era.encode(), vec![78, 156]);
    }

    #[test]
    fn birth_and_death_window() {
        let era = Era::mortal(64, 42);
        assert_eq!(era.birth(42), 42);
        assert_eq!(era.birth(105), 42);
        assert_eq!(era.birth(106), 106);
        assert!(era.is_alive_at(42));
        assert!(era.is_alive_at(105));
        assert_eq!(era.death(42), 106);
        // Before its phase it is not alive: birth would be in the future.
        assert!(!Era::mortal(64, 42).is_alive_at(10));
    }

    #[test]
    fn rejects_invalid_encodings() {
        // period 2 (low bits 0) is below the minimum.
        assert!(Era::decode(&mut &[0x10u8, 0][..]).is_err());
        assert!(Era::decode(&mut &[1u8][..]).is_err());
    }

    proptest! {
        #[test]
        fn mortal_round_trips(period in 4u64..=MAX_PERIOD, current in 0u64..10_000_000) {
            let era = Era::mortal(period, current);
            prop_assert_eq!(Era::decode(&mut &era.encode()[..]), Ok(era));
        }
    }
}
