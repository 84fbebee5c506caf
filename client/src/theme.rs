//! Every colour of the full-screen terminal. Only the 16 basic ANSI colours, always as a
//! foreground/background pair, so contrast holds on any terminal and palette; state is
//! never shown by colour alone (the exam screen also says it in words).

use ratatui::style::{Color, Modifier, Style};

/// Top and status bars.
pub const BAR: Style = Style::new().fg(Color::White).bg(Color::Blue);
/// Emphasis inside a bar.
pub const BAR_STRONG: Style = BAR.add_modifier(Modifier::BOLD);
/// Remaining time, normal.
pub const TIME: Style = BAR_STRONG;
/// Remaining time in the last 10 minutes.
pub const TIME_WARN: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);
/// Remaining time in the last minute, and network loss.
pub const ALERT: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Red)
    .add_modifier(Modifier::BOLD);
/// The 10-minute banner.
pub const BANNER: Style = TIME_WARN;
/// Answer card: not answered.
pub const CELL_UNANSWERED: Style = Style::new();
/// Answer card: answered.
pub const CELL_ANSWERED: Style = Style::new().fg(Color::Black).bg(Color::Green);
/// Answer card: flagged for review.
pub const CELL_FLAGGED: Style = Style::new().fg(Color::Black).bg(Color::Yellow);
/// Answer card: the question on screen.
pub const CELL_CURRENT: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Magenta)
    .add_modifier(Modifier::BOLD);
/// A chosen option.
pub const CHOSEN: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Cyan)
    .add_modifier(Modifier::BOLD);
/// Save state: saved.
pub const SAVED: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
/// Save state: pending.
pub const PENDING: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// Errors and refusals.
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
/// Flag marker in the question title.
pub const FLAG: Style = CELL_FLAGGED;
/// Key letters on buttons.
pub const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
/// Titles and important words.
pub const STRONG: Style = Style::new().add_modifier(Modifier::BOLD);
/// Passed.
pub const PASS: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Green)
    .add_modifier(Modifier::BOLD);
/// Failed.
pub const FAIL: Style = ALERT;
/// The focused input field.
pub const INPUT_FOCUS: Style = Style::new().fg(Color::Black).bg(Color::White);
/// An input field without focus.
pub const INPUT: Style = Style::new().add_modifier(Modifier::UNDERLINED);
/// Notices in the footer.
pub const NOTICE: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
