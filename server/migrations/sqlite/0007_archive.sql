-- Sealed archives (自动记录存档), result delivery to the issuing authority, and the
-- fields the result summary (汇总报表) needs: batch (批次) and employer (工作单位).

ALTER TABLE exam_sessions ADD COLUMN batch TEXT NOT NULL DEFAULT '';
-- Set when every candidate's record of a closed session has been sealed.
ALTER TABLE exam_sessions ADD COLUMN sealed_at INTEGER;
ALTER TABLE candidates ADD COLUMN employer TEXT NOT NULL DEFAULT '';
ALTER TABLE practical_sessions ADD COLUMN batch TEXT NOT NULL DEFAULT '';
ALTER TABLE practical_candidates ADD COLUMN employer TEXT NOT NULL DEFAULT '';
ALTER TABLE practical_candidates ADD COLUMN sealed_at INTEGER;

-- Sealing and the invigilation view look up a candidate's audit entries.
CREATE INDEX audit_log_target ON audit_log (target);

-- Every public key that ever signed a record (keys can be rotated; old records keep
-- verifying against the key they name).
CREATE TABLE archive_keys (
    key_id     TEXT    PRIMARY KEY,
    public_key TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- The chain. `content` is the canonical JSON that was hashed and signed; the other
-- columns copy fields out of it for filtering and never decide anything.
CREATE TABLE archive_records (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('theory', 'practical')),
    session_id   INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    subject      TEXT    NOT NULL,
    batch        TEXT    NOT NULL,
    exam_date    TEXT    NOT NULL,
    id_number    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    gender       TEXT    NOT NULL,
    employer     TEXT    NOT NULL,
    score_tenths INTEGER,
    passed       INTEGER NOT NULL,
    sealed_at    INTEGER NOT NULL,
    content      TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    signature    TEXT    NOT NULL,
    UNIQUE (kind, candidate_id)
);
CREATE INDEX archive_records_date ON archive_records (exam_date);
CREATE INDEX archive_records_person ON archive_records (id_number);
CREATE INDEX archive_records_session ON archive_records (kind, session_id);

-- Purges past retention. Only a prefix of the chain is ever purged, so what remains
-- verifies from the last purged record's hash.
CREATE TABLE archive_purges (
    id          INTEGER PRIMARY KEY,
    through_seq INTEGER NOT NULL,
    last_hash   TEXT    NOT NULL,
    records     INTEGER NOT NULL,
    before_date TEXT    NOT NULL,
    purged_by   TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    purged_at   INTEGER NOT NULL
);
-- Present only inside a purge transaction; deletes are refused otherwise.
CREATE TABLE archive_purge_permit (id INTEGER PRIMARY KEY CHECK (id = 1));

CREATE TRIGGER archive_records_never_change
BEFORE UPDATE ON archive_records
BEGIN
    SELECT RAISE(ABORT, 'a sealed archive record cannot be changed');
END;

CREATE TRIGGER archive_records_kept
BEFORE DELETE ON archive_records
WHEN NOT EXISTS (SELECT 1 FROM archive_purge_permit)
BEGIN
    SELECT RAISE(ABORT, 'sealed archive records are only removed by a retention purge');
END;

-- Result summaries waiting for (or done with) delivery to the authority's endpoint.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    archive_seq     INTEGER NOT NULL UNIQUE,
    payload         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

-- Every delivery attempt.
CREATE TABLE delivery_log (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
    at          INTEGER NOT NULL,
    endpoint    TEXT    NOT NULL,
    http_status INTEGER,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed')),
    error       TEXT
);
