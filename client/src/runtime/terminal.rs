//! Terminal setup and teardown. The terminal is restored however the program ends: on
//! return (the guard's `Drop`), on a panic (the hook runs before the message is printed,
//! so it stays readable) and on SIGTERM/SIGHUP (the event loop returns normally).

use std::io::{stdout, Stdout};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// The full-screen terminal; restores the screen when dropped.
pub struct Screen {
    /// Where ratatui draws.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    /// Raw mode, alternate screen, mouse capture; and a panic hook that undoes them.
    pub fn enter() -> std::io::Result<Screen> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        enable_raw_mode()?;
        let mut out = stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(e);
        }
        let mut terminal = Terminal::new(CrosstermBackend::new(out))?;
        terminal.clear()?;
        Ok(Screen { terminal })
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
        // Best effort: the terminal may already be gone (SIGHUP), and there is nowhere
        // left to report a failure to show the cursor.
        let _ = self.terminal.show_cursor();
    }
}

/// Leave raw mode and the alternate screen. Idempotent; errors are ignored because this
/// runs on the way out (panic, drop) when nothing better can be done.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen);
}
