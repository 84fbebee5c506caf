//! The web console in a real browser: Debian's chromium driven through chromedriver.
//! An examiner schedules a session through the form, watches the demo session's seats
//! change on the invigilation page while `exam-client simulate` sits the exam, gives one
//! candidate ten more minutes, and
//! fetches the result summary with the session cookie; a certifier then sees the sealed
//! records. Screenshots go to `target/console-screenshots/`.
//!
//! Without chromium and chromedriver the test prints SKIPPED and passes (`.ci/run`
//! installs them).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use e2e_tests::{binary, run_client, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use question_bank::wire::Role;

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| PathBuf::from(dir).join(name))
        .find(|p| p.exists())
}

/// chromedriver on a free port, killed on drop.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(chromedriver: &PathBuf) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver(child, port)
}

async fn browser(driver: &Driver, chromium: &PathBuf) -> Client {
    // Already installed (by an earlier call) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=zh-CN"],
        }),
    );
    ClientBuilder::rustls()
        .expect("rustls connector")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("connect to chromedriver")
}

fn screenshot_dir() -> PathBuf {
    let dir = binary("exam-server")
        .parent()
        .and_then(|p| p.parent())
        .map(|target| target.join("console-screenshots"))
        .unwrap_or_else(|| PathBuf::from("console-screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/console/login")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c.current_url().await.unwrap().path().ends_with("/console") {
        assert!(
            Instant::now() < deadline,
            "sign-in did not reach the dashboard"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The page's text; empty while a navigation or refresh replaces the elements (a stale
/// element is not an error here, the callers poll).
async fn text(c: &Client) -> String {
    match c.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Wait until the page text satisfies `ok` (the seat table refreshes itself).
async fn wait_for_text(c: &Client, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + timeout;
    loop {
        if ok(&text(c).await) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "page never showed {what}:\n{}",
            text(c).await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Fill and submit the first 延长时间 form: ten minutes, with a reason.
async fn extend_first_seat(c: &Client) -> Result<(), fantoccini::error::CmdError> {
    let form = c.form(Locator::Css("form[action$='/extend']")).await?;
    form.set_by_name("minutes", "10").await?;
    form.set_by_name("reason", "01 号机断电重启，补时 10 分钟")
        .await?;
    form.submit().await?;
    Ok(())
}

/// The deadline on the first seat's row ("YYYY-MM-DD HH:MM"), or "" when none shows.
async fn first_deadline(c: &Client) -> String {
    let Ok(row) = c.find(Locator::Css("#seats tr")).await else {
        return String::new();
    };
    let text = row.text().await.unwrap_or_default();
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| {
            w[0].len() == 10 && w[0].starts_with("20") && w[1].len() == 5 && w[1].contains(':')
        })
        .map(|w| format!("{} {}", w[0], w[1]))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_does_its_work_in_a_real_browser() {
    let (Some(chromium), Some(chromedriver)) = (
        which("chromium").or_else(|| which("chromium-browser")),
        which("chromedriver"),
    ) else {
        eprintln!("SKIPPED: chromium/chromedriver not installed; the browser test did not run");
        return;
    };
    let server = Server::start_demo();
    let demo = server.demo();
    let base = server.url.clone();
    let driver = start_driver(&chromedriver);
    let c = browser(&driver, &chromium).await;
    let examiner = demo.account(Role::Examiner).unwrap();
    sign_in(&c, &base, &examiner.username, &examiner.password).await;
    assert!(text(&c).await.contains("考务人员"));

    // Schedule a session through the form.
    c.goto(&format!("{base}/console/sessions")).await.unwrap();
    let form = c
        .form(Locator::Css("form[action='/console/sessions']"))
        .await
        .unwrap();
    form.set_by_name("title", "浏览器测试场次").await.unwrap();
    form.set_by_name("batch", "2026-12-B1").await.unwrap();
    form.set_by_name("seats", "20").await.unwrap();
    form.submit().await.unwrap();
    wait_for_text(&c, "the new session page", Duration::from_secs(10), |t| {
        t.contains("浏览器测试场次") && t.contains("2026-12-B1") && t.contains("开考")
    })
    .await;
    shot(&c, "01-scheduled").await;

    // Watch the demo session while twelve terminals sit it.
    c.goto(&format!("{base}/console/sessions/{}", demo.session_id))
        .await
        .unwrap();
    wait_for_text(&c, "twelve seats", Duration::from_secs(5), |t| {
        t.matches("未登录").count() == 12
    })
    .await;
    let url = base.clone();
    let demo_file = server.demo_file();
    let sim = std::thread::spawn(move || {
        run_client(
            &[
                "simulate",
                "--server",
                &url,
                "--demo-file",
                demo_file.to_str().unwrap(),
                "--terminals",
                "12",
                "--think-ms",
                "150",
            ],
            None,
        )
    });
    wait_for_text(&c, "seats answering", Duration::from_secs(30), |t| {
        t.contains("答题中")
    })
    .await;
    shot(&c, "02-invigilation-answering").await;

    // Give the first seat ten more minutes, with a reason; its deadline moves.
    let before = first_deadline(&c).await;
    assert!(
        !before.is_empty(),
        "no deadline on seat 01:\n{}",
        text(&c).await
    );
    // The seat table may refresh under the form; try again if its elements went stale.
    let mut attempts = 0;
    while let Err(e) = extend_first_seat(&c).await {
        attempts += 1;
        assert!(attempts < 3, "could not submit the extension: {e}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let after = first_deadline(&c).await;
        if !after.is_empty() && after != before {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "seat 01's deadline stayed {before}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    shot(&c, "02b-invigilation-extended").await;
    let (ok, stdout, stderr) = tokio::task::spawn_blocking(move || sim.join().unwrap())
        .await
        .unwrap();
    assert!(ok, "simulate failed\n{stdout}\n{stderr}");
    wait_for_text(&c, "every seat submitted", Duration::from_secs(15), |t| {
        t.matches("已交卷").count() == 12
    })
    .await;
    shot(&c, "03-invigilation-submitted").await;

    // Reports: the summary download works with the browser's session cookie.
    c.goto(&format!("{base}/console/reports")).await.unwrap();
    let fetched = c
        .execute_async(
            "const done = arguments[0];\
             fetch('/console/download/summary?format=csv')\
               .then(r => r.text().then(t => done(r.status + '|' + r.headers.get('content-type') + '|' + t.split('\\n').length)))",
            vec![],
        )
        .await
        .unwrap();
    let fetched = fetched.as_str().unwrap_or_default().to_owned();
    let parts: Vec<_> = fetched.split('|').collect();
    assert_eq!(parts[0], "200", "{fetched}");
    assert!(parts[1].starts_with("text/csv"), "{fetched}");
    shot(&c, "04-reports").await;

    // A certifier sees the sealed records.
    sign_out(&c).await;
    let certifier = demo.account(Role::Certifier).unwrap();
    sign_in(&c, &base, &certifier.username, &certifier.password).await;
    c.goto(&format!("{base}/console/archives")).await.unwrap();
    wait_for_text(&c, "12 sealed records", Duration::from_secs(5), |t| {
        t.contains("已封存记录：12")
    })
    .await;
    shot(&c, "05-archives").await;

    // Practical exam: two assessors score seat 01's candidate on the tablet form and sign;
    // the chief signs off.
    let practical = demo.practical_session_id.expect("demo practical session");
    let first = &demo.candidates[0].name;
    for (username, shot_name) in [("assessor1", "06-assessor-sheet"), ("assessor2", "")] {
        sign_out(&c).await;
        let account = demo
            .accounts
            .iter()
            .find(|a| a.username == username)
            .expect("demo assessor");
        sign_in(&c, &base, &account.username, &account.password).await;
        c.goto(&format!("{base}/console/practical")).await.unwrap();
        wait_for_text(&c, "the practical list", Duration::from_secs(5), |t| {
            t.contains("演示实操")
        })
        .await;
        c.goto(&format!("{base}/console/practical/{practical}"))
            .await
            .unwrap();
        c.find(Locator::LinkText("评分"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&c, "the scoring form", Duration::from_secs(5), |t| {
            t.contains(&format!("评分表：{first}")) && t.contains("保存并签名")
        })
        .await;
        score_sheet(&c).await;
        if !shot_name.is_empty() {
            shot(&c, shot_name).await;
        }
        c.find(Locator::Css("button[name=intent][value=sign]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for_text(&c, "the signed sheet", Duration::from_secs(10), |t| {
            t.contains("已签名") && t.contains("总分 95.0")
        })
        .await;
    }
    sign_out(&c).await;
    let chief = demo
        .accounts
        .iter()
        .find(|a| a.username == "chief")
        .expect("demo chief");
    sign_in(&c, &base, &chief.username, &chief.password).await;
    c.goto(&format!("{base}/console/practical/{practical}"))
        .await
        .unwrap();
    let form = c.form(Locator::Css("form.signoff")).await.unwrap();
    form.set_by_name("note", "复核无误").await.unwrap();
    form.submit().await.unwrap();
    wait_for_text(&c, "the signed-off result", Duration::from_secs(10), |t| {
        t.contains("已签发") && t.contains("95.0")
    })
    .await;
    shot(&c, "07-chief-signed-off").await;

    // The administrator checks the institution against the annex's rules.
    sign_out(&c).await;
    let admin = demo.account(Role::Admin).unwrap();
    sign_in(&c, &base, &admin.username, &admin.password).await;
    c.goto(&format!("{base}/console/admin/compliance"))
        .await
        .unwrap();
    wait_for_text(&c, "the compliance report", Duration::from_secs(5), |t| {
        t.contains("演示特种设备作业人员考试中心") && (t.contains("不符合") || t.contains("符合"))
    })
    .await;
    shot(&c, "08-admin-compliance").await;
    c.close().await.unwrap();
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Fill the open scoring form: one tap on OP2's ±50 mm deduction (−5), a few seconds on
/// OP2's stopwatch, and typed times for the other timed items.
async fn score_sheet(c: &Client) {
    c.find(Locator::Css(
        "button[data-step='1'][data-for='c.OP2.off50']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let timer = c
        .find(Locator::Css("button[data-timer='t.OP2']"))
        .await
        .unwrap();
    timer.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    timer.click().await.unwrap();
    let elapsed = c
        .find(Locator::Id("t.OP2"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        elapsed.starts_with("0:0") && elapsed != "0:00",
        "the stopwatch filled the time: {elapsed:?}"
    );
    for input in c.find_all(Locator::Css("input.elapsed")).await.unwrap() {
        if input
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
            .is_empty()
        {
            input.send_keys("0:50").await.unwrap();
        }
    }
}
