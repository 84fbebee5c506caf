//! Boxes over a screen: jump, submit confirmation, submitting, key help, quit.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{button_row, centered, HitMap};
use crate::app::{number_ranges, Exam, Key, Link, State};
use crate::strings as s;
use crate::theme;

/// A bordered box in the middle of `area`, cleared; returns its inner area (with a
/// one-column margin). Nothing beneath it stays clickable.
fn open_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    width: u16,
    height: u16,
    hits: &mut HitMap,
) -> Rect {
    hits.cover();
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Line::styled(title.to_owned(), theme::STRONG));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    }
}

/// A wrapped text with a button row on its last line.
fn text_and_buttons(
    frame: &mut Frame,
    inner: Rect,
    text: Text<'_>,
    buttons: &[(Key, &str)],
    hits: &mut HitMap,
) {
    let [body, _, row] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
    button_row(frame, row, buttons, hits, true, 4);
}

/// Height for `text` wrapped in a box of `width`, plus `extra` lines and borders.
fn height_for(text: &Text<'_>, width: u16, extra: u16) -> u16 {
    let lines = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(width.saturating_sub(4)) as u16;
    lines + extra + 2
}

pub(super) fn goto(frame: &mut Frame, area: Rect, typed: &str, total: usize, hits: &mut HitMap) {
    let inner = open_box(frame, area, s::GOTO_TITLE, 44, 5, hits);
    let text = Text::from(vec![
        Line::from(vec![
            Span::raw(format!("{} ", s::goto_range(total))),
            Span::styled(format!(" {typed:<3} "), theme::INPUT_FOCUS),
        ]),
        Line::raw(""),
        Line::raw(s::GOTO_HINT),
    ]);
    frame.render_widget(Paragraph::new(text), inner);
}

pub(super) fn confirm_submit(frame: &mut Frame, area: Rect, exam: &Exam, hits: &mut HitMap) {
    let sheet = &exam.sheet;
    let unanswered = sheet.unanswered();
    let flagged = sheet.flagged();
    let mut lines = vec![Line::raw(s::answered_of(
        sheet.answered_count(),
        sheet.len(),
    ))];
    if unanswered.is_empty() {
        lines.push(Line::raw(s::CONFIRM_ALL_ANSWERED));
    } else {
        lines.push(Line::styled(
            s::confirm_unanswered(unanswered.len(), &number_ranges(&unanswered)),
            theme::ERROR,
        ));
    }
    if !flagged.is_empty() {
        lines.push(Line::styled(
            s::confirm_flagged(flagged.len(), &number_ranges(&flagged)),
            theme::NOTICE,
        ));
    }
    let pending = sheet.pending();
    if pending > 0 {
        lines.push(Line::raw(s::confirm_pending(pending)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(s::CONFIRM_FINAL, theme::STRONG));
    let text = Text::from(lines);
    let width = area.width.saturating_sub(8).min(72);
    let height = height_for(&text, width, 2).min(area.height);
    let inner = open_box(frame, area, s::CONFIRM_TITLE, width, height, hits);
    text_and_buttons(
        frame,
        inner,
        text,
        &[
            (Key::Char('y'), s::CONFIRM_YES),
            (Key::Char('n'), s::CONFIRM_NO),
        ],
        hits,
    );
}

pub(super) fn submitting(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    auto: bool,
    hits: &mut HitMap,
) {
    let mut lines = vec![Line::styled(
        if auto {
            s::SUBMITTING_AUTO
        } else {
            s::SUBMITTING
        },
        theme::STRONG,
    )];
    if matches!(state.link, Link::Down { .. }) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(s::SUBMITTING_OFFLINE, theme::ERROR));
    }
    let text = Text::from(lines);
    let width = area.width.saturating_sub(8).min(64);
    let height = height_for(&text, width, 0);
    let inner = open_box(frame, area, s::CONFIRM_TITLE, width, height, hits);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

/// The invigilator paused the paper: a box over the exam, no buttons (input is closed).
pub(super) fn paused(frame: &mut Frame, area: Rect, hits: &mut HitMap) {
    let text = Text::from(vec![Line::styled(s::PAUSED_BODY, theme::STRONG)]);
    let width = area.width.saturating_sub(8).min(64);
    let height = height_for(&text, width, 0);
    let inner = open_box(frame, area, s::PAUSED_TITLE, width, height, hits);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

pub(super) fn help(frame: &mut Frame, area: Rect, hits: &mut HitMap) {
    let key_width = s::HELP
        .iter()
        .map(|(k, _)| Line::from(*k).width())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = s::HELP
        .iter()
        .map(|(k, what)| {
            let pad = key_width - Line::from(*k).width();
            Line::from(vec![
                Span::styled(format!("{k}{}", " ".repeat(pad)), theme::KEY),
                Span::raw(format!("  {what}")),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(s::HELP_CLOSE));
    let height = (lines.len() as u16 + 2).min(area.height);
    let inner = open_box(frame, area, s::HELP_TITLE, 70, height, hits);
    frame.render_widget(Paragraph::new(lines), inner);
    // Any click closes the help, like any key.
    hits.push(area, crate::app::Target::Key(Key::Esc));
}

pub(super) fn quit(frame: &mut Frame, area: Rect, state: &State, hits: &mut HitMap) {
    let mut lines = vec![Line::raw(s::QUIT_ASK)];
    if let crate::app::Screen::Exam(exam) = &state.screen {
        let pending = exam.sheet.pending();
        if pending > 0 {
            lines.push(Line::styled(s::quit_pending(pending), theme::NOTICE));
        }
    }
    let text = Text::from(lines);
    let width = area.width.saturating_sub(8).min(64);
    let height = height_for(&text, width, 2);
    let inner = open_box(frame, area, s::QUIT_TITLE, width, height, hits);
    text_and_buttons(
        frame,
        inner,
        text,
        &[(Key::Char('y'), s::QUIT_YES), (Key::Char('n'), s::QUIT_NO)],
        hits,
    );
}
