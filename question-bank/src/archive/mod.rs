//! 自动记录存档: sealed archive records.
//!
//! When a theory session closes, or a practical assessment is signed off, each candidate's
//! part result becomes a [`RecordBody`]. [`seal`] appends it to the institution's chain:
//! canonical JSON ([`canonical`]) including the previous record's hash, SHA-256, and an
//! Ed25519 signature. [`ChainVerifier`] re-checks a chain record by record, and
//! [`rescore_theory`] re-marks a paper from its bank version, so a certification body can
//! verify everything offline from the records, the public key and the banks.

pub mod canonical;
mod record;
mod rescore;
mod seal;

pub use record::{
    AnswerEvent, AreaScore, Attendance, AuditEntry, InstitutionRef, PersonRef, PracticalOutcome,
    PracticalRecord, RecordBody, SessionRef, SheetEntry, TemplateRef, Termination, TheoryRecord,
    TheoryScore,
};
pub use rescore::{mark_theory, rescore_theory, theory_score};
pub use seal::{
    seal, ArchiveKey, ChainVerifier, Problem, ProblemKind, PublicKey, RecordContent, SealError,
    SealedRecord, GENESIS,
};

#[cfg(test)]
mod tests;
