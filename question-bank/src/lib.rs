//! CraneExam domain (起重机作业人员考试系统): questions, banks, blueprints, paper assembly,
//! scoring and the HTTP wire types. Pure: no IO, no async, no database.

#![warn(missing_docs)]

pub mod analysis;
pub mod archive;
pub mod assembly;
pub mod bank;
pub mod blueprint;
pub mod bundled;
pub mod check;
pub mod formats;
pub mod id_number;
pub mod paper;
pub mod practical;
pub mod question;
/// Result reports: the 汇总报表 for the issuing authority and QTI 3.0 result documents.
pub mod reports;
pub mod scoring;
pub mod subject;
pub mod syllabus;
pub mod wire;

#[cfg(test)]
mod testing;

pub use assembly::{Assembler, Exposure, ExposureReport};
pub use bank::{Bank, BankErrors, BankIssue, BankVersion};
pub use blueprint::{Blueprint, ScoringRule};
pub use id_number::{Gender, IdNumber};
pub use paper::{assemble_paper, Paper, PaperQuestion};
pub use question::{Answer, Area, OptionSet, Question, QuestionId, QuestionKind};
pub use scoring::{score_paper, ScoreReport};
pub use subject::{CraneType, Subject};
