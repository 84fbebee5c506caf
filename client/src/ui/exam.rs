//! The exam screen: two header lines, the 10-minute banner, the question pane, the answer
//! card (right of the question when there is room, below it otherwise) and the key bar.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{button_row, card, link_span, modal, question, server_label, HitMap};
use crate::app::{format_clock, Exam, Key, Link, Modal, Phase, State, Target};
use crate::strings as s;
use crate::theme;

/// From this width on, the answer card sits beside the question.
pub const WIDE: u16 = 110;

pub(super) fn draw(frame: &mut Frame, area: Rect, state: &State, exam: &Exam, hits: &mut HitMap) {
    let warn = exam.phase == Phase::Answering && exam.warning(&state.clock, state.now);
    let [head, banner, body, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(u16::from(warn)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header(frame, head, state, exam, hits);
    if warn {
        frame.render_widget(
            Paragraph::new(format!(" {}", s::WARNING_10)).style(theme::BANNER),
            banner,
        );
    }
    let (question_area, card_area) = if area.width >= WIDE {
        let [q, side] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(card::wide_width())])
                .areas(body);
        let [c, _] = Layout::vertical([
            Constraint::Length(card::wide_height(exam.sheet.len())),
            Constraint::Min(0),
        ])
        .areas(side);
        (q, c)
    } else {
        let height = card::narrow_height(body, exam.sheet.len());
        let [q, c] = Layout::vertical([Constraint::Min(0), Constraint::Length(height)]).areas(body);
        (q, c)
    };
    question::draw(frame, question_area, exam, hits);
    card::draw(frame, card_area, exam, hits);
    footer(frame, foot, exam, hits);

    match (&exam.phase, &exam.modal) {
        (Phase::Submitting { auto }, _) => modal::submitting(frame, area, state, *auto, hits),
        (Phase::Answering, _) if exam.paused_at.is_some() => modal::paused(frame, area, hits),
        (_, Some(Modal::Goto(typed))) => modal::goto(frame, area, typed, exam.sheet.len(), hits),
        (_, Some(Modal::ConfirmSubmit)) => modal::confirm_submit(frame, area, exam, hits),
        (_, Some(Modal::Help)) => modal::help(frame, area, hits),
        (_, None) => {}
    }
}

fn header(frame: &mut Frame, area: Rect, state: &State, exam: &Exam, hits: &mut HitMap) {
    frame.render_widget(Paragraph::new("").style(theme::BAR), area);
    let [top, bottom] = Layout::vertical([Constraint::Length(1); 2]).areas(area);
    let p = &exam.profile;

    // Line 1: who, and the time left with the submit button.
    let left = Line::from(vec![
        Span::styled(format!(" {}", p.name), theme::BAR_STRONG),
        Span::raw(format!("  {}  {} {}", p.subject_name, s::SEAT, p.seat)),
    ]);
    let remaining = exam.remaining(&state.clock, state.now);
    let time_style = if remaining.num_seconds() < 60 {
        theme::ALERT
    } else if exam.warning(&state.clock, state.now) {
        theme::TIME_WARN
    } else {
        theme::TIME
    };
    let right = Line::from(vec![
        Span::raw(format!("{} ", s::REMAINING)),
        Span::styled(format!(" {} ", format_clock(remaining)), time_style),
        Span::raw("  "),
        Span::styled(s::SUBMIT_BUTTON, theme::BAR_STRONG),
        Span::raw(" "),
    ]);
    let right_width = right.width() as u16;
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(top);
    frame.render_widget(Paragraph::new(left).style(theme::BAR), l);
    frame.render_widget(Paragraph::new(right).style(theme::BAR), r);
    let button_width = Line::from(s::SUBMIT_BUTTON).width() as u16;
    hits.push(
        Rect::new(
            r.right().saturating_sub(button_width + 1),
            r.y,
            button_width,
            1,
        ),
        Target::Key(Key::Char('s')),
    );

    // Line 2: progress and save state, then the link and where this terminal is.
    let sheet = &exam.sheet;
    let pending = sheet.pending();
    let left = Line::from(vec![
        Span::raw(format!(
            " {}  {} {}  ",
            s::answered_of(sheet.answered_count(), sheet.len()),
            s::FLAGGED,
            sheet.flagged().len()
        )),
        Span::styled(
            format!("{} {}", s::PENDING, pending),
            if pending > 0 {
                theme::TIME_WARN
            } else {
                theme::BAR
            },
        ),
    ]);
    let right = match (&state.link, &state.journal_warning) {
        (Link::Down { .. }, _) => Line::from(Span::styled(
            format!(" {} ", s::LINK_DOWN_EXAM),
            theme::ALERT,
        )),
        (_, Some(_)) => Line::from(Span::styled(
            format!(" {} ", s::JOURNAL_FAILED),
            theme::ALERT,
        )),
        (link, None) => {
            let seat = state.settings.seat.as_deref().unwrap_or(s::SEAT_UNSET);
            let full = Line::from(vec![
                link_span(link),
                Span::raw(format!(
                    "  {} {}  {} {} ",
                    s::SERVER,
                    server_label(&state.settings.server),
                    s::TERMINAL_SEAT,
                    seat
                )),
            ]);
            if full.width() + left.width() + 2 <= usize::from(area.width) {
                full
            } else {
                Line::from(vec![
                    link_span(link),
                    Span::raw(format!("  {} {} ", s::TERMINAL_SEAT, seat)),
                ])
            }
        }
    };
    let right_width = right.width() as u16;
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(bottom);
    frame.render_widget(Paragraph::new(left).style(theme::BAR), l);
    frame.render_widget(Paragraph::new(right).style(theme::BAR), r);
}

fn footer(frame: &mut Frame, area: Rect, exam: &Exam, hits: &mut HitMap) {
    if let Some(notice) = &exam.notice {
        frame.render_widget(
            Paragraph::new(format!(" {notice}")).style(theme::NOTICE),
            area,
        );
        return;
    }
    let labels: Vec<(Key, String)> = s::BUTTONS
        .iter()
        .map(|(k, label)| {
            let c = k.chars().next().unwrap_or(' ').to_ascii_lowercase();
            (Key::Char(c), format!("[{k}]{label}"))
        })
        .collect();
    let items: Vec<(Key, &str)> = labels.iter().map(|(k, l)| (*k, l.as_str())).collect();
    let inner = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(1),
        ..area
    };
    button_row(frame, inner, &items, hits, false, 2);
}
