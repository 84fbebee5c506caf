-- The practical exam (实际操作技能考核): the institution's profile, its registered exam
-- terminals, assessors (考评员), score-sheet templates, practical sessions, candidates
-- and every assessor's sheet. Domain objects are stored as the JSON of their
-- question_bank::practical types; columns hold what queries filter on.

-- The institution (考试机构) itself: one row.
CREATE TABLE institution (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    profile_json TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Theory exam terminals on record (the annex asks for at least 10).
CREATE TABLE terminals (
    id            INTEGER PRIMARY KEY,
    label         TEXT    NOT NULL UNIQUE,
    location      TEXT    NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    registered_at INTEGER NOT NULL
);

-- Assessors, each with a sign-in account of role 'assessor'.
CREATE TABLE assessors (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL UNIQUE REFERENCES users (id),
    id_number    TEXT    NOT NULL UNIQUE,
    profile_json TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Published sheet templates; a version never changes.
CREATE TABLE sheet_templates (
    template_id   TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    template_json TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE practical_sessions (
    id                 INTEGER PRIMARY KEY,
    title              TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    starts_at          INTEGER NOT NULL,
    template_id        TEXT    NOT NULL,
    template_version   INTEGER NOT NULL,
    apparatus_json     TEXT    NOT NULL,
    rule_json          TEXT    NOT NULL,
    assessors_required INTEGER NOT NULL CHECK (assessors_required > 0),
    chief_assessor_id  INTEGER NOT NULL REFERENCES assessors (id),
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         INTEGER NOT NULL,
    FOREIGN KEY (template_id, template_version) REFERENCES sheet_templates (template_id, version)
);

CREATE TABLE practical_session_assessors (
    session_id  INTEGER NOT NULL REFERENCES practical_sessions (id),
    assessor_id INTEGER NOT NULL REFERENCES assessors (id),
    PRIMARY KEY (session_id, assessor_id)
);

CREATE TABLE practical_candidates (
    id               INTEGER PRIMARY KEY,
    session_id       INTEGER NOT NULL REFERENCES practical_sessions (id),
    name             TEXT    NOT NULL,
    id_number        TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'absent', 'signed_off')),
    score_tenths     INTEGER,
    passed           INTEGER,
    combination_json TEXT,
    signed_off_by    INTEGER REFERENCES assessors (id),
    signed_off_at    INTEGER,
    created_at       INTEGER NOT NULL,
    UNIQUE (session_id, id_number)
);
CREATE INDEX practical_candidates_person ON practical_candidates (id_number);

-- One row per version of an assessor's sheet for a candidate. A draft may change; a
-- signed sheet never does (the triggers below enforce it): a correction is a new version
-- with a reason, and the old one is marked superseded and kept.
CREATE TABLE practical_sheets (
    id                INTEGER PRIMARY KEY,
    candidate_id      INTEGER NOT NULL REFERENCES practical_candidates (id),
    assessor_id       INTEGER NOT NULL REFERENCES assessors (id),
    version           INTEGER NOT NULL,
    record_json       TEXT    NOT NULL,
    score_tenths      INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('draft', 'signed', 'superseded')),
    signed_at         INTEGER,
    correction_reason TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (candidate_id, assessor_id, version)
);

CREATE TRIGGER practical_sheets_signed_are_immutable
BEFORE UPDATE OF candidate_id, assessor_id, version, record_json, score_tenths, signed_at, correction_reason
ON practical_sheets
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a signed practical sheet cannot be changed');
END;

CREATE TRIGGER practical_sheets_status_moves_forward
BEFORE UPDATE OF status ON practical_sheets
WHEN NOT ((OLD.status = 'draft' AND NEW.status = 'signed')
       OR (OLD.status = 'signed' AND NEW.status = 'superseded')
       OR OLD.status = NEW.status)
BEGIN
    SELECT RAISE(ABORT, 'a practical sheet status only moves draft -> signed -> superseded');
END;

CREATE TRIGGER practical_sheets_are_kept
BEFORE DELETE ON practical_sheets
BEGIN
    SELECT RAISE(ABORT, 'practical sheets are never deleted');
END;
