//! `simulate`: N headless terminals sit the exam at once against a real server, then the
//! results API is checked against every acknowledged answer.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use question_bank::id_number::synthesize;
use question_bank::wire::{
    DemoCandidate, DemoFile, ExamQuestion, QuestionKind, RegisterCandidateRequest, Role,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::api::{Api, ApiError};
use crate::tls::{Transport, TransportArgs};
use question_bank::wire::PaperStatus;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Options of a simulation run.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Server base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// demo.json written by `exam-server serve --demo`.
    #[arg(long, default_value = "exam-data/demo.json")]
    pub demo_file: PathBuf,
    /// Number of simultaneous terminals.
    #[arg(long, default_value_t = 12)]
    pub terminals: usize,
    /// Mean think time per question, milliseconds (uniform 0..2×).
    #[arg(long, default_value_t = 20)]
    pub think_ms: u64,
    /// Share of questions whose answer is changed once more before submitting.
    #[arg(long, default_value_t = 0.1)]
    pub change_rate: f64,
    /// Random seed for answers and timing.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub transport: TransportArgs,
}

/// The summary printed as the last stdout line.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Terminals run.
    pub terminals: usize,
    /// Papers the server reports submitted.
    pub submitted: usize,
    /// Saves acknowledged by the server.
    pub answers_acked: usize,
    /// Acknowledged answers not held by the server at the end.
    pub answers_lost: usize,
    /// Requests that failed for good.
    pub errors: usize,
    /// Median save latency.
    pub save_p50_ms: f64,
    /// 99th percentile save latency.
    pub save_p99_ms: f64,
    /// Wall time.
    pub elapsed_s: f64,
}

/// What one terminal did.
#[derive(Default)]
struct TerminalLog {
    ticket: String,
    /// Last acknowledged answer per question (display labels) with its seq.
    acked: HashMap<u16, (Option<String>, u64)>,
    acks: usize,
    latencies_ms: Vec<f64>,
    errors: usize,
    error_samples: Vec<String>,
}

/// Run the simulation.
pub async fn run(args: SimulateArgs) -> anyhow::Result<Summary> {
    let transport = Transport::from_args(&args.transport)?;
    let api = Api::connect(&args.server, &transport, REQUEST_TIMEOUT)?;
    let text = std::fs::read_to_string(&args.demo_file)
        .with_context(|| format!("read {}", args.demo_file.display()))?;
    let demo: DemoFile = serde_json::from_str(&text).context("parse demo file")?;
    let examiner = demo
        .account(Role::Examiner)
        .context("demo file has no examiner")?;
    let staff = api
        .staff_login(&examiner.username, &examiner.password)
        .await
        .context("examiner sign-in")?;
    let candidates = candidates_for(&staff, &demo, args.terminals).await?;

    let started = Instant::now();
    let mut set = JoinSet::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let api = api.clone();
        let args = args.clone();
        set.spawn(async move { sit_exam(api, c, &args, args.seed.wrapping_add(i as u64)).await });
    }
    let mut logs = Vec::new();
    while let Some(joined) = set.join_next().await {
        logs.push(joined.context("terminal task panicked")?);
    }
    let elapsed_s = started.elapsed().as_secs_f64();

    let results = staff
        .results(demo.session_id)
        .await
        .context("fetch results")?;
    let mut summary = Summary {
        terminals: args.terminals,
        elapsed_s,
        ..Summary::default()
    };
    let mut latencies = Vec::new();
    for log in &logs {
        summary.answers_acked += log.acks;
        summary.errors += log.errors;
        latencies.extend_from_slice(&log.latencies_ms);
        for e in &log.error_samples {
            eprintln!("{}: {e}", log.ticket);
        }
        let Some(result) = results.candidates.iter().find(|c| c.ticket == log.ticket) else {
            summary.answers_lost += log.acked.len();
            continue;
        };
        if result.status == PaperStatus::Submitted {
            summary.submitted += 1;
        }
        for (no, (answer, _)) in &log.acked {
            let held = result
                .questions
                .iter()
                .find(|q| q.no == *no)
                .and_then(|q| q.shown_answer.clone());
            if &held != answer {
                eprintln!(
                    "{}: question {no} acked {answer:?} but server holds {held:?}",
                    log.ticket
                );
                summary.answers_lost += 1;
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    summary.save_p50_ms = percentile(&latencies, 0.50);
    summary.save_p99_ms = percentile(&latencies, 0.99);
    Ok(summary)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[idx] * 100.0).round() / 100.0
}

/// The demo candidates whose papers are still open, plus extra candidates registered
/// through the examiner API, so a rerun against the same server works.
async fn candidates_for(
    staff: &Api,
    demo: &DemoFile,
    n: usize,
) -> anyhow::Result<Vec<DemoCandidate>> {
    let registered = staff
        .candidates(demo.session_id)
        .await
        .context("list candidates")?;
    let open = |c: &DemoCandidate| {
        registered.iter().any(|r| {
            r.ticket == c.ticket
                && matches!(r.paper_status, PaperStatus::Pending | PaperStatus::Started)
        })
    };
    let mut out: Vec<DemoCandidate> = demo
        .candidates
        .iter()
        .filter(|c| open(c))
        .take(n)
        .cloned()
        .collect();
    let mut used: std::collections::HashSet<u32> = registered
        .iter()
        .filter_map(|c| c.seat.parse().ok())
        .collect();
    // Identities must be new on every run (the seed only fixes answers and timing), so the
    // run id is random: it picks the region code and sequence, `k` picks the birth date.
    let run: u32 = rand::random();
    let region = 110_000 + (run / 1000) % 800_000;
    let mut seat = 0u32;
    while out.len() < n {
        seat += 1;
        if !used.insert(seat) {
            continue;
        }
        let k = out.len();
        let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).expect("valid date")
            + chrono::Days::new(k as u64 % 15_000);
        let id_number = synthesize(region, birth, (run % 1000) as u16).to_string();
        let req = RegisterCandidateRequest {
            name: format!("模拟考生{k:05}"),
            id_number: id_number.clone(),
            ticket: format!("S{:06X}{k:06}", run & 0xff_ffff),
            seat: seat.to_string(),
            employer: format!("模拟单位{}", k % 7),
        };
        let view = staff
            .register_candidate(demo.session_id, &req)
            .await
            .with_context(|| format!("register {}", req.ticket))?;
        out.push(DemoCandidate {
            name: req.name,
            ticket: view.ticket,
            id_number,
            seat: view.seat,
        });
    }
    Ok(out)
}

