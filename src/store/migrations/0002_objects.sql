-- Workspace membership apart from roles (a member may hold none), resource
-- groups, and data sources with their sealed contents.
CREATE TABLE project_users (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_users_by_user ON project_users(user_id);
INSERT INTO project_users (project_id, user_id, created_ms)
  SELECT project_id, user_id, MIN(created_ms) FROM project_members GROUP BY project_id, user_id;

CREATE TABLE resource_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  identifier TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);

CREATE TABLE data_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  sub_type TEXT NOT NULL,
  env_type INTEGER NOT NULL,
  content_sealed TEXT NOT NULL,  -- the whole Content JSON, sealed
  description TEXT NOT NULL,
  status INTEGER NOT NULL,       -- 1 enabled, 2 disabled
  operator_user_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL,
  UNIQUE (project_id, env_type, name)
);
