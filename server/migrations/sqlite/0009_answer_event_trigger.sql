-- Every change of a stored answer is also an answer event (the archive's answer
-- history). Triggers record it inside the saving statement, so a save is one statement
-- in the group commit instead of two.
CREATE TRIGGER answer_event_on_insert AFTER INSERT ON answers
BEGIN
    INSERT INTO answer_events (paper_id, question_no, answer, seq, received_at)
    VALUES (NEW.paper_id, NEW.question_no, NEW.answer, NEW.seq, NEW.saved_at);
END;

CREATE TRIGGER answer_event_on_update AFTER UPDATE ON answers
BEGIN
    INSERT INTO answer_events (paper_id, question_no, answer, seq, received_at)
    VALUES (NEW.paper_id, NEW.question_no, NEW.answer, NEW.seq, NEW.saved_at);
END;
