//! Paper assembly (随机组卷): fill every area × kind cell of a blueprint from the
//! subject's pool, preferring the questions a session has used least, never putting two
//! enemies on one paper, and steering each paper's mean difficulty into the session's band
//! so papers are parallel forms.
//!
//! Reproducible: bank version + blueprint + seed + the session's exposure before the paper
//! (the papers assembled before it, all archived) give the same paper.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::bank::{Bank, BankVersion};
use crate::blueprint::{Blueprint, BlueprintError, Cell};
use crate::paper::{Paper, PaperQuestion};
use crate::question::{Question, QuestionId, QuestionKind};

/// How often each question of one bank version has been put on a paper, over one
/// session. Counts are kept by position in the bank, so assembly reads them without
/// hashing ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    version: BankVersion,
    uses: Vec<u32>,
    papers: u32,
}

impl Exposure {
    /// No papers yet.
    pub fn new(bank: &Bank) -> Exposure {
        Exposure {
            version: bank.version().clone(),
            uses: vec![0; bank.questions().len()],
            papers: 0,
        }
    }

    /// Rebuild from stored per-question counts and the number of papers; ids the bank
    /// does not hold are ignored.
    pub fn from_counts(
        bank: &Bank,
        counts: impl IntoIterator<Item = (QuestionId, u32)>,
        papers: u32,
    ) -> Exposure {
        let mut e = Exposure::new(bank);
        for (id, n) in counts {
            if let Some(i) = bank.position(&id) {
                e.uses[i] = n;
            }
        }
        e.papers = papers;
        e
    }

    /// Papers the question is on.
    pub fn uses(&self, bank: &Bank, id: &QuestionId) -> u32 {
        bank.position(id).map_or(0, |i| self.uses[i])
    }

    /// Papers counted.
    pub fn papers(&self) -> u32 {
        self.papers
    }

    /// Count one more paper (assembled from the same bank).
    pub fn record(&mut self, bank: &Bank, paper: &Paper) {
        self.papers += 1;
        for q in &paper.questions {
            if let Some(i) = bank.position(&q.id) {
                self.uses[i] += 1;
            }
        }
    }

    /// Max and mean use over the subject's whole pool (unused questions count as 0).
    pub fn report(&self, bank: &Bank, blueprint: &Blueprint) -> ExposureReport {
        let uses: Vec<u32> = bank
            .pool(blueprint.subject)
            .map(|q| self.uses(bank, &q.id))
            .collect();
        let max = uses.iter().copied().max().unwrap_or(0);
        let mean = f64::from(uses.iter().sum::<u32>()) / uses.len().max(1) as f64;
        ExposureReport {
            papers: self.papers,
            pool: uses.len(),
            used: uses.iter().filter(|&&u| u > 0).count(),
            max,
            mean,
            ratio: if mean > 0.0 {
                f64::from(max) / mean
            } else {
                0.0
            },
        }
    }
}

/// Exposure of a subject's pool after some papers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExposureReport {
    /// Papers assembled.
    pub papers: u32,
    /// Questions in the pool.
    pub pool: usize,
    /// Questions used at least once.
    pub used: usize,
    /// Most papers any question was on.
    pub max: u32,
    /// Mean papers per pool question.
    pub mean: f64,
    /// `max / mean`; the target is at most 1.5.
    pub ratio: f64,
}

/// One blueprint cell and the pool questions that can fill it, sorted by id, with their
/// positions in the bank.
struct CellPool<'a> {
    cell: Cell,
    questions: Vec<&'a Question>,
    positions: Vec<usize>,
}

/// A blueprint checked against a bank, ready to assemble any number of papers.
pub struct Assembler<'a> {
    bank: &'a Bank,
    blueprint: Blueprint,
    cells: Vec<CellPool<'a>>,
    /// Target mean difficulty.
    target: f64,
    /// Allowed deviation of one paper's mean from the target.
    half: f64,
    /// Smallest standard deviation of difficulty a paper may have.
    min_sd: f64,
}

