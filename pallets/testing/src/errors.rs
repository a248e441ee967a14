//! Module errors as a dispatch returns them, to compare against in tests of indices.

use tracechain_support::{DispatchError, ModuleError};

/// The `DispatchError` of error number `error` of the pallet at index `pallet_index`: the error's
/// SCALE index in the first byte, the other three zero (no error of a Tracechain pallet has
/// fields that encode into them).
pub fn module_error(pallet_index: u8, error: u8) -> DispatchError {
    DispatchError::Module(ModuleError { index: pallet_index, error: [error, 0, 0, 0] })
}
