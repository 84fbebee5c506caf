-- Per-session question exposure: how many papers of the session each question is on.
-- Maintained in the transaction that stores each paper; assembly prefers the least used.
CREATE TABLE session_exposure (
    session_id  INTEGER NOT NULL REFERENCES exam_sessions(id),
    question_id TEXT    NOT NULL,
    uses        INTEGER NOT NULL CHECK (uses > 0),
    PRIMARY KEY (session_id, question_id)
) WITHOUT ROWID;
