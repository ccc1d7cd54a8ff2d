-- The large texts of a process, each in a table of its own. SQLite keeps a
-- row's columns in one record, and a value larger than a page goes on in a
-- chain of overflow pages: reading any column stored after a 38 MB
-- task_content followed all 9,000 of its pages (24 ms for the status of a
-- finished 10,000-table process), and every progress update of a running
-- process rewrote its TaskParam with the row (2 MB at 100,000 tables).
CREATE TABLE process_params (
  process_id INTEGER PRIMARY KEY REFERENCES processes(id),
  task_param TEXT NOT NULL
);
CREATE TABLE process_contents (
  process_id INTEGER PRIMARY KEY REFERENCES processes(id),
  task_content TEXT NOT NULL
);
INSERT INTO process_params (process_id, task_param) SELECT id, task_param FROM processes;
INSERT INTO process_contents (process_id, task_content)
  SELECT id, task_content FROM processes WHERE status IN ('success', 'fail');
ALTER TABLE processes DROP COLUMN task_param;
ALTER TABLE processes DROP COLUMN task_content;
