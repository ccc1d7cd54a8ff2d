-- A process's TaskContent in pieces (seq 0, 1, ...) of at most 1 MiB each,
-- instead of one value. SQLite builds the record of a value in memory before
-- it writes it: for a 10,000-table TaskContent that was 38 MB allocated, faulted
-- in and copied once more on top of the content itself (377 MB at 100,000
-- tables). A piece's record is small enough to reuse the same memory. A
-- TaskContent stored before this migration becomes one piece, whatever its
-- size; an empty one (a failed process) none.
CREATE TABLE process_content_chunks (
  process_id INTEGER NOT NULL REFERENCES processes(id),
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (process_id, seq)
);
INSERT INTO process_content_chunks (process_id, seq, bytes)
  SELECT process_id, 0, CAST(task_content AS BLOB) FROM process_contents
  WHERE length(task_content) > 0;
DROP TABLE process_contents;
