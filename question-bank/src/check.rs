//! Bank quality checks beyond what a file parser can see: near-duplicate stems across
//! files, topics outside the syllabus, pools too small for the blueprint, exposure that no
//! assembly can balance, and the coverage table authors use to see gaps.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::bank::{Bank, BankFile, BankIssue};
use crate::blueprint::Blueprint;
use crate::question::{Area, Question, QuestionKind};
use crate::subject::{CraneType, Subject};
use crate::syllabus;

/// Two texts at or above this Dice similarity of character bigrams are near-duplicates.
pub const NEAR_DUPLICATE: f64 = 0.8;

/// Above this max/mean exposure floor a subject's pool cannot be used evenly.
pub const MAX_EXPOSURE_RATIO: f64 = 1.5;

/// Normalised character bigrams of a text, hashed, sorted and deduplicated: the unit of
/// the similarity measure. Punctuation, spaces and letter case do not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    /// Fingerprint of `text`.
    pub fn of(text: &str) -> Shingles {
        let chars: Vec<char> = text
            .chars()
            .filter_map(|c| {
                // Full-width ASCII forms (Ａ, ２) count as their half-width twins.
                let c = match u32::from(c) {
                    cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
                    _ => c,
                };
                c.is_alphanumeric()
                    .then(|| c.to_lowercase().next().unwrap_or(c))
            })
            .collect();
        let mut grams: Vec<u64> = chars
            .windows(2)
            .map(|w| {
                let mut h = DefaultHasher::new();
                w.hash(&mut h);
                h.finish()
            })
            .collect();
        if grams.is_empty() && !chars.is_empty() {
            let mut h = DefaultHasher::new();
            chars.hash(&mut h);
            grams.push(h.finish());
        }
        grams.sort_unstable();
        grams.dedup();
        Shingles(grams)
    }

    /// Dice coefficient `2|A∩B| / (|A|+|B|)`, 0–1.
    pub fn similarity(&self, other: &Shingles) -> f64 {
        let total = self.0.len() + other.0.len();
        if total == 0 {
            return 1.0;
        }
        let (mut i, mut j, mut both) = (0, 0, 0usize);
        while i < self.0.len() && j < other.0.len() {
            match self.0[i].cmp(&other.0[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * both as f64 / total as f64
    }

    /// Upper bound of [`Shingles::similarity`] from the sizes alone.
    fn similarity_bound(&self, other: &Shingles) -> f64 {
        let (a, b) = (self.0.len(), other.0.len());
        if a + b == 0 {
            1.0
        } else {
            2.0 * a.min(b) as f64 / (a + b) as f64
        }
    }
}

/// The text compared for near-duplicates: the stem, plus for choice questions the options
/// in sorted order (two choice questions with one template stem but different options are
/// different questions; the stems alone must match too).
fn comparable_text(q: &Question) -> String {
    let mut options: Vec<&str> = q.options.iter().map(String::as_str).collect();
    options.sort_unstable();
    let mut text = q.stem.clone();
    for o in options {
        text.push(' ');
        text.push_str(o);
    }
    text
}

/// Warnings for a set of parsed files that each passed the parser: near-duplicate
/// questions (also across files), topics outside the syllabus, missing explanations.
/// Pairs declared as enemies are not reported as duplicates.
pub fn lint(files: &[(String, BankFile)]) -> Vec<BankIssue> {
    let mut warnings = Vec::new();
    let located: Vec<(&str, usize, &Question)> = files
        .iter()
        .flat_map(|(name, f)| {
            f.questions
                .iter()
                .zip(&f.rows)
                .map(move |(q, &row)| (name.as_str(), row, q))
        })
        .collect();
    let warn = |file: &str, line: usize, field: &str, reason: String| BankIssue {
        file: file.to_owned(),
        line,
        column: None,
        field: field.to_owned(),
        reason,
    };
    for &(file, line, q) in &located {
        if !syllabus::is_topic(&q.topic) {
            warnings.push(warn(
                file,
                line,
                "topic",
                format!(
                    "`{}` 不是大纲知识点（见 syllabus::TOPICS），细分内容请写在 subtopic",
                    q.topic
                ),
            ));
        }
        if q.explanation.trim().is_empty() {
            warnings.push(warn(file, line, "explanation", "缺少解析".to_owned()));
        }
    }
    let shingles: Vec<Shingles> = located
        .iter()
        .map(|(_, _, q)| Shingles::of(&comparable_text(q)))
        .collect();
    let stems: Vec<Shingles> = located
        .iter()
        .map(|(_, _, q)| Shingles::of(&q.stem))
        .collect();
    for i in 0..located.len() {
        for j in i + 1..located.len() {
            let (qa, qb) = (located[i].2, located[j].2);
            if qa.kind != qb.kind
                || !co_drawn(qa.scope, qb.scope)
                || qa.enemies.contains(&qb.id)
                || qb.enemies.contains(&qa.id)
                || shingles[i].similarity_bound(&shingles[j]) < NEAR_DUPLICATE
            {
                continue;
            }
            // Choice questions must match in stem and in stem + options: one option list
            // under two different stems ("which signal means stop / means inch") is fine.
            let sim = shingles[i]
                .similarity(&shingles[j])
                .min(stems[i].similarity(&stems[j]));
            if sim >= NEAR_DUPLICATE {
                let (file, line, _) = located[j];
                warnings.push(warn(
                    file,
                    line,
                    "stem",
                    format!(
                        "`{}` 与 {}:{} 的 `{}` 近似重复（相似度 {:.0}%）；改写其一，或用 enemies 声明互斥",
                        qb.id,
                        located[i].0,
                        located[i].1,
                        qa.id,
                        sim * 100.0
                    ),
                ));
            }
        }
    }
    warnings
}

/// Whether some paper can hold questions of both scopes (a Q1 and a Q2 question may
/// share a fact: no candidate sees both).
fn co_drawn(a: Subject, b: Subject) -> bool {
    let mut subjects = vec![Subject::Q1, Subject::Q2(None)];
    subjects.extend(CraneType::ALL.map(|t| Subject::Q2(Some(t))));
    subjects
        .into_iter()
        .any(|s| s.draws_from(a) && s.draws_from(b))
}

/// Every subject a bank can set a paper for: Q1 if it has Q1 questions; each Q2 crane type
/// that has its own questions; unlimited Q2 if it has any Q2 questions.
pub fn subjects(bank: &Bank) -> Vec<Subject> {
    let scopes: HashSet<Subject> = bank.questions().iter().map(|q| q.scope).collect();
    let mut out = Vec::new();
    if scopes.contains(&Subject::Q1) {
        out.push(Subject::Q1);
    }
    if scopes.iter().any(|s| matches!(s, Subject::Q2(_))) {
        out.push(Subject::Q2(None));
    }
    for t in CraneType::ALL {
        if scopes.contains(&Subject::Q2(Some(t))) {
            out.push(Subject::Q2(Some(t)));
        }
    }
    out
}

/// One row of a coverage table: the pool of one area × kind cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    /// Content area.
    pub area: Area,
    /// Question type.
    pub kind: QuestionKind,
    /// Questions of difficulty 1..=5.
    pub by_difficulty: [usize; 5],
    /// Questions a standard paper takes from this cell.
    pub needed: u16,
}

impl CoverageRow {
    /// Questions in the cell.
    pub fn total(&self) -> usize {
        self.by_difficulty.iter().sum()
    }
}

/// What a subject's pool holds, against what its standard blueprint needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The subject.
    pub subject: Subject,
    /// One row per area × kind.
    pub rows: Vec<CoverageRow>,
    /// Questions per syllabus topic (topics with none included, so gaps show).
    pub topics: Vec<(String, usize)>,
    /// Mean difficulty of the pool.
    pub mean_difficulty: f64,
    /// The best max/mean exposure any assembly can reach over many papers: the most
    /// drawn-on cell's use rate over the pool's mean use rate.
    pub exposure_floor: f64,
}

