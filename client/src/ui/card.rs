//! The answer card (答题卡): every question number coloured by state. Scrolls to keep the
//! current question in view when the paper does not fit.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use super::HitMap;
use crate::app::{Exam, Question, SaveState, Target};
use crate::strings as s;
use crate::theme;

/// Columns per number: three digits and a marker.
const CELL: u16 = 4;
/// Numbers per row beside the question.
const WIDE_COLUMNS: u16 = 10;

/// Width of the card beside the question.
pub fn wide_width() -> u16 {
    WIDE_COLUMNS * CELL + 3
}

/// Height of the card beside the question: every row (it scrolls if the body is lower).
pub fn wide_height(questions: usize) -> u16 {
    questions.div_ceil(usize::from(WIDE_COLUMNS)) as u16 + 2
}

/// Height of the card below the question: all rows when there is room, else at least
/// two rows (scrolling), leaving the question most of a small screen.
pub fn narrow_height(body: Rect, questions: usize) -> u16 {
    let columns = usize::from((body.width.saturating_sub(3) / CELL).max(1));
    let needed = questions.div_ceil(columns) as u16;
    let room = body.height.saturating_sub(14).max(2);
    needed.min(room) + 2
}

fn cell_style(q: &Question, current: bool) -> Style {
    if current {
        theme::CELL_CURRENT
    } else if q.flagged {
        theme::CELL_FLAGGED
    } else if q.is_answered() {
        theme::CELL_ANSWERED
    } else {
        theme::CELL_UNANSWERED
    }
}

fn legend() -> Line<'static> {
    Line::from(vec![
        Span::raw(" "),
        Span::styled(
            format!(" {} ", s::LEGEND_UNANSWERED),
            theme::CELL_UNANSWERED,
        ),
        Span::raw(" "),
        Span::styled(format!(" {} ", s::LEGEND_ANSWERED), theme::CELL_ANSWERED),
        Span::raw(" "),
        Span::styled(format!(" {} ", s::LEGEND_FLAGGED), theme::CELL_FLAGGED),
        Span::raw(" "),
        Span::styled(format!(" {} ", s::LEGEND_CURRENT), theme::CELL_CURRENT),
        Span::raw(format!(" {} ", s::LEGEND_UNSAVED)),
    ])
}

pub(super) fn draw(frame: &mut Frame, area: Rect, exam: &Exam, hits: &mut HitMap) {
    let questions = &exam.sheet.questions;
    let block = Block::bordered();
    let inner = block.inner(area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    if inner.height == 0 || inner.width < CELL {
        frame.render_widget(block, area);
        return;
    }
    let columns = usize::from(inner.width / CELL);
    let rows = questions.len().div_ceil(columns);
    let visible = usize::from(inner.height);
    let current_row = exam.sheet.current / columns;
    // Keep the current row in the middle of the visible rows where possible.
    let first = current_row
        .saturating_sub(visible.saturating_sub(1) / 2)
        .min(rows.saturating_sub(visible));

    let shown = questions
        .iter()
        .skip(first * columns)
        .take(visible * columns)
        .collect::<Vec<_>>();
    let title = match (shown.first(), shown.last()) {
        (Some(a), Some(b)) if shown.len() < questions.len() => {
            format!("{}({}-{}/{}) ", s::CARD_TITLE, a.no, b.no, questions.len())
        }
        _ => s::CARD_TITLE.to_owned(),
    };
    let block = block
        .title(Line::styled(title, theme::STRONG))
        .title_bottom(legend());
    frame.render_widget(block, area);

    let mut lines = Vec::new();
    for (r, row) in shown.chunks(columns).enumerate() {
        let mut spans = Vec::new();
        for (c, q) in row.iter().enumerate() {
            let index = (first + r) * columns + c;
            let current = index == exam.sheet.current;
            spans.push(Span::styled(format!("{:>3}", q.no), cell_style(q, current)));
            let mark = if q.save_state() == SaveState::Pending {
                "*"
            } else {
                " "
            };
            spans.push(Span::raw(mark));
            hits.push(
                Rect::new(inner.x + c as u16 * CELL, inner.y + r as u16, CELL - 1, 1),
                Target::Question(q.no),
            );
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
