-- 0001: workspaces, users, access keys, workspace members, server state.
-- Applied by SqliteStore::Open inside one transaction; the schema_version
-- table itself is created by the store, not here.

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,  -- the workspace id; allocated from 10000, <= 2147483647
  identifier TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  mode INTEGER NOT NULL DEFAULT 2,
  status INTEGER NOT NULL DEFAULT 0,  -- 1 = DELETED
  disable_development INTEGER NOT NULL DEFAULT 0,
  is_allow_download INTEGER NOT NULL DEFAULT 1,
  is_default INTEGER NOT NULL DEFAULT 0,
  resource_manager_resource_group_id TEXT NOT NULL DEFAULT '',
  default_di_resource_group TEXT NOT NULL DEFAULT '',
  owner_user_id TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]',  -- [{"key": ..., "value": ...}]
  created_ms INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  superuser INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL
);

CREATE TABLE access_keys (
  id TEXT PRIMARY KEY NOT NULL,
  secret TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  status INTEGER NOT NULL,  -- 1 enabled, 0 disabled
  created_ms INTEGER NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys(user_id);

CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role_code TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id, role_code)
);
CREATE INDEX project_members_by_user ON project_members(user_id);

CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
