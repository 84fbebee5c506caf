//! Archive at scale: seal N realistic theory records (100 questions, every answer change
//! with a timestamp), then time what certification bodies and the institution do with
//! them: pull every page, export the bundle, verify it, verify the database, and build
//! the result summary as CSV and XLSX.
//!
//! ```text
//! cargo run --release -p exam-server --example archive_scale -- 100000 /tmp/archive-scale
//! ```

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use exam_server::auth::TokenKeys;
use exam_server::config::Settings;
use exam_server::service::archive::bundle::{export_bundle, verify_bundle};
use exam_server::service::archive::verify::verify_store;
use exam_server::service::archive::{load_or_create_key, pull, PullQuery};
use exam_server::service::reports::{summary_file, SummaryFormat};
use exam_server::service::statistics::{statistics, StatsQuery};
use exam_server::service::{AppState, Catalog};
use exam_server::store::archive::{Pending, SealMark};
use exam_server::store::Store;
use question_bank::archive::{
    theory_score, AnswerEvent, Attendance, InstitutionRef, PersonRef, RecordBody, SessionRef,
    TheoryRecord,
};
use question_bank::id_number::synthesize;
use question_bank::wire::PaperStatus;
use question_bank::{
    score_paper, Answer, Assembler, Blueprint, CraneType, Exposure, QuestionKind, Subject,
};
use rand::{Rng, SeedableRng};

const PER_SESSION: u32 = 100;

