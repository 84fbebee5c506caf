//! The network task: takes commands in order from the event loop, calls the server and
//! reports replies. Saves, start and submit are retried until the server answers (every
//! one of them is idempotent); a save is never dropped for a network error. A submit
//! queued behind saves waits for them, so nothing the candidate answered is left out.
//! An expired token is renewed by signing in again with the same ticket and ID number.

use std::time::Duration;

use chrono::{DateTime, Utc};
use question_bank::wire::{ExamView, SaveAnswerResponse, SubmitResult};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::Incoming;
use crate::api::{Api, ApiError};
use crate::app::{Failure, LinkStatus, Reply, SaveJob};
use crate::strings as s;

/// Longest wait between two retries.
const MAX_BACKOFF: Duration = Duration::from_secs(3);

/// What the event loop asks of the network task.
#[derive(Debug, Clone)]
pub enum Command {
    /// Does the server answer?
    Probe,
    /// Sign in and fetch the exam.
    Login {
        /// 准考证号.
        ticket: String,
        /// 身份证号.
        id_number: String,
    },
    /// Fetch the exam once.
    Fetch,
    /// Start the paper (retried).
    Start,
    /// Save an answer (retried until acknowledged or refused).
    Save(SaveJob),
    /// Submit (retried).
    Submit,
}

/// A call that needs the candidate's token.
enum Call {
    Exam,
    Start,
    Save(SaveJob),
    Submit,
}

enum Answer {
    View(Box<ExamView>),
    Ack(SaveAnswerResponse),
    Result(SubmitResult),
}

async fn call(api: &Api, what: &Call) -> Result<Answer, ApiError> {
    Ok(match what {
        Call::Exam => Answer::View(Box::new(api.exam().await?)),
        Call::Start => Answer::View(Box::new(api.start::<ExamView>().await?)),
        Call::Save(job) => Answer::Ack(api.save_answer(job.no, job.answer.clone(), job.seq).await?),
        Call::Submit => Answer::Result(api.submit().await?),
    })
}

fn unreachable_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        s::NET_TIMEOUT.to_owned()
    } else if e.is_connect() {
        s::NET_REFUSED.to_owned()
    } else {
        s::NET_OTHER.to_owned()
    }
}

fn failure(e: &ApiError) -> Failure {
    match e {
        ApiError::Unreachable(inner) => Failure {
            code: "unreachable".to_owned(),
            message: unreachable_reason(inner),
        },
        ApiError::Server { body, .. } => Failure {
            code: body.code.clone(),
            message: body.message.clone(),
        },
    }
}

struct Net {
    base: Api,
    me: Option<Api>,
    credentials: Option<(String, String)>,
    link: Option<LinkStatus>,
    tx: UnboundedSender<Incoming>,
}

impl Net {
    fn send(&self, reply: Reply) -> bool {
        self.tx.send(Incoming::Net(reply)).is_ok()
    }

    /// Report reachability when it changes: any HTTP answer means the server is there.
    fn observe<T>(&mut self, result: &Result<T, ApiError>) {
        let now = match result {
            Err(ApiError::Unreachable(e)) => LinkStatus::Down(unreachable_reason(e)),
            _ => LinkStatus::Up,
        };
        let changed = match (&self.link, &now) {
            (Some(LinkStatus::Up), LinkStatus::Up) => false,
            // A retry that fails again still counts, so the screen shows the attempts.
            _ => true,
        };
        if changed {
            self.link = Some(now.clone());
            self.send(Reply::Link(now));
        }
    }

    async fn sign_in(&mut self) -> Result<(), ApiError> {
        let Some((ticket, id_number)) = self.credentials.clone() else {
            return Err(ApiError::Server {
                status: reqwest::StatusCode::UNAUTHORIZED,
                body: question_bank::wire::ErrorBody {
                    code: "unauthenticated".to_owned(),
                    message: s::NOT_SIGNED_IN.to_owned(),
                    details: Vec::new(),
                },
            });
        };
        let result = self.base.candidate_login(&ticket, &id_number).await;
        self.observe(&result);
        self.me = Some(result?);
        Ok(())
    }

