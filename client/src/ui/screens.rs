//! The screens around the exam: sign-in, identity, rules, waiting, result, problems.

use chrono::{DateTime, Local, Utc};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::wrap::wrap;
use super::{button_row, centered, server_label, HitMap};
use crate::app::{
    format_clock, Blocked, Checkin, Key, Link, LoginField, LoginForm, Outcome, Profile, State,
    Target, RETRY_EVERY,
};
use crate::strings as s;
use crate::theme;

/// A titled box in the middle of the body; returns its inner area with a margin.
fn panel(frame: &mut Frame, area: Rect, title: &str, width: u16, height: u16) -> Rect {
    let rect = centered(area, width, height);
    let block = Block::bordered().title(Line::styled(title.to_owned(), theme::STRONG));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    Rect {
        x: inner.x + 2,
        width: inner.width.saturating_sub(4),
        y: inner.y + 1,
        height: inner.height.saturating_sub(2),
    }
}

/// Width of the boxes around check-in messages, and of the text inside them.
const BOX_WIDTH: u16 = 72;
const BOX_TEXT: u16 = BOX_WIDTH - 6;

/// A message broken into lines that fit a box (Chinese breaks anywhere, see `wrap`), so
/// the box can be sized to what it shows.
fn message<'a>(text: &str, style: Style) -> Vec<Line<'a>> {
    wrap(text, BOX_TEXT)
        .into_iter()
        .map(|line| Line::styled(line, style))
        .collect()
}

/// The buttons of a screen that ends a sitting.
const LEAVE_BUTTONS: [(Key, &str); 2] = [
    (Key::Enter, s::BACK_TO_LOGIN),
    (Key::Char('q'), s::QUIT_BUTTON),
];

/// A titled box of `size` (width, height) holding `text` over a centred row of buttons
/// spaced by `gap`.
fn dialog<'a>(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    size: (u16, u16),
    text: impl Into<Text<'a>>,
    (buttons, gap): (&[(Key, &str)], u16),
    hits: &mut HitMap,
) {
    let inner = panel(frame, area, title, size.0, size.1);
    let [body, _, row] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(text.into()).wrap(Wrap { trim: false }), body);
    button_row(frame, row, buttons, hits, true, gap);
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn field<'a>(label: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::raw(format!("{label:　<5}")),
        Span::styled(value, theme::STRONG),
    ])
}

fn profile_lines<'a>(p: &Profile) -> Vec<Line<'a>> {
    vec![
        field(s::NAME, p.name.clone()),
        field(s::TICKET, p.ticket.clone()),
        field(s::SEAT, p.seat.clone()),
        field(s::SUBJECT, p.subject_name.clone()),
        field(s::SESSION, p.session_title.clone()),
        field(s::STARTS_AT, local_time(p.starts_at)),
        field(s::DURATION, s::minutes(p.duration_seconds)),
    ]
}

