use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::bank::Bank;
use crate::blueprint::{Blueprint, KindCounts};
use crate::paper::assemble_paper;
use crate::scoring::score_paper;
use crate::subject::Subject;
use crate::testing::sample_bank;
use crate::wire::PaperStatus;

fn key(n: u8) -> ArchiveKey {
    ArchiveKey::from_secret([n; 32])
}

fn blueprint() -> Blueprint {
    let mut b = Blueprint::standard(Subject::Q1);
    b.kind_counts = KindCounts {
        judge: 4,
        single: 4,
        multiple: 2,
    };
    b
}

/// A submitted paper whose candidate answered every question with the key, then
/// changed question 1 to a wrong answer.
fn theory(bank: &Bank, seed: u64) -> TheoryRecord {
    let blueprint = blueprint();
    let paper = assemble_paper(bank, &blueprint, seed).unwrap();
    let keys: Vec<_> = paper
        .questions
        .iter()
        .map(|pq| bank.get(&pq.id).unwrap().key)
        .collect();
    let mut answers: Vec<Option<String>> = keys.iter().map(|k| Some(k.to_wire())).collect();
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap();
    let mut answer_events: Vec<AnswerEvent> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| AnswerEvent {
            no: u16::try_from(i + 1).unwrap(),
            answer: a.clone(),
            seq: 1,
            at,
        })
        .collect();
    let wrong = bank
        .questions()
        .iter()
        .map(|q| q.key.to_wire())
        .find(|k| Some(k) != answers[0].as_ref() && k.len() == answers[0].as_ref().unwrap().len())
        .unwrap();
    answers[0] = Some(wrong.clone());
    answer_events.push(AnswerEvent {
        no: 1,
        answer: Some(wrong),
        seq: 2,
        at,
    });
    let parsed: Vec<_> = answers
        .iter()
        .zip(&paper.questions)
        .map(|(a, pq)| {
            let q = bank.get(&pq.id).unwrap();
            a.as_ref()
                .and_then(|t| crate::Answer::parse(q.kind, q.options.len(), t).ok())
        })
        .collect();
    let report = score_paper(bank, &blueprint, &paper, &parsed).unwrap();
    TheoryRecord {
        institution: InstitutionRef {
            code: "JG-3201".into(),
            name: "示例考试机构".into(),
            authority_code: "FZ-32".into(),
        },
        person: PersonRef {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            gender: "女".into(),
            employer: "某起重公司".into(),
        },
        candidate_id: 7,
        ticket: "T0007".into(),
        seat: "07".into(),
        subject: "Q1".into(),
        session: SessionRef {
            id: 1,
            title: "第3批".into(),
            batch: "2026-11-3".into(),
            exam_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        },
        opened_at: Some(at),
        deadline_at: Some(at),
        score: Some(theory_score(&report, blueprint.pass_mark_tenths)),
        blueprint,
        paper,
        attendance: Attendance {
            status: PaperStatus::Submitted,
            started_at: Some(at),
            submitted_at: Some(at),
            auto_submitted: false,
            terminal: Some("t-1".into()),
            terminal_seat: Some("07".into()),
            terminated: None,
        },
        answer_events,
        answers,
        events: vec![],
    }
}

fn chain(bank: &Bank, n: u64, key: &ArchiveKey) -> Vec<SealedRecord> {
    let mut prev = GENESIS.to_owned();
    (1..=n)
        .map(|seq| {
            let body = RecordBody::Theory(Box::new(theory(bank, seq)));
            let r = seal(key, seq, &prev, Utc::now(), body).unwrap();
            prev = r.hash.clone();
            r
        })
        .collect()
}

fn verify(records: &[SealedRecord], keys: Vec<PublicKey>) -> Vec<Problem> {
    let mut v = ChainVerifier::new(keys, 1, GENESIS);
    let mut problems = Vec::new();
    for r in records {
        v.check(r, &mut problems);
    }
    problems
}

#[test]
fn a_sealed_chain_verifies_and_every_paper_rescores_to_its_sealed_score() {
    let bank = sample_bank(60);
    let k = key(1);
    let records = chain(&bank, 5, &k);
    assert!(verify(&records, vec![k.public()]).is_empty());
    for r in &records {
        let content: RecordContent = serde_json::from_str(&r.content).unwrap();
        let RecordBody::Theory(t) = content.body else {
            panic!("theory")
        };
        assert_eq!(rescore_theory(&t, &bank), Vec::<String>::new());
        assert!(t.score.unwrap().total_tenths < t.blueprint.kind_counts.total() as u32 * 10);
    }
}

