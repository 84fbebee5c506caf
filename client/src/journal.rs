//! The terminal's local journal: every answer change and flag, appended as one JSON line
//! to `<dir>/<ticket>.jsonl` and fsync'd *before* the change is sent. After a crash or a
//! move to another terminal with the same journal directory, the entries the server has
//! not acknowledged (a higher `seq` than the server holds) are sent again; the server
//! keeps the highest `seq`, so resending is always safe.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JournalEntry {
    /// An answer change, exactly as it is sent (display labels; `None` clears).
    Answer {
        /// Question number.
        no: u16,
        /// Display labels.
        answer: Option<String>,
        /// Per-question sequence number.
        seq: u64,
        /// Local time of the change.
        at: DateTime<Utc>,
    },
    /// A question flagged for review (or unflagged). Flags live only on the terminal.
    Flag {
        /// Question number.
        no: u16,
        /// Whether it is now flagged.
        flagged: bool,
        /// Local time of the change.
        at: DateTime<Utc>,
    },
}

/// An open journal file.
pub struct Journal {
    path: PathBuf,
    file: File,
    /// The file ends in a torn line (a crash mid-write): start the next entry on a new line.
    torn: bool,
}

/// Journal file name for a ticket; anything but `[A-Za-z0-9-]` becomes `_`.
fn file_name(ticket: &str) -> String {
    let safe: String = ticket
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.jsonl")
}

impl Journal {
    /// Open (creating if needed) the journal of `ticket` in `dir` and read what it holds.
    /// A torn last line (power cut mid-write) is skipped; so is any other unreadable line.
    pub fn open(dir: &Path, ticket: &str) -> std::io::Result<(Journal, Vec<JournalEntry>)> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(file_name(ticket));
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)?;
        let mut entries = Vec::new();
        let mut torn = false;
        let mut reader = BufReader::new(&file);
        let mut line = String::new();
        while reader.read_line(&mut line)? > 0 {
            torn = !line.ends_with('\n');
            if let Ok(entry) = serde_json::from_str::<JournalEntry>(line.trim_end()) {
                entries.push(entry);
            }
            line.clear();
        }
        // Make the file's directory entry durable too, so a new journal survives a crash.
        if let Ok(d) = File::open(dir) {
            d.sync_all()?;
        }
        Ok((Journal { path, file, torn }, entries))
    }

    /// Append one entry and wait until it is on disk.
    pub fn append(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        if self.torn {
            // A torn line from an earlier crash must not swallow this one.
            line.insert(0, '\n');
        }
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()?;
        self.torn = false;
        Ok(())
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(no: u16, seq: u64, a: Option<&str>) -> JournalEntry {
        JournalEntry::Answer {
            no,
            answer: a.map(str::to_owned),
            seq,
            at: DateTime::from_timestamp(1_800_000_000, 0).expect("valid"),
        }
    }

    #[test]
    fn entries_survive_reopening_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, entries) = Journal::open(dir.path(), "D0000101").unwrap();
        assert!(entries.is_empty());
        j.append(&answer(1, 1, Some("T"))).unwrap();
        j.append(&answer(1, 2, None)).unwrap();
        drop(j);
        let (_, entries) = Journal::open(dir.path(), "D0000101").unwrap();
        assert_eq!(entries, vec![answer(1, 1, Some("T")), answer(1, 2, None)]);
        let text = std::fs::read_to_string(dir.path().join("D0000101.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 2, "one line per entry: {text}");
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_later_appends_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path(), "T1").unwrap();
        j.append(&answer(2, 1, Some("A"))).unwrap();
        let path = j.path().to_owned();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"answer","no":3,"ans"#).unwrap();
        drop(f);
        let (mut j, entries) = Journal::open(dir.path(), "T1").unwrap();
        assert_eq!(entries, vec![answer(2, 1, Some("A"))]);
        j.append(&answer(3, 1, Some("B"))).unwrap();
        drop(j);
        let (_, entries) = Journal::open(dir.path(), "T1").unwrap();
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn tickets_map_to_safe_file_names() {
        assert_eq!(file_name("D00001-07"), "D00001-07.jsonl");
        assert_eq!(file_name("../etc/x"), "___etc_x.jsonl");
    }
}
