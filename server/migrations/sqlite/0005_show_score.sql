-- Whether candidates see their score when they submit (set per session at scheduling).
ALTER TABLE exam_sessions ADD COLUMN show_score INTEGER NOT NULL DEFAULT 1;
