//! Every user-visible string of the full-screen terminal, so wording is reviewed in one
//! place. Simplified Chinese, English in parentheses where it helps the invigilator.
//! Only characters of unambiguous width are used (no arrows, bullets or box symbols in
//! text), so the layout holds in terminals that draw "ambiguous" characters double wide.

use question_bank::wire::QuestionKind;

pub const APP_TITLE: &str = "起重机作业人员理论考试 (Crane operator theory exam)";
pub const APP_SHORT: &str = "起重机作业人员理论考试";
pub const SERVER: &str = "服务器";
pub const TERMINAL_SEAT: &str = "本机座位";
pub const SEAT_UNSET: &str = "未设置";
pub const LINK_UP: &str = "网络正常";
pub const LINK_UNKNOWN: &str = "正在连接";
pub const LINK_DOWN: &str = "网络中断";
pub const LINK_DOWN_EXAM: &str = "网络中断：答案已存本机，恢复后自动上传";
pub const JOURNAL_FAILED: &str = "本机备份失败";
pub const NET_TIMEOUT: &str = "无法连接服务器：连接超时 (timeout)";
pub const NET_REFUSED: &str = "无法连接服务器：连接被拒绝 (connection refused)";
pub const NET_OTHER: &str = "无法连接服务器：网络错误 (network error)";
pub const NOT_SIGNED_IN: &str = "尚未登录";
pub const NEEDS_TERMINAL: &str = "exam 须在终端中运行 (needs an interactive terminal)";

// Sign-in.
pub const LOGIN_TITLE: &str = " 考生登录 (Sign in) ";
pub const LOGIN_TICKET: &str = "准考证号";
pub const LOGIN_ID: &str = "身份证号";
pub const LOGIN_BUTTON: &str = "[Enter] 登录";
pub const LOGIN_BUSY: &str = "正在登录，请稍候...";
pub const LOGIN_HELP: &str = "Tab 切换输入框；身份证号末位 X 可直接输入";
pub const LOGIN_NEED_TICKET: &str = "请输入准考证号";

// Identity confirmation.
pub const IDENTITY_TITLE: &str = " 身份确认 (Confirm identity) ";
pub const IDENTITY_ASK: &str = "请核对以下信息是否为本人：";
pub const NAME: &str = "姓名";
pub const TICKET: &str = "准考证号";
pub const SEAT: &str = "座位号";
pub const SUBJECT: &str = "考试科目";
pub const SESSION: &str = "考试场次";
pub const STARTS_AT: &str = "开考时间";
pub const DURATION: &str = "考试时长";
pub const IDENTITY_YES: &str = "[Enter] 确认是本人";
pub const IDENTITY_NO: &str = "[Esc] 不是本人，返回";
pub const RESUME_NOTE: &str = "您的试卷已开始作答，确认后将继续作答，已保存的答案不会丢失。";

pub fn minutes(seconds: u32) -> String {
    format!("{} 分钟", seconds / 60)
}

pub fn seat_mismatch(terminal: &str, registered: &str) -> String {
    format!("注意：本机为 {terminal} 号座位，准考证座位为 {registered} 号。请举手联系监考人员。")
}

pub const HELD_ELSEWHERE_NOTE: &str =
    "您的试卷正在另一台终端上作答。在本机继续需经监考老师批准：确认后请举手示意。";
pub const TAKEOVER_TITLE: &str = " 等待换机批准 (Waiting for approval) ";
pub const TAKEOVER_WAIT: &str = "监考老师批准后将自动进入答题界面，已保存的答案和剩余时间不变。";
pub const TAKEOVER_BACK: &str = "[Esc] 返回登录";

/// Shown on a terminal whose paper moved to another terminal.
pub fn taken_over(seat: &str, unsaved: usize) -> String {
    let there = if seat.is_empty() {
        "另一台终端".to_owned()
    } else {
        format!("座位 {seat} 的终端")
    };
    let mut text = format!("本试卷已转到{there}继续作答，本机已停止作答。");
    if unsaved > 0 {
        text.push_str(&format!(
            "本机有 {unsaved} 题的最新作答未保存到服务器（已记录在本机答题日志中），请告知监考老师。"
        ));
    }
    text
}

// Rules.
pub const RULES_TITLE: &str = " 考场规则 (Exam rules) ";
pub const RULES: [&str; 7] = [
    "考试时间以服务器时间为准，剩余 10 分钟时提醒，时间到系统自动交卷。",
    "试题包括判断题、单选题和多选题；多选题有两个或两个以上正确选项。",
    "每次作答立即保存；断网时答案先保存在本机，网络恢复后自动上传。",
    "如遇断电或死机，请举手示意，重新登录后可继续作答，计时不暂停。",
    "考试期间不得交谈，不得使用手机等电子设备，不得离开座位。",
    "可标记没有把握的题目，交卷前会列出未答题和已标记的题目。",
    "交卷后不能再修改答案。",
];
pub const RULES_READ: &str = "我已阅读并遵守以上考场规则";
pub const RULES_TOGGLE: &str = "[空格] 勾选";
pub const RULES_CONTINUE: &str = "[Enter] 继续";
pub const RULES_NEED_READ: &str = "请先勾选「我已阅读」";

