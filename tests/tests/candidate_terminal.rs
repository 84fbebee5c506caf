//! The full-screen candidate terminal (`exam-client exam`) driven through tmux as a
//! candidate would: keys in with `send-keys`, the screen read back with `capture-pane`.
//! Needs tmux (CI installs it); without it the test says SKIPPED loudly and passes.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use e2e_tests::{binary, staff_token, Server};
use question_bank::wire::{CandidateView, DemoCandidate, DemoFile, Role, SessionResults};
use serde_json::json;

/// How long any one screen may take to appear (debug builds, a busy CI machine).
const SCREEN_TIMEOUT: Duration = Duration::from_secs(30);

/// Without tmux the terminal tests cannot run: say so loudly (they then pass).
fn skipped_without_tmux() -> bool {
    let installed = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("\n\n=== SKIPPED: tmux not installed (apt-get install -y tmux) ===\n");
        println!("SKIPPED: tmux not installed");
    }
    !installed
}

/// A tmux server of its own (own socket, no user config) holding one 80x24 pane; killed
/// on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, width: u16, height: u16, program: &[&str]) -> Tmux {
        let tmux = Tmux {
            socket: format!("crane-e2e-{}-{name}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        let mut args = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "exam",
            "-x",
            &w,
            "-y",
            &h,
        ];
        args.extend_from_slice(program);
        let out = tmux.run(&args);
        assert!(out.status.success(), "tmux new-session: {out:?}");
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// Type text literally.
    fn type_text(&self, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", "exam", "-l", text])
            .status
            .success());
    }

    /// Press named keys (`Enter`, `Tab`, `Space`) or single characters, one at a time
    /// (so no key is read as Alt+ the next one).
    fn press(&self, keys: &[&str]) {
        for key in keys {
            assert!(self.run(&["send-keys", "-t", "exam", key]).status.success());
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", "exam"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Poll the screen until `ready` holds; the screen it held then.
    fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited {SCREEN_TIMEOUT:?} for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Already gone is fine: the test may have ended it.
        let _ = self.run(&["kill-server"]);
    }
}

/// The kind of the question on screen, from its title (`第 5 题 / 共 100 题  单选题`).
fn answer_key_for(screen: &str) -> &'static str {
    if screen.contains("判断题 ─") {
        "t"
    } else {
        "a"
    }
}

async fn examiner_token(http: &reqwest::Client, server: &Server, demo: &DemoFile) -> String {
    staff_token(http, &server.url, demo, Role::Examiner).await
}

/// The invigilator lets the terminal waiting for `ticket`'s paper take it over.
fn approve_takeover(server: &Server, demo: &DemoFile, ticket: &str) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        let token = examiner_token(&http, server, demo).await;
        let session = format!("{}/api/v1/sessions/{}", server.url, demo.session_id);
        let list: Vec<CandidateView> = http
            .get(format!("{session}/candidates"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let c = list.iter().find(|c| c.ticket == ticket).expect("candidate");
        assert!(c.takeover_request.is_some(), "the terminal asked: {c:?}");
        let resp = http
            .post(format!("{session}/candidates/{}/takeover", c.id))
            .bearer_auth(&token)
            .json(&json!({"reason": "原终端显示器故障"}))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    });
}

/// What the server holds for `ticket`, through the examiner's results API.
fn server_answers(server: &Server, demo: &DemoFile, ticket: &str) -> Vec<(u16, Option<String>)> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let http = reqwest::Client::new();
        let token = examiner_token(&http, server, demo).await;
        let results: SessionResults = http
            .get(format!(
                "{}/api/v1/sessions/{}/results",
                server.url, demo.session_id
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let me = results
            .candidates
            .into_iter()
            .find(|c| c.ticket == ticket)
            .expect("candidate in results");
        me.questions
            .into_iter()
            .map(|q| (q.no, q.shown_answer))
            .collect()
    })
}

/// `exam-client exam` in its own 80x24 tmux.
fn start_terminal(name: &str, server_url: &str, seat: &str, journal: &Path) -> Tmux {
    let client = binary("exam-client");
    Tmux::start(
        name,
        80,
        24,
        &[
            client.to_str().unwrap(),
            "exam",
            "--server",
            server_url,
            "--seat",
            seat,
            "--journal-dir",
            journal.to_str().unwrap(),
        ],
    )
}

