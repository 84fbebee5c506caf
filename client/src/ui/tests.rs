//! The view rendered into a test backend at the sizes exam rooms use.

use question_bank::wire::QuestionKind;
use ratatui::backend::TestBackend;
use ratatui::text::Line;
use ratatui::Terminal;

use super::*;
use crate::app::fixtures::*;
use crate::app::{Event, Key, Reply, State, Target};

/// The screen as text lines, wide characters once (not followed by their blank cell).
fn render(state: &State, width: u16, height: u16) -> (Vec<String>, HitMap) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let mut hits = HitMap::default();
    terminal
        .draw(|frame| hits = draw(frame, state))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let mut lines = Vec::new();
    for y in 0..height {
        let mut line = String::new();
        let mut x = 0;
        while x < width {
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            x += (Line::from(symbol).width() as u16).max(1);
        }
        lines.push(line);
    }
    (lines, hits)
}

fn screen_text(lines: &[String]) -> String {
    lines.join("\n")
}

fn long_question() -> Vec<question_bank::wire::ExamQuestion> {
    let mut p = paper();
    p[2].stem = "起重机司机在作业过程中，发现起升机构制动器突然失灵，重物悬在空中下滑，此时应当采取的正确做法是下列哪一项？请仔细阅读每个选项后作答。"
        .to_owned();
    p[2].options = vec![
        "立即离开司机室，到安全地点躲避，等待维修人员处理".to_owned(),
        "保持镇静，发出警告信号，迅速将控制器打到起升第一挡，反复起升和下降，同时把重物移到安全地点放下".to_owned(),
        "打开紧急开关切断总电源".to_owned(),
        "继续作业，作业结束后再报告".to_owned(),
    ];
    p
}

#[test]
fn exam_screen_fits_80_by_24_with_header_card_and_keys() {
    let state = sitting();
    let (lines, hits) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        lines[0].contains("张伟") && lines[0].contains("Q2(限桥式起重机)"),
        "{text}"
    );
    assert!(lines[0].contains("座位号 01"), "{text}");
    assert!(lines[0].contains("[S] 交卷"), "{text}");
    assert!(lines[1].contains("待保存 0"), "{text}");
    assert!(text.contains("第 1 题 / 共 10 题"), "{text}");
    assert!(text.contains("答题卡"), "{text}");
    assert!(lines[23].contains("[N]下一题"), "{text}");
    // The answer card's number 10 can be clicked.
    let ten = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| l.contains("9  10").then_some(y))
        .expect("card shows 10");
    let clicked = (0..80).find(|&x| hits.target_at(x, ten as u16) == Some(Target::Question(10)));
    assert!(clicked.is_some(), "{text}");
}

#[test]
fn chinese_text_wraps_at_the_pane_edge_without_losing_characters() {
    let (mut state, _) = sitting_with(Vec::new(), long_question());
    state.update(t(1), Event::Click(Target::Question(3)));
    let (lines, _) = render(&state, 80, 24);
    let text: String = lines
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let stem: String = long_question()[2]
        .stem
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The stem wraps over several lines; joined back, nothing is missing.
    let joined: String = lines
        .iter()
        .map(|l| l.trim_start_matches('│').trim_end_matches('│').trim())
        .collect::<Vec<_>>()
        .concat();
    assert!(joined.contains(&stem), "{}", screen_text(&lines));
    assert!(text.contains("同时把重物移到安全地点放下"));
    for line in &lines {
        assert!(Line::from(line.as_str()).width() <= 80, "{line}");
    }
}

#[test]
fn option_rows_are_clickable_across_their_wrapped_lines() {
    let (mut state, _) = sitting_with(Vec::new(), long_question());
    state.update(t(1), Event::Click(Target::Question(3)));
    let (lines, hits) = render(&state, 80, 24);
    let b = lines
        .iter()
        .position(|l| l.contains("B. 保持镇静"))
        .expect("option B shown");
    assert_eq!(hits.target_at(20, b as u16), Some(Target::Option(1)));
    assert_eq!(hits.target_at(20, b as u16 + 1), Some(Target::Option(1)));
    let fx = state.update(t(2), Event::Click(Target::Option(1)));
    assert_eq!(saves(&fx), vec![(3, Some("B"), 1)]);
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("(*) B."));
}

