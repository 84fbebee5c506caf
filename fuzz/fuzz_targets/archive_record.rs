//! Fuzz the sealed-record reader: canonical JSON is stable (canonicalising a parsed value
//! and parsing it again gives the same value), and the chain verifier reports any content
//! as problems, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use question_bank::archive::canonical::canonical_json;
use question_bank::archive::{ChainVerifier, SealedRecord, GENESIS};

fuzz_target!(|text: &str| {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let canonical = canonical_json(&value);
        let again: serde_json::Value =
            serde_json::from_str(&canonical).expect("canonical JSON parses");
        assert_eq!(again, value);
        assert_eq!(canonical_json(&again), canonical);
    }
    let record = SealedRecord {
        seq: 1,
        content: text.to_owned(),
        hash: String::new(),
        signature: String::new(),
    };
    let mut problems = Vec::new();
    let _ = ChainVerifier::new(Vec::new(), 1, GENESIS).check(&record, &mut problems);
    assert!(!problems.is_empty(), "an unsigned record never verifies");
});
