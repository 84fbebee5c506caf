//! `simulate`: N headless terminals sit the exam at once against a real server, then the
//! results API is checked against every acknowledged answer.
//!
//! Two ways to seat them: in the demo session (extra candidates are registered when it has
//! too few), or, with `--rooms`, in new sessions of up to 500 seats each, as an institution
//! with many exam rooms on one server would. `--sync-start` signs every terminal in first
//! and starts every paper at one instant: the load benchmark's thundering herd.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{stream, StreamExt, TryStreamExt};
use question_bank::id_number::synthesize;
use question_bank::wire::{
    CreateSessionRequest, DemoCandidate, DemoFile, PaperStatus, QuestionKind,
    RegisterCandidateRequest, Role,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tokio::sync::Barrier;
use tokio::task::JoinSet;

use crate::api::{Api, ApiError};
use crate::tls::{Transport, TransportArgs};

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Seats in one exam room (the server's limit per session).
const ROOM_SEATS: usize = 500;

/// Registrations in flight at once while seating candidates.
const REGISTER_CONCURRENCY: usize = 16;

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
    /// Seat the terminals in new sessions of up to 500 seats (one per exam room) instead
    /// of the demo session.
    #[arg(long)]
    pub rooms: bool,
    /// Subject of the sessions `--rooms` schedules.
    #[arg(long, default_value = "Q2-bridge")]
    pub subject: String,
    /// Sign every terminal in first, then start every paper at the same instant.
    #[arg(long)]
    pub sync_start: bool,
    /// Write the run second by second to this CSV file: papers started, saves sent and
    /// their p50/p99/max latency, by the second they were sent in.
    #[arg(long)]
    pub timeline: Option<PathBuf>,
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
    /// Requests that failed once and succeeded when retried.
    pub retried: usize,
    /// Median time to open the paper (`POST /exam/start`).
    pub start_p50_ms: f64,
    /// 99th percentile time to open the paper.
    pub start_p99_ms: f64,
    /// Median save latency.
    pub save_p50_ms: f64,
    /// 99th percentile save latency.
    pub save_p99_ms: f64,
    /// Slowest save.
    pub save_max_ms: f64,
    /// From the start of the exam (the synchronized instant with `--sync-start`) to the
    /// last acknowledged save.
    pub answering_s: f64,
    /// Acknowledged saves per second over `answering_s`.
    pub saves_per_s: f64,
    /// The window in which every terminal was answering: from the last paper start
    /// acknowledged to the first terminal's last acknowledged save (0 if there was none).
    /// Outside it fewer terminals are at work: the synchronized start, and the stragglers
    /// whose random think times add up to more than the others'.
    pub all_answering_s: f64,
    /// Saves acknowledged per second within `all_answering_s`.
    pub all_answering_saves_per_s: f64,
    /// 99th percentile latency of the saves sent within `all_answering_s`.
    pub all_answering_save_p99_ms: f64,
    /// Saves per durable commit on the server (from its `/metrics`; 0 if unreadable).
    pub saves_per_commit: f64,
    /// Wall time of the whole run, seating included.
    pub elapsed_s: f64,
}

/// A candidate seated for this run, and the session they sit in.
#[derive(Clone)]
struct Seated {
    session_id: i64,
    candidate: DemoCandidate,
}

/// What one terminal did.
#[derive(Default)]
struct TerminalLog {
    ticket: String,
    session_id: i64,
    /// Last acknowledged answer per question (display labels) with its seq.
    acked: HashMap<u16, (Option<String>, u64)>,
    acks: usize,
    start_ms: Option<f64>,
    /// When the paper start was acknowledged.
    started: Option<Instant>,
    /// Every acknowledged save: when it was sent and how long it took.
    saves: Vec<(Instant, f64)>,
    last_ack: Option<Instant>,
    errors: usize,
    retried: usize,
    error_samples: Vec<String>,
}

/// Run the simulation.
pub async fn run(args: SimulateArgs) -> anyhow::Result<Summary> {
    let began = Instant::now();
    let transport = Transport::from_args(&args.transport)?;
    let api = Api::connect_pooled(
        &args.server,
        &transport,
        REQUEST_TIMEOUT,
        args.terminals.max(64),
    )?;
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
    let seated = if args.rooms {
        seat_in_rooms(&staff, &args).await?
    } else {
        seat_in_demo_session(&staff, &demo, args.terminals).await?
    };
    let commits_before = commit_counts(&api).await;

    // Every terminal task waits here after signing in when the start is synchronized;
    // the coordinator is the last party, so `exam_start` is the instant all are released.
    let barrier = Arc::new(Barrier::new(seated.len() + 1));
    let mut set = JoinSet::new();
    for (i, s) in seated.into_iter().enumerate() {
        let api = api.clone();
        let args = args.clone();
        let barrier = args.sync_start.then(|| barrier.clone());
        set.spawn(async move {
            sit_exam(api, s, &args, args.seed.wrapping_add(i as u64), barrier).await
        });
    }
    if args.sync_start {
        barrier.wait().await;
        eprintln!(
            "all {} terminals signed in: starting every paper",
            args.terminals
        );
    }
    let exam_start = Instant::now();
    let mut logs = Vec::new();
    while let Some(joined) = set.join_next().await {
        logs.push(joined.context("terminal task panicked")?);
    }
    let commits_after = commit_counts(&api).await;

    let mut summary = Summary {
        terminals: args.terminals,
        ..Summary::default()
    };
    let mut results = HashMap::new();
    for log in &logs {
        if let std::collections::hash_map::Entry::Vacant(slot) = results.entry(log.session_id) {
            slot.insert(
                staff
                    .results(log.session_id)
                    .await
                    .context("fetch results")?,
            );
        }
    }
    let (mut latencies, mut starts) = (Vec::new(), Vec::new());
    let mut last_ack = exam_start;
    for log in &logs {
        summary.answers_acked += log.acks;
        summary.errors += log.errors;
        summary.retried += log.retried;
        latencies.extend(log.saves.iter().map(|&(_, ms)| ms));
        starts.extend(log.start_ms);
        last_ack = last_ack.max(log.last_ack.unwrap_or(exam_start));
        for e in &log.error_samples {
            eprintln!("{}: {e}", log.ticket);
        }
        let Some(result) = results[&log.session_id]
            .candidates
            .iter()
            .find(|c| c.ticket == log.ticket)
        else {
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
    starts.sort_by(f64::total_cmp);
    summary.save_p50_ms = percentile(&latencies, 0.50);
    summary.save_p99_ms = percentile(&latencies, 0.99);
    summary.save_max_ms = percentile(&latencies, 1.0);
    summary.start_p50_ms = percentile(&starts, 0.50);
    summary.start_p99_ms = percentile(&starts, 0.99);
    summary.answering_s = round2(last_ack.duration_since(exam_start).as_secs_f64());
    all_answering(&logs, &mut summary);
    if let Some(path) = &args.timeline {
        std::fs::write(path, timeline(&logs, exam_start))
            .with_context(|| format!("write {}", path.display()))?;
    }
    if summary.answering_s > 0.0 {
        summary.saves_per_s = round2(summary.answers_acked as f64 / summary.answering_s);
    }
    if let (Some((c0, s0)), Some((c1, s1))) = (commits_before, commits_after) {
        if c1 > c0 {
            summary.saves_per_commit = round2((s1 - s0) / (c1 - c0));
        }
    }
    summary.elapsed_s = round2(began.elapsed().as_secs_f64());
    Ok(summary)
}

/// The `all_answering_*` figures of `summary`.
fn all_answering(logs: &[TerminalLog], summary: &mut Summary) {
    let (Some(from), Some(to)) = (
        logs.iter().filter_map(|l| l.started).max(),
        logs.iter().filter_map(|l| l.last_ack).min(),
    ) else {
        return;
    };
    if to <= from {
        return;
    }
    let saves = logs.iter().flat_map(|l| &l.saves);
    let acked = saves
        .clone()
        .filter(|&&(sent, ms)| {
            let ack = sent + Duration::from_secs_f64(ms / 1000.0);
            from <= ack && ack <= to
        })
        .count();
    let mut latencies: Vec<f64> = saves
        .filter(|&&(sent, _)| from <= sent && sent <= to)
        .map(|&(_, ms)| ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let seconds = to.duration_since(from).as_secs_f64();
    summary.all_answering_s = round2(seconds);
    summary.all_answering_saves_per_s = round2(acked as f64 / seconds);
    summary.all_answering_save_p99_ms = percentile(&latencies, 0.99);
}

/// The run second by second (see [`SimulateArgs::timeline`]), as CSV.
fn timeline(logs: &[TerminalLog], exam_start: Instant) -> String {
    let second = |at: Instant| at.saturating_duration_since(exam_start).as_secs() as usize;
    let mut starts: Vec<usize> = Vec::new();
    let mut saves: Vec<Vec<f64>> = Vec::new();
    for log in logs {
        if let Some(at) = log.started {
            let s = second(at);
            starts.resize(starts.len().max(s + 1), 0);
            starts[s] += 1;
        }
        for &(sent, ms) in &log.saves {
            let s = second(sent);
            saves.resize_with(saves.len().max(s + 1), Vec::new);
            saves[s].push(ms);
        }
    }
    let mut out =
        String::from("second,papers_started,saves_sent,save_p50_ms,save_p99_ms,save_max_ms\n");
    for s in 0..starts.len().max(saves.len()) {
        let mut latencies = saves.get(s).cloned().unwrap_or_default();
        latencies.sort_by(f64::total_cmp);
        out += &format!(
            "{s},{},{},{},{},{}\n",
            starts.get(s).copied().unwrap_or(0),
            latencies.len(),
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            percentile(&latencies, 1.0)
        );
    }
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    round2(sorted[idx])
}

/// (commits, saves) from the server's `/metrics`, when it lets us read them.
async fn commit_counts(api: &Api) -> Option<(f64, f64)> {
    let text = api.metrics_text().await.ok()?;
    let value = |name: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
    };
    Some((
        value("crane_exam_answer_commits_total")?,
        value("crane_exam_answer_commit_saves_total")?,
    ))
}

/// The demo candidates whose papers are still open, plus extra candidates registered
/// through the examiner API, so a rerun against the same server works.
async fn seat_in_demo_session(
    staff: &Api,
    demo: &DemoFile,
    n: usize,
) -> anyhow::Result<Vec<Seated>> {
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
    let mut out: Vec<Seated> = demo
        .candidates
        .iter()
        .filter(|c| open(c))
        .take(n)
        .map(|c| Seated {
            session_id: demo.session_id,
            candidate: c.clone(),
        })
        .collect();
    let used: std::collections::HashSet<u32> = registered
        .iter()
        .filter_map(|c| c.seat.parse().ok())
        .collect();
    let free_seats = (1u32..).filter(|s| !used.contains(s));
    let identities = Identities::new();
    let wanted: Vec<(usize, u32)> = (out.len()..n).zip(free_seats).collect();
    let extra = register_all(staff, demo.session_id, &identities, wanted).await?;
    out.extend(extra);
    Ok(out)
}

/// New sessions of up to [`ROOM_SEATS`] seats, opened, with `args.terminals` candidates.
async fn seat_in_rooms(staff: &Api, args: &SimulateArgs) -> anyhow::Result<Vec<Seated>> {
    let identities = Identities::new();
    let rooms = args.terminals.div_ceil(ROOM_SEATS);
    let mut out = Vec::with_capacity(args.terminals);
    for room in 0..rooms {
        let first = room * ROOM_SEATS;
        let seats = ROOM_SEATS.min(args.terminals - first);
        let session = staff
            .create_session(&CreateSessionRequest {
                title: format!("模拟考场 {:02} (simulate {})", room + 1, identities.run),
                batch: "simulate".to_owned(),
                subject: args.subject.clone(),
                starts_at: chrono::Utc::now(),
                duration_seconds: None,
                seats: u16::try_from(seats)?,
                late_entry_minutes: None,
                difficulty_mean: None,
                difficulty_tolerance: None,
                difficulty_min_spread: None,
                kind_counts: None,
                area_weights: None,
                takeover_policy: None,
                show_score: None,
            })
            .await
            .with_context(|| format!("schedule room {}", room + 1))?;
        let wanted = (first..first + seats).zip(1u32..).collect();
        out.extend(register_all(staff, session.id, &identities, wanted).await?);
        staff
            .open_session(session.id)
            .await
            .with_context(|| format!("open room {}", room + 1))?;
        eprintln!("room {} ready: {} candidates", room + 1, seats);
    }
    Ok(out)
}

/// Synthetic identities, new on every run (the seed only fixes answers and timing): the
/// run id picks the region code and sequence, the candidate's index picks the birth date.
struct Identities {
    run: u32,
}

impl Identities {
    fn new() -> Identities {
        Identities {
            run: rand::random(),
        }
    }

    fn request(&self, k: usize, seat: u32) -> RegisterCandidateRequest {
        let region = 110_000 + (self.run / 1000) % 800_000;
        let birth = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).expect("valid date")
            + chrono::Days::new(k as u64 % 15_000);
        RegisterCandidateRequest {
            name: format!("模拟考生{k:05}"),
            id_number: synthesize(region, birth, (self.run % 1000) as u16).to_string(),
            ticket: format!("S{:06X}{k:06}", self.run & 0xff_ffff),
            seat: seat.to_string(),
            employer: format!("模拟单位{}", k % 7),
        }
    }
}

/// Register candidate `k` at `seat` for every `(k, seat)`, a few at a time.
async fn register_all(
    staff: &Api,
    session_id: i64,
    identities: &Identities,
    wanted: Vec<(usize, u32)>,
) -> anyhow::Result<Vec<Seated>> {
    stream::iter(wanted)
        .map(|(k, seat)| async move {
            let req = identities.request(k, seat);
            let view = staff
                .register_candidate(session_id, &req)
                .await
                .with_context(|| format!("register {}", req.ticket))?;
            anyhow::Ok(Seated {
                session_id,
                candidate: DemoCandidate {
                    name: req.name,
                    ticket: view.ticket,
                    id_number: req.id_number,
                    seat: view.seat,
                },
            })
        })
        .buffered(REGISTER_CONCURRENCY)
        .try_collect()
        .await
}

/// What a simulated terminal reads of its started paper (`ExamView`): not the texts, which
/// the load generator would otherwise spend its share of the CPU copying.
#[derive(Deserialize)]
struct StartedPaper {
    questions: Vec<PaperQuestion>,
}

#[derive(Deserialize)]
struct PaperQuestion {
    no: u16,
    kind: QuestionKind,
    options: Vec<IgnoredAny>,
    seq: u64,
}

/// A random answer a candidate could give, in display labels.
fn random_answer(q: &PaperQuestion, rng: &mut StdRng) -> String {
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

/// Retry transient failures a few times, as a terminal would; counts the retries.
async fn with_retry<T, F, Fut>(retried: &mut usize, mut f: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut delay = Duration::from_millis(50);
    for _ in 0..6 {
        match f().await {
            Err(e) if e.is_transient() => {
                *retried += 1;
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    f().await
}

async fn sit_exam(
    api: Api,
    seated: Seated,
    args: &SimulateArgs,
    seed: u64,
    barrier: Option<Arc<Barrier>>,
) -> TerminalLog {
    let c = seated.candidate;
    let mut log = TerminalLog {
        ticket: c.ticket.clone(),
        session_id: seated.session_id,
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
    let signed_in = with_retry(&mut log.retried, || {
        api.candidate_login(&c.ticket, &c.id_number)
    })
    .await;
    // A terminal that failed to sign in still meets the others at the barrier.
    if let Some(barrier) = barrier {
        barrier.wait().await;
    }
    let me = match signed_in {
        Ok(me) => me,
        Err(e) => {
            fail(&mut log, "login", e);
            return log;
        }
    };
    let t0 = Instant::now();
    let exam: StartedPaper = match with_retry(&mut log.retried, || me.start()).await {
        Ok(exam) => exam,
        Err(e) => {
            fail(&mut log, "start", e);
            return log;
        }
    };
    log.start_ms = Some(t0.elapsed().as_secs_f64() * 1000.0);
    log.started = Some(Instant::now());
    let mut order: Vec<&PaperQuestion> = exam.questions.iter().collect();
    let changes: Vec<&PaperQuestion> = exam
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
        match with_retry(&mut log.retried, || {
            me.save_answer(q.no, Some(answer.clone()), next)
        })
        .await
        {
            Ok(ack) => {
                log.saves.push((t0, t0.elapsed().as_secs_f64() * 1000.0));
                log.last_ack = Some(Instant::now());
                log.acks += 1;
                seq.insert(q.no, ack.seq);
                log.acked.insert(q.no, (ack.answer, ack.seq));
            }
            Err(e) => fail(&mut log, "save", e),
        }
    }
    if let Err(e) = with_retry(&mut log.retried, || me.submit()).await {
        fail(&mut log, "submit", e);
    }
    log
}