pub(super) fn too_small(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(s::TOO_SMALL)
            .style(theme::ERROR)
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub(super) fn unreachable(frame: &mut Frame, area: Rect, state: &State) {
    let inner = panel(frame, area, s::UNREACHABLE_TITLE, 72, 12);
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("{}  ", s::SERVER)),
        Span::styled(
            server_label(&state.settings.server).to_owned(),
            theme::STRONG,
        ),
    ])];
    if let Link::Down {
        since,
        error,
        retries,
    } = &state.link
    {
        lines.push(Line::styled(error.clone(), theme::ERROR));
        lines.push(Line::raw(""));
        lines.push(Line::raw(s::retrying(
            RETRY_EVERY.num_seconds(),
            *retries,
            &format_clock(state.now - *since),
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(s::UNREACHABLE_HELP, theme::STRONG));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub(super) fn login(frame: &mut Frame, area: Rect, form: &LoginForm, hits: &mut HitMap) {
    let inner = panel(frame, area, s::LOGIN_TITLE, 60, 14);
    let [title, _, ticket, _, id, _, button, error, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Line::styled(s::APP_TITLE, theme::STRONG).centered()),
        title,
    );
    let input = |frame: &mut Frame, row: Rect, label: &str, value: &str, which: LoginField| {
        let focused = form.focus == which;
        let [l, v] = Layout::horizontal([Constraint::Length(12), Constraint::Min(0)]).areas(row);
        let marker = if focused { "> " } else { "  " };
        frame.render_widget(Paragraph::new(format!("{marker}{label}")), l);
        let style = if focused {
            theme::INPUT_FOCUS
        } else {
            theme::INPUT
        };
        frame.render_widget(Paragraph::new(format!(" {value}")).style(style), v);
        if focused && !form.busy {
            let x = (v.x + 1 + value.len() as u16).min(v.right().saturating_sub(1));
            frame.set_cursor_position(Position { x, y: v.y });
        }
        (l.union(v), which)
    };
    let (r, f) = input(
        frame,
        ticket,
        s::LOGIN_TICKET,
        &form.ticket,
        LoginField::Ticket,
    );
    hits.push(r, Target::Field(f));
    let (r, f) = input(
        frame,
        id,
        s::LOGIN_ID,
        &form.id_number,
        LoginField::IdNumber,
    );
    hits.push(r, Target::Field(f));
    if form.busy {
        frame.render_widget(Paragraph::new(s::LOGIN_BUSY), button);
    } else {
        button_row(
            frame,
            button,
            &[(Key::Enter, s::LOGIN_BUTTON)],
            hits,
            false,
            0,
        );
    }
    if let Some(why) = &form.error {
        frame.render_widget(
            Paragraph::new(why.as_str())
                .style(theme::ERROR)
                .wrap(Wrap { trim: false }),
            error.union(help),
        );
    } else {
        frame.render_widget(Paragraph::new(s::LOGIN_HELP), help);
    }
}

pub(super) fn identity(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    c: &Checkin,
    hits: &mut HitMap,
) {
    let mut lines = vec![Line::raw(s::IDENTITY_ASK), Line::raw("")];
    lines.extend(profile_lines(&c.profile));
    if c.seat_mismatch(state.settings.seat.as_deref()) {
        lines.push(Line::raw(""));
        lines.extend(message(
            &s::seat_mismatch(
                state.settings.seat.as_deref().unwrap_or_default(),
                &c.profile.seat,
            ),
            theme::ERROR,
        ));
    }
    if c.profile.held_elsewhere.is_some() {
        lines.push(Line::raw(""));
        lines.extend(message(s::HELD_ELSEWHERE_NOTE, theme::NOTICE));
    } else if c.profile.status == question_bank::wire::PaperStatus::Started {
        lines.push(Line::raw(""));
        lines.extend(message(s::RESUME_NOTE, theme::NOTICE));
    }
    let height = lines.len() as u16 + 6;
    let buttons = [(Key::Enter, s::IDENTITY_YES), (Key::Esc, s::IDENTITY_NO)];
    let size = (BOX_WIDTH, height);
    dialog(
        frame,
        area,
        s::IDENTITY_TITLE,
        size,
        lines,
        (&buttons, 6),
        hits,
    );
}

pub(super) fn rules(frame: &mut Frame, area: Rect, c: &Checkin, hits: &mut HitMap) {
    let width = area.width.saturating_sub(4).min(90);
    let mut lines: Vec<Line> = s::RULES
        .iter()
        .enumerate()
        .map(|(i, rule)| Line::raw(format!("{}. {rule}", i + 1)))
        .collect();
    let text_height = Paragraph::new(lines.clone())
        .wrap(Wrap { trim: false })
        .line_count(width.saturating_sub(6)) as u16;
    lines.push(Line::raw(""));
    let inner = panel(frame, area, s::RULES_TITLE, width, text_height + 9);
    let [body, check, error, row] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    let mark = if c.rules_read { "[x]" } else { "[ ]" };
    let tick = Line::from(vec![
        Span::styled(format!("{mark} {}", s::RULES_READ), theme::STRONG),
        Span::raw(format!("  {}", s::RULES_TOGGLE)),
    ]);
    let tick_width = tick.width() as u16;
    frame.render_widget(Paragraph::new(tick), check);
    hits.push(
        Rect {
            width: tick_width.min(check.width),
            ..check
        },
        Target::Key(Key::Char(' ')),
    );
    if let Some(why) = &c.error {
        frame.render_widget(Paragraph::new(why.as_str()).style(theme::ERROR), error);
    }
    button_row(
        frame,
        row,
        &[(Key::Enter, s::RULES_CONTINUE)],
        hits,
        true,
        0,
    );
}

pub(super) fn waiting(frame: &mut Frame, area: Rect, state: &State, c: &Checkin, starting: bool) {
    let mut lines = profile_lines(&c.profile);
    lines.push(Line::raw(""));
    if starting {
        lines.push(Line::styled(s::STARTING, theme::STRONG));
    } else {
        let to_start = c.profile.starts_at - state.clock.server_time(state.now);
        if to_start.num_milliseconds() > 0 {
            lines.push(Line::styled(
                s::until_start(&format_clock(to_start)),
                theme::TIME_WARN,
            ));
        } else {
            lines.push(Line::styled(s::WAITING_DUE, theme::STRONG));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(s::WAITING));
        lines.push(Line::raw(s::WAITING_REFRESH));
        if let Some(why) = &c.error {
            lines.extend(message(why, theme::ERROR));
        }
    }
    let height = lines.len() as u16 + 4;
    let inner = panel(frame, area, s::WAITING_TITLE, BOX_WIDTH, height);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The paper is open on another terminal: the server's message, and that approval will
/// let this terminal in by itself.
pub(super) fn takeover(frame: &mut Frame, area: Rect, c: &Checkin, hits: &mut HitMap) {
    let mut lines = profile_lines(&c.profile);
    lines.push(Line::raw(""));
    if let Some(why) = &c.error {
        lines.extend(message(why, theme::TIME_WARN));
    }
    lines.push(Line::raw(""));
    lines.extend(message(s::TAKEOVER_WAIT, Style::default()));
    lines.push(Line::raw(s::WAITING_REFRESH));
    let height = lines.len() as u16 + 6;
    let buttons = [(Key::Esc, s::TAKEOVER_BACK)];
    let size = (BOX_WIDTH, height);
    dialog(
        frame,
        area,
        s::TAKEOVER_TITLE,
        size,
        lines,
        (&buttons, 0),
        hits,
    );
}

pub(super) fn result(frame: &mut Frame, area: Rect, o: &Outcome, hits: &mut HitMap) {
    let p = &o.profile;
    let mut lines = vec![
        field(s::NAME, p.name.clone()),
        field(s::TICKET, p.ticket.clone()),
        field(s::SEAT, p.seat.clone()),
        field(s::SUBJECT, p.subject_name.clone()),
        Line::raw(""),
        match o
            .result
            .as_ref()
            .and_then(|r| r.terminated_reason.as_deref())
        {
            Some(reason) => Line::styled(s::result_terminated(reason), theme::ERROR),
            None if o.auto => Line::styled(s::RESULT_AUTO, theme::TIME_WARN),
            None => Line::styled(s::RESULT_SUBMITTED, theme::STRONG),
        },
        Line::raw(""),
    ];
    match &o.result {
        Some(r) => {
            match &r.score {
                Some(p) => lines.push(Line::from(vec![
                    Span::styled(s::score_line(p.score, p.max_score), theme::STRONG),
                    Span::raw("   "),
                    Span::styled(
                        format!(" {} ", if p.passed { s::PASSED } else { s::FAILED }),
                        if p.passed { theme::PASS } else { theme::FAIL },
                    ),
                    Span::raw(s::pass_mark(p.pass_mark)),
                ])),
                None => lines.push(Line::raw(s::RESULT_NO_SCORE)),
            }
            lines.push(Line::raw(format!(
                "{}    {}",
                s::result_unanswered(r.unanswered),
                s::submitted_at(
                    &r.submitted_at
                        .with_timezone(&Local)
                        .format("%H:%M:%S")
                        .to_string()
                )
            )));
        }
        None => lines.push(Line::raw(s::RESULT_NO_SCORE)),
    }
    if !o.late_saves.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            s::late_saves(&crate::app::number_ranges(&o.late_saves)),
            theme::ERROR,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(s::RESULT_LEAVE));
    let width = 72;
    let text = Text::from(lines);
    let height = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(width - 6) as u16
        + 6;
    let size = (width, height);
    dialog(
        frame,
        area,
        s::RESULT_TITLE,
        size,
        text,
        (&LEAVE_BUTTONS, 6),
        hits,
    );
}

pub(super) fn blocked(frame: &mut Frame, area: Rect, b: &Blocked, hits: &mut HitMap) {
    let mut lines = Vec::new();
    if let Some(p) = &b.profile {
        lines.push(field(s::NAME, p.name.clone()));
        lines.push(field(s::TICKET, p.ticket.clone()));
        lines.push(Line::raw(""));
    }
    lines.extend(message(&b.message, theme::ERROR));
    let height = lines.len() as u16 + 7;
    let size = (BOX_WIDTH, height);
    dialog(
        frame,
        area,
        s::BLOCKED_TITLE,
        size,
        lines,
        (&LEAVE_BUTTONS, 6),
        hits,
    );
}
