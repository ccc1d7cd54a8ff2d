#!/usr/bin/env node
'use strict';
// Workspaces, members, roles, access keys, resource groups and data sources
// through the real SDK clients against a real disyncd, with data sources
// that point at the real MariaDB and PostgreSQL servers of the test run
// (DISYNC_TEST_MYSQL_* / DISYNC_TEST_PG_*). Also: isolation between
// workspaces, and no secret in any response or log line.
//
// usage: node workspaces_test.js --disyncd build/bin/disyncd
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller } = require('./lib/disyncd');

const env = process.env;
const haveDbs = env.DISYNC_TEST_MYSQL_HOST && env.DISYNC_TEST_PG_HOST;
if (!haveDbs) {
  const msg = 'DISYNC_TEST_MYSQL_* / DISYNC_TEST_PG_* are not set: run through scripts/run-tests.sh';
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: env.DISYNC_TEST_MYSQL_PORT, user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
const PG = { host: env.DISYNC_TEST_PG_HOST, port: env.DISYNC_TEST_PG_PORT, user: env.DISYNC_TEST_PG_USER, password: env.DISYNC_TEST_PG_PASSWORD };
const suffix = crypto.randomBytes(4).toString('hex');
const MY_DB = `disync_ws_${suffix}`;
const PG_DB = `disync_ws_${suffix}`;

function mysql(sql, db) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, ...(db ? [db] : []), '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}
function psql(sql, db = 'postgres') {
  execFileSync('psql', ['-h', PG.host, '-p', String(PG.port), '-U', PG.user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql],
    { env: { ...process.env, PGPASSWORD: PG.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const responses = [];  // every body seen, for the secrets check
function recorder(call) {
  return async (...args) => {
    const res = await call(...args);
    responses.push({ action: args[0], body: res.body });
    return res;
  };
}

function mysqlContent(password, db = MY_DB) {
  return JSON.stringify({ tag: 'public', jdbcUrl: `jdbc:mysql://${MY.host}:${MY.port}/${db}`, username: MY.user, password });
}
function pgContent(password, db = PG_DB) {
  return JSON.stringify({ tag: 'public', jdbcUrl: `jdbc:postgresql://${PG.host}:${PG.port}/${db}`, username: PG.user, password });
}

function expectCode(res, status, code) {
  assert(!res.ok, `expected ${code}, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
  assert(res.status === status && res.body && res.body.Code === code,
    `expected HTTP ${status} ${code}, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const endpoint = await server.start();
  const checks = new Checks();
  const as = (key, flavour = 'oa3') => recorder(makeCaller(flavour, endpoint, key));
  const rootCall = as(root);
  const keys = {};
  let wsA;
  let wsB;

  // Source databases for the data sources.
  mysql(`CREATE DATABASE ${MY_DB}; CREATE TABLE ${MY_DB}.orders (id BIGINT PRIMARY KEY, note VARCHAR(20)); CREATE TABLE ${MY_DB}.users (id INT PRIMARY KEY);`);
  psql(`CREATE DATABASE ${PG_DB}`);
  psql('CREATE SCHEMA shop; CREATE TABLE shop.items (id bigint primary key, name text);', PG_DB);

  await checks.check('root creates workspaces, users, access keys and a resource group', async () => {
    let res = await rootCall('CreateProject', { ProjectName: 'Workspace A', ProjectIdentifier: `ws_a_${suffix}`, ProjectMode: '3' });
    assert(res.ok && Number.isInteger(res.body.Data) && res.body.HttpStatusCode === 200, JSON.stringify(res.body));
    wsA = res.body.Data;
    res = await rootCall('CreateProject', { ProjectName: 'Workspace B', ProjectIdentifier: `ws_b_${suffix}` });
    wsB = res.body.Data;
    res = await rootCall('CreateProject', { ProjectName: 'dup', ProjectIdentifier: `ws_a_${suffix}` });
    expectCode(res, 400, 'Invalid.Param');
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      res = await rootCall('CreateUser', { UserId: `${user}_${suffix}` });
      assert(res.ok, JSON.stringify(res.body));
      res = await rootCall('CreateAccessKey', { UserId: `${user}_${suffix}` });
      assert(res.ok && res.body.AccessKey.Status === 'Active', JSON.stringify(res.body));
      keys[user] = { id: res.body.AccessKey.AccessKeyId, secret: res.body.AccessKey.AccessKeySecret };
    }
    res = await rootCall('CreateResourceGroup', { Identifier: 'S_res_group_demo' });
    assert(res.ok, JSON.stringify(res.body));
    res = await as(keys.alice)('ListResourceGroups', {});
    assert(res.ok && res.body.Data.some((g) => g.Identifier === 'S_res_group_demo' && g.ResourceGroupType === '4'), JSON.stringify(res.body));
    res = await as(keys.alice)('CreateUser', { UserId: 'mallory' });
    expectCode(res, 403, 'Forbidden.RAM');
  });

  await checks.check('members and roles', async () => {
    let res = await rootCall('CreateProjectMember', { ProjectId: String(wsA), UserId: `alice_${suffix}`, RoleCode: 'role_project_admin' });
    assert(res.ok, JSON.stringify(res.body));
    const alice = as(keys.alice);
    res = await alice('CreateProjectMember', { ProjectId: String(wsA), UserId: `bob_${suffix}`, RoleCode: 'role_project_dev' });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('CreateProjectMember', { ProjectId: String(wsA), UserId: `bob_${suffix}` });
    expectCode(res, 400, 'Invalid.Tenant.UserAlreadyInProject');
    res = await alice('CreateProjectMember', { ProjectId: String(wsA), UserId: 'nobody' });
    expectCode(res, 400, 'Invalid.Tenant.UserNotInTenant');
    res = await alice('AddProjectMemberToRole', { ProjectId: String(wsA), UserId: `bob_${suffix}`, RoleCode: 'role_project_owner' });
    expectCode(res, 400, 'Invalid.Param');
    res = await alice('AddProjectMemberToRole', { ProjectId: String(wsA), UserId: `bob_${suffix}`, RoleCode: 'role_nonsense' });
    expectCode(res, 400, 'Invalid.Param');
    res = await alice('AddProjectMemberToRole', { ProjectId: String(wsA), UserId: `dave_${suffix}`, RoleCode: 'role_project_pe' });
    expectCode(res, 400, 'Invalid.Tenant.UserNotInProject');
    res = await as(keys.bob)('AddProjectMemberToRole', { ProjectId: String(wsA), UserId: `bob_${suffix}`, RoleCode: 'role_project_admin' });
    expectCode(res, 403, 'Invalid.Tenant.UserIsNotProjectOwnerOrAdmin');
    res = await alice('CreateProjectMember', { ProjectId: String(wsA), UserId: `dave_${suffix}`, RoleCode: 'role_project_guest' });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('AddProjectMemberToRole', { ProjectId: String(wsA), UserId: `dave_${suffix}`, RoleCode: 'role_project_pe' });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('RemoveProjectMemberFromRole', { ProjectId: String(wsA), UserId: `dave_${suffix}`, RoleCode: 'role_project_guest' });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('ListProjectMembers', { ProjectId: String(wsA), PageSize: '50' });
    assert(res.ok, JSON.stringify(res.body));
    const members = res.body.Data.ProjectMemberList;
    const byId = Object.fromEntries(members.map((m) => [m.ProjectMemberId, m]));
    assert(res.body.Data.TotalCount === 3, `TotalCount ${res.body.Data.TotalCount}`);
    assert(byId[`bob_${suffix}`].ProjectRoleList[0].ProjectRoleCode === 'role_project_dev', JSON.stringify(byId));
    assert(JSON.stringify(byId[`dave_${suffix}`].ProjectRoleList.map((r) => r.ProjectRoleCode)) === '["role_project_pe"]', JSON.stringify(byId));
    assert(typeof byId[`bob_${suffix}`].Status === 'string' && typeof byId[`bob_${suffix}`].ProjectMemberType === 'string', 'string types');
    res = await alice('DeleteProjectMember', { ProjectId: String(wsA), UserId: `dave_${suffix}` });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('DeleteProjectMember', { ProjectId: String(wsA), UserId: `dave_${suffix}` });
    expectCode(res, 400, 'Invalid.Tenant.UserNotInProject');
    res = await alice('ListProjectRoles', { ProjectId: String(wsA) });
    assert(res.ok && res.body.ProjectRoleList.length === 11 && res.body.ProjectRoleList.every((r) => r.ProjectRoleType === '0' && Number.isInteger(r.ProjectRoleId)), JSON.stringify(res.body));
    res = await alice('ListProjectIds', { UserId: `alice_${suffix}` });
    assert(res.ok && JSON.stringify(res.body.ProjectIds) === JSON.stringify([wsA]), JSON.stringify(res.body));
    res = await alice('ListProjectIds', { UserId: `bob_${suffix}` });
    expectCode(res, 403, 'Forbidden.RAM');
    res = await rootCall('CreateProjectMember', { ProjectId: String(wsB), UserId: `carol_${suffix}`, RoleCode: 'role_project_admin' });
    assert(res.ok, JSON.stringify(res.body));
  });

  let mysqlId;
  await checks.check('a mysql data source on the test MariaDB tests ok and lists its tables', async () => {
    const alice = as(keys.alice);
    let res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_pub', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent(MY.password), Description: 'test db' });
    assert(res.ok && Number.isInteger(res.body.Data) && res.body.HttpStatusCode === '200', JSON.stringify(res.body));
    mysqlId = res.body.Data;
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === true, JSON.stringify(res.body));
    res = await alice('GetDataSourceMeta', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1' });
    assert(res.ok && res.body.Data.Status === 'success', JSON.stringify(res.body));
    const meta = JSON.parse(res.body.Data.Meta);
    const db = meta.dbTables.find((d) => d.dbName === MY_DB);
    assert(db, `no ${MY_DB} in ${res.body.Data.Meta}`);
    const tables = db.schema.flatMap((s) => s.tableInfos.map((t) => t.table)).sort();
    assert(JSON.stringify(tables) === '["orders","users"]', `tables ${tables}`);
  });

  await checks.check('a wrong mysql password fails with the driver\'s cause', async () => {
    const alice = as(keys.alice);
    let res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_bad', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent('wrong-password-xyz') });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_bad', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === false && /Access denied/i.test(res.body.TaskList.ConnectMessage), JSON.stringify(res.body));
    res = await alice('GetDataSourceMeta', { ProjectId: String(wsA), DatasourceName: 'mysql_bad', EnvType: '1' });
    assert(res.ok && res.body.Data.Status === 'fail' && /Access denied/i.test(res.body.Data.Message), JSON.stringify(res.body));
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_nodb', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent(MY.password, 'no_such_db') });
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_nodb', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === false && /Unknown database/i.test(res.body.TaskList.ConnectMessage), JSON.stringify(res.body));
  });

  await checks.check('a postgresql data source tests ok, lists its schema and tables; a wrong password fails', async () => {
    const alice = as(keys.alice);
    let res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'pg_pub', DataSourceType: 'postgresql', EnvType: '1', Content: pgContent(PG.password) });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'pg_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === true, JSON.stringify(res.body));
    res = await alice('GetDataSourceMeta', { ProjectId: String(wsA), DatasourceName: 'pg_pub', EnvType: '1' });
    const meta = JSON.parse(res.body.Data.Meta);
    const shop = meta.dbTables.find((d) => d.dbName === 'shop');
    assert(shop && shop.schema[0].tableInfos[0].table === 'items', res.body.Data.Meta);
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'pg_bad', DataSourceType: 'postgresql', EnvType: '1', Content: pgContent('wrong-password-xyz') });
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'pg_bad', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === false && /password authentication failed/i.test(res.body.TaskList.ConnectMessage), JSON.stringify(res.body));
  });

  await checks.check('contents are validated per type, every problem named by its pointer', async () => {
    const alice = as(keys.alice);
    let res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'bad1', DataSourceType: 'mysql', EnvType: '1', Content: JSON.stringify({ tag: 'rds', jdbcUrl: 'http://x' }) });
    expectCode(res, 400, 'Invalid.Param');
    for (const p of ['/tag', '/jdbcUrl', '/username', '/password']) assert(res.body.Message.includes(p), `${p} not in ${res.body.Message}`);
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'bad2', DataSourceType: 'kafka', EnvType: '1', Content: JSON.stringify({ bootstrapServers: 'h1:9092,nope' }) });
    expectCode(res, 400, 'Invalid.Param');
    assert(res.body.Message.includes('/bootstrapServers'), res.body.Message);
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'bad3', DataSourceType: 'odps', EnvType: '1', Content: '{"endpoint":"ftp://x"}' });
    for (const p of ['/endpoint', '/project', '/accessId', '/accessKey']) assert(res.body.Message.includes(p), `${p} not in ${res.body.Message}`);
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'bad4', DataSourceType: 'mysql', EnvType: '1', Content: 'not json' });
    expectCode(res, 400, 'Invalid.Param');
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'odps_first', DataSourceType: 'odps', EnvType: '1', Content: JSON.stringify({ endpoint: 'http://service.odps.aliyun.com/api', project: 'p', accessId: 'AKID', accessKey: 'odps-secret-key-123', authType: 2 }) });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'kafka_pub', DataSourceType: 'kafka', EnvType: '1', Content: JSON.stringify({ tag: 'public', bootstrapServers: 'k1:9092,k2:9092', properties: { 'sasl.password': 'kafka-secret-1' } }) });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'holo_pub', DataSourceType: 'holo', EnvType: '1', Content: pgContent(PG.password) });
    assert(res.ok, JSON.stringify(res.body));
  });

  await checks.check('names are unique per workspace and environment; both environments work', async () => {
    const alice = as(keys.alice);
    let res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_pub', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent(MY.password) });
    expectCode(res, 400, 'Invalid.Param');
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_pub', DataSourceType: 'mysql', EnvType: '0', Content: mysqlContent(MY.password) });
    assert(res.ok, JSON.stringify(res.body));
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '0', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === true, JSON.stringify(res.body));
    res = await alice('ListDataSources', { ProjectId: String(wsA), EnvType: '0' }, 'GET');
    assert(res.ok && res.body.Data.TotalCount === 1 && res.body.Data.DataSources[0].EnvType === 0, JSON.stringify(res.body));
  });

  await checks.check('lists mask secrets, page and filter; updates keep masked secrets', async () => {
    const alice = as(keys.alice, 'pop-get');
    let res = await alice('ListDataSources', { ProjectId: String(wsA), PageSize: '100' });
    assert(res.ok && res.body.HttpStatusCode === 200, JSON.stringify(res.body));
    const list = res.body.Data.DataSources;
    assert(list.length === res.body.Data.TotalCount && list.length >= 8, `count ${list.length}`);
    for (const ds of list) {
      const content = JSON.parse(ds.Content);
      if ('password' in content) assert(content.password === '***', `password visible in ${ds.Name}`);
      if ('accessKey' in content) assert(content.accessKey === '***', `accessKey visible in ${ds.Name}`);
      assert(Number.isInteger(ds.Id) && Number.isInteger(ds.ProjectId) && typeof ds.GmtCreate === 'string', 'types');
    }
    res = await alice('ListDataSources', { ProjectId: String(wsA), DataSourceType: 'postgresql' });
    assert(res.body.Data.DataSources.every((d) => d.DataSourceType === 'postgresql') && res.body.Data.TotalCount === 2, JSON.stringify(res.body));
    res = await alice('ListDataSources', { ProjectId: String(wsA), PageSize: '2', PageNumber: '2' });
    assert(res.body.Data.DataSources.length === 2 && res.body.Data.PageNumber === 2, JSON.stringify(res.body.Data));
    const mysqlPub = list.find((d) => d.Name === 'mysql_pub' && d.EnvType === 1);
    const masked = mysqlPub.Content;  // password "***"
    const oa = as(keys.alice);
    res = await oa('UpdateDataSource', { DataSourceId: String(mysqlPub.Id), Content: masked, Description: 'updated' }, 'PUT');
    assert(res.ok && res.body.Data === true, JSON.stringify(res.body));
    res = await oa('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.body.TaskList.ConnectStatus === true, `the masked update lost the password: ${JSON.stringify(res.body)}`);
    res = await oa('ListConnections', { ProjectId: String(wsA), ConnectionType: 'mysql', Name: 'mysql_pub' }, 'GET');
    assert(res.ok && res.body.Data.Connections.length === 2 && res.body.Data.Connections[0].ConnectionType === 'mysql', JSON.stringify(res.body));
  });

  await checks.check('role limits: Develop may test but not create data sources', async () => {
    const bob = as(keys.bob);
    let res = await bob('CreateDataSource', { ProjectId: String(wsA), Name: 'by_bob', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent(MY.password) });
    expectCode(res, 403, 'Forbidden.DI.NoPrivilege');
    res = await bob('UpdateDataSource', { DataSourceId: String(mysqlId), Description: 'x' }, 'PUT');
    expectCode(res, 403, 'Forbidden.DI.NoPrivilege');
    res = await bob('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.ok && res.body.TaskList.ConnectStatus === true, JSON.stringify(res.body));
    res = await bob('ListDataSources', { ProjectId: String(wsA) }, 'GET');
    assert(res.ok, JSON.stringify(res.body));
  });

  await checks.check('isolation: a key of workspace B learns nothing of workspace A', async () => {
    const carol = as(keys.carol);
    let res = await carol('ListProjects', { PageSize: '100' });
    assert(res.ok && res.body.PageResult.ProjectList.map((p) => p.ProjectId).join() === String(wsB), JSON.stringify(res.body));
    // Guess ids in sequence around A: every one that is not B answers alike.
    const shapes = new Set();
    for (let id = wsA - 3; id <= wsA + 6; id++) {
      if (id === wsB) continue;
      const got = [];
      for (const [action, params] of [
        ['GetProject', { ProjectId: String(id) }],
        ['ListProjectMembers', { ProjectId: String(id) }],
        ['ListDataSources', { ProjectId: String(id) }],
        ['CreateDataSource', { ProjectId: String(id), Name: 'x', DataSourceType: 'mysql', EnvType: '1', Content: mysqlContent('p') }],
        ['TestNetworkConnection', { ProjectId: String(id), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' }],
        ['GetDataSourceMeta', { ProjectId: String(id), DatasourceName: 'mysql_pub' }],
        ['CreateProjectMember', { ProjectId: String(id), UserId: `carol_${suffix}` }],
      ]) {
        res = await carol(action, params);
        assert(!res.ok, `${action} on ${id} succeeded: ${JSON.stringify(res.body)}`);
        got.push(`${action}:${res.status}:${res.body.Code}:${res.body.Message}`);
      }
      shapes.add(got.join('|'));
    }
    assert(shapes.size === 1, `answers differ between workspaces:\n${[...shapes].join('\n')}`);
    // Objects of A by id: indistinguishable from ids that do not exist.
    const a = await carol('UpdateDataSource', { DataSourceId: String(mysqlId), Description: 'pwned' }, 'PUT');
    const none = await carol('UpdateDataSource', { DataSourceId: '987654', Description: 'x' }, 'PUT');
    assert(a.status === none.status && a.body.Code === none.body.Code && a.body.Message === none.body.Message, `${JSON.stringify(a.body)} vs ${JSON.stringify(none.body)}`);
    expectCode(a, 400, 'Invalid.Tenant.ConnectionNotExists');
    const del = await carol('DeleteDataSource', { DataSourceId: String(mysqlId) });
    expectCode(del, 400, 'Invalid.Tenant.ConnectionNotExists');
    // Still there for alice.
    res = await as(keys.alice)('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    assert(res.body.TaskList.ConnectStatus === true, 'the data source of A was changed by B');
  });

  await checks.check('a disabled key is refused; deleting a data source removes it', async () => {
    let res = await rootCall('UpdateAccessKey', { UserAccessKeyId: keys.bob.id, Status: 'Inactive' });
    assert(res.ok, JSON.stringify(res.body));
    res = await as(keys.bob)('ListProjects', {});
    expectCode(res, 400, 'InvalidAccessKeyId.Inactive');
    res = await rootCall('UpdateAccessKey', { UserAccessKeyId: keys.bob.id, Status: 'Active' });
    res = await as(keys.bob)('ListProjects', {});
    assert(res.ok, JSON.stringify(res.body));
    res = await rootCall('DeleteAccessKey', { UserAccessKeyId: keys.dave.id });
    res = await as(keys.dave)('ListProjects', {});
    expectCode(res, 404, 'InvalidAccessKeyId.NotFound');
    const alice = as(keys.alice);
    res = await alice('DeleteDataSource', { DataSourceId: String(mysqlId) });
    assert(res.ok && res.body.Data === true, JSON.stringify(res.body));
    res = await alice('TestNetworkConnection', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', EnvType: '1', ResourceGroup: 'S_res_group_demo' });
    expectCode(res, 400, 'Invalid.Tenant.ConnectionNotExists');
  });

  await checks.check('no secret in any response, log line or store file', async () => {
    await server.stop();
    const secrets = [MY.password, PG.password, root.secret, 'odps-secret-key-123', 'kafka-secret-1',
      ...Object.values(keys).map((k) => k.secret)];
    const created = new Set(Object.values(keys).map((k) => k.secret));
    for (const r of responses) {
      const text = JSON.stringify(r.body);
      for (const s of secrets) {
        if (r.action === 'CreateAccessKey' && created.has(s)) continue;  // shown once, by design
        assert(!text.includes(s), `a secret appears in the answer to ${r.action}`);
      }
    }
    for (const s of secrets) assert(!server.log.includes(s), 'a secret appears in the log');
    for (const f of fs.readdirSync(server.dataDir)) {
      if (!f.startsWith('disync.db')) continue;
      const bytes = fs.readFileSync(path.join(server.dataDir, f));
      for (const s of secrets) assert(!bytes.includes(Buffer.from(s)), `a secret appears in ${f}`);
    }
  });

  mysql(`DROP DATABASE ${MY_DB}`);
  psql(`DROP DATABASE ${PG_DB}`);
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
