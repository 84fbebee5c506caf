//! The view: draws a [`State`] and returns a [`HitMap`] saying what a mouse click at any
//! cell means. Reads the state only; all wording is in `strings`, all colours in `theme`.

mod card;
mod exam;
mod modal;
mod question;
mod screens;
mod wrap;

use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{Key, Link, Screen, State, Target};
use crate::strings as s;
use crate::theme;

/// Smallest terminal the exam screen is laid out for.
pub const MIN_WIDTH: u16 = 80;
/// Smallest terminal height.
pub const MIN_HEIGHT: u16 = 24;

/// Clickable areas of the last frame, and what the view learned about the layout.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HitMap {
    areas: Vec<(Rect, Target)>,
    /// Lines of the current question that did not fit in the question pane.
    pub overflow: u16,
}

impl HitMap {
    /// What a click at column `x`, row `y` lands on (boxes on top win).
    pub fn target_at(&self, x: u16, y: u16) -> Option<Target> {
        self.areas
            .iter()
            .rev()
            .find(|(r, _)| r.contains(Position { x, y }))
            .map(|(_, t)| *t)
    }

    fn push(&mut self, area: Rect, target: Target) {
        if area.width > 0 && area.height > 0 {
            self.areas.push((area, target));
        }
    }

    /// A box now covers the screen: nothing beneath it can be clicked.
    fn cover(&mut self) {
        self.areas.clear();
    }
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, state: &State) -> HitMap {
    let area = frame.area();
    let mut hits = HitMap::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        screens::too_small(frame, area);
        return hits;
    }
    match &state.screen {
        Screen::Exam(exam) => exam::draw(frame, area, state, exam, &mut hits),
        screen => {
            let [bar, body] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            terminal_bar(frame, bar, state);
            if state.shows_unreachable() {
                screens::unreachable(frame, body, state);
            } else {
                match screen {
                    Screen::Login(form) => screens::login(frame, body, form, &mut hits),
                    Screen::Identity(c) => screens::identity(frame, body, state, c, &mut hits),
                    Screen::Rules(c) => screens::rules(frame, body, c, &mut hits),
                    Screen::Waiting(c) => screens::waiting(frame, body, state, c, false),
                    Screen::Starting(c) => screens::waiting(frame, body, state, c, true),
                    Screen::Takeover(c) => screens::takeover(frame, body, c, &mut hits),
                    Screen::Result(o) => screens::result(frame, body, o, &mut hits),
                    Screen::Blocked(b) => screens::blocked(frame, body, b, &mut hits),
                    Screen::Exam(_) => unreachable!("matched above"),
                }
            }
        }
    }
    if state.confirm_quit {
        modal::quit(frame, area, state, &mut hits);
    }
    hits
}

/// The one-line bar over every screen but the exam: title, seat, server, link.
fn terminal_bar(frame: &mut Frame, area: Rect, state: &State) {
    let right = Line::from(vec![
        Span::raw(format!("{} {}  ", s::TERMINAL_SEAT, seat_label(state))),
        Span::raw(format!(
            "{} {}  ",
            s::SERVER,
            server_label(&state.settings.server)
        )),
        link_span(&state.link),
        Span::raw(" "),
    ])
    .right_aligned();
    let left = Line::from(format!(" {}", s::APP_SHORT));
    frame.render_widget(Paragraph::new(left).style(theme::BAR_STRONG), area);
    let right_width = right.width() as u16;
    if right_width + 24 <= area.width {
        let [_, r] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
        frame.render_widget(Paragraph::new(right).style(theme::BAR), r);
    }
}

fn seat_label(state: &State) -> String {
    state
        .settings
        .seat
        .clone()
        .unwrap_or_else(|| s::SEAT_UNSET.to_owned())
}

/// The server URL without its scheme, which says nothing to a candidate.
fn server_label(url: &str) -> &str {
    url.trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/')
}

fn link_span(link: &Link) -> Span<'static> {
    match link {
        Link::Up => Span::styled(s::LINK_UP, theme::BAR_STRONG),
        Link::Unknown => Span::styled(s::LINK_UNKNOWN, theme::BAR),
        Link::Down { .. } => Span::styled(format!(" {} ", s::LINK_DOWN), theme::ALERT),
    }
}

/// A box of `width` x `height` in the middle of `area` (clipped to it).
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// Buttons `[K] label` in one line of `area`, centred or from the left, each clickable.
fn button_row(
    frame: &mut Frame,
    area: Rect,
    items: &[(Key, &str)],
    hits: &mut HitMap,
    center: bool,
    gap: u16,
) {
    let widths: Vec<u16> = items
        .iter()
        .map(|(_, label)| Line::from(*label).width() as u16)
        .collect();
    let total = widths.iter().sum::<u16>() + gap * (items.len() as u16).saturating_sub(1);
    let x = if center {
        area.x + area.width.saturating_sub(total) / 2
    } else {
        area.x
    };
    let row = Rect::new(x, area.y, total.min(area.width), 1.min(area.height));
    let mut spans = Vec::new();
    let mut at = row.x;
    for (i, ((key, label), width)) in items.iter().zip(&widths).enumerate() {
        if i > 0 {
            spans.push(Span::raw(" ".repeat(usize::from(gap))));
            at += gap;
        }
        if at + width <= row.right() {
            hits.push(Rect::new(at, row.y, *width, row.height), Target::Key(*key));
        }
        at += width;
        spans.extend(button_spans(label));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), row);
}

/// `[K] label` with the key part highlighted.
fn button_spans<'a>(label: &str) -> Vec<Span<'a>> {
    match label.split_once(']') {
        Some((key, rest)) if label.starts_with('[') => vec![
            Span::styled(format!("{key}]"), theme::KEY),
            Span::styled(rest.to_owned(), Style::new()),
        ],
        _ => vec![Span::raw(label.to_owned())],
    }
}

#[cfg(test)]
mod tests;