#[test]
fn flipping_any_single_byte_of_a_record_is_detected() {
    let bank = sample_bank(60);
    let k = key(2);
    let records = chain(&bank, 3, &k);
    let len = records[1].content.len();
    for pos in (0..len).step_by(len / 97 + 1) {
        let mut tampered = records.clone();
        let mut bytes = tampered[1].content.clone().into_bytes();
        bytes[pos] ^= 0x01;
        tampered[1].content = String::from_utf8_lossy(&bytes).into_owned();
        let problems = verify(&tampered, vec![k.public()]);
        assert!(
            problems
                .iter()
                .any(|p| p.seq == 2 && p.kind == ProblemKind::HashMismatch),
            "byte {pos} flipped but not detected: {problems:?}"
        );
    }
}

#[test]
fn a_rewritten_record_with_a_fresh_hash_fails_signature_and_chain() {
    let bank = sample_bank(60);
    let k = key(3);
    let mut records = chain(&bank, 3, &k);
    let forger = key(4);
    let mut content: RecordContent = serde_json::from_str(&records[1].content).unwrap();
    content.key_id = k.public().key_id();
    if let RecordBody::Theory(t) = &mut content.body {
        t.score.as_mut().unwrap().total_tenths = 1000;
    }
    let forged = seal(
        &forger,
        2,
        &content.prev_hash,
        content.sealed_at,
        content.body,
    )
    .unwrap();
    // The forger can't sign with the institution key, so it claims the institution key id.
    let claimed: RecordContent = serde_json::from_str(&forged.content).unwrap();
    assert_eq!(claimed.key_id, forger.public().key_id());
    records[1] = forged;
    let problems = verify(&records, vec![k.public()]);
    assert!(problems
        .iter()
        .any(|p| p.seq == 2 && matches!(p.kind, ProblemKind::UnknownKey(_))));
    assert!(problems
        .iter()
        .any(|p| p.seq == 3 && matches!(p.kind, ProblemKind::ChainBroken { .. })));
}

#[test]
fn a_dropped_record_breaks_the_sequence_and_the_chain() {
    let bank = sample_bank(60);
    let k = key(5);
    let mut records = chain(&bank, 4, &k);
    records.remove(2);
    let problems = verify(&records, vec![k.public()]);
    assert!(problems.iter().any(|p| p.kind
        == ProblemKind::SeqGap {
            expected: 3,
            found: 4
        }));
    assert!(problems
        .iter()
        .any(|p| matches!(p.kind, ProblemKind::ChainBroken { .. })));
}

#[test]
fn rescoring_reports_a_sealed_score_that_the_answers_do_not_give() {
    let bank = sample_bank(60);
    let mut t = theory(&bank, 9);
    assert!(rescore_theory(&t, &bank).is_empty());
    t.score.as_mut().unwrap().total_tenths += 10;
    let diffs = rescore_theory(&t, &bank);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert!(diffs[0].contains("重新评分"));

    let mut t = theory(&bank, 9);
    t.answers[0] = t.answer_events[0].answer.clone();
    assert!(rescore_theory(&t, &bank)
        .iter()
        .any(|d| d.contains("作答记录")));
}

#[test]
fn a_terminated_paper_rescores_to_a_void_score_and_keeps_its_answers() {
    let bank = sample_bank(60);
    let mut t = theory(&bank, 9);
    let marked = t.score.clone().unwrap();
    assert!(marked.total_tenths > 0, "fixture should earn points");
    t.attendance.terminated = Some(Termination {
        at: t.attendance.submitted_at.unwrap(),
        reason: "夹带资料".into(),
    });
    // The score as marked no longer stands: the record must carry the void score.
    let diffs = rescore_theory(&t, &bank);
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    t.score = Some(marked.clone().voided());
    assert!(rescore_theory(&t, &bank).is_empty());
    let void = t.score.as_ref().unwrap();
    assert_eq!((void.total_tenths, void.passed), (0, false));
    assert_eq!(void.max_tenths, marked.max_tenths);
    assert_eq!(void.unanswered, marked.unanswered);
    assert!(void.areas.iter().all(|a| a.earned_tenths == 0));
    // The reason survives canonical serialisation; untouched records serialise as before.
    let json = serde_json::to_string(&t.attendance).unwrap();
    assert!(json.contains("夹带资料"));
    t.attendance.terminated = None;
    assert!(!serde_json::to_string(&t.attendance)
        .unwrap()
        .contains("terminated"));
}

#[test]
fn public_keys_round_trip_through_hex_and_sign_delivery_bodies() {
    let k = key(6);
    let pk = PublicKey::from_hex(&k.public().to_hex()).unwrap();
    assert_eq!(pk, k.public());
    assert_eq!(pk.key_id().len(), 16);
    let sig = k.sign_hex(b"payload");
    assert!(pk.verify_hex(b"payload", &sig));
    assert!(!pk.verify_hex(b"payload!", &sig));
    assert_eq!(PublicKey::from_hex("zz"), Err(SealError::BadPublicKey));
    assert!(!format!("{k:?}").contains(&hex::encode(k.secret())));
}
