-- CraneExam foundation schema (SQLite). Instants are Unix epoch milliseconds (UTC).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('examiner', 'assessor', 'certifier', 'admin')),
    display_name  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Every bank version any paper was drawn from, kept so papers can be re-scored forever.
CREATE TABLE bank_versions (
    version        TEXT    PRIMARY KEY,
    questions_json TEXT    NOT NULL,
    question_count INTEGER NOT NULL,
    loaded_at      INTEGER NOT NULL
);

CREATE TABLE exam_sessions (
    id                 INTEGER PRIMARY KEY,
    title              TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    starts_at          INTEGER NOT NULL,
    duration_seconds   INTEGER NOT NULL CHECK (duration_seconds > 0),
    seats              INTEGER NOT NULL CHECK (seats > 0),
    late_entry_minutes INTEGER NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('scheduled', 'open')),
    opened_at          INTEGER,
    bank_version       TEXT    NOT NULL REFERENCES bank_versions (version),
    blueprint_json     TEXT    NOT NULL,
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         INTEGER NOT NULL
);

CREATE TABLE candidates (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES exam_sessions (id),
    name       TEXT    NOT NULL,
    id_number  TEXT    NOT NULL,
    gender     TEXT    NOT NULL,
    ticket     TEXT    NOT NULL UNIQUE,
    seat       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (session_id, seat),
    UNIQUE (session_id, id_number)
);

-- One paper per candidate, assembled at registration (never at the start rush).
CREATE TABLE papers (
    id             INTEGER PRIMARY KEY,
    candidate_id   INTEGER NOT NULL UNIQUE REFERENCES candidates (id),
    session_id     INTEGER NOT NULL REFERENCES exam_sessions (id),
    paper_json     TEXT    NOT NULL,
    question_count INTEGER NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'started', 'submitted', 'absent')),
    deadline_at    INTEGER,
    started_at     INTEGER,
    submitted_at   INTEGER,
    auto_submitted INTEGER NOT NULL DEFAULT 0,
    score_tenths   INTEGER,
    passed         INTEGER,
    unanswered     INTEGER
);
CREATE INDEX papers_due ON papers (deadline_at) WHERE status IN ('pending', 'started');
CREATE INDEX papers_session ON papers (session_id);

-- The current answer per question, in bank labels. `seq` makes saves idempotent.
CREATE TABLE answers (
    paper_id    INTEGER NOT NULL REFERENCES papers (id),
    question_no INTEGER NOT NULL,
    answer      TEXT,
    seq         INTEGER NOT NULL,
    saved_at    INTEGER NOT NULL,
    PRIMARY KEY (paper_id, question_no)
) WITHOUT ROWID;

-- Every applied answer change, for the archive.
CREATE TABLE answer_events (
    id          INTEGER PRIMARY KEY,
    paper_id    INTEGER NOT NULL REFERENCES papers (id),
    question_no INTEGER NOT NULL,
    answer      TEXT,
    seq         INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX answer_events_paper ON answer_events (paper_id);

CREATE TABLE login_throttle (
    key              TEXT    PRIMARY KEY,
    failures         INTEGER NOT NULL,
    first_failure_at INTEGER NOT NULL,
    locked_until     INTEGER
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL,
    detail  TEXT    NOT NULL
);
