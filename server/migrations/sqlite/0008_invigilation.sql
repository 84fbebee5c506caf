-- Invigilator actions on one paper (or all of a session's): pause and resume, admitting a
-- late candidate, terminating for irregularity; and when the terminal was last heard from.
--
-- A paused paper keeps its deadline until it resumes, when the deadline moves by the
-- time spent paused; the sweeper leaves paused papers alone. A terminated paper is
-- `submitted` with `terminated_at` set: its score is void (0, failed), and its answers
-- are kept as evidence. Keeping `status` to the four existing values avoids rebuilding
-- `papers` (SQLite cannot alter a CHECK constraint) under its foreign keys.
ALTER TABLE papers ADD COLUMN paused_at INTEGER;
ALTER TABLE papers ADD COLUMN late_admitted_at INTEGER;
ALTER TABLE papers ADD COLUMN terminated_at INTEGER;
ALTER TABLE papers ADD COLUMN terminated_reason TEXT;
ALTER TABLE papers ADD COLUMN last_seen_at INTEGER;
