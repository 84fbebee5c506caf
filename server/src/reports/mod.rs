//! Printable reports (报表): PDF transcripts and exam-session reports.
pub mod pdf;
pub mod session_xlsx;
