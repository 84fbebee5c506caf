//! The answer sheet: the paper's questions with the candidate's answers, flags and save
//! state, and the current question. Pure data; the exam screen decides what to send.

use question_bank::wire::{ExamQuestion, QuestionKind};
use question_bank::{Answer, OptionSet};

use super::SaveJob;
use crate::journal::JournalEntry;

/// One question as the terminal holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Number on the paper, 1-based.
    pub no: u16,
    /// 判断/单选/多选.
    pub kind: QuestionKind,
    /// Stem.
    pub stem: String,
    /// Options in display order (empty for judge questions).
    pub options: Vec<String>,
    /// The candidate's current answer.
    pub answer: Option<Answer>,
    /// Sequence number of `answer` (the latest local change).
    pub seq: u64,
    /// Highest sequence number the server has acknowledged.
    pub acked_seq: u64,
    /// Why the server refused the latest change for good, if it did.
    pub rejected: Option<String>,
    /// Flagged for review (标记).
    pub flagged: bool,
}

/// Whether a question's latest answer is on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing was ever answered.
    Blank,
    /// The server holds the latest change.
    Saved,
    /// Sent (or waiting to be sent), not yet acknowledged.
    Pending,
    /// The server refused the latest change.
    Rejected,
}

/// Why a key cannot answer the current question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceError {
    /// The question has only `count` options.
    NoSuchOption {
        /// Options the question has.
        count: usize,
    },
}

fn parse(kind: QuestionKind, options: usize, text: Option<&str>) -> Option<Answer> {
    text.and_then(|t| Answer::parse(kind, options, t).ok())
}

impl Question {
    fn from_server(q: &ExamQuestion) -> Question {
        Question {
            no: q.no,
            kind: q.kind,
            stem: q.stem.clone(),
            options: q.options.clone(),
            answer: parse(q.kind, q.options.len(), q.answer.as_deref()),
            seq: q.seq,
            acked_seq: q.seq,
            rejected: None,
            flagged: false,
        }
    }

    /// Options to choose from: two (正确/错误) for judge questions.
    pub fn option_count(&self) -> usize {
        match self.kind {
            QuestionKind::Judge => 2,
            _ => self.options.len(),
        }
    }

    /// Whether option `i` (0 = A, or 正确 for judge questions) is part of the answer.
    pub fn is_chosen(&self, i: usize) -> bool {
        match self.answer {
            Some(Answer::Judge(t)) => (i == 0) == t,
            Some(Answer::Choice(set)) => set.contains(i),
            None => false,
        }
    }

    /// Whether the question has an answer.
    pub fn is_answered(&self) -> bool {
        self.answer.is_some()
    }

    /// Save state of the latest change.
    pub fn save_state(&self) -> SaveState {
        if self.rejected.is_some() {
            SaveState::Rejected
        } else if self.seq > self.acked_seq {
            SaveState::Pending
        } else if self.seq == 0 {
            SaveState::Blank
        } else {
            SaveState::Saved
        }
    }

    fn parse_own(&self, text: Option<&str>) -> Option<Answer> {
        parse(self.kind, self.options.len(), text)
    }
}

/// The whole paper as the candidate works through it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Questions in paper order.
    pub questions: Vec<Question>,
    /// Index of the question on screen.
    pub current: usize,
}

impl Sheet {
    /// Rebuild the sheet from the server's copy, then replay the local journal on top:
    /// answers newer than the server's (higher `seq`) win and are returned to be sent
    /// again, in journal order; flags come from the journal alone.
    pub fn rebuild(server: &[ExamQuestion], journal: &[JournalEntry]) -> (Sheet, Vec<SaveJob>) {
        let mut questions: Vec<Question> = server.iter().map(Question::from_server).collect();
        let mut resend = Vec::new();
        for entry in journal {
            match entry {
                JournalEntry::Answer {
                    no, answer, seq, ..
                } => {
                    let Some(q) = questions.iter_mut().find(|q| q.no == *no) else {
                        continue;
                    };
                    if *seq <= q.acked_seq {
                        continue; // the server has this change or a newer one
                    }
                    let parsed = q.parse_own(answer.as_deref());
                    if answer.is_some() && parsed.is_none() {
                        continue; // not an answer to this question: not our paper's line
                    }
                    resend.push(SaveJob {
                        no: *no,
                        answer: answer.clone(),
                        seq: *seq,
                    });
                    if *seq > q.seq {
                        q.answer = parsed;
                        q.seq = *seq;
                    }
                }
                JournalEntry::Flag { no, flagged, .. } => {
                    if let Some(q) = questions.iter_mut().find(|q| q.no == *no) {
                        q.flagged = *flagged;
                    }
                }
            }
        }
        (
            Sheet {
                questions,
                current: 0,
            },
            resend,
        )
    }

    /// The question on screen.
    pub fn current(&self) -> &Question {
        &self.questions[self.current]
    }

    /// Number of questions.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// Go to question `no`; false if there is no such question.
    pub fn go_to(&mut self, no: u16) -> bool {
        match self.questions.iter().position(|q| q.no == no) {
            Some(i) => {
                self.current = i;
                true
            }
            None => false,
        }
    }

    /// Next question; false at the last one.
    pub fn next(&mut self) -> bool {
        if self.current + 1 < self.questions.len() {
            self.current += 1;
            true
        } else {
            false
        }
    }

    /// Previous question; false at the first one.
    pub fn prev(&mut self) -> bool {
        if self.current > 0 {
            self.current -= 1;
            true
        } else {
            false
        }
    }