/// Candidate order within a cell during one assembly: `(uses, random tie-break, index)`,
/// sorted lazily (only a prefix is needed unless enemies or difficulty demand more).
struct Draw {
    keyed: Vec<(u32, u64, usize)>,
    sorted: usize,
    picked: Vec<usize>,
    taken: Vec<bool>,
}

impl Draw {
    fn new(keyed: Vec<(u32, u64, usize)>, want: usize) -> Draw {
        let n = keyed.len();
        let mut d = Draw {
            keyed,
            sorted: 0,
            picked: Vec::with_capacity(want),
            taken: vec![false; n],
        };
        d.sort_prefix((want * 4 + 16).min(n));
        d
    }

    /// Make `keyed[..k]` the `k` best candidates, in order.
    fn sort_prefix(&mut self, k: usize) {
        if k <= self.sorted {
            return;
        }
        let rest = &mut self.keyed[self.sorted..];
        let k_rest = k - self.sorted;
        if k_rest < rest.len() {
            rest.select_nth_unstable(k_rest - 1);
        }
        rest[..k_rest].sort_unstable();
        self.sorted = k;
    }
}

impl<'a> Assembler<'a> {
    /// Check that `blueprint` can be met from `bank` and prepare the cell pools. Rejects a
    /// blueprint whose pool is too small, whose enemy sets block a cell, or whose
    /// difficulty band no paper can reach, saying which constraint fails and by how much.
    pub fn new(bank: &'a Bank, blueprint: &Blueprint) -> Result<Assembler<'a>, BlueprintError> {
        blueprint.validate()?;
        if let Some(short) = blueprint.shortfalls(bank).into_iter().next() {
            return Err(short);
        }
        let cells: Vec<CellPool<'a>> = blueprint
            .cells()
            .into_iter()
            .map(|cell| {
                let questions: Vec<&Question> = bank
                    .pool(blueprint.subject)
                    .filter(|q| q.area == cell.area && q.kind == cell.kind)
                    .collect();
                let positions = questions
                    .iter()
                    .map(|q| {
                        bank.position(&q.id)
                            .expect("pool questions are in the bank")
                    })
                    .collect();
                CellPool {
                    cell,
                    questions,
                    positions,
                }
            })
            .collect();
        let n = f64::from(blueprint.question_count());
        let sum_of = |pick: &dyn Fn(&mut Vec<u8>) -> Vec<u8>| -> f64 {
            cells
                .iter()
                .map(|c| {
                    let mut d: Vec<u8> = c.questions.iter().map(|q| q.difficulty).collect();
                    pick(&mut d)
                        .iter()
                        .take(usize::from(c.cell.count))
                        .map(|&x| f64::from(x))
                        .sum::<f64>()
                })
                .sum()
        };
        let min = sum_of(&|d| {
            d.sort_unstable();
            d.clone()
        }) / n;
        let max = sum_of(&|d| {
            d.sort_unstable_by(|a, b| b.cmp(a));
            d.clone()
        }) / n;
        let target = match blueprint.difficulty.mean_centi {
            Some(m) => f64::from(m) / 100.0,
            None => {
                cells
                    .iter()
                    .map(|c| {
                        let mean = c
                            .questions
                            .iter()
                            .map(|q| f64::from(q.difficulty))
                            .sum::<f64>()
                            / c.questions.len() as f64;
                        mean * f64::from(c.cell.count)
                    })
                    .sum::<f64>()
                    / n
            }
        };
        let half = f64::from(blueprint.difficulty.tolerance_centi) / 200.0;
        let unreachable = |gap: f64| BlueprintError::DifficultyUnreachable {
            subject: blueprint.subject.code(),
            target,
            half,
            min,
            max,
            gap,
        };
        if target + half < min {
            return Err(unreachable(min - (target + half)));
        }
        if target - half > max {
            return Err(unreachable((target - half) - max));
        }
        let assembler = Assembler {
            bank,
            blueprint: blueprint.clone(),
            cells,
            target,
            half,
            min_sd: f64::from(blueprint.difficulty.min_spread_centi.unwrap_or(0)) / 100.0,
        };
        // Enemy sets are checked by construction: one assembly must succeed.
        assembler.assemble(0, &Exposure::new(bank))?;
        Ok(assembler)
    }

    /// The mean difficulty every paper aims at.
    pub fn target_mean(&self) -> f64 {
        self.target
    }

    /// The blueprint being met.
    pub fn blueprint(&self) -> &Blueprint {
        &self.blueprint
    }

    /// Assemble one paper. Within each cell the least-used questions (ties broken by the
    /// seeded generator) are taken, skipping any whose enemy is already on the paper; then
    /// single swaps within cells move the mean difficulty into the band, drawing first on
    /// questions used at most once more than the cell's boundary, then on the whole cell.
    /// The paper lists judge, then single, then multiple choice, areas mixed, and each
    /// choice question's options shuffled.
    ///
    /// # Panics
    /// If `exposure` counts another bank version.
    pub fn assemble(&self, seed: u64, exposure: &Exposure) -> Result<Paper, BlueprintError> {
        assert_eq!(
            &exposure.version,
            self.bank.version(),
            "exposure of another bank version"
        );
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut chosen: HashSet<&QuestionId> = HashSet::new();
        let mut draws = Vec::with_capacity(self.cells.len());
        for pool in &self.cells {
            let keyed = pool
                .positions
                .iter()
                .enumerate()
                .map(|(i, &p)| (exposure.uses[p], rng.random::<u64>(), i))
                .collect();
            let want = usize::from(pool.cell.count);
            let mut draw = Draw::new(keyed, want);
            let mut pos = 0;
            while draw.picked.len() < want && pos < draw.keyed.len() {
                if pos == draw.sorted {
                    draw.sort_prefix(draw.keyed.len());
                }
                let i = draw.keyed[pos].2;
                let q = pool.questions[i];
                if !q.enemies.iter().any(|e| chosen.contains(e)) {
                    chosen.insert(&q.id);
                    draw.picked.push(i);
                    draw.taken[i] = true;
                }
                pos += 1;
            }
            if draw.picked.len() < want {
                return Err(BlueprintError::EnemiesBlock {
                    subject: self.blueprint.subject.code(),
                    area: pool.cell.area.name_zh(),
                    kind: pool.cell.kind.name_zh(),
                    available: draw.picked.len(),
                    needed: pool.cell.count,
                });
            }
            draws.push(draw);
        }
        if !self.steer_difficulty(&mut draws, &mut chosen, false) {
            for d in &mut draws {
                d.sort_prefix(d.keyed.len());
            }
            if !self.steer_difficulty(&mut draws, &mut chosen, true) {
                let (sum, sum_sq) = self.difficulty_sums(&draws);
                let n = f64::from(self.blueprint.question_count());
                let mean = sum / n;
                if (mean - self.target).abs() > self.half + 1e-9 {
                    return Err(BlueprintError::DifficultyUnreachable {
                        subject: self.blueprint.subject.code(),
                        target: self.target,
                        half: self.half,
                        min: mean,
                        max: mean,
                        gap: (mean - self.target).abs() - self.half,
                    });
                }
                return Err(BlueprintError::SpreadUnreachable {
                    subject: self.blueprint.subject.code(),
                    wanted: self.min_sd,
                    reached: (sum_sq / n - mean * mean).max(0.0).sqrt(),
                });
            }
        }

        let mut questions = Vec::with_capacity(usize::from(self.blueprint.question_count()));
        for kind in QuestionKind::ALL {
            let mut section: Vec<&Question> = self
                .cells
                .iter()
                .zip(&draws)
                .filter(|(pool, _)| pool.cell.kind == kind)
                .flat_map(|(pool, d)| d.picked.iter().map(|&i| pool.questions[i]))
                .collect();
            section.shuffle(&mut rng);
            for q in section {
                let mut order: Vec<u8> = (0..q.options.len() as u8).collect();
                order.shuffle(&mut rng);
                questions.push(PaperQuestion {
                    id: q.id.clone(),
                    order,
                });
            }
        }
        Ok(Paper {
            subject: self.blueprint.subject,
            bank_version: self.bank.version().clone(),
            seed,
            questions,
        })
    }

    /// Sum and sum of squares of the picked questions' difficulties.
    fn difficulty_sums(&self, draws: &[Draw]) -> (f64, f64) {
        self.cells
            .iter()
            .zip(draws)
            .flat_map(|(pool, d)| {
                d.picked
                    .iter()
                    .map(|&i| f64::from(pool.questions[i].difficulty))
            })
            .fold((0.0, 0.0), |(s, q), x| (s + x, q + x * x))
    }

    /// How far a paper with these sums is from the difficulty constraints: distance of
    /// the sum outside the band (weighted to come first), plus the variance missing below
    /// the minimum spread. Zero when both hold.
    fn violation(&self, sum: f64, sum_sq: f64) -> f64 {
        let n = f64::from(self.blueprint.question_count());
        let off_band = ((sum - self.target * n).abs() - self.half * n).max(0.0);
        let mean = sum / n;
        let variance = sum_sq / n - mean * mean;
        let short = (self.min_sd * self.min_sd - variance).max(0.0);
        if off_band < 1e-9 && short < 1e-9 {
            0.0
        } else {
            off_band * 100.0 + short
        }
    }

    /// Swap questions within cells until the mean difficulty is in the band and the
    /// spread is wide enough. Each step takes the most-used picked question of one
    /// difficulty out and the least-used free question of another difficulty in, choosing
    /// the swap that most reduces [`Assembler::violation`]. `wide` lifts the limit of
    /// drawing only from the least-used tier.
    fn steer_difficulty<'q>(
        &'q self,
        draws: &mut [Draw],
        chosen: &mut HashSet<&'q QuestionId>,
        wide: bool,
    ) -> bool {
        let (mut sum, mut sum_sq) = self.difficulty_sums(draws);
        let mut violation = self.violation(sum, sum_sq);
        while violation > 0.0 {
            // (resulting violation, cell, picked position, candidate index)
            let mut best: Option<(f64, usize, usize, usize)> = None;
            for (ci, (pool, d)) in self.cells.iter().zip(draws.iter()).enumerate() {
                let limit = if wide {
                    u32::MAX
                } else {
                    let last = *d.picked.last().expect("cells are never empty");
                    d.keyed
                        .iter()
                        .find(|k| k.2 == last)
                        .map_or(0, |k| k.0)
                        .saturating_add(1)
                };
                // Least-used free candidate of each difficulty.
                let mut candidate: [Option<usize>; 6] = [None; 6];
                for &(uses, _, i) in &d.keyed[..d.sorted] {
                    let q = pool.questions[i];
                    let slot = &mut candidate[usize::from(q.difficulty.min(5))];
                    if uses <= limit
                        && slot.is_none()
                        && !d.taken[i]
                        && !q.enemies.iter().any(|e| chosen.contains(e))
                    {
                        *slot = Some(i);
                    }
                }
                // Most-used picked question of each difficulty.
                let mut outgoing: [Option<usize>; 6] = [None; 6];
                for (pos, &i) in d.picked.iter().enumerate() {
                    outgoing[usize::from(pool.questions[i].difficulty.min(5))] = Some(pos);
                }
                for (dout, pos) in outgoing.iter().enumerate() {
                    let Some(pos) = *pos else { continue };
                    for (din, cand) in candidate.iter().enumerate() {
                        let Some(cand) = *cand else { continue };
                        let (a, b) = (din as f64, dout as f64);
                        let after = self.violation(sum + a - b, sum_sq + a * a - b * b);
                        if after < violation - 1e-9 && best.is_none_or(|x| after < x.0) {
                            best = Some((after, ci, pos, cand));
                        }
                    }
                }
            }
            let Some((after, ci, pos, cand)) = best else {
                return false;
            };
            let pool = &self.cells[ci];
            let d = &mut draws[ci];
            let out = d.picked[pos];
            chosen.remove(&pool.questions[out].id);
            chosen.insert(&pool.questions[cand].id);
            d.taken[out] = false;
            d.taken[cand] = true;
            d.picked[pos] = cand;
            let (a, b) = (
                f64::from(pool.questions[cand].difficulty),
                f64::from(pool.questions[out].difficulty),
            );
            sum += a - b;
            sum_sq += a * a - b * b;
            violation = after;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::DifficultyTarget;
    use crate::bundled::bundled_bank;
    use crate::subject::{CraneType, Subject};
    use crate::testing::sample_bank;
    use proptest::prelude::*;

    /// The bundled bank, parsed once for all tests.
    fn bundled() -> &'static Bank {
        static BANK: std::sync::OnceLock<Bank> = std::sync::OnceLock::new();
        BANK.get_or_init(|| bundled_bank().unwrap())
    }

    fn bridge() -> Blueprint {
        Blueprint::standard(Subject::Q2(Some(CraneType::Bridge)))
    }

    fn mean_difficulty(bank: &Bank, paper: &Paper) -> f64 {
        paper
            .questions
            .iter()
            .map(|pq| f64::from(bank.get(&pq.id).unwrap().difficulty))
            .sum::<f64>()
            / paper.questions.len() as f64
    }

    #[test]
    fn a_large_session_spreads_exposure_evenly() {
        let bank = bundled();
        for subject in crate::check::subjects(bank) {
            let bp = Blueprint::standard(subject);
            let asm = Assembler::new(bank, &bp).unwrap();
            let mut exposure = Exposure::new(bank);
            for seed in 0..1000 {
                let paper = asm.assemble(seed, &exposure).unwrap();
                exposure.record(bank, &paper);
            }
            let report = exposure.report(bank, &bp);
            assert_eq!(report.used, report.pool, "{subject}: every question used");
            assert!(report.ratio <= 1.5, "{subject}: {report:?}");
        }
    }

    #[test]
    fn unreachable_difficulty_names_the_gap() {
        let bank = sample_bank(30);
        let mut bp = bridge();
        bp.difficulty = DifficultyTarget {
            mean_centi: Some(495),
            tolerance_centi: 10,
            min_spread_centi: None,
        };
        let err = Assembler::new(&bank, &bp).err().expect("infeasible");
        let BlueprintError::DifficultyUnreachable { max, gap, .. } = err else {
            panic!("{err}");
        };
        assert!(max < 4.9 && gap > 0.0, "{err}");
        assert!(err.to_string().contains("无法达到"), "{err}");
    }

    #[test]
    fn an_unreachable_spread_is_rejected() {
        let bank = bundled();
        let mut bp = bridge();
        bp.difficulty.min_spread_centi = Some(190);
        let err = Assembler::new(bank, &bp)
            .err()
            .expect("no paper has sd 1.9");
        assert!(
            matches!(err, BlueprintError::SpreadUnreachable { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("标准差"), "{err}");
    }

    #[test]
    fn enemies_that_block_a_cell_are_rejected() {
        // Make every Q1 basic judge question an enemy of the first: only one can be placed.
        let bank = sample_bank(30);
        let mut questions = bank.questions().to_vec();
        let cell: Vec<QuestionId> = questions
            .iter()
            .filter(|q| {
                q.scope == Subject::Q1
                    && q.area == crate::Area::Basic
                    && q.kind == QuestionKind::Judge
            })
            .map(|q| q.id.clone())
            .collect();
        for q in questions.iter_mut().filter(|q| cell.contains(&q.id)) {
            q.enemies = cell.iter().filter(|e| **e != q.id).cloned().collect();
        }
        let bank = Bank::new(questions).unwrap();
        let err = Assembler::new(&bank, &Blueprint::standard(Subject::Q1))
            .err()
            .unwrap();
        assert!(
            matches!(
                err,
                BlueprintError::EnemiesBlock {
                    available: 1,
                    needed: 12,
                    ..
                }
            ),
            "{err}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn papers_are_parallel_forms_without_enemies(seed: u64, pairs in proptest::collection::vec((0usize..270, 0usize..270), 0..40)) {
            let bank = sample_bank(30);
            let mut questions = bank.questions().to_vec();
            for (a, b) in pairs {
                if a != b {
                    let id = questions[b].id.clone();
                    questions[a].enemies.push(id);
                }
            }
            let bank = Bank::new(questions).unwrap();
            let bp = bridge();
            let asm = Assembler::new(&bank, &bp).unwrap();
            let mut exposure = Exposure::new(&bank);
            for k in 0..5 {
                let paper = asm.assemble(seed.wrapping_add(k), &exposure).unwrap();
                for cell in bp.cells() {
                    let n = paper.questions.iter().map(|pq| bank.get(&pq.id).unwrap())
                        .filter(|q| q.area == cell.area && q.kind == cell.kind).count();
                    prop_assert_eq!(n, usize::from(cell.count));
                }
                let ids: HashSet<&QuestionId> = paper.questions.iter().map(|q| &q.id).collect();
                prop_assert_eq!(ids.len(), 100);
                for id in &ids {
                    let q = bank.get(id).unwrap();
                    prop_assert!(q.enemies.iter().all(|e| !ids.contains(e)), "{} with an enemy", id);
                }
                let mean = mean_difficulty(&bank, &paper);
                prop_assert!((mean - asm.target_mean()).abs() <= 0.05 + 1e-9, "mean {} target {}", mean, asm.target_mean());
                prop_assert_eq!(&paper, &asm.assemble(seed.wrapping_add(k), &exposure).unwrap());
                exposure.record(&bank, &paper);
            }
        }

        #[test]
        fn a_minimum_spread_is_met_with_the_mean(seed: u64, min_spread_centi in 50u16..=120) {
            let bank = bundled();
            let mut bp = bridge();
            bp.difficulty.min_spread_centi = Some(min_spread_centi);
            let asm = Assembler::new(bank, &bp).unwrap();
            let paper = asm.assemble(seed, &Exposure::new(bank)).unwrap();
            let d: Vec<f64> = paper.questions.iter().map(|pq| f64::from(bank.get(&pq.id).unwrap().difficulty)).collect();
            let mean = d.iter().sum::<f64>() / d.len() as f64;
            let sd = (d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / d.len() as f64).sqrt();
            prop_assert!(sd + 1e-9 >= f64::from(min_spread_centi) / 100.0, "sd {}", sd);
            prop_assert!((mean - asm.target_mean()).abs() <= 0.05 + 1e-9);
        }

        #[test]
        fn an_explicit_target_is_met(seed: u64, mean_centi in 200u16..=400, tolerance_centi in 4u16..=30) {
            let bank = sample_bank(30);
            let mut bp = bridge();
            bp.difficulty = DifficultyTarget { mean_centi: Some(mean_centi), tolerance_centi, min_spread_centi: None };
            let asm = Assembler::new(&bank, &bp).unwrap();
            let paper = asm.assemble(seed, &Exposure::new(&bank)).unwrap();
            let mean = mean_difficulty(&bank, &paper);
            prop_assert!((mean - f64::from(mean_centi) / 100.0).abs() <= f64::from(tolerance_centi) / 200.0 + 1e-9);
        }
    }
}
