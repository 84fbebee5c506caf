//! Golden values computed by hand, edge cases, and bounds.

use super::*;
use crate::question::{Answer, OptionSet, QuestionId, QuestionKind};
use proptest::prelude::*;

const EPS: f64 = 1e-9;

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < EPS)
}

fn meta(id: &str, kind: QuestionKind, option_count: usize, key: &str) -> ItemMeta {
    let key = Answer::parse(kind, option_count, key).unwrap();
    ItemMeta {
        id: QuestionId(id.into()),
        kind,
        option_count,
        key,
    }
}

/// I1 judge (key T), I2 single (B), I3 single (C), I4 multiple (AC), I5 judge (F); four
/// options each for the choice items.
fn items() -> Vec<ItemMeta> {
    vec![
        meta("I1", QuestionKind::Judge, 0, "T"),
        meta("I2", QuestionKind::Single, 4, "B"),
        meta("I3", QuestionKind::Single, 4, "C"),
        meta("I4", QuestionKind::Multiple, 4, "AC"),
        meta("I5", QuestionKind::Judge, 0, "F"),
    ]
}

/// Marks `answers` ("" = omitted) as the scorer would with 20-point items and 50% partial
/// credit for a non-empty subset of a multiple-choice key.
fn examinee(items: &[ItemMeta], answers: &[&str]) -> Examinee {
    let responses: Vec<ItemResponse> = items
        .iter()
        .zip(answers)
        .filter(|(_, a)| **a != "-") // "-": the examinee's paper did not hold this item
        .map(|(m, a)| {
            let answer = (!a.is_empty()).then(|| Answer::parse(m.kind, m.option_count, a).unwrap());
            let correct = answer == Some(m.key);
            let partial = matches!((answer, m.key), (Some(Answer::Choice(g)), Answer::Choice(k)) if g.is_subset(k));
            let earned_tenths = if correct { 200 } else if partial { 100 } else { 0 };
            ItemResponse { item: m.id.clone(), answer, correct, earned_tenths }
        })
        .collect();
    let total_tenths = responses.iter().map(|r| r.earned_tenths).sum();
    Examinee {
        total_tenths,
        responses,
    }
}

// The golden fixture ("" = omitted, ½ = half credit, 10 of 20 points):
//
//        I1  I2  I3  I4    I5   total  correct (NC)
//   E0   T✓  B✓  C✓  AC✓   T     80    4
//   E1   T✓  B✓  C✓  A½    T     70    3
//   E2   T✓  B✓  D   C½    F✓    70    3   tied with E1 at the upper cut
//   E3   T✓  B✓  C✓  BD    ""    60    3
//   E4   T✓  B✓  A   B     F✓    60    3
//   E5   T✓  B✓  ""  ABC   F✓    60    3
//   E6   T✓  B✓  A   ""    T     40    2
//   E7   T✓  A   D   B     T     20    1   tied with E8 at the lower cut
//   E8   F   C   B   D     F✓    20    1
//   E9   F   D   A   ""    T      0    0
//
// N = 10, groups of floor(0.27·10) = 2. Ranked by total, ties in input order:
// upper = {E0, E1} (E1 before E2), lower = {E8, E9} (E8 after E7).
const GOLDEN: [[&str; 5]; 10] = [
    ["T", "B", "C", "AC", "T"],
    ["T", "B", "C", "A", "T"],
    ["T", "B", "D", "C", "F"],
    ["T", "B", "C", "BD", ""],
    ["T", "B", "A", "B", "F"],
    ["T", "B", "", "ABC", "F"],
    ["T", "B", "A", "", "T"],
    ["T", "A", "D", "B", "T"],
    ["F", "C", "B", "D", "F"],
    ["F", "D", "A", "", "T"],
];

fn golden_in(order: &[usize]) -> ResponseMatrix {
    let items = items();
    let examinees = order
        .iter()
        .map(|&e| examinee(&items, &GOLDEN[e]))
        .collect();
    ResponseMatrix::new(items, examinees).unwrap()
}

