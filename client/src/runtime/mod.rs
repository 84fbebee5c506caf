//! `exam-client exam`: the full-screen candidate terminal. Wires the pure model
//! (`app`) to the terminal (`ui`, `input`), the local journal and the network task.
//! Draws after every batch of events and on a 250 ms tick; ratatui sends only the cells
//! that changed, so nothing flickers.

mod config;
mod input;
mod net;
mod terminal;

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use crate::api::Api;
use crate::app::{Effect, Event, JournalEvent, Reply, Settings, State, Target};
use crate::journal::{Journal, JournalEntry};
use crate::strings as s;
use crate::tls::TransportArgs;
use crate::ui::{self, HitMap};
use config::TerminalConfig;
use input::Input;
use net::Command;

/// How long one request may take before the network counts as down.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// How often the clock on screen is refreshed.
const TICK: Duration = Duration::from_millis(250);

/// Options of `exam-client exam`. Each may also come from the config file (see
/// [`config`]); flags and environment variables win.
#[derive(Debug, Clone, clap::Args)]
pub struct ExamArgs {
    /// Server base URL [default: http://127.0.0.1:8080].
    #[arg(long, env = "CRANE_EXAM_SERVER")]
    pub server: Option<String>,
    /// This terminal's seat number (座位号), shown in the header and checked at sign-in.
    #[arg(long, env = "CRANE_EXAM_SEAT")]
    pub seat: Option<String>,
    /// Where the local answer journal and the terminal id are kept [default: exam-journal].
    #[arg(long, env = "CRANE_EXAM_JOURNAL_DIR")]
    pub journal_dir: Option<PathBuf>,
    /// Terminal config file (TOML: server, seat, journal_dir, ca_file, pin_sha256,
    /// allow_plain_http) [default: /etc/crane-exam/terminal.toml when present].
    #[arg(long, env = "CRANE_EXAM_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub transport: TransportArgs,
}

/// Everything that reaches the event loop from other threads and tasks.
#[derive(Debug)]
pub enum Incoming {
    /// From the terminal.
    Input(Input),
    /// From the network task.
    Net(Reply),
}

/// The event loop's own state: the model and what carries out its effects.
struct Runtime {
    state: State,
    hits: HitMap,
    journal_dir: PathBuf,
    journal: Option<Journal>,
    commands: UnboundedSender<Command>,
}

impl Runtime {
    /// Feed one event to the model and carry out every effect (effects may feed back
    /// events, e.g. the journal's contents). Returns false when the program should end.
    fn dispatch(&mut self, event: Event) -> bool {
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            let effects = self.state.update(Utc::now(), event);
            if !self.carry_out(effects, &mut queue) {
                return false;
            }
        }
        true
    }

    /// Carry out effects; events they produce go to `queue`. False on `Quit`.
    fn carry_out(&mut self, effects: Vec<Effect>, queue: &mut VecDeque<Event>) -> bool {
        for effect in effects {
            match effect {
                Effect::Quit => return false,
                Effect::Probe => self.send(Command::Probe),
                Effect::Login { ticket, id_number } => {
                    self.send(Command::Login { ticket, id_number })
                }
                Effect::Fetch => self.send(Command::Fetch),
                Effect::Start => self.send(Command::Start),
                Effect::Submit => self.send(Command::Submit),
                Effect::Resend(job) => self.send(Command::Save(job)),
                Effect::OpenJournal { ticket } => {
                    queue.push_back(Event::Journal(self.open_journal(&ticket)));
                }
                Effect::Save(job) => {
                    // Journal first: once on disk, the change survives anything.
                    let entry = JournalEntry::Answer {
                        no: job.no,
                        answer: job.answer.clone(),
                        seq: job.seq,
                        at: Utc::now(),
                    };
                    if let Some(failed) = self.write_journal(&entry) {
                        queue.push_back(failed);
                    }
                    self.send(Command::Save(job));
                }
                Effect::Flag { no, flagged } => {
                    let entry = JournalEntry::Flag {
                        no,
                        flagged,
                        at: Utc::now(),
                    };
                    if let Some(failed) = self.write_journal(&entry) {
                        queue.push_back(failed);
                    }
                }
            }
        }
        true
    }

    fn send(&self, command: Command) {
        // The network task lives as long as the loop; if it died the loop is ending.
        if self.commands.send(command).is_err() {
            debug_assert!(false, "network task gone");
        }
    }

    fn open_journal(&mut self, ticket: &str) -> JournalEvent {
        match Journal::open(&self.journal_dir, ticket) {
            Ok((journal, entries)) => {
                self.journal = Some(journal);
                JournalEvent::Opened(entries)
            }
            Err(e) => {
                self.journal = None;
                JournalEvent::Failed(format!("{}: {e}", self.journal_dir.display()))
            }
        }
    }

    fn write_journal(&mut self, entry: &JournalEntry) -> Option<Event> {
        let journal = self.journal.as_mut()?;
        match journal.append(entry) {
            Ok(()) => None,
            Err(e) => Some(Event::Journal(JournalEvent::Failed(format!(
                "{}: {e}",
                journal.path().display()
            )))),
        }
    }

    fn event_of(&self, incoming: Incoming) -> Option<Event> {
        Some(match incoming {
            Incoming::Net(reply) => Event::Net(reply),
            Incoming::Input(Input::Key(key)) => Event::Key(key),
            Incoming::Input(Input::Click(x, y)) => Event::Click(self.target_at(x, y)?),
            Incoming::Input(Input::Scroll(lines)) => Event::Scroll(lines),
            Incoming::Input(Input::Resize) => Event::Tick,
        })
    }

    fn target_at(&self, x: u16, y: u16) -> Option<Target> {
        self.hits.target_at(x, y)
    }
}