/// A random answer a candidate could give, in display labels.
fn random_answer(q: &ExamQuestion, rng: &mut StdRng) -> String {
    let letters: Vec<char> = (0..q.options.len())
        .map(|i| (b'A' + i as u8) as char)
        .collect();
    match q.kind {
        QuestionKind::Judge => if rng.random_bool(0.5) { "T" } else { "F" }.to_owned(),
        QuestionKind::Single => letters[rng.random_range(0..letters.len())].to_string(),
        QuestionKind::Multiple => {
            let picked: String = letters.iter().filter(|_| rng.random_bool(0.5)).collect();
            if picked.len() >= 2 {
                picked
            } else {
                letters[..2].iter().collect()
            }
        }
    }
}

/// Retry transient failures a few times, as a terminal would.
async fn with_retry<T, F, Fut>(mut f: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut delay = Duration::from_millis(50);
    for _ in 0..6 {
        match f().await {
            Err(e) if e.is_transient() => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    f().await
}

async fn sit_exam(api: Api, c: DemoCandidate, args: &SimulateArgs, seed: u64) -> TerminalLog {
    let mut log = TerminalLog {
        ticket: c.ticket.clone(),
        ..TerminalLog::default()
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let fail = |log: &mut TerminalLog, what: &str, e: ApiError| {
        log.errors += 1;
        if log.error_samples.len() < 3 {
            log.error_samples.push(format!("{what}: {e}"));
        }
    };
    let api = api.on_terminal(&format!("sim-{}", c.ticket), Some(&c.seat));
    let me = match with_retry(|| api.candidate_login(&c.ticket, &c.id_number)).await {
        Ok(me) => me,
        Err(e) => {
            fail(&mut log, "login", e);
            return log;
        }
    };
    let exam = match with_retry(|| me.start()).await {
        Ok(exam) => exam,
        Err(e) => {
            fail(&mut log, "start", e);
            return log;
        }
    };
    let mut order: Vec<&ExamQuestion> = exam.questions.iter().collect();
    let changes: Vec<&ExamQuestion> = exam
        .questions
        .iter()
        .filter(|_| rng.random_bool(args.change_rate.clamp(0.0, 1.0)))
        .collect();
    order.extend(changes);
    let mut seq: HashMap<u16, u64> = exam.questions.iter().map(|q| (q.no, q.seq)).collect();
    for q in order {
        if args.think_ms > 0 {
            tokio::time::sleep(Duration::from_millis(
                rng.random_range(0..=2 * args.think_ms),
            ))
            .await;
        }
        let answer = random_answer(q, &mut rng);
        let next = seq.get(&q.no).copied().unwrap_or(0) + 1;
        let t0 = Instant::now();
        match with_retry(|| me.save_answer(q.no, Some(answer.clone()), next)).await {
            Ok(ack) => {
                log.latencies_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
                log.acks += 1;
                seq.insert(q.no, ack.seq);
                log.acked.insert(q.no, (ack.answer, ack.seq));
            }
            Err(e) => fail(&mut log, "save", e),
        }
    }
    if let Err(e) = with_retry(|| me.submit()).await {
        fail(&mut log, "submit", e);
    }
    log
}
