-- A started paper is open on one terminal at a time. `terminal_id` is the holder (the id
-- the terminal sent at sign-in, '' for sign-ins without one); another terminal asking to
-- start the paper is recorded in `takeover_*` until an invigilator approves the move (or
-- at once under the session's 'automatic' policy).
ALTER TABLE papers ADD COLUMN terminal_id TEXT;
ALTER TABLE papers ADD COLUMN terminal_seat TEXT;
ALTER TABLE papers ADD COLUMN takeover_terminal TEXT;
ALTER TABLE papers ADD COLUMN takeover_seat TEXT;
ALTER TABLE papers ADD COLUMN takeover_requested_at INTEGER;

ALTER TABLE exam_sessions ADD COLUMN takeover_policy TEXT NOT NULL DEFAULT 'approval'
    CHECK (takeover_policy IN ('approval', 'automatic'));
