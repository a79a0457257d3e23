//! Reader stub.

use super::{ReadError, ReadOptions, ReadOutcome};

pub(super) fn read(text: &str, options: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    let _ = (text, options);
    Err(ReadError::Empty)
}
