//! Paper assembly from a large bank: 1,000 papers of 100 questions from a generated
//! 20,000-question bank, with session exposure carried from paper to paper.
//!
//!     cargo bench -p question-bank --bench assembly
//!
//! Prints the exposure report of the 1,000-paper session (max/mean, target ≤ 1.5) and the
//! spread of paper mean difficulty before the timings.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use question_bank::{
    Answer, Area, Assembler, Bank, Blueprint, Exposure, OptionSet, Question, QuestionId,
    QuestionKind, Subject,
};

/// `n` questions for Q1, spread over area × kind in the pool proportions a real bank has
/// (30/50/20 areas; 40/45/15 kinds), difficulty 1–5, one enemy pair in fifty.
fn generated_bank(n: usize) -> Bank {
    let mut questions = Vec::with_capacity(n);
    for i in 0..n {
        let area = match i % 10 {
            0..=2 => Area::Basic,
            3..=7 => Area::Safety,
            _ => Area::Law,
        };
        let kind = match (i / 10) % 20 {
            0..=7 => QuestionKind::Judge,
            8..=16 => QuestionKind::Single,
            _ => QuestionKind::Multiple,
        };
        let (options, key) = match kind {
            QuestionKind::Judge => (vec![], Answer::Judge(i % 2 == 0)),
            QuestionKind::Single => (
                (0..4).map(|o| format!("选项{o}")).collect(),
                Answer::Choice(OptionSet::from_indices([i % 4]).unwrap()),
            ),
            QuestionKind::Multiple => (
                (0..5).map(|o| format!("选项{o}")).collect(),
                Answer::Choice(OptionSet::from_indices([i % 5, (i + 2) % 5]).unwrap()),
            ),
        };
        let enemies = if i % 50 == 1 {
            vec![QuestionId(format!("G-{:06}", i - 1))]
        } else {
            vec![]
        };
        questions.push(Question {
            id: QuestionId(format!("G-{i:06}")),
            scope: Subject::Q1,
            kind,
            area,
            topic: "安全操作规程".into(),
            subtopic: String::new(),
            difficulty: 1 + ((i * 7) % 5) as u8,
            stem: format!("生成题 {i}"),
            options,
            key,
            points_tenths: 10,
            explanation: String::new(),
            reference: None,
            enemies,
        });
    }
    Bank::new(questions).expect("unique ids")
}

fn bench(c: &mut Criterion) {
    let bank = generated_bank(20_000);
    let blueprint = Blueprint::standard(Subject::Q1);
    let assembler = Assembler::new(&bank, &blueprint).expect("feasible");

    // One 1,000-candidate session, reported once.
    let mut exposure = Exposure::new(&bank);
    let mut means = Vec::new();
    for seed in 0..1_000 {
        let paper = assembler.assemble(seed, &exposure).expect("paper");
        let sum: u32 = paper
            .questions
            .iter()
            .map(|q| u32::from(bank.get(&q.id).unwrap().difficulty))
            .sum();
        means.push(f64::from(sum) / paper.questions.len() as f64);
        exposure.record(&bank, &paper);
    }
    let r = exposure.report(&bank, &blueprint);
    let (lo, hi) = means
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    println!(
        "20,000-question bank, 1,000 papers: used {}/{} questions, max {} mean {:.2} ratio {:.3}; paper mean difficulty {lo:.2}–{hi:.2} (target {:.2})",
        r.used,
        r.pool,
        r.max,
        r.mean,
        r.ratio,
        assembler.target_mean()
    );

    let mut group = c.benchmark_group("assembly");
    group.throughput(Throughput::Elements(1_000));
    group.sample_size(10);
    group.bench_function("1000 papers from 20k bank", |b| {
        b.iter(|| {
            let mut exposure = Exposure::new(&bank);
            for seed in 0..1_000 {
                let paper = assembler.assemble(seed, &exposure).expect("paper");
                exposure.record(&bank, &paper);
            }
            exposure
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