impl Coverage {
    /// Tabulate `subject`'s pool in `bank` against `blueprint`.
    pub fn of(bank: &Bank, blueprint: &Blueprint) -> Coverage {
        let pool: Vec<&Question> = bank.pool(blueprint.subject).collect();
        let cells = blueprint.cells();
        let mut rows = Vec::new();
        for area in Area::ALL {
            for kind in QuestionKind::ALL {
                let mut by_difficulty = [0; 5];
                for q in pool.iter().filter(|q| q.area == area && q.kind == kind) {
                    by_difficulty[usize::from(q.difficulty.clamp(1, 5) - 1)] += 1;
                }
                let needed = cells
                    .iter()
                    .find(|c| c.area == area && c.kind == kind)
                    .map_or(0, |c| c.count);
                rows.push(CoverageRow {
                    area,
                    kind,
                    by_difficulty,
                    needed,
                });
            }
        }
        let mut topics: Vec<(String, usize)> = syllabus::TOPICS
            .iter()
            .map(|t| {
                (
                    (*t).to_owned(),
                    pool.iter().filter(|q| q.topic == *t).count(),
                )
            })
            .collect();
        let others = pool
            .iter()
            .filter(|q| !syllabus::is_topic(&q.topic))
            .count();
        if others > 0 {
            topics.push(("（大纲外）".to_owned(), others));
        }
        let mean_difficulty = if pool.is_empty() {
            0.0
        } else {
            pool.iter().map(|q| f64::from(q.difficulty)).sum::<f64>() / pool.len() as f64
        };
        let paper_rate = f64::from(blueprint.question_count()) / pool.len().max(1) as f64;
        let worst_rate = rows
            .iter()
            .filter(|r| r.needed > 0)
            .map(|r| f64::from(r.needed) / r.total().max(1) as f64)
            .fold(0.0, f64::max);
        Coverage {
            subject: blueprint.subject,
            rows,
            topics,
            mean_difficulty,
            exposure_floor: worst_rate / paper_rate,
        }
    }

