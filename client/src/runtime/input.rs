//! Terminal input on its own thread (crossterm's `read` blocks), translated into the
//! model's key type and raw mouse positions.

use crossterm::event::{
    self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton,
    MouseEventKind,
};
use tokio::sync::mpsc::UnboundedSender;

use super::Incoming;
use crate::app::Key;

/// What the terminal reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A key.
    Key(Key),
    /// Left button pressed at column, row.
    Click(u16, u16),
    /// Wheel: lines down (negative: up).
    Scroll(i16),
    /// The window changed size.
    Resize,
}

/// The model's name for a key press, if it has one.
pub fn key_of(k: KeyEvent) -> Option<Key> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    })
}

fn input_of(event: TermEvent) -> Option<Input> {
    match event {
        TermEvent::Key(k) => key_of(k).map(Input::Key),
        TermEvent::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Input::Click(m.column, m.row)),
            MouseEventKind::ScrollDown => Some(Input::Scroll(1)),
            MouseEventKind::ScrollUp => Some(Input::Scroll(-1)),
            _ => None,
        },
        TermEvent::Resize(..) => Some(Input::Resize),
        _ => None,
    }
}

/// Read the terminal until it fails or nobody listens any more.
pub fn spawn(tx: UnboundedSender<Incoming>) {
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(event) => {
                if let Some(input) = input_of(event) {
                    if tx.send(Incoming::Input(input)).is_err() {
                        return;
                    }
                }
            }
            Err(_) => {
                // The terminal is gone; the event loop ends on SIGHUP or its own.
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_letters_and_plain_letters_are_told_apart() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(key_of(ctrl_c), Some(Key::Ctrl('c')));
        let c = KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(key_of(c), Some(Key::Char('C')));
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut k = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(key_of(k), None);
    }
}
