//! `take`: a minimal line-mode exam terminal (the full-screen terminal is its own piece of
//! work). Every answer is sent at once and shown as saved only after the server's ack.

use std::io::{BufRead, Write};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use question_bank::wire::{ExamQuestion, ExamView, QuestionKind};

use crate::api::Api;

fn remaining(exam: &ExamView, skew: chrono::TimeDelta) -> String {
    match exam.deadline {
        Some(d) => {
            let left = (d - (Utc::now() + skew)).num_seconds().max(0);
            format!("{:02}:{:02}", left / 60, left % 60)
        }
        None => "--:--".to_owned(),
    }
}

fn show(q: &ExamQuestion, total: usize) {
    println!(
        "\n第 {}/{} 题 [{}] {}",
        q.no,
        total,
        q.kind.name_zh(),
        q.stem
    );
    for (i, o) in q.options.iter().enumerate() {
        println!("  {}. {o}", (b'A' + i as u8) as char);
    }
    if q.kind == QuestionKind::Judge {
        println!("  T. 正确    F. 错误");
    }
    println!("  当前答案: {}", q.answer.as_deref().unwrap_or("（未答）"));
}

fn read_line(prompt: &str) -> anyhow::Result<Option<String>> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    Ok((std::io::stdin().lock().read_line(&mut line)? > 0).then(|| line.trim().to_owned()))
}

/// Sit an exam interactively on stdin/stdout.
pub async fn run(server: &str, ticket: &str, id_number: &str) -> anyhow::Result<()> {
    let me = Api::new(server)
        .candidate_login(ticket, id_number)
        .await
        .context("登录失败 sign-in failed")?;
    let mut exam = me.exam().await?;
    println!(
        "考生 {}  准考证 {}  座位 {}  科目 {}",
        exam.candidate_name, exam.ticket, exam.seat, exam.subject_name
    );
    while !exam.session_open {
        println!("等待监考人员开考…");
        tokio::time::sleep(Duration::from_secs(3)).await;
        exam = me.exam().await?;
    }
    if let Some(r) = &exam.result {
        println!(
            "试卷已提交，成绩 {} 分（{}）",
            r.score,
            if r.passed { "合格" } else { "不合格" }
        );
        return Ok(());
    }
    exam = me.start().await?;
    let skew = exam.server_now - Utc::now();
    let total = exam.questions.len();
    let mut current = 0usize;
    println!("输入答案（T/F 或选项字母，如 A、ACD），回车下一题；p 上一题，g N 跳转，s 交卷。");
    loop {
        show(&exam.questions[current], total);
        let Some(cmd) = read_line(&format!("[剩余 {}] > ", remaining(&exam, skew)))? else {
            break;
        };
        match cmd.as_str() {
            "" => current = (current + 1) % total,
            "p" => current = current.checked_sub(1).unwrap_or(total - 1),
            "s" => {
                let unanswered = exam.questions.iter().filter(|q| q.answer.is_none()).count();
                if read_line(&format!("还有 {unanswered} 题未答，确认交卷？(y/N) "))?.as_deref()
                    == Some("y")
                {
                    break;
                }
            }
            g if g.starts_with("g ") => match g[2..].trim().parse::<usize>() {
                Ok(n) if (1..=total).contains(&n) => current = n - 1,
                _ => println!("题号应为 1–{total}"),
            },
            answer => {
                let q = &mut exam.questions[current];
                match me
                    .save_answer(q.no, Some(answer.to_owned()), q.seq + 1)
                    .await
                {
                    Ok(ack) => {
                        q.answer = ack.answer;
                        q.seq = ack.seq;
                        println!("已保存 saved");
                        current = (current + 1) % total;
                    }
                    Err(e) if e.code() == Some("deadline_passed") => {
                        println!("考试时间已到，系统已自动交卷。");
                        break;
                    }
                    Err(e) => println!("未保存 not saved: {e}"),
                }
            }
        }
    }
    let result = me.submit().await?;
    println!(
        "\n已交卷{}。成绩 {} / {} 分，{}（合格线 {}）",
        if result.auto_submitted {
            "（超时自动交卷）"
        } else {
            ""
        },
        result.score,
        result.max_score,
        if result.passed { "合格" } else { "不合格" },
        result.pass_mark
    );
    Ok(())
}