    /// The first unanswered question after the current one, wrapping around; the current
    /// one counts last. False when every question is answered.
    pub fn next_unanswered(&mut self) -> bool {
        let n = self.questions.len();
        let found = (1..=n)
            .map(|i| (self.current + i) % n)
            .find(|&i| !self.questions[i].is_answered());
        match found {
            Some(i) => {
                self.current = i;
                true
            }
            None => false,
        }
    }

    /// Flag or unflag the current question; returns its number and the new flag.
    pub fn toggle_flag(&mut self) -> (u16, bool) {
        let q = &mut self.questions[self.current];
        q.flagged = !q.flagged;
        (q.no, q.flagged)
    }

    /// Choose option `i` of the current question: sets the answer of judge (0 = 正确,
    /// 1 = 错误) and single-choice questions, toggles it in a multiple-choice answer.
    /// Returns the save to send, or `None` when nothing changed.
    pub fn choose(&mut self, i: usize) -> Result<Option<SaveJob>, ChoiceError> {
        let q = &self.questions[self.current];
        let count = q.option_count();
        if i >= count {
            return Err(ChoiceError::NoSuchOption { count });
        }
        let answer = match q.kind {
            QuestionKind::Judge => Some(Answer::Judge(i == 0)),
            QuestionKind::Single => OptionSet::from_indices([i]).map(Answer::Choice),
            QuestionKind::Multiple => {
                let set = match q.answer {
                    Some(Answer::Choice(set)) => set,
                    _ => OptionSet::EMPTY,
                };
                let toggled = OptionSet::from_indices(
                    set.indices()
                        .filter(|&j| j != i)
                        .chain((!set.contains(i)).then_some(i)),
                )
                .expect("indices below the option count fit an OptionSet");
                (!toggled.is_empty()).then_some(Answer::Choice(toggled))
            }
        };
        Ok(self.set_answer(answer))
    }

    /// Clear the current question's answer.
    pub fn clear(&mut self) -> Option<SaveJob> {
        self.set_answer(None)
    }

    fn set_answer(&mut self, answer: Option<Answer>) -> Option<SaveJob> {
        let q = &mut self.questions[self.current];
        if q.answer == answer {
            return None;
        }
        q.answer = answer;
        q.seq += 1;
        q.rejected = None;
        Some(SaveJob {
            no: q.no,
            answer: answer.map(Answer::to_wire),
            seq: q.seq,
        })
    }

    /// The server acknowledged `seq` of question `no` and now holds `answer` at `seq`
    /// (which is newer than ours only if another terminal saved it).
    pub fn acknowledge(&mut self, no: u16, seq: u64, answer: Option<&str>) {
        let Some(q) = self.questions.iter_mut().find(|q| q.no == no) else {
            return;
        };
        q.acked_seq = q.acked_seq.max(seq);
        if seq > q.seq {
            q.answer = q.parse_own(answer);
            q.seq = seq;
            q.rejected = None;
        }
    }

    /// The server refused change `seq` of question `no` for good.
    pub fn reject(&mut self, no: u16, seq: u64, reason: &str) {
        if let Some(q) = self.questions.iter_mut().find(|q| q.no == no) {
            if q.seq == seq {
                q.rejected = Some(reason.to_owned());
            }
        }
    }

    /// Take in a fresh copy from the server: what it holds is acknowledged, and anything
    /// newer than ours (saved from another terminal) replaces ours.
    pub fn merge_server(&mut self, server: &[ExamQuestion]) {
        for s in server {
            self.acknowledge(s.no, s.seq, s.answer.as_deref());
        }
    }

    /// Questions whose latest change is not yet acknowledged.
    pub fn pending(&self) -> usize {
        self.questions
            .iter()
            .filter(|q| q.save_state() == SaveState::Pending)
            .count()
    }

    /// Saves for every question whose latest change is pending (held back by a pause,
    /// say): sending them again is safe, the server ignores a `seq` it already has.
    pub fn unsent(&self) -> Vec<SaveJob> {
        self.questions
            .iter()
            .filter(|q| q.save_state() == SaveState::Pending)
            .map(|q| SaveJob {
                no: q.no,
                answer: q.answer.map(Answer::to_wire),
                seq: q.seq,
            })
            .collect()
    }

    /// Questions whose latest change the server does not hold (pending or refused).
    pub fn unacknowledged(&self) -> usize {
        self.questions
            .iter()
            .filter(|q| matches!(q.save_state(), SaveState::Pending | SaveState::Rejected))
            .count()
    }

    /// Numbers of unanswered questions.
    pub fn unanswered(&self) -> Vec<u16> {
        self.numbers(|q| !q.is_answered())
    }

    /// Numbers of flagged questions.
    pub fn flagged(&self) -> Vec<u16> {
        self.numbers(|q| q.flagged)
    }

    /// How many questions are answered.
    pub fn answered_count(&self) -> usize {
        self.questions.iter().filter(|q| q.is_answered()).count()
    }

    fn numbers(&self, pick: impl Fn(&Question) -> bool) -> Vec<u16> {
        self.questions
            .iter()
            .filter(|q| pick(q))
            .map(|q| q.no)
            .collect()
    }
}

/// Question numbers as short ranges: `1-3、7、9-12`.
pub fn number_ranges(numbers: &[u16]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut end = start;
        while i + 1 < numbers.len() && numbers[i + 1] == end + 1 {
            i += 1;
            end = numbers[i];
        }
        parts.push(if end > start {
            format!("{start}-{end}")
        } else {
            start.to_string()
        });
        i += 1;
    }
    parts.join("、")
}
