//! Per-item statistics: facility, discrimination, point-biserial, distractors, flags.

use serde::{Deserialize, Serialize};

use super::matrix::{ItemMeta, ItemResponse};
use super::pearson;
use crate::question::{Answer, QuestionId, QuestionKind, MAX_OPTIONS};

/// Share of examinees in each discrimination group, percent (Kelley's 27%).
pub const GROUP_PERCENT: usize = 27;
/// An item is too hard when fewer than this percentage answer it correctly.
pub const TOO_HARD_BELOW_PERCENT: usize = 20;
/// An item is too easy when more than this percentage answer it correctly.
pub const TOO_EASY_ABOVE_PERCENT: usize = 95;
/// A distractor chosen by fewer than this percentage of examinees does not function.
pub const DISTRACTOR_MIN_PERCENT: usize = 5;
/// Distractors are judged only from this many examinees up: below it, one choice more or
/// less swings the percentage past the threshold.
pub const DISTRACTOR_MIN_N: usize = 20;

/// Something about an item a bank editor should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ItemFlag {
    /// 区分度为负: the lower group did better than the upper group (D < 0); often a
    /// wrong key or an ambiguous stem.
    NegativeDiscrimination,
    /// 过难: facility below 20%.
    TooHard,
    /// 过易: facility above 95%.
    TooEasy,
    /// 干扰项无效: a wrong option chosen by fewer than 5% (choice items, n ≥ 20 only).
    NonFunctioningDistractor,
}

impl ItemFlag {
    /// Every flag, in declaration order.
    pub const ALL: [ItemFlag; 4] = [
        ItemFlag::NegativeDiscrimination,
        ItemFlag::TooHard,
        ItemFlag::TooEasy,
        ItemFlag::NonFunctioningDistractor,
    ];

    /// Chinese label, e.g. `区分度为负`.
    pub fn label_zh(self) -> &'static str {
        match self {
            ItemFlag::NegativeDiscrimination => "区分度为负",
            ItemFlag::TooHard => "过难",
            ItemFlag::TooEasy => "过易",
            ItemFlag::NonFunctioningDistractor => "干扰项无效",
        }
    }
}

/// How many examinees chose one option (选项选择人数).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptionCount {
    /// Bank label: `A`–`F`, or `T`/`F` for judge questions.
    pub label: String,
    /// Part of the key.
    pub keyed: bool,
    /// Examinees who chose it; a multiple-choice answer `ACD` counts once for each of A, C
    /// and D.
    pub count: usize,
}

/// Classical statistics of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemStats {
    /// Bank question.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub item: QuestionId,
    /// Question type.
    pub kind: QuestionKind,
    /// Examinees who saw the item; every statistic below is over them alone.
    pub n: usize,
    /// 难度 (facility, p-value): share answering fully correct; omitted counts as wrong.
    /// `None` when `n = 0`.
    pub facility: Option<f64>,
    /// 区分度 D = p(upper) − p(lower). Both groups are floor(27% · n), at least 1, of the
    /// examinees who saw the item, ranked by total score, ties in input order (earlier
    /// ranks higher). `None` when `n < 2`.
    pub discrimination: Option<f64>,
    /// 点二列相关: Pearson correlation of correct (1/0) with the rest score (total minus
    /// this item's points), so the item does not correlate with itself. `None` when
    /// either does not vary.
    pub point_biserial: Option<f64>,
    /// Choices per option, in label order.
    pub options: Vec<OptionCount>,
    /// Examinees who left the item blank.
    pub omitted: usize,
    /// What needs a look, in [`ItemFlag`] order.
    pub flags: Vec<ItemFlag>,
}

impl ItemStats {
    /// Whether any flag is raised.
    pub fn needs_review(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Labels of wrong options chosen by fewer than 5%; empty for judge questions (their one
    /// wrong option is 1 − p − omitted, which `TooEasy` already covers) and below n = 20.
    pub fn non_functioning_distractors(&self) -> Vec<&str> {
        if self.kind == QuestionKind::Judge || self.n < DISTRACTOR_MIN_N {
            return Vec::new();
        }
        self.options
            .iter()
            .filter(|o| !o.keyed && o.count * 100 < DISTRACTOR_MIN_PERCENT * self.n)
            .map(|o| o.label.as_str())
            .collect()
    }
}

/// Statistics of `meta` from `seen`: (response, examinee's total) of every examinee who
/// saw it, best total first.
pub(super) fn analyse_item(meta: &ItemMeta, seen: &[(&ItemResponse, u32)]) -> ItemStats {
    let n = seen.len();
    let correct = seen.iter().filter(|(r, _)| r.correct).count();
    let share = |group: &[(&ItemResponse, u32)]| {
        group.iter().filter(|(r, _)| r.correct).count() as f64 / group.len() as f64
    };
    let g = (n * GROUP_PERCENT / 100).max(1);
    let discrimination = (n >= 2).then(|| share(&seen[..g]) - share(&seen[n - g..]));
    // A total below the item's own points is inconsistent input: its rest counts as 0.
    let pairs: Vec<(f64, f64)> = seen
        .iter()
        .map(|&(r, total)| {
            (
                f64::from(u8::from(r.correct)),
                f64::from(total.saturating_sub(r.earned_tenths)),
            )
        })
        .collect();
    let (options, omitted) = count_options(meta, seen);
    let mut stats = ItemStats {
        item: meta.id.clone(),
        kind: meta.kind,
        n,
        facility: (n > 0).then(|| correct as f64 / n as f64),
        discrimination,
        point_biserial: pearson(&pairs),
        options,
        omitted,
        flags: Vec::new(),
    };
    let raised = [
        discrimination.is_some_and(|d| d < 0.0),
        n > 0 && correct * 100 < TOO_HARD_BELOW_PERCENT * n,
        n > 0 && correct * 100 > TOO_EASY_ABOVE_PERCENT * n,
        !stats.non_functioning_distractors().is_empty(),
    ];
    stats.flags = ItemFlag::ALL
        .into_iter()
        .zip(raised)
        .filter_map(|(f, on)| on.then_some(f))
        .collect();
    stats
}

fn count_options(meta: &ItemMeta, seen: &[(&ItemResponse, u32)]) -> (Vec<OptionCount>, usize) {
    let answers = seen.iter().map(|(r, _)| r.answer);
    let omitted = answers.clone().filter(Option::is_none).count();
    let options = match meta.key {
        Answer::Judge(key) => [true, false]
            .into_iter()
            .map(|v| OptionCount {
                label: Answer::Judge(v).to_wire(),
                keyed: v == key,
                count: answers
                    .clone()
                    .filter(|&a| a == Some(Answer::Judge(v)))
                    .count(),
            })
            .collect(),
        Answer::Choice(key) => (0..meta.option_count.min(MAX_OPTIONS))
            .map(|i| OptionCount {
                label: char::from(b'A' + i as u8).to_string(),
                keyed: key.contains(i),
                count: answers
                    .clone()
                    .filter(|a| matches!(a, Some(Answer::Choice(set)) if set.contains(i)))
                    .count(),
            })
            .collect(),
    };
    (options, omitted)
}
