//! The question pane: stem, options and the answer hint, wrapped by ratatui's `Paragraph`
//! (unicode-width aware, so Chinese text takes two columns a character). Options wrap with
//! a hanging indent under their text. The content is laid out in full off screen and the
//! visible lines copied in, so a long question scrolls line by line.

use question_bank::wire::QuestionKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use ratatui::Frame;

use super::wrap::wrap;
use super::HitMap;
use crate::app::{Exam, Question, SaveState, Target};
use crate::strings as s;
use crate::theme;

/// Columns before an option's text: ` (*) A. `.
const OPTION_INDENT: u16 = 8;

/// One block of the laid-out question.
struct Piece<'a> {
    /// First line.
    y: u16,
    /// Lines.
    height: u16,
    /// Text left of the wrapped part (option marker), if any.
    prefix: Option<Span<'a>>,
    /// The wrapped part.
    body: Paragraph<'a>,
    /// Style of the whole block.
    style: Style,
    /// Option index, for clicks.
    option: Option<usize>,
}

/// `text` broken for `width` columns, as a paragraph of `style`.
fn wrapped<'a>(text: &str, width: u16, style: Style) -> Paragraph<'a> {
    let lines: Vec<Line> = wrap(text, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect();
    Paragraph::new(lines).wrap(Wrap { trim: false })
}

fn option_label(q: &Question, i: usize) -> (String, String) {
    match q.kind {
        QuestionKind::Judge => {
            let (key, text) = if i == 0 {
                ('T', s::JUDGE_TRUE)
            } else {
                ('F', s::JUDGE_FALSE)
            };
            (key.to_string(), text.to_owned())
        }
        _ => (((b'A' + i as u8) as char).to_string(), q.options[i].clone()),
    }
}

/// Pieces stacked top to bottom.
#[derive(Default)]
struct Stack<'a> {
    pieces: Vec<Piece<'a>>,
    height: u16,
}

impl<'a> Stack<'a> {
    /// Add `body` (wrapped to `width`) with an optional prefix, then `gap` blank lines.
    fn push(
        &mut self,
        prefix: Option<Span<'a>>,
        body: Paragraph<'a>,
        width: u16,
        style: Style,
        option: Option<usize>,
        gap: u16,
    ) {
        let height = body.line_count(width) as u16;
        self.pieces.push(Piece {
            y: self.height,
            height,
            prefix,
            body,
            style,
            option,
        });
        self.height += height + gap;
    }
}

fn layout(q: &Question, width: u16) -> Stack<'_> {
    let mut stack = Stack::default();
    let stem = wrapped(&q.stem, width, theme::STRONG);
    stack.push(None, stem, width, Style::new(), None, 1);
    let text_width = width.saturating_sub(OPTION_INDENT).max(1);
    let count = q.option_count();
    for i in 0..count {
        let chosen = q.is_chosen(i);
        let (key, text) = option_label(q, i);
        let mark = match (q.kind, chosen) {
            (QuestionKind::Multiple, true) => "[x]",
            (QuestionKind::Multiple, false) => "[ ]",
            (_, true) => "(*)",
            (_, false) => "( )",
        };
        let style = if chosen { theme::CHOSEN } else { Style::new() };
        let prefix = Span::raw(format!(" {mark} {key}. "));
        let gap = u16::from(i + 1 == count);
        let body = wrapped(&text, text_width, Style::new());
        stack.push(Some(prefix), body, text_width, style, Some(i), gap);
    }
    let hint = wrapped(&s::answer_hint(q.kind, count), width, Style::new());
    stack.push(None, hint, width, Style::new(), None, 0);
    if let Some(why) = &q.rejected {
        let line = wrapped(&format!("{}：{why}", s::SAVE_FAILED), width, theme::ERROR);
        stack.push(None, line, width, Style::new(), None, 0);
    }
    stack
}

fn save_label(q: &Question) -> Span<'static> {
    match q.save_state() {
        SaveState::Blank => Span::raw(format!(" {} ", s::NOT_ANSWERED)),
        SaveState::Saved => Span::styled(format!(" {} ", s::SAVED), theme::SAVED),
        SaveState::Pending => Span::styled(format!(" {} ", s::UNSAVED), theme::PENDING),
        SaveState::Rejected => Span::styled(format!(" {} ", s::SAVE_FAILED), theme::ERROR),
    }
}

pub(super) fn draw(frame: &mut Frame, area: Rect, exam: &Exam, hits: &mut HitMap) {
    let q = exam.sheet.current();
    let mut status = vec![save_label(q)];
    if q.flagged {
        status.push(Span::styled(format!(" {} ", s::IS_FLAGGED), theme::FLAG));
        status.push(Span::raw(" "));
    }
    let block = Block::bordered()
        .title(Line::styled(
            s::question_title(q.no, exam.sheet.len(), q.kind),
            theme::STRONG,
        ))
        .title(Line::from(status).right_aligned());
    let inner = block.inner(area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    if inner.width == 0 || inner.height == 0 {
        frame.render_widget(block, area);
        return;
    }
    let Stack {
        pieces,
        height: total,
    } = layout(q, inner.width);
    let overflow = total.saturating_sub(inner.height);
    hits.overflow = overflow;
    let scroll = exam.scroll.min(overflow);
    let block = if overflow > scroll {
        block.title_bottom(
            Line::styled(s::more_lines(overflow - scroll), theme::NOTICE).right_aligned(),
        )
    } else {
        block
    };
    frame.render_widget(block, area);

    // Lay the whole question out off screen, then copy the visible lines in.
    let mut page = Buffer::empty(Rect::new(0, 0, inner.width, total.max(1)));
    for piece in &pieces {
        let rect = Rect::new(0, piece.y, inner.width, piece.height);
        page.set_style(rect, piece.style);
        let text_rect = match &piece.prefix {
            Some(prefix) => {
                page.set_span(0, piece.y, prefix, OPTION_INDENT);
                Rect::new(
                    OPTION_INDENT,
                    piece.y,
                    inner.width.saturating_sub(OPTION_INDENT),
                    piece.height,
                )
            }
            None => rect,
        };
        piece
            .body
            .clone()
            .style(piece.style)
            .render(text_rect, &mut page);
        if let Some(i) = piece.option {
            let top = piece.y.max(scroll);
            let bottom = (piece.y + piece.height).min(scroll + inner.height);
            if bottom > top {
                hits.push(
                    Rect::new(inner.x, inner.y + top - scroll, inner.width, bottom - top),
                    Target::Option(i),
                );
            }
        }
    }
    let buf = frame.buffer_mut();
    for row in 0..inner.height.min(total.saturating_sub(scroll)) {
        for col in 0..inner.width {
            if let (Some(from), Some(to)) = (
                page.cell((col, row + scroll)),
                buf.cell_mut((inner.x + col, inner.y + row)),
            ) {
                *to = from.clone();
            }
        }
    }
}
