//! PDF rendering of the 成绩单 (one candidate's transcript) and the 考试场次报告 (one
//! exam session's report), A4 portrait, Simplified Chinese.
//!
//! Layout goes through a small display list (module `canvas`): every page is laid out first,
//! so footers can say "第 i 页 / 共 N 页", then the pages are written with krilla, which
//! embeds a subset of the CJK font. No CJK font is bundled: [`find_cjk_font`] looks for
//! one installed on the machine (or the configured `reports.font`).

mod blocks;
mod canvas;
mod chart;
mod emit;
mod font;
mod session;
mod table;
mod text;
mod textfmt;
mod transcript;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

pub use font::{find_cjk_font, FontSource, DEFAULT_FONT_PATHS};

/// Why a PDF could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No usable CJK font file exists at any of the searched paths.
    #[error(
        "未找到中文字体（已查找：{}）。请安装 fonts-noto-cjk 或 fonts-wqy-microhei，或在配置中设置 reports.font。 \
         No CJK font found (searched: {}); install fonts-noto-cjk or fonts-wqy-microhei, or set reports.font.",
        join_paths(.searched), join_paths(.searched)
    )]
    FontMissing {
        /// Every path that was tried.
        searched: Vec<PathBuf>,
    },
    /// The font could not be read or used, or krilla failed to write the document.
    #[error("PDF 生成失败 / PDF rendering failed: {0}")]
    Render(String),
}

fn join_paths(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    names.join(", ")
}

/// 成绩单: one candidate's result in one subject.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// 考试机构名称.
    pub institution_name: String,
    /// 考试机构代码.
    pub institution_code: String,
    /// 发证机关代码 of the authority the institution reports to.
    pub authority_code: String,
    /// 考生姓名.
    pub candidate_name: String,
    /// 身份证号, already masked (e.g. 110105********0012).
    pub id_number_masked: String,
    /// 性别 (男/女).
    pub gender: String,
    /// 工作单位.
    pub employer: String,
    /// 考试项目, e.g. Q2(限桥式起重机).
    pub subject_name: String,
    /// 考试批次.
    pub batch: String,
    /// 考试日期.
    pub exam_date: NaiveDate,
    /// 理论考试 result; `None` = not sat.
    pub theory: Option<PartScore>,
    /// 实际操作考试 result; `None` = not sat.
    pub practical: Option<PartScore>,
    /// Whether the candidate passed overall.
    pub overall_passed: bool,
    /// 考试结论 text, e.g. "合格" or "不合格（理论考试不合格，可在 … 前补考一次）".
    pub overall_text: String,
    /// Hex SHA-256 of the sealed archive record(s), printed in full.
    pub verification_hash: String,
    /// When the transcript was issued; printed in China time (UTC+8).
    pub issued_at: DateTime<Utc>,
}

/// One part (theory or practical) of a transcript.
#[derive(Debug, Clone)]
pub struct PartScore {
    /// 成绩.
    pub score: f64,
    /// 合格线.
    pub pass_mark: f64,
    /// Whether this part was passed.
    pub passed: bool,
    /// 缺考: the candidate did not show up.
    pub absent: bool,
    /// Date this part was taken.
    pub date: NaiveDate,
    /// Sub-scores per knowledge/skill area.
    pub areas: Vec<AreaLine>,
}

/// One area sub-score, e.g. 基础知识 24/30.
#[derive(Debug, Clone)]
pub struct AreaLine {
    /// Area name.
    pub name: String,
    /// Points earned.
    pub earned: f64,
    /// Points available.
    pub max: f64,
}

/// 考试场次报告: statistics and roster of one exam session.
#[derive(Debug, Clone)]
pub struct SessionReport {
    /// 考试机构名称.
    pub institution_name: String,
    /// Session title.
    pub title: String,
    /// 考试项目.
    pub subject_name: String,
    /// 考试批次.
    pub batch: String,
    /// 考试日期.
    pub exam_date: NaiveDate,
    /// "理论考试" / "实际操作考试".
    pub kind: String,
    /// 应考人数.
    pub registered: u32,
    /// 实考人数.
    pub present: u32,
    /// 缺考人数.
    pub absent: u32,
    /// 合格人数.
    pub passed: u32,
    /// 合格线.
    pub pass_mark: f64,
    /// Mean score of those present.
    pub mean: Option<f64>,
    /// Standard deviation of scores.
    pub sd: Option<f64>,
    /// Median score.
    pub median: Option<f64>,
    /// Lowest score.
    pub min: Option<f64>,
    /// Highest score.
    pub max: Option<f64>,
    /// KR-20 reliability coefficient.
    pub kr20: Option<f64>,
    /// Score distribution, e.g. bins 0-9 … 90-100.
    pub histogram: Vec<HistogramBin>,
    /// Mean area sub-scores.
    pub areas: Vec<AreaMean>,
    /// One row per candidate.
    pub candidates: Vec<ReportRow>,
    /// Invigilator actions during the session.
    pub actions: Vec<ActionRow>,
    /// Pass rate over time; charted when it has at least two points.
    pub trend: Vec<TrendPoint>,
    /// When the report was generated; printed in China time (UTC+8).
    pub generated_at: DateTime<Utc>,
}

/// One bar of the score distribution.
#[derive(Debug, Clone)]
pub struct HistogramBin {
    /// Bin label, e.g. "60-69".
    pub label: String,
    /// Number of candidates in the bin.
    pub count: u32,
}

/// Mean sub-score of one area.
#[derive(Debug, Clone)]
pub struct AreaMean {
    /// Area name.
    pub name: String,
    /// Mean points earned.
    pub mean: f64,
    /// Points available.
    pub max: f64,
}

/// One candidate line of the session report.
#[derive(Debug, Clone)]
pub struct ReportRow {
    /// 座位号.
    pub seat: String,
    /// 姓名.
    pub name: String,
    /// Masked 身份证号.
    pub id_number_masked: String,
    /// Status text, e.g. 已交卷 / 缺考.
    pub status: String,
    /// Score, if the candidate has one.
    pub score: Option<f64>,
    /// Whether the candidate passed.
    pub passed: bool,
}

/// One invigilator action.
#[derive(Debug, Clone)]
pub struct ActionRow {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// On whom / what.
    pub target: String,
    /// Stated reason.
    pub reason: String,
}

/// Pass rate of one period.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    /// Period label, e.g. "2026-09".
    pub period: String,
    /// Candidates who sat.
    pub sat: u32,
    /// Candidates who passed.
    pub passed: u32,
}

/// Renders a candidate's 成绩单 as an A4 PDF.
pub fn transcript_pdf(t: &Transcript, font: &FontSource) -> Result<Vec<u8>, PdfError> {
    transcript::render(t, font)
}

/// Renders a 考试场次报告 as an A4 PDF (several pages when the roster is long).
pub fn session_report_pdf(r: &SessionReport, font: &FontSource) -> Result<Vec<u8>, PdfError> {
    session::render(r, font)
}