// Waiting.
pub const WAITING_TITLE: &str = " 等待开考 (Waiting for the start) ";
pub const WAITING: &str = "请耐心等待监考人员开考，开考后自动进入答题界面。";
pub const WAITING_DUE: &str = "已到预定开考时间，请等待监考人员宣布开考。";
pub const WAITING_REFRESH: &str = "每 3 秒自动刷新";
pub const STARTING: &str = "正在取得试卷，请稍候...";

pub fn until_start(clock: &str) -> String {
    format!("距预定开考时间还有 {clock}")
}

// Exam.
pub const REMAINING: &str = "剩余";
pub const SUBMIT_BUTTON: &str = "[S] 交卷";
pub const ANSWERED: &str = "已答";
pub const FLAGGED: &str = "标记";
pub const PENDING: &str = "待保存";
pub const SAVED: &str = "已保存";
pub const UNSAVED: &str = "未保存";
pub const SAVE_FAILED: &str = "保存失败";
pub const NOT_ANSWERED: &str = "未作答";
pub const IS_FLAGGED: &str = "已标记";
pub const JUDGE_TRUE: &str = "正确";
pub const JUDGE_FALSE: &str = "错误";
pub const WARNING_10: &str = "距考试结束不足 10 分钟，请检查未答题目并及时交卷。";
pub const CARD_TITLE: &str = " 答题卡 ";
pub const LEGEND_UNANSWERED: &str = "未答";
pub const LEGEND_ANSWERED: &str = "已答";
pub const LEGEND_FLAGGED: &str = "标记";
pub const LEGEND_CURRENT: &str = "当前";
pub const LEGEND_UNSAVED: &str = "*未保存";
pub const FIRST_QUESTION: &str = "已是第一题";
pub const LAST_QUESTION: &str = "已是最后一题；检查完毕请按 S 交卷";
pub const ALL_ANSWERED: &str = "所有题目均已作答";
pub const BUTTONS: [(&str, &str); 7] = [
    ("P", "上一题"),
    ("N", "下一题"),
    ("M", "标记"),
    ("U", "下一未答"),
    ("G", "跳转"),
    ("S", "交卷"),
    ("H", "帮助"),
];

pub fn question_title(no: u16, total: usize, kind: QuestionKind) -> String {
    format!(" 第 {no} 题 / 共 {total} 题  {} ", kind.name_zh())
}

pub fn more_lines(n: u16) -> String {
    format!(" 下面还有 {n} 行 (Down 键滚动) ")
}

pub fn answer_hint(kind: QuestionKind, options: usize) -> String {
    let last = (b'A' + options.saturating_sub(1) as u8) as char;
    match kind {
        QuestionKind::Judge => {
            "判断题：按 T 或 1 选「正确」，按 F 或 2 选「错误」；退格键清除".to_owned()
        }
        QuestionKind::Single => format!("单选题：按 A-{last} 选择一个答案；退格键清除"),
        QuestionKind::Multiple => {
            format!("多选题：按 A-{last} 选中或取消，可选多项；退格键清除")
        }
    }
}

pub fn key_hint(kind: QuestionKind) -> String {
    match kind {
        QuestionKind::Judge => "判断题请按 T（正确）或 F（错误）；按 H 查看全部按键".to_owned(),
        _ => "请按选项字母作答；按 H 查看全部按键".to_owned(),
    }
}

pub fn no_such_option(count: usize) -> String {
    let last = (b'A' + count.saturating_sub(1) as u8) as char;
    format!("本题只有 A-{last} 共 {count} 个选项")
}

pub fn goto_range(total: usize) -> String {
    format!("题号应为 1-{total}")
}

pub fn save_refused(no: u16, why: &str) -> String {
    format!("第 {no} 题的答案未被服务器接受：{why}")
}

pub fn answered_of(answered: usize, total: usize) -> String {
    format!("{ANSWERED} {answered}/{total}")
}

// Boxes.
pub const GOTO_TITLE: &str = " 跳转 (Go to) ";
pub const GOTO_HINT: &str = "输入题号后按 Enter，Esc 取消";
pub const CONFIRM_TITLE: &str = " 确认交卷 (Submit) ";
pub const CONFIRM_ALL_ANSWERED: &str = "全部题目均已作答。";
pub const CONFIRM_FINAL: &str = "交卷后不能再修改答案。确认交卷吗？";
pub const CONFIRM_YES: &str = "[Y] 确认交卷";
pub const CONFIRM_NO: &str = "[N] 返回检查";
pub const SUBMITTING: &str = "正在交卷，请稍候...";
pub const SUBMITTING_AUTO: &str = "时间到，正在自动交卷...";
pub const SUBMITTING_OFFLINE: &str =
    "网络中断，恢复后自动完成交卷；服务器也会在考试时间到时自动交卷。";