/// Run the terminal until the candidate leaves or the process is told to stop.
pub async fn run(args: ExamArgs) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(s::NEEDS_TERMINAL);
    }
    let config = TerminalConfig::resolve(&args)?;
    let settings = Settings {
        server: config.server.clone(),
        seat: config.seat.clone(),
    };
    let (state, first) = State::new(settings, Utc::now());
    let (incoming_tx, mut incoming) = unbounded_channel();
    let (commands, command_rx) = unbounded_channel();
    tokio::spawn(net::run(
        Api::connect(&config.server, &config.transport, REQUEST_TIMEOUT)?
            .on_terminal(&config.terminal_id, config.seat.as_deref()),
        command_rx,
        incoming_tx.clone(),
    ));
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;

    let mut screen = terminal::Screen::enter()?;
    input::spawn(incoming_tx);
    let mut rt = Runtime {
        state,
        hits: HitMap::default(),
        journal_dir: config.journal_dir,
        journal: None,
        commands,
    };
    let mut queue = VecDeque::new();
    rt.carry_out(first, &mut queue);
    for event in queue {
        rt.dispatch(event);
    }
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        draw(&mut screen, &mut rt)?;
        let event = tokio::select! {
            incoming = incoming.recv() => match incoming {
                Some(incoming) => rt.event_of(incoming),
                None => break,
            },
            _ = ticker.tick() => Some(Event::Tick),
            _ = terminate.recv() => break,
            _ = hangup.recv() => break,
        };
        if let Some(event) = event {
            if !rt.dispatch(event) || !drain(&mut rt, &mut incoming) {
                break;
            }
        }
    }
    drop(screen);
    Ok(())
}

/// Handle everything already waiting before drawing again (a burst of keys, a flush of
/// acknowledgements), so the screen is drawn once per burst.
fn drain(rt: &mut Runtime, incoming: &mut UnboundedReceiver<Incoming>) -> bool {
    while let Ok(next) = incoming.try_recv() {
        if let Some(event) = rt.event_of(next) {
            if !rt.dispatch(event) {
                return false;
            }
        }
    }
    true
}

fn draw(screen: &mut terminal::Screen, rt: &mut Runtime) -> anyhow::Result<()> {
    let mut hits = HitMap::default();
    screen
        .terminal
        .draw(|frame| hits = ui::draw(frame, &rt.state))?;
    let overflow_changed = hits.overflow != rt.hits.overflow;
    rt.hits = hits;
    if overflow_changed {
        let overflow = rt.hits.overflow;
        rt.dispatch(Event::Viewport { overflow });
    }
    Ok(())
}
