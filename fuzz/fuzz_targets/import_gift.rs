//! Fuzz the GIFT reader and the row validator: any input gives questions or
//! `file:row: field: reason` errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use question_bank::formats::{import, Format, ImportOptions};
use question_bank::Subject;

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions::new("fuzz", Subject::Q1);
    let _ = import(Format::Gift, "fuzz", data, &options);
});