pub const HELP_TITLE: &str = " 按键说明 (Keys) ";
pub const HELP: [(&str, &str); 13] = [
    ("A-F 或 1-6", "选择题作答（多选题再按一次取消）"),
    ("T/1、F/2", "判断题：正确 / 错误"),
    ("退格 / Delete", "清除本题答案"),
    ("右方向键 / N / Enter", "下一题"),
    ("左方向键 / P", "上一题"),
    ("Home / End", "第一题 / 最后一题"),
    ("G 题号 Enter", "跳转到指定题号"),
    ("U", "下一道未答题"),
    ("M", "标记 / 取消标记本题"),
    ("上下方向键、滚轮", "滚动较长的题目"),
    ("S 或 F10", "交卷"),
    ("鼠标", "点击选项作答，点击答题卡题号跳转"),
    ("Ctrl+C", "退出程序（计时不暂停）"),
];
pub const HELP_CLOSE: &str = "按任意键关闭";
pub const QUIT_TITLE: &str = " 退出 (Quit) ";
pub const QUIT_ASK: &str = "确认退出考试程序？考试计时不会暂停，重新登录后可继续作答。";
pub const QUIT_YES: &str = "[Y] 退出";
pub const QUIT_NO: &str = "[N] 返回";

pub fn confirm_unanswered(count: usize, list: &str) -> String {
    format!("还有 {count} 题未作答：{list}")
}

pub fn confirm_flagged(count: usize, list: &str) -> String {
    format!("已标记 {count} 题：{list}")
}

pub fn confirm_pending(count: usize) -> String {
    format!("还有 {count} 题的答案正在保存，交卷前会先保存完毕。")
}

pub fn quit_pending(count: usize) -> String {
    format!("还有 {count} 题的答案尚未上传，已保存在本机，重新登录后自动补传。")
}

// Result.
pub const RESULT_TITLE: &str = " 考试结束 (Finished) ";
pub const RESULT_SUBMITTED: &str = "试卷已提交。";
pub const RESULT_AUTO: &str = "时间到，已自动交卷。";
/// The paper was ended by the invigilator; the reason follows.
pub fn result_terminated(reason: &str) -> String {
    format!("本场考试已被监考人员终止（违纪）：{reason}。成绩无效。")
}
pub const PAUSED_TITLE: &str = " 考试已暂停 (Paused) ";
pub const PAUSED_BODY: &str =
    "监考人员已暂停本场考试，计时已停止，请留在座位上等待。恢复后可继续作答，剩余时间不变；暂停期间未保存的答案会自动重新提交。";
pub const RESUMED: &str = "考试已恢复，请继续作答。";
pub const RESULT_NO_SCORE: &str = "成绩将由考试机构公布。";
pub const PASSED: &str = "合格 (pass)";
pub const FAILED: &str = "不合格 (fail)";
pub const RESULT_LEAVE: &str = "请举手示意监考人员后离开座位。";
pub const BACK_TO_LOGIN: &str = "[Enter] 返回登录界面";
pub const QUIT_BUTTON: &str = "[Q] 退出";

pub fn score_line(score: f64, max: f64) -> String {
    format!("成绩  {score} / {max} 分")
}

pub fn pass_mark(mark: f64) -> String {
    format!("（合格线 {mark} 分）")
}

pub fn result_unanswered(n: u32) -> String {
    format!("未答 {n} 题")
}

pub fn submitted_at(time: &str) -> String {
    format!("交卷时间 {time}")
}

pub fn late_saves(list: &str) -> String {
    format!("以下题目的最后一次修改在考试结束后才送达，未计入：{list}")
}

// Problems.
pub const BLOCKED_TITLE: &str = " 无法参加考试 ";
pub const ABSENT: &str = "您未在考试时间内开始作答，已记为缺考。请联系监考人员。";
pub const NO_PAPER: &str = "没有可作答的试卷，请联系监考人员。";
pub const UNREACHABLE_TITLE: &str = " 无法连接考试服务器 (Server unreachable) ";
pub const UNREACHABLE_HELP: &str = "请检查网络连接，或举手请监考人员协助。";
pub const TOO_SMALL: &str = "终端窗口太小，请调整到至少 80x24。";

pub fn retrying(seconds: i64, retries: u32, down_for: &str) -> String {
    format!("每 {seconds} 秒自动重试，已重试 {retries} 次，已中断 {down_for}")
}
