//! Re-scoring a sealed theory record from the bank version its paper was drawn from.

use crate::bank::Bank;
use crate::question::{Answer, Area};
use crate::scoring::{score_paper, ScoreReport};
use crate::wire::PaperStatus;

use super::record::{AreaScore, TheoryRecord, TheoryScore};

/// Re-mark `record` against `bank` (which must be the paper's bank version) and list every
/// way the sealed record disagrees with the result: final answers that do not follow from
/// the answer events, and any difference in total, pass/fail, unanswered count or areas.
pub fn rescore_theory(record: &TheoryRecord, bank: &Bank) -> Vec<String> {
    let mut differences = Vec::new();
    if bank.version() != &record.paper.bank_version {
        differences.push(format!(
            "题库版本不符: 试卷 {}，提供 {}",
            record.paper.bank_version,
            bank.version()
        ));
        return differences;
    }
    if record.attendance.status == PaperStatus::Absent {
        // 缺考: no score is given, and there must be nothing to score.
        if record.score.is_some() || !record.answer_events.is_empty() {
            differences.push("缺考记录不应有作答或成绩".to_owned());
        }
        return differences;
    }
    let mut replayed: Vec<Option<String>> = vec![None; record.paper.questions.len()];
    for event in &record.answer_events {
        match replayed.get_mut(usize::from(event.no).wrapping_sub(1)) {
            Some(slot) => *slot = event.answer.clone(),
            None => differences.push(format!("作答记录题号 {} 超出试卷", event.no)),
        }
    }
    if replayed != record.answers {
        differences.push("最终答案与作答记录不一致".to_owned());
    }
    let report = match mark_theory(record, bank) {
        Ok(r) => r,
        Err(e) => {
            differences.push(e);
            return differences;
        }
    };
    let mut recomputed = theory_score(&report, record.blueprint.pass_mark_tenths);
    if record.attendance.terminated.is_some() {
        recomputed = recomputed.voided();
    }
    match &record.score {
        None => differences.push(format!(
            "记录无成绩，重新评分为 {}",
            recomputed.total_tenths
        )),
        Some(sealed) if *sealed != recomputed => differences.push(format!(
            "记录成绩 {} 分（{}），重新评分 {} 分（{}）",
            f64::from(sealed.total_tenths) / 10.0,
            if sealed.passed { "合格" } else { "不合格" },
            f64::from(recomputed.total_tenths) / 10.0,
            if recomputed.passed {
                "合格"
            } else {
                "不合格"
            },
        )),
        Some(_) => {}
    }
    differences
}

/// Mark a sealed theory paper's final answers against `bank` (its bank version).
pub fn mark_theory(record: &TheoryRecord, bank: &Bank) -> Result<ScoreReport, String> {
    let mut answers = Vec::with_capacity(record.answers.len());
    for (i, (text, pq)) in record
        .answers
        .iter()
        .zip(&record.paper.questions)
        .enumerate()
    {
        let parsed = match (text, bank.get(&pq.id)) {
            (None, _) => None,
            (Some(t), Some(q)) => Some(
                Answer::parse(q.kind, q.options.len(), t)
                    .map_err(|e| format!("第 {} 题答案 {t:?} 无法解析: {e}", i + 1))?,
            ),
            (Some(_), None) => None,
        };
        answers.push(parsed);
    }
    score_paper(bank, &record.blueprint, &record.paper, &answers).map_err(|e| e.to_string())
}

impl TheoryScore {
    /// The score of a paper ended for irregularity: nothing earned, failed; the maximum,
    /// the pass mark and the unanswered count stay as they were.
    pub fn voided(mut self) -> TheoryScore {
        self.total_tenths = 0;
        self.passed = false;
        for area in &mut self.areas {
            area.earned_tenths = 0;
        }
        self
    }
}

/// The score summary sealed into a record, from a marking.
pub fn theory_score(report: &ScoreReport, pass_mark_tenths: u32) -> TheoryScore {
    let areas = [Area::Basic, Area::Safety, Area::Law]
        .into_iter()
        .map(|area| {
            let (earned, max) = report
                .questions
                .iter()
                .filter(|m| m.area == area)
                .fold((0, 0), |(e, m), q| (e + q.earned_tenths, m + q.max_tenths));
            AreaScore {
                area,
                earned_tenths: earned,
                max_tenths: max,
            }
        })
        .collect();
    TheoryScore {
        total_tenths: report.total_tenths,
        max_tenths: report.max_tenths,
        pass_mark_tenths,
        passed: report.passed,
        unanswered: u32::try_from(report.unanswered).unwrap_or(u32::MAX),
        areas,
    }
}