fn secs(t: Instant) -> String {
    format!("{:.2} s", t.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args.get(1).map_or(Ok(100_000), |s| s.parse())?;
    let dir = std::path::PathBuf::from(args.get(2).map_or("/tmp/archive-scale", String::as_str));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let settings = Settings {
        data_dir: dir.clone(),
        ..Settings::default()
    };
    let store = Store::open_sqlite(&settings.database_path()).await?;
    let bank = question_bank::bundled::bundled_bank().map_err(|e| anyhow::anyhow!("{e}"))?;
    let catalog = Arc::new(Catalog::new(store.clone(), bank).await?);
    let key = Arc::new(load_or_create_key(&dir)?);
    store
        .register_archive_key(&key.public().key_id(), &key.public().to_hex(), 0)
        .await?;
    let state = AppState {
        store: store.clone(),
        catalog: catalog.clone(),
        keys: TokenKeys::new(b"archive-scale"),
        settings: Arc::new(settings.clone()),
        archive_key: key.clone(),
        report_font: Err(Arc::new("not needed".into())),
        metrics: Default::default(),
        papers: Default::default(),
        start_gate: Default::default(),
    };

    // Seal n records, one session of 100 at a time.
    let bank = catalog.current();
    let subject = Subject::Q2(Some(CraneType::Bridge));
    let blueprint = Blueprint::standard(subject);
    let assembler = Assembler::new(&bank, &blueprint).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let started = Instant::now();
    let mut bytes = 0usize;
    let sessions = n.div_ceil(PER_SESSION);
    for s in 0..sessions {
        let day =
            NaiveDate::from_ymd_opt(2023, 1, 2).unwrap() + Duration::days(i64::from(s % 1000));
        let opened = Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap());
        let mut batch = Vec::new();
        let mut exposure = Exposure::new(&bank);
        for c in 0..PER_SESSION.min(n - s * PER_SESSION) {
            let paper = assembler
                .assemble(rng.random(), &exposure)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            exposure.record(&bank, &paper);
            let mut events = Vec::new();
            let mut answers = Vec::new();
            for (i, pq) in paper.questions.iter().enumerate() {
                let q = bank.get(&pq.id).unwrap();
                let right = rng.random_bool(0.8);
                // A wrong answer that is valid for this question: the other judge value,
                // or another single option; a wrong multiple answer is left blank.
                let answer = match (right, q.key) {
                    (true, key) => Some(key),
                    (false, Answer::Judge(b)) => Some(Answer::Judge(!b)),
                    (false, key) if q.kind == QuestionKind::Single => Answer::parse(
                        q.kind,
                        q.options.len(),
                        if key.to_wire() == "A" { "B" } else { "A" },
                    )
                    .ok(),
                    (false, _) => None,
                };
                let Some(answer) = answer else {
                    answers.push(None);
                    continue;
                };
                let at = opened + Duration::seconds(20 * i as i64);
                events.push(AnswerEvent {
                    no: i as u16 + 1,
                    answer: Some(answer.to_wire()),
                    seq: 1,
                    at,
                });
                if rng.random_bool(0.1) {
                    events.push(AnswerEvent {
                        no: i as u16 + 1,
                        answer: Some(answer.to_wire()),
                        seq: 2,
                        at: at + Duration::seconds(5),
                    });
                }
                answers.push(Some(answer));
            }
            let report = score_paper(&bank, &blueprint, &paper, &answers)?;
            let person = synthesize(
                330_106,
                NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                    + Duration::days(i64::from((s * PER_SESSION + c) % 15_000)),
                ((s * PER_SESSION + c) % 999) as u16,
            );
            let record = TheoryRecord {
                institution: InstitutionRef {
                    code: "JG-3301".into(),
                    name: "示例考试机构".into(),
                    authority_code: "FZ-33".into(),
                },
                person: PersonRef {
                    name: format!("考生{}", s * PER_SESSION + c),
                    id_number: person.to_string(),
                    gender: "男".into(),
                    employer: format!("单位{}", c % 17),
                },
                candidate_id: i64::from(s * PER_SESSION + c + 1),
                ticket: format!("T{:07}", s * PER_SESSION + c),
                seat: format!("{:02}", c % 50 + 1),
                subject: subject.code(),
                session: SessionRef {
                    id: i64::from(s + 1),
                    title: format!("第{}场", s + 1),
                    batch: format!("B{}", s / 10),
                    exam_date: day,
                },
                opened_at: Some(opened),
                deadline_at: Some(opened + Duration::hours(1)),
                blueprint: blueprint.clone(),
                attendance: Attendance {
                    status: PaperStatus::Submitted,
                    started_at: Some(opened),
                    submitted_at: Some(opened + Duration::minutes(40)),
                    auto_submitted: false,
                    terminal: Some(format!("term-{c}")),
                    terminal_seat: Some(format!("{:02}", c % 50 + 1)),
                    terminated: None,
                },
                answers: answers.iter().map(|a| a.map(Answer::to_wire)).collect(),
                answer_events: events,
                score: Some(theory_score(&report, blueprint.pass_mark_tenths)),
                paper,
                events: vec![],
            };
            batch.push(Pending {
                session_id: i64::from(s + 1),
                candidate_id: i64::from(s * PER_SESSION + c + 1),
                body: RecordBody::Theory(Box::new(record)),
            });
        }
        let sealed = store
            .append_to_chain(&key, batch, SealMark::TheorySession(0), |_, _| None, 0)
            .await?;
        bytes += sealed.iter().map(|r| r.content.len()).sum::<usize>();
    }
    println!(
        "sealed {n} records ({:.0} MB of canonical JSON, {:.1} KB each) in {}",
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / f64::from(n),
        secs(started)
    );

    let t = Instant::now();
    let mut q = PullQuery {
        limit: Some(1000),
        ..PullQuery::default()
    };
    let mut pulled = 0;
    loop {
        let page = pull(&state, &q).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        pulled += page.records.len();
        match page.next_cursor {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    println!(
        "pull API service, {pulled} records in pages of 1000: {}",
        secs(t)
    );

    let t = Instant::now();
    let path = dir.join("bundle.zip");
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
    let manifest = export_bundle(&store, &catalog, &key, file, |_, _| {}).await?;
    println!(
        "bundle export, {} records, {:.0} MB zip: {}",
        manifest.records,
        std::fs::metadata(&path)?.len() as f64 / 1e6,
        secs(t)
    );

    let t = Instant::now();
    let (_, report) = verify_bundle(std::fs::File::open(&path)?, Some(&key.public()), |_, _| {})?;
    for p in report.problems.iter().take(3) {
        println!("  problem: {p}");
    }
    println!(
        "bundle verify (hash, chain, signature, re-score) ok={} records={}: {}",
        report.ok(),
        report.records,
        secs(t)
    );

    let t = Instant::now();
    let report = verify_store(&store, &catalog, |_, _| {}).await?;
    println!(
        "database verify ok={} records={}: {}",
        report.ok(),
        report.records,
        secs(t)
    );

    for (format, name) in [(SummaryFormat::Csv, "CSV"), (SummaryFormat::Xlsx, "XLSX")] {
        let t = Instant::now();
        let (bytes, _, _) = summary_file(&state, &StatsQuery::default(), format)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "summary {name}, {:.1} MB: {}",
            bytes.len() as f64 / 1e6,
            secs(t)
        );
    }
    let t = Instant::now();
    let stats = statistics(&state, &StatsQuery::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "statistics ({} groups, {} trend points): {}",
        stats.groups.len(),
        stats.trend.len(),
        secs(t)
    );
    store.close().await;
    Ok(())
}
