-- Async generation processes (the durable queue), client tokens, and sync
-- tasks stored as files of a workspace with their versions.
CREATE TABLE processes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  task_type TEXT NOT NULL,             -- DI_REALTIME | DI_SOLUTION
  kind TEXT NOT NULL,                  -- create | update
  task_id INTEGER NOT NULL DEFAULT 0,  -- the FileId an update applies to
  task_param TEXT NOT NULL,
  caller_user_id TEXT NOT NULL,
  status TEXT NOT NULL,                -- queued | running | success | fail
  message TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  task_content TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_expires_ms INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX processes_by_status ON processes(status, id);

-- ClientToken records: (scope, token) -> the hash of the request and the id
-- of what it produced. The scope is caller + workspace + action.
CREATE TABLE client_tokens (
  scope TEXT NOT NULL,
  token TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, token)
);

CREATE TABLE folders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  path TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (project_id, path)
);

-- A sync task is a file of its workspace; FileIds start at 1000001.
CREATE TABLE tasks (
  file_id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  task_type TEXT NOT NULL,            -- DI_OFFLINE | DI_REALTIME | DI_SOLUTION
  folder_id INTEGER NOT NULL REFERENCES folders(id),
  resource_group TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'NORUN',
  creator_user_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  UNIQUE (project_id, name)
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('tasks', 1000000);

CREATE TABLE task_versions (
  file_id INTEGER NOT NULL REFERENCES tasks(file_id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (file_id, version)
);

-- The data sources a task reads from ('from') or writes to ('to'), by name.
CREATE TABLE task_datasources (
  file_id INTEGER NOT NULL REFERENCES tasks(file_id) ON DELETE CASCADE,
  datasource TEXT NOT NULL,
  ref_type TEXT NOT NULL,
  PRIMARY KEY (file_id, datasource, ref_type)
);
CREATE INDEX task_datasources_by_name ON task_datasources(datasource, ref_type);
