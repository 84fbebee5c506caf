-- Answer events are found by session (archive sealing reads a whole session at once),
-- not by paper. An index on the paper id put a random index page into every save's
-- commit; the session index takes its entries in arrival order, so a batch of saves
-- shares its last page.
ALTER TABLE answer_events ADD COLUMN session_id BIGINT;
UPDATE answer_events e SET session_id = p.session_id FROM papers p WHERE p.id = e.paper_id;
DROP INDEX answer_events_paper;
CREATE INDEX answer_events_session ON answer_events (session_id, id);

CREATE OR REPLACE FUNCTION record_answer_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO answer_events (paper_id, session_id, question_no, answer, seq, received_at)
    VALUES (NEW.paper_id, (SELECT session_id FROM papers WHERE id = NEW.paper_id),
            NEW.question_no, NEW.answer, NEW.seq, NEW.saved_at);
    RETURN NULL;
END;
$$;
