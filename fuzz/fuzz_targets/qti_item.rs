//! Fuzz the single QTI item reader (2.1 and 3.0 assessmentItem XML) directly, so inputs
//! need not be zip packages to reach it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = question_bank::formats::qti::read_item("fuzz.xml", text);
});
