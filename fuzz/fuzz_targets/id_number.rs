//! Fuzz the ID number (身份证号) parser and masking: a parsed number is 18 characters,
//! prints back as parsed, and masking never panics on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use question_bank::id_number::masked;
use question_bank::IdNumber;

fuzz_target!(|text: &str| {
    let _ = masked(text);
    if let Ok(id) = text.parse::<IdNumber>() {
        let printed = id.to_string();
        assert_eq!(printed.chars().count(), 18);
        assert_eq!(printed.parse::<IdNumber>().ok(), Some(id));
    }
});
