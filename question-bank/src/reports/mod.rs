//! Reports built from finished results: the 汇总报表 an institution files with the issuing
//! authority (CSV / .xlsx) and per-candidate IMS QTI 3.0 Results Reporting documents.
//! Functions take rows in and give bytes or strings back; storing them is the caller's job.

pub mod qti_results;
pub mod summary;

#[cfg(test)]
mod tests;

pub use qti_results::{qti_result_xml, QtiItemResult, QtiResultInput, QTI_RESULT_NS};
pub use summary::{
    summary_csv, summary_totals, summary_xlsx, PartResult, ReportError, SummaryRow, SUMMARY_COLUMNS,
};
