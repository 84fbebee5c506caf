-- Every import of a bank file through the API or CLI. The newest row's version is the
-- bank new sessions draw from; without imports it is the bundled bank.
CREATE TABLE bank_imports (
    id               INTEGER PRIMARY KEY,
    version          TEXT    NOT NULL REFERENCES bank_versions (version),
    previous_version TEXT    NOT NULL REFERENCES bank_versions (version),
    file_name        TEXT    NOT NULL,
    format           TEXT    NOT NULL,
    added            INTEGER NOT NULL,
    replaced         INTEGER NOT NULL,
    skipped          INTEGER NOT NULL,
    imported_by      TEXT    NOT NULL,
    imported_at      INTEGER NOT NULL
);