    /// Make an authenticated call; with `persist`, retry until the server answers.
    async fn authed(
        &mut self,
        what: Call,
        persist: bool,
    ) -> Result<(Answer, DateTime<Utc>), ApiError> {
        let mut backoff = Duration::from_millis(500);
        let mut signed_in_again = false;
        loop {
            let result = match self.me.clone() {
                Some(api) => {
                    let sent = Utc::now();
                    let result = call(&api, &what).await;
                    let at = sent + (Utc::now() - sent) / 2;
                    self.observe(&result);
                    result.map(|answer| (answer, at))
                }
                None => match self.sign_in().await {
                    Ok(()) => continue,
                    Err(e) => Err(e),
                },
            };
            match result {
                Ok(done) => return Ok(done),
                Err(e) if e.needs_sign_in() && !signed_in_again => {
                    signed_in_again = true;
                    match self.sign_in().await {
                        Ok(()) => continue,
                        Err(e) if persist && e.is_transient() => {}
                        Err(e) => return Err(e),
                    }
                }
                Err(e) if persist && e.is_transient() => {}
                Err(e) => return Err(e),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    async fn login(&mut self, ticket: String, id_number: String) -> Reply {
        let result = self.base.candidate_login(&ticket, &id_number).await;
        self.observe(&result);
        match result {
            Ok(me) => {
                self.me = Some(me);
                self.credentials = Some((ticket, id_number));
                match self.authed(Call::Exam, false).await {
                    Ok((Answer::View(view), at)) => Reply::LoggedIn { view, at },
                    Ok(_) => unreachable!("GET /exam answers with a view"),
                    Err(e) => Reply::LoginFailed(failure(&e)),
                }
            }
            Err(e) => Reply::LoginFailed(failure(&e)),
        }
    }

    async fn handle(&mut self, command: Command) -> Option<Reply> {
        Some(match command {
            Command::Probe => {
                let result = self.base.health().await;
                self.observe(&result);
                return None;
            }
            Command::Login { ticket, id_number } => self.login(ticket, id_number).await,
            Command::Fetch => match self.authed(Call::Exam, false).await {
                Ok((Answer::View(view), at)) => Reply::Exam { view, at },
                Ok(_) => unreachable!("GET /exam answers with a view"),
                Err(e) => Reply::FetchFailed(failure(&e)),
            },
            Command::Start => match self.authed(Call::Start, true).await {
                Ok((Answer::View(view), at)) => Reply::Started { view, at },
                Ok(_) => unreachable!("POST /exam/start answers with a view"),
                Err(e) => Reply::StartFailed(failure(&e)),
            },
            Command::Save(job) => match self.authed(Call::Save(job.clone()), true).await {
                Ok((Answer::Ack(ack), at)) => Reply::Saved { ack, at },
                Ok(_) => unreachable!("PUT /exam/answers answers with an ack"),
                Err(e) => Reply::SaveRejected {
                    job,
                    failure: failure(&e),
                },
            },
            Command::Submit => match self.authed(Call::Submit, true).await {
                Ok((Answer::Result(result), _)) => Reply::Submitted(result),
                Ok(_) => unreachable!("POST /exam/submit answers with a result"),
                Err(e) => Reply::SubmitFailed(failure(&e)),
            },
        })
    }
}

/// Run until the event loop goes away.
pub async fn run(
    base: Api,
    mut commands: UnboundedReceiver<Command>,
    tx: UnboundedSender<Incoming>,
) {
    let mut net = Net {
        base,
        me: None,
        credentials: None,
        link: None,
        tx,
    };
    while let Some(command) = commands.recv().await {
        if let Some(reply) = net.handle(command).await {
            if !net.send(reply) {
                break;
            }
        }
    }
}
