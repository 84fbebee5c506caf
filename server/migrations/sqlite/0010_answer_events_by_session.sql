-- Answer events are found by session (archive sealing reads a whole session at once),
-- not by paper. An index on the paper id put a random index page into every save's
-- commit, one page written to the WAL per save; the session index takes its entries in
-- arrival order, so a batch of saves shares its last page.
ALTER TABLE answer_events ADD COLUMN session_id INTEGER;
UPDATE answer_events
   SET session_id = (SELECT p.session_id FROM papers p WHERE p.id = answer_events.paper_id);
DROP INDEX answer_events_paper;
CREATE INDEX answer_events_session ON answer_events (session_id);

DROP TRIGGER answer_event_on_insert;
DROP TRIGGER answer_event_on_update;

CREATE TRIGGER answer_event_on_insert AFTER INSERT ON answers
BEGIN
    INSERT INTO answer_events (paper_id, session_id, question_no, answer, seq, received_at)
    VALUES (NEW.paper_id, (SELECT session_id FROM papers WHERE id = NEW.paper_id),
            NEW.question_no, NEW.answer, NEW.seq, NEW.saved_at);
END;

CREATE TRIGGER answer_event_on_update AFTER UPDATE ON answers
BEGIN
    INSERT INTO answer_events (paper_id, session_id, question_no, answer, seq, received_at)
    VALUES (NEW.paper_id, (SELECT session_id FROM papers WHERE id = NEW.paper_id),
            NEW.question_no, NEW.answer, NEW.seq, NEW.saved_at);
END;