    /// Warnings about this pool: cells the blueprint cannot fill, and an exposure floor
    /// above [`MAX_EXPOSURE_RATIO`].
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.total() < usize::from(r.needed))
            .map(|r| {
                format!(
                    "{}：{}{}只有 {} 道，每份试卷需要 {} 道",
                    self.subject.name_zh(),
                    r.area.name_zh(),
                    r.kind.name_zh(),
                    r.total(),
                    r.needed
                )
            })
            .collect();
        if self.exposure_floor > MAX_EXPOSURE_RATIO {
            out.push(format!(
                "{}：题量分布不均，最大/平均曝光率至少为 {:.2}，超过 {MAX_EXPOSURE_RATIO}；请为抽取比例最高的单元补题",
                self.subject.name_zh(),
                self.exposure_floor
            ));
        }
        out
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total: usize = self.rows.iter().map(CoverageRow::total).sum();
        writeln!(
            f,
            "{} ({}): {} questions, mean difficulty {:.2}, exposure floor {:.2}",
            self.subject.name_zh(),
            self.subject.code(),
            total,
            self.mean_difficulty,
            self.exposure_floor
        )?;
        writeln!(
            f,
            "  {:<16} {:>4} {:>4} {:>4} {:>4} {:>4} {:>6} {:>6}",
            "area/kind", "d1", "d2", "d3", "d4", "d5", "pool", "paper"
        )?;
        for r in &self.rows {
            let label = format!("{}/{}", r.area.code(), r.kind.code());
            let [d1, d2, d3, d4, d5] = r.by_difficulty;
            writeln!(
                f,
                "  {label:<16} {d1:>4} {d2:>4} {d3:>4} {d4:>4} {d5:>4} {:>6} {:>6}",
                r.total(),
                r.needed
            )?;
        }
        let topics: Vec<String> = self
            .topics
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(f, "  topics: {}", topics.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::parse_bank_toml;

    #[test]
    fn similarity_ignores_punctuation_and_width() {
        let a = Shingles::of("钢丝绳断丝数达到报废标准时，应报废。");
        let b = Shingles::of("钢丝绳断丝数达到报废标准时应报废");
        assert_eq!(a.similarity(&b), 1.0);
        let c = Shingles::of("起重机司机应持证上岗。");
        assert!(a.similarity(&c) < 0.2);
        assert_eq!(Shingles::of("ＡＢ2").similarity(&Shingles::of("ab２")), 1.0);
    }

    const FILE: &str = r#"
[bank]
id = "t"
title = "t"
scope = "Q1"

[[question]]
id = "A-1"
kind = "judge"
area = "law"
topic = "作业人员考核与证书"
difficulty = 1
stem = "起重机作业人员证书的有效期为4年。"
answer = "T"
explanation = "TSG Z6001-2019 规定。"

[[question]]
id = "A-2"
kind = "judge"
area = "law"
topic = "证书"
difficulty = 1
stem = "起重机作业人员的证书有效期为4年！"
answer = "T"
"#;

    #[test]
    fn lint_finds_near_duplicates_foreign_topics_and_missing_explanations() {
        let f = parse_bank_toml("t.toml", FILE).unwrap();
        let warnings = lint(&[("t.toml".to_owned(), f)]);
        let fields: Vec<(&str, usize)> = warnings
            .iter()
            .map(|w| (w.field.as_str(), w.line))
            .collect();
        assert_eq!(
            fields,
            vec![("topic", 17), ("explanation", 17), ("stem", 17)],
            "{warnings:#?}"
        );
        assert!(warnings[2].reason.contains("A-1"));
    }

    #[test]
    fn declared_enemies_are_not_duplicates() {
        let text = FILE.replace(
            "topic = \"证书\"",
            "topic = \"作业人员考核与证书\"\nexplanation = \"同上。\"\nenemies = [\"A-1\"]",
        );
        let f = parse_bank_toml("t.toml", &text).unwrap();
        assert_eq!(lint(&[("t.toml".to_owned(), f)]), vec![]);
    }

    #[test]
    fn coverage_counts_cells_and_flags_small_pools() {
        let bank = crate::testing::sample_bank(2);
        let cov = Coverage::of(&bank, &Blueprint::standard(Subject::Q1));
        let pool: usize = cov.rows.iter().map(CoverageRow::total).sum();
        assert_eq!(pool, bank.pool(Subject::Q1).count());
        assert!(!cov.warnings().is_empty());
    }
}