#[test]
fn a_hundred_questions_scroll_in_the_card_at_80_by_24_and_show_all_at_120_by_40() {
    let p: Vec<_> = (1..=100)
        .map(|no| question(no, QuestionKind::Single, 4))
        .collect();
    let (mut state, _) = sitting_with(Vec::new(), p);
    let (lines, _) = render(&state, 120, 40);
    let text = screen_text(&lines);
    assert!(text.contains(" 100") && text.contains("  1"), "{text}");
    state.update(t(1), Event::Click(Target::Question(100)));
    let (lines, hits) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("100"), "current question visible: {text}");
    let shows_100 =
        (0..24).any(|y| (0..80).any(|x| hits.target_at(x, y) == Some(Target::Question(100))));
    assert!(shows_100);
}

#[test]
fn states_show_in_words_too() {
    let mut state = sitting();
    keys(&mut state, t(1), "tm");
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("未保存"), "{text}");
    assert!(text.contains("已标记"), "{text}");
    assert!(text.contains("待保存 1"), "{text}");
    net(&mut state, t(2), ack(1, Some("T"), 1, t(3600)));
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("已保存"));
}

#[test]
fn submit_box_lists_what_is_left() {
    let mut state = sitting();
    keys(&mut state, t(1), "tm");
    keys(&mut state, t(1), "s");
    let (lines, hits) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("还有 9 题未作答：2-10"), "{text}");
    assert!(text.contains("已标记 1 题：1"), "{text}");
    let yes = lines
        .iter()
        .position(|l| l.contains("[Y] 确认交卷"))
        .expect("yes");
    let x = (0..80)
        .find(|&x| hits.target_at(x, yes as u16) == Some(Target::Key(Key::Char('y'))))
        .expect("yes is clickable");
    assert!(x > 0);
    // Beneath the box, nothing reacts.
    assert_eq!(hits.target_at(2, 23), None);
}

#[test]
fn the_last_ten_minutes_show_a_banner() {
    let mut state = sitting();
    state.update(t(3100), Event::Tick);
    let (lines, _) = render(&state, 80, 24);
    assert!(lines[2].contains("不足 10 分钟"), "{}", screen_text(&lines));
    assert!(lines[0].contains("08:20"), "{}", lines[0]);
}

#[test]
fn time_out_shows_automatic_submission_then_the_result() {
    let mut state = sitting();
    state.update(t(3600), Event::Tick);
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("时间到，正在自动交卷"));
    net(&mut state, t(3601), Reply::Submitted(result(true)));
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("时间到，已自动交卷"), "{text}");
    assert!(text.contains("成绩  80 / 100 分"), "{text}");
    assert!(text.contains("合格"), "{text}");
}

#[test]
fn every_check_in_screen_renders_at_80_by_24() {
    let (state, _) = State::new(settings(), t(0));
    let (lines, hits) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(
        text.contains("准考证号") && text.contains("身份证号"),
        "{text}"
    );
    assert!(text.contains("本机座位 01"), "{text}");
    assert!((0..24).any(|y| (0..80).any(|x| hits.target_at(x, y).is_some())));

    let mut state = signed_in(question_bank::wire::PaperStatus::Pending, false, Vec::new());
    let (lines, _) = render(&state, 80, 24);
    assert!(screen_text(&lines).contains("请核对以下信息"));
    key(&mut state, t(0), Key::Enter);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("我已阅读"), "{text}");
    assert!(
        text.contains("交卷后不能再修改答案"),
        "all rules fit: {text}"
    );
    keys(&mut state, t(0), " ");
    key(&mut state, t(0), Key::Enter);
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("等待监考人员"), "{text}");
}

#[test]
fn an_unreachable_server_fills_the_screen_with_what_to_do() {
    let (mut state, _) = State::new(settings(), t(0));
    net(
        &mut state,
        t(0),
        Reply::Link(crate::app::LinkStatus::Down(
            "无法连接服务器：连接被拒绝".into(),
        )),
    );
    let (lines, _) = render(&state, 80, 24);
    let text = screen_text(&lines);
    assert!(text.contains("无法连接考试服务器"), "{text}");
    assert!(text.contains("127.0.0.1:8080"), "{text}");
    assert!(text.contains("自动重试"), "{text}");
}

#[test]
fn a_too_small_terminal_says_so() {
    let state = sitting();
    let (lines, hits) = render(&state, 60, 20);
    assert!(screen_text(&lines).contains("80x24"));
    assert_eq!(hits, HitMap::default());
}