/// Type ticket and ID number and confirm the identity; returns that screen.
fn sign_in(tmux: &Tmux, c: &DemoCandidate) -> String {
    tmux.wait_for("准考证号");
    tmux.type_text(&c.ticket);
    tmux.press(&["Tab"]);
    tmux.type_text(&c.id_number);
    tmux.press(&["Enter"]);
    tmux.wait_for("身份确认")
}

/// Sign in, confirm, tick the rules and wait for question 1 (the demo session is open).
fn sign_in_and_open_paper(tmux: &Tmux, c: &DemoCandidate) {
    sign_in(tmux, c);
    tmux.press(&["Enter"]);
    tmux.wait_for("我已阅读");
    tmux.press(&["Space", "Enter"]);
    tmux.wait_for("第 1 题 / 共 100 题");
}

fn journal_lines(dir: &Path, ticket: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(format!("{ticket}.jsonl")))
        .expect("journal written")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
        .collect()
}

#[test]
fn a_candidate_answers_flags_navigates_and_submits_in_the_full_screen_terminal() {
    if skipped_without_tmux() {
        return;
    }
    let server = Server::start_demo();
    let demo = server.demo();
    let c = &demo.candidates[2];
    let journal = tempfile::tempdir().unwrap();
    let tmux = start_terminal("sit", &server.url, &c.seat, journal.path());
    let screen = tmux.wait_for("准考证号");
    assert!(screen.contains(&format!("本机座位 {}", c.seat)), "{screen}");

    // Sign in; identity, then the rules with 我已阅读.
    let screen = sign_in(&tmux, c);
    assert!(screen.contains(&c.name), "{screen}");
    assert!(!screen.contains("注意：本机"), "seat matches: {screen}");
    tmux.press(&["Enter"]);
    tmux.wait_for("我已阅读");
    tmux.press(&["Space", "Enter"]);

    // The demo session is open: straight to question 1, a 判断题.
    let screen = tmux.wait_for("第 1 题 / 共 100 题");
    assert!(
        screen.contains(&c.name) && screen.contains("剩余"),
        "{screen}"
    );
    assert!(
        screen.contains("判断题"),
        "papers start with 判断题: {screen}"
    );
    tmux.press(&["t"]);
    tmux.wait_until("question 1 saved", |s| {
        s.contains("已答 1/100") && s.contains("待保存 0") && s.contains("已保存")
    });

    // Next question: answer 错误 and flag it.
    tmux.press(&["n"]);
    tmux.wait_for("第 2 题 / 共 100 题");
    tmux.press(&["f", "m"]);
    tmux.wait_until("question 2 saved and flagged", |s| {
        s.contains("已答 2/100") && s.contains("标记 1") && s.contains("待保存 0")
    });

    // Jump to 55 with g 5 5 Enter and answer it.
    tmux.press(&["g", "5", "5", "Enter"]);
    let screen = tmux.wait_for("第 55 题 / 共 100 题");
    tmux.press(&[answer_key_for(&screen)]);
    tmux.wait_until("question 55 saved", |s| {
        s.contains("已答 3/100") && s.contains("待保存 0")
    });

    // Back one, then on to the next unanswered (56).
    tmux.press(&["p"]);
    tmux.wait_for("第 54 题 / 共 100 题");
    tmux.press(&["u"]);
    let screen = tmux.wait_for("第 56 题 / 共 100 题");
    assert!(screen.contains("未作答"), "{screen}");

    // Submit: the box lists what is left.
    tmux.press(&["s"]);
    let screen = tmux.wait_for("确认交卷吗");
    assert!(
        screen.contains("还有 97 题未作答：3-54、56-100"),
        "{screen}"
    );
    assert!(screen.contains("已标记 1 题：2"), "{screen}");
    tmux.press(&["y"]);
    let screen = tmux.wait_for("考试结束");
    assert!(screen.contains("试卷已提交"), "{screen}");
    assert!(screen.contains("/ 100 分"), "score shown: {screen}");
    assert!(screen.contains("不合格"), "3 answers cannot pass: {screen}");
    assert!(screen.contains("未答 97 题"), "{screen}");

    // The server holds exactly what was answered on screen.
    let held = server_answers(&server, &demo, &c.ticket);
    let answered: Vec<u16> = held
        .iter()
        .filter(|(_, a)| a.is_some())
        .map(|(no, _)| *no)
        .collect();
    assert_eq!(answered, vec![1, 2, 55]);
    assert_eq!(held[0].1.as_deref(), Some("T"));
    assert_eq!(held[1].1.as_deref(), Some("F"));

    // Every change was journalled on this terminal, the flag too.
    let lines = journal_lines(journal.path(), &c.ticket);
    let kinds: Vec<(&str, u64)> = lines
        .iter()
        .map(|l| (l["kind"].as_str().unwrap(), l["no"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![("answer", 1), ("answer", 2), ("flag", 2), ("answer", 55)]
    );

    // Q leaves the program and the terminal is given back.
    tmux.press(&["q"]);
    tmux.wait_until("the program to end", |s| !s.contains("考试结束"));
}

#[test]
fn answers_given_while_the_server_is_down_survive_a_killed_terminal_and_reach_the_server() {
    if skipped_without_tmux() {
        return;
    }
    let server = Server::start_demo();
    let demo = server.demo();
    let c = demo.candidates[4].clone();
    let listen = server.url.trim_start_matches("http://").to_owned();
    let journal = tempfile::tempdir().unwrap();
    let tmux = start_terminal("outage", &server.url, &c.seat, journal.path());
    sign_in_and_open_paper(&tmux, &c);
    tmux.press(&["t"]);
    tmux.wait_until("question 1 saved", |s| {
        s.contains("已答 1/100") && s.contains("待保存 0")
    });

    // The server dies; the candidate goes on answering (the first 40 are 判断题).
    let data_dir = server.kill_hard();
    tmux.press(&["n", "f", "n", "t", "m"]);
    let screen = tmux.wait_until("two answers waiting for the network", |s| {
        s.contains("已答 3/100") && s.contains("待保存 2") && s.contains("网络中断")
    });
    assert!(screen.contains("未保存"), "{screen}");

    // Then the terminal itself is killed (power cut) and the candidate moves to a new
    // terminal that shares the journal directory, once the server is back.
    let pid = tmux.run(&["display-message", "-p", "-t", "exam", "#{pane_pid}"]);
    let pid = String::from_utf8_lossy(&pid.stdout).trim().to_owned();
    assert!(Command::new("kill")
        .args(["-9", &pid])
        .status()
        .expect("kill")
        .success());
    drop(tmux);
    let server = Server::start_on(data_dir, &listen, false);
    let tmux = start_terminal("resume", &server.url, &c.seat, journal.path());
    let screen = sign_in(&tmux, &c);
    assert!(screen.contains("已开始作答"), "resuming: {screen}");
    tmux.press(&["Enter"]);
    let screen = tmux.wait_until("the journal resent and acknowledged", |s| {
        s.contains("第 1 题 / 共 100 题") && s.contains("已答 3/100") && s.contains("待保存 0")
    });
    assert!(
        screen.contains("标记 1"),
        "the flag came back from the journal: {screen}"
    );

    let held = server_answers(&server, &demo, &c.ticket);
    let answers: Vec<Option<&str>> = held[..4].iter().map(|(_, a)| a.as_deref()).collect();
    assert_eq!(answers, vec![Some("T"), Some("F"), Some("T"), None]);
}

#[test]
fn a_second_terminal_takes_over_only_after_the_invigilator_approves_and_the_first_stops() {
    if skipped_without_tmux() {
        return;
    }
    let server = Server::start_demo();
    let demo = server.demo();
    let c = demo.candidates[6].clone();
    let (journal_a, journal_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = start_terminal("first", &server.url, &c.seat, journal_a.path());
    sign_in_and_open_paper(&a, &c);
    a.press(&["t"]);
    a.wait_until("question 1 saved on the first terminal", |s| {
        s.contains("已答 1/100") && s.contains("待保存 0")
    });

    // The candidate moves to seat 99: that terminal must wait for the invigilator.
    let b = start_terminal("second", &server.url, "99", journal_b.path());
    let screen = sign_in(&b, &c);
    assert!(screen.contains("正在另一台终端上作答"), "{screen}");
    b.press(&["Enter"]);
    let screen = b.wait_for("等待换机批准");
    assert!(screen.contains(&format!("座位 {}", c.seat)), "{screen}");

    approve_takeover(&server, &demo, &c.ticket);
    let screen = b.wait_until("the second terminal in the exam", |s| {
        s.contains("第 1 题 / 共 100 题") && s.contains("已答 1/100")
    });
    assert!(
        screen.contains("(*) T. 正确"),
        "the first answer came along: {screen}"
    );

    // The first terminal is told as soon as it tries to save.
    a.press(&["n", "f"]);
    let screen = a.wait_for("已转到");
    assert!(screen.contains("本机已停止作答"), "{screen}");
    let held = server_answers(&server, &demo, &c.ticket);
    assert_eq!(held[1].1, None, "the refused answer is not stored");
}