fn golden() -> ResponseMatrix {
    golden_in(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
}

fn counts(s: &ItemStats) -> Vec<(&str, bool, usize)> {
    s.options
        .iter()
        .map(|o| (o.label.as_str(), o.keyed, o.count))
        .collect()
}

#[test]
fn golden_fixture_totals_are_as_tabled() {
    let totals: Vec<u32> = golden()
        .examinees()
        .iter()
        .map(|e| e.total_tenths)
        .collect();
    assert_eq!(totals, [800, 700, 700, 600, 600, 600, 400, 200, 200, 0]);
}

#[test]
fn golden_facility_discrimination_and_flags() {
    let s = golden().item_stats();
    // Correct: I1 E0–E7 = 8, I2 E0–E6 = 7, I3 E0,E1,E3 = 3, I4 E0 = 1, I5 E2,E4,E5,E8 = 4.
    let p = [0.8, 0.7, 0.3, 0.1, 0.4];
    // D = p(E0,E1) − p(E8,E9):
    //   I1 2/2 − 0/2 = 1;  I2 2/2 − 0/2 = 1;  I3 2/2 − 0/2 = 1;
    //   I4 1/2 − 0/2 = 0.5 (E1's half credit is not correct);  I5 0/2 − 1/2 = −0.5.
    let d = [1.0, 1.0, 1.0, 0.5, -0.5];
    for (i, s) in s.iter().enumerate() {
        assert_eq!(s.n, 10);
        assert!(close(s.facility, p[i]), "{}: {:?}", s.item, s.facility);
        assert!(
            close(s.discrimination, d[i]),
            "{}: {:?}",
            s.item,
            s.discrimination
        );
    }
    // p < 0.2 → 过难; D < 0 → 区分度为负; n = 10 < 20, so no distractor is judged.
    let flags: Vec<_> = s.iter().map(|s| s.flags.clone()).collect();
    assert_eq!(
        flags,
        [
            vec![],
            vec![],
            vec![],
            vec![ItemFlag::TooHard],
            vec![ItemFlag::NegativeDiscrimination]
        ]
    );
    assert_eq!(s.iter().filter(|s| s.needs_review()).count(), 2);
}

#[test]
fn golden_point_biserial_uses_the_rest_score() {
    // r = (M1 − M0) / s · √(pq), M1/M0 the mean rest score (total − this item's points) of
    // those right/wrong, s its population SD. Rest scores in points, E0…E9:
    let s = golden().item_stats();
    // I1 rest 60 50 50 40 40 40 20 0 20 0: mean 32, Σd² = 784+324·2+64·3+144·2+1024·2 = 3960,
    //   s² = 396; M1 = 300/8 = 37.5, M0 = 20/2 = 10; pq = 0.16.
    //   r = 27.5 · 0.4 / √396 = 11/√396 = √11/6.
    assert!(close(s[0].point_biserial, 11f64.sqrt() / 6.0));
    // I2 rest 60 50 50 40 40 40 20 20 20 0: mean 34, Σd² = 676+256·2+36·3+196·3+1156 = 3040,
    //   s² = 304; M1 = 300/7, M0 = 40/3, M1 − M0 = 620/21; pq = 0.21.
    //   r² = (620/21)² · 0.21 / 304 = 961/1596, r = 31/√1596.
    assert!(close(s[1].point_biserial, 31.0 / 1596f64.sqrt()));
    // I3 rest 60 50 70 40 60 60 40 20 20 0: mean 42, Σd² = 324+64+784+4+324·2+4+484·2+1764
    //   = 4560, s² = 456; M1 = (60+50+40)/3 = 50, M0 = 270/7, M1 − M0 = 80/7; pq = 0.21.
    //   r² = (80/7)² · 0.21 / 456 = 8/133.
    assert!(close(s[2].point_biserial, (8.0f64 / 133.0).sqrt()));
    // I4 (E1, E2 lose their half credit) rest 60 60 60 60 60 60 40 20 20 0: mean 44,
    //   Σd² = 256·6+16+576·2+1936 = 4640, s² = 464; M1 = 60, M0 = 380/9, M1 − M0 = 160/9;
    //   pq = 0.09. r = (160/9) · 0.3 / √464 = 16/√4176 = 4/√261.
    assert!(close(s[3].point_biserial, 4.0 / 261f64.sqrt()));
    // I5 rest 80 70 50 60 40 40 40 20 0 0: mean 40, Σd² = 1600+900+100+400+0·3+400+1600·2
    //   = 6600, s² = 660; M1 = (50+40+40+0)/4 = 32.5, M0 = 270/6 = 45; pq = 0.24.
    //   r² = 12.5² · 0.24 / 660 = 5/88, negative.
    assert!(close(s[4].point_biserial, -(5.0f64 / 88.0).sqrt()));
}

#[test]
fn golden_option_counts_for_distractor_analysis() {
    let s = golden().item_stats();
    assert_eq!(counts(&s[0]), [("T", true, 8), ("F", false, 2)]);
    assert_eq!(
        counts(&s[1]),
        [
            ("A", false, 1),
            ("B", true, 7),
            ("C", false, 1),
            ("D", false, 1)
        ]
    );
    assert_eq!(
        counts(&s[2]),
        [
            ("A", false, 3),
            ("B", false, 1),
            ("C", true, 3),
            ("D", false, 2)
        ]
    );
    // Multiple choice counts each letter: A in AC, A, ABC; B in BD, B, ABC, B; C in AC, C,
    // ABC; D in BD, D.
    assert_eq!(
        counts(&s[3]),
        [
            ("A", true, 3),
            ("B", false, 4),
            ("C", true, 3),
            ("D", false, 2)
        ]
    );
    assert_eq!(counts(&s[4]), [("T", false, 5), ("F", true, 4)]);
    let omitted: Vec<usize> = s.iter().map(|s| s.omitted).collect();
    assert_eq!(omitted, [0, 0, 1, 2, 1]);
}

#[test]
fn golden_session_statistics() {
    let s = golden().session_stats(700);
    assert_eq!((s.examinees, s.items), (10, 5));
    let sc = s.scores.unwrap();
    // Totals 80 70 70 60 60 60 40 20 20 0: Σ = 480, mean 48.
    assert!((sc.mean - 48.0).abs() < EPS);
    // d = 32 22 22 12 12 12 −8 −28 −28 −48; Σd² = 1024+484·2+144·3+64+784·2+2304 = 6360;
    // σ² = 636 (÷ N), σ = √636.
    assert!((sc.sd - 636f64.sqrt()).abs() < EPS);
    // Sorted 0 20 20 40 60 | 60 60 70 70 80: median (60 + 60) / 2.
    assert_eq!((sc.min, sc.max, sc.median), (0.0, 80.0, 60.0));
    // Pass mark 70: E0, E1, E2.
    assert_eq!(s.passed, 3);
    assert!(close(s.pass_rate, 0.3));
    //                       0  10 20 30 40 50 60 70 80 90
    assert_eq!(s.histogram, [1, 0, 2, 0, 1, 0, 3, 2, 1, 0]);
    // NC 4 3 3 3 3 3 2 1 1 0: mean 2.3, Σd² = 2.89+0.49·5+0.09+1.69·2+5.29 = 14.1, σ² = 1.41.
    // Σpq = 0.8·0.2 + 0.7·0.3 + 0.3·0.7 + 0.1·0.9 + 0.4·0.6 = 0.16+0.21+0.21+0.09+0.24 = 0.91.
    // KR-20 = 5/4 · (1 − 0.91/1.41) = 5/4 · 0.5/1.41 = 125/282.
    assert!(close(s.kr20, 125.0 / 282.0));
}

#[test]
fn ties_at_the_cut_are_broken_by_input_order() {
    // E2 before E1 and E8 before E7: upper = {E0, E2}, lower = {E7, E9}.
    let s = golden_in(&[0, 2, 1, 3, 4, 5, 6, 8, 7, 9]).item_stats();
    // I1 2/2 − 1/2;  I2 2/2 − 0/2;  I3 1/2 − 0/2;  I4 1/2 − 0/2;  I5 1/2 − 0/2.
    for (s, d) in s.iter().zip([0.5, 1.0, 0.5, 0.5, 0.5]) {
        assert!(
            close(s.discrimination, d),
            "{}: {:?}",
            s.item,
            s.discrimination
        );
    }
    // Facility and correlation do not depend on order.
    assert!(close(s[4].facility, 0.4));
    assert!(close(s[4].point_biserial, -(5.0f64 / 88.0).sqrt()));
    assert!(s[4].flags.is_empty());
}

#[test]
fn one_examinee_has_no_spread() {
    let m = golden_in(&[2]);
    for s in m.item_stats() {
        assert_eq!(s.n, 1);
        assert_eq!(
            (s.discrimination, s.point_biserial),
            (None, None),
            "{}",
            s.item
        );
    }
    assert_eq!(m.item_stats()[2].facility, Some(0.0));
    let s = m.session_stats(700);
    let sc = s.scores.unwrap();
    assert_eq!(
        (sc.mean, sc.sd, sc.min, sc.max, sc.median),
        (70.0, 0.0, 70.0, 70.0, 70.0)
    );
    assert_eq!((s.passed, s.pass_rate, s.kr20), (1, Some(1.0), None));
    assert_eq!(s.histogram[7], 1);
}

#[test]
fn all_correct_means_zero_variance_and_no_correlation_or_reliability() {
    let items = items();
    let perfect = ["T", "B", "C", "AC", "F"];
    let m = ResponseMatrix::new(items.clone(), vec![examinee(&items, &perfect); 3]).unwrap();
    for s in m.item_stats() {
        assert_eq!(
            (s.facility, s.discrimination, s.point_biserial),
            (Some(1.0), Some(0.0), None)
        );
        assert_eq!(s.flags, [ItemFlag::TooEasy]);
    }
    let s = m.session_stats(700);
    assert_eq!((s.scores.unwrap().sd, s.kr20), (0.0, None));
    assert_eq!(s.histogram[9], 3, "100 points falls in the last bin");
}

#[test]
fn an_item_nobody_saw_has_counts_but_no_statistics() {
    let mut items = items();
    items.push(meta("I6", QuestionKind::Single, 3, "A"));
    let examinees = GOLDEN.iter().map(|a| examinee(&items, a)).collect();
    let m = ResponseMatrix::new(items, examinees).unwrap();
    let s = &m.item_stats()[5];
    assert_eq!(
        (s.n, s.facility, s.discrimination, s.point_biserial),
        (0, None, None, None)
    );
    assert_eq!(
        counts(s),
        [("A", true, 0), ("B", false, 0), ("C", false, 0)]
    );
    assert!(!s.needs_review());
    // KR-20 is over the items anyone saw, so it stays the golden value.
    assert!(close(m.session_stats(700).kr20, 125.0 / 282.0));
}

#[test]
fn different_papers_have_no_kr20_but_item_statistics() {
    let items = items();
    let mut answers = GOLDEN.to_vec();
    answers[9][4] = "-"; // E9's paper did not hold I5.
    let m = ResponseMatrix::new(
        items.clone(),
        answers.iter().map(|a| examinee(&items, a)).collect(),
    )
    .unwrap();
    assert_eq!(m.session_stats(700).kr20, None);
    assert_eq!(m.item_stats()[4].n, 9);
    assert!(close(m.item_stats()[4].facility, 4.0 / 9.0));
}

#[test]
fn distractors_are_judged_from_twenty_examinees() {
    let items = vec![meta("S", QuestionKind::Single, 4, "A")];
    // A ×15, B ×4, C ×1 (exactly 5%: functions), D ×0 (does not).
    let mut answers: Vec<&str> = [vec!["A"; 15], vec!["B"; 4], vec!["C"]].concat();
    let matrix = |answers: &[&str]| {
        let examinees = answers.iter().map(|a| examinee(&items, &[*a])).collect();
        ResponseMatrix::new(items.clone(), examinees).unwrap()
    };
    let s = &matrix(&answers).item_stats()[0];
    assert_eq!(s.non_functioning_distractors(), ["D"]);
    assert_eq!(s.flags, [ItemFlag::NonFunctioningDistractor]);
    answers.pop();
    assert!(
        matrix(&answers).item_stats()[0].flags.is_empty(),
        "19 examinees: not judged"
    );
}

#[test]
fn responses_that_do_not_fit_are_rejected() {
    let items = items();
    let new = |examinees| ResponseMatrix::new(items.clone(), examinees);
    let mut e = examinee(&items, &GOLDEN[0]);
    e.responses[0].item = QuestionId("X".into());
    assert!(matches!(
        new(vec![e]),
        Err(AnalysisError::UnknownItem { examinee: 0, .. })
    ));
    let mut e = examinee(&items, &GOLDEN[0]);
    e.responses[1] = e.responses[0].clone();
    assert!(matches!(
        new(vec![e]),
        Err(AnalysisError::DuplicateResponse { .. })
    ));
    for bad in [
        Answer::Judge(true),
        Answer::Choice(OptionSet::parse_letters("E").unwrap()),
    ] {
        let mut e = examinee(&items, &GOLDEN[0]);
        e.responses[3].answer = Some(bad);
        let err = new(vec![examinee(&items, &GOLDEN[1]), e]).unwrap_err();
        assert!(matches!(
            err,
            AnalysisError::AnswerDoesNotFit { examinee: 1, .. }
        ));
        assert!(err.to_string().starts_with("第 2 名考生"), "{err}");
    }
    let twice = vec![items[0].clone(), items[0].clone()];
    assert!(matches!(
        ResponseMatrix::new(twice, vec![]),
        Err(AnalysisError::DuplicateItem(_))
    ));
    let mut bad_key = items[1].clone();
    bad_key.key = Answer::Judge(true);
    assert!(matches!(
        ResponseMatrix::new(vec![bad_key], vec![]),
        Err(AnalysisError::KeyDoesNotFit(_))
    ));
}

#[test]
fn an_empty_session_has_no_scores() {
    let m = ResponseMatrix::new(items(), vec![]).unwrap();
    let s = m.session_stats(700);
    assert_eq!(
        (s.examinees, s.items, s.scores, s.pass_rate, s.kr20),
        (0, 0, None, None, None)
    );
    assert_eq!(s.histogram, [0; HISTOGRAM_BINS]);
    assert!(m
        .item_stats()
        .iter()
        .all(|s| s.n == 0 && s.facility.is_none()));
}

#[test]
fn a_scored_paper_converts_to_an_examinee() {
    use crate::blueprint::Blueprint;
    use crate::subject::Subject;
    let bank = crate::testing::sample_bank(30);
    let bp = Blueprint::standard(Subject::Q1);
    let paper = crate::paper::assemble_paper(&bank, &bp, 7).unwrap();
    let mut answers: Vec<_> = paper
        .questions
        .iter()
        .map(|pq| Some(bank.get(&pq.id).unwrap().key))
        .collect();
    answers[0] = None;
    let report = crate::scoring::score_paper(&bank, &bp, &paper, &answers).unwrap();
    let items = bank.questions().iter().map(ItemMeta::from).collect();
    let m = ResponseMatrix::new(items, vec![Examinee::from(&report)]).unwrap();
    assert_eq!(m.examinees()[0].total_tenths, report.total_tenths);
    let stats = m.item_stats();
    let seen: Vec<_> = stats.iter().filter(|s| s.n == 1).collect();
    assert_eq!(seen.len(), 100);
    assert_eq!(seen.iter().filter(|s| s.facility == Some(1.0)).count(), 99);
    assert_eq!(m.session_stats(700).kr20, None, "one examinee: no variance");
}

#[test]
fn flags_have_chinese_labels() {
    let labels = ItemFlag::ALL.map(ItemFlag::label_zh);
    assert_eq!(labels, ["区分度为负", "过难", "过易", "干扰项无效"]);
    assert_eq!(
        serde_json::to_string(&ItemFlag::TooHard).unwrap(),
        "\"too_hard\""
    );
}

proptest! {
    #[test]
    fn statistics_stay_in_their_ranges(
        rows in prop::collection::vec((prop::collection::vec(prop::option::of(0usize..5), 4), 0u32..300), 0..40)
    ) {
        // Four single-choice items keyed A; per cell None = not seen, 4 = omitted, else the
        // option index. The extra points stand for the rest of a longer paper.
        let items: Vec<ItemMeta> = (0..4).map(|i| meta(&format!("P{i}"), QuestionKind::Single, 4, "A")).collect();
        let examinees = rows.iter().map(|(cells, extra)| {
            let responses: Vec<ItemResponse> = items.iter().zip(cells).filter_map(|(m, c)| {
                let answer = c.filter(|&i| i < 4).map(|i| Answer::Choice(OptionSet::from_indices([i]).unwrap()));
                c.map(|_| ItemResponse { item: m.id.clone(), answer, correct: answer == Some(m.key), earned_tenths: if answer == Some(m.key) { 10 } else { 0 } })
            }).collect();
            Examinee { total_tenths: extra + responses.iter().map(|r| r.earned_tenths).sum::<u32>(), responses }
        }).collect();
        let m = ResponseMatrix::new(items, examinees).unwrap();
        for s in m.item_stats() {
            prop_assert!(s.facility.is_none_or(|p| (0.0..=1.0).contains(&p)));
            prop_assert!(s.discrimination.is_none_or(|d| (-1.0..=1.0).contains(&d)));
            prop_assert!(s.point_biserial.is_none_or(|r| (-1.0..=1.0).contains(&r)));
            prop_assert_eq!(s.options.iter().map(|o| o.count).sum::<usize>() + s.omitted, s.n);
        }
        let s = m.session_stats(700);
        prop_assert!(s.kr20.is_none_or(|r| r <= 1.0));
        prop_assert_eq!(s.histogram.iter().sum::<usize>(), s.examinees);
    }
}
