#!/usr/bin/env node
'use strict';
// Sync tasks end to end through the real SDK clients, against a disyncd whose
// mysql data source points at the test MariaDB (DISYNC_TEST_MYSQL_*):
//
// - Generate -> Query -> CreateDISyncTask -> GetDISyncTask (Code is the
//   TaskContent) -> UpdateDISyncTask (a new version GetDISyncTask shows);
// - GenerateDISyncTaskConfigForUpdating adding and removing a table: the new
//   TaskContent differs from the old one by exactly that table;
// - ListRefDISyncTasks from/to; DeleteDataSource refused while a task uses the
//   data source, allowed once the tasks are deleted;
// - a DI_OFFLINE task from the scripts.md 1.2 sample, a bad batch script
//   answered in-band with every problem and its pointer, folder paths,
//   resource groups, unique names (also Generate's setting.name), ClientToken
//   replay and conflict, a DI_SOLUTION task's SolutionDetail, and a task of
//   another workspace answered like a missing one.
//
// usage: node tasks_test.js --disyncd build/bin/disyncd
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const { isDeepStrictEqual } = require('util');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller } = require('./lib/disyncd');

const env = process.env;
if (!env.DISYNC_TEST_MYSQL_HOST) {
  const msg = 'DISYNC_TEST_MYSQL_* are not set: run through scripts/run-tests.sh';
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: env.DISYNC_TEST_MYSQL_PORT, user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
const suffix = crypto.randomBytes(4).toString('hex');
const DB = `disync_tasks_${suffix}`;
const RG = 'S_res_group_demo';
const RG_GEN = 'S_res_group_280749521950784_1623033752022';
const FOLDER = 'Business Flow/demo/Data Integration';

function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}

// The generation script of scripts.md 2.5 over the test database.
function realtimeScript(name, tables) {
  return JSON.stringify({
    type: 'realtime', version: '1.0',
    setting: { resourceGroup: RG_GEN, name, taskType: 'oneclick_to_odps' },
    steps: [
      { stepType: 'mysql', parameter: { connection: [{ datasourceType: 'mysql', datasource: 'mysql_pub', table: tables }] }, name: 'Reader', category: 'reader' },
      { stepType: 'odps', parameter: { datasource: 'odps_first' }, name: 'Writer', category: 'writer' },
    ],
  });
}

// The update script of scripts.md 2.6.
function updateScript(tables) {
  return JSON.stringify({ steps: [{ parameter: { connection: [{ table: tables }] }, name: 'Reader', category: 'reader' }] });
}

// scripts.md 1.2: MySQL -> MaxCompute batch job.
const BATCH = {
  type: 'job', version: '2.0',
  steps: [
    { stepType: 'mysql', parameter: { envType: 1, datasource: 'mysql_pub', column: ['id', 'name', 'create_time', 'age', 'score', 't_01'], connection: [{ datasource: 'mysql_pub', table: ['u_pk'] }], where: '', splitPk: 'id', encoding: 'UTF-8' }, name: 'Reader', category: 'reader' },
    { stepType: 'odps', parameter: { partition: 'pt=${bizdate}', truncate: true, datasource: 'odps_source', envType: 1, column: ['id', 'name', 'create_time', 'age', 'score', 't_01'], emptyAsNull: false, tableComment: 'null', table: 'u_pk' }, name: 'Writer', category: 'writer' },
  ],
  setting: { executeMode: null, errorLimit: { record: '' }, speed: { concurrent: 2, throttle: false } },
  order: { hops: [{ from: 'Reader', to: 'Writer' }] },
};

function expectCode(res, status, code) {
  assert(!res.ok, `expected ${code}, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
  assert(res.status === status && res.body && res.body.Code === code,
    `expected HTTP ${status} ${code}, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

function expectData(res, status) {
  assert(res.ok && res.status === 200 && res.body.Success === true && res.body.Data,
    `expected a 200 answer, got HTTP ${res.status} ${JSON.stringify(res.body)}`);
  if (status) assert(res.body.Data.Status === status, `expected Data.Status ${status}, got ${JSON.stringify(res.body)}`);
  return res.body.Data;
}

function expectFail(res, message) {
  const data = expectData(res, 'fail');
  if (message instanceof RegExp) {
    assert(message.test(data.Message), `Message ${JSON.stringify(data.Message)} does not match ${message}`);
  } else {
    assert(data.Message === message, `expected Message ${JSON.stringify(message)}, got ${JSON.stringify(data.Message)}`);
  }
  return data;
}

async function poll(call, project, taskType, processId, deadlineMs = 60000) {
  const until = Date.now() + deadlineMs;
  const seen = [];
  for (;;) {
    const res = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: String(project), TaskType: taskType, AsyncProcessId: String(processId) });
    const d = expectData(res);
    seen.push(`${d.Status}:${d.Message || ''}`);
    if (d.Status === 'success' || d.Status === 'fail') return d;
    assert(d.Status === 'running', `unexpected Status ${d.Status}`);
    assert(Date.now() < until, `no final Status in time: ${seen.slice(-3).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));  // polling interval, not a wait for an outcome
  }
}

// Generates a TaskContent and waits for it.
async function generate(call, project, taskType, taskParam) {
  const res = await call('GenerateDISyncTaskConfigForCreating', { ProjectId: String(project), TaskType: taskType, TaskParam: taskParam });
  const processId = expectData(res, 'true').ProcessId;
  const d = await poll(call, project, taskType, processId);
  assert(d.Status === 'success', `generation failed: ${d.Message}`);
  return d.TaskContent;
}

const reader = (content) => content.steps.find((s) => s.category === 'reader');
const writer = (content) => content.steps.find((s) => s.category === 'writer');
const infos = (content) => reader(content).parameter.connection[0].selectedTables[0].schema[0].tableInfos;
const mapping = (content) => writer(content).parameter.tableMappingRule;
const rules = (content) => mapping(content).datasource[0].tableRule;

// Fails with the first difference between two parsed documents.
function expectSameJson(got, want, what) {
  if (isDeepStrictEqual(got, want)) return;
  const walk = (a, b, at) => {
    if (isDeepStrictEqual(a, b)) return null;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const d = walk(a[k], b[k], `${at}/${k}`);
        if (d) return d;
      }
    }
    return `${at}: got ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`;
  };
  throw new Error(`${what} differs: ${walk(got, want, '')}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const endpoint = await server.start();
  const checks = new Checks();
  const rootCall = makeCaller('oa3', endpoint, root);
  const keys = {};
  const as = (who, flavour = 'oa3') => makeCaller(flavour, endpoint, keys[who]);
  let wsA;
  let wsB;
  let mysqlId;
  const tasks = [];  // { id, type } of every task created, deleted at the end
  let rtId;          // the real-time task
  let rtName;
  let rtContent;     // its current TaskContent (text)

  mysql(`CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.xyx (id BIGINT PRIMARY KEY, note VARCHAR(20));
    CREATE TABLE ${DB}.orders (id INT UNSIGNED PRIMARY KEY, amount DECIMAL(10,2), placed DATETIME);
    CREATE TABLE ${DB}.items (sku VARCHAR(32) PRIMARY KEY, price DOUBLE);
    CREATE TABLE ${DB}.u_pk (id INT PRIMARY KEY, name VARCHAR(10));`);

  await checks.check('set up: two workspaces, members, resource groups, data sources', async () => {
    let res = await rootCall('CreateProject', { ProjectName: 'Tasks A', ProjectIdentifier: `tasks_a_${suffix}` });
    assert(res.ok, JSON.stringify(res.body));
    wsA = res.body.Data;
    res = await rootCall('CreateProject', { ProjectName: 'Tasks B', ProjectIdentifier: `tasks_b_${suffix}` });
    wsB = res.body.Data;
    for (const [user, ws] of [['alice', wsA], ['bob', wsB]]) {
      res = await rootCall('CreateUser', { UserId: `${user}_${suffix}` });
      assert(res.ok, JSON.stringify(res.body));
      res = await rootCall('CreateAccessKey', { UserId: `${user}_${suffix}` });
      keys[user] = { id: res.body.AccessKey.AccessKeyId, secret: res.body.AccessKey.AccessKeySecret };
      res = await rootCall('CreateProjectMember', { ProjectId: String(ws), UserId: `${user}_${suffix}`, RoleCode: 'role_project_admin' });
      assert(res.ok, JSON.stringify(res.body));
    }
    for (const Identifier of [RG, RG_GEN]) {
      res = await rootCall('CreateResourceGroup', { Identifier });
      assert(res.ok, JSON.stringify(res.body));
    }
    const alice = as('alice');
    res = await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_pub', DataSourceType: 'mysql', EnvType: '1',
      Content: JSON.stringify({ tag: 'public', jdbcUrl: `jdbc:mysql://${MY.host}:${MY.port}/${DB}`, username: MY.user, password: MY.password }) });
    assert(res.ok, JSON.stringify(res.body));
    mysqlId = res.body.Data;
    for (const Name of ['odps_first', 'odps_source']) {
      res = await alice('CreateDataSource', { ProjectId: String(wsA), Name, DataSourceType: 'odps', EnvType: '1',
        Content: JSON.stringify({ endpoint: 'http://service.odps.aliyun.com/api', project: 'p', accessId: 'a', accessKey: 'k' }) });
      assert(res.ok, JSON.stringify(res.body));
    }
  });

  await checks.check('Generate -> Query -> CreateDISyncTask -> GetDISyncTask returns the TaskContent', async () => {
    const alice = as('alice');
    rtName = `rt_${suffix}`;
    rtContent = await generate(alice, wsA, 'DI_REALTIME', realtimeScript(rtName, ['xyx', 'orders']));
    // No TaskName: the name given to Generate (extend.name) is the task's.
    const res = await as('alice', 'pop-post')('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskContent: rtContent,
      TaskParam: JSON.stringify({ FileFolderPath: FOLDER, ResourceGroup: RG }) });
    const data = expectData(res, 'success');
    assert(Number.isInteger(data.FileId) && data.FileId > 1000000, `FileId ${data.FileId}`);
    assert(data.Message === undefined, JSON.stringify(data));
    rtId = data.FileId;
    tasks.push({ id: rtId, type: 'DI_REALTIME' });
    const got = expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }), 'success');
    assert(got.Code === rtContent, `Code differs from the TaskContent: ${got.Code}`);
    assert(Array.isArray(got.AlarmList) && got.AlarmList.length === 0, JSON.stringify(got));
  });

  await checks.check('task names are unique in a workspace: File.Existed, also for Generate setting.name', async () => {
    const alice = as('alice');
    let res = await alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskContent: rtContent, TaskParam: JSON.stringify({ FileFolderPath: FOLDER }) });
    expectCode(res, 400, 'Invalid.DI.Parameter.File.Existed');
    assert(res.body.Message.includes(rtName), res.body.Message);
    res = await alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH), TaskName: rtName });
    expectCode(res, 400, 'Invalid.DI.Parameter.File.Existed');
    res = await alice('GenerateDISyncTaskConfigForCreating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskParam: realtimeScript(rtName, ['xyx']) });
    expectCode(res, 400, 'Invalid.DI.Parameter.File.Existed');
    assert(res.body.Message.includes('/setting/name'), res.body.Message);
  });

  await checks.check('UpdateDISyncTask writes a new version that GetDISyncTask shows', async () => {
    const alice = as('alice', 'oa1');
    const edited = JSON.parse(rtContent);
    edited.setting = { speed: { readerConcurrent: 4 } };
    const text = JSON.stringify(edited);
    expectData(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskContent: text,
      TaskParam: JSON.stringify({ ResourceGroup: RG_GEN }) }), 'success');
    const got = expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }), 'success');
    assert(got.Code === text, `Code is not the new version: ${got.Code}`);
    rtContent = text;
    // A resource group alone keeps the content.
    expectData(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskParam: JSON.stringify({ ResourceGroup: RG }) }), 'success');
    assert(expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) })).Code === text, 'content changed');
    expectFail(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskParam: JSON.stringify({ ResourceGroup: 'S_res_group_nope' }) }),
      'ResourceGroup:[S_res_group_nope] is invalid.');
    expectFail(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: '999999', TaskContent: text }), 'fileId:[999999] is invalid.');
    // A hand edit that breaks the content: every problem, in-band.
    const broken = JSON.parse(rtContent);
    mapping(broken).totalTableMapping = 7;
    writer(broken).parameter.datasource = 'mysql_pub';
    const fail = expectFail(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskContent: JSON.stringify(broken) }), /^TaskContent is invalid: /);
    for (const p of ['/steps/1/parameter/datasource: ', '/steps/1/parameter/tableMappingRule/totalTableMapping: ']) {
      assert(fail.Message.includes(p), `${p} not in ${fail.Message}`);
    }
  });

  await checks.check('GenerateDISyncTaskConfigForUpdating adds a table: exactly its table info and rule change', async () => {
    const alice = as('alice');
    const res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskId: String(rtId), TaskParam: updateScript(['xyx', 'orders', 'items']) });
    const processId = expectData(res, 'true').ProcessId;
    const d = await poll(alice, wsA, 'DI_REALTIME', processId);
    assert(d.Status === 'success', `update failed: ${d.Message}`);
    const before = JSON.parse(rtContent);
    const after = JSON.parse(d.TaskContent);
    // What a fresh generation renders for the new table.
    const fresh = JSON.parse(await generate(alice, wsA, 'DI_REALTIME', realtimeScript(`fresh_${suffix}`, ['xyx', 'orders', 'items'])));
    const want = JSON.parse(rtContent);
    infos(want).push(infos(fresh)[2]);
    rules(want).push(rules(fresh)[2]);
    mapping(want).totalTableMapping = 3;
    assert(after.extend.schemaFingerprint !== before.extend.schemaFingerprint, 'the fingerprint did not change');
    want.extend.schemaFingerprint = after.extend.schemaFingerprint;
    expectSameJson(after, want, 'the updated TaskContent');
    assert(rules(after)[2].srcTable === 'items' && rules(after)[2].dstTable === 'items', JSON.stringify(rules(after)[2]));
    expectData(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskContent: d.TaskContent }), 'success');
    rtContent = d.TaskContent;
    assert(expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) })).Code === rtContent, 'Get does not show the update');
  });

  await checks.check('GenerateDISyncTaskConfigForUpdating removes a table: exactly its table info and rule go', async () => {
    const alice = as('alice', 'pop-get');
    const res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskId: String(rtId), TaskParam: updateScript(['xyx', 'items']) });
    const processId = expectData(res, 'true').ProcessId;
    const d = await poll(alice, wsA, 'DI_REALTIME', processId);
    assert(d.Status === 'success', `update failed: ${d.Message}`);
    const after = JSON.parse(d.TaskContent);
    const want = JSON.parse(rtContent);
    assert(infos(want)[1].table === 'orders' && rules(want)[1].srcTable === 'orders', 'orders is not the second table');
    infos(want).splice(1, 1);
    rules(want).splice(1, 1);
    mapping(want).totalTableMapping = 2;
    assert(after.extend.schemaFingerprint !== want.extend.schemaFingerprint, 'the fingerprint did not change');
    want.extend.schemaFingerprint = after.extend.schemaFingerprint;
    expectSameJson(after, want, 'the updated TaskContent');
    expectData(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskContent: d.TaskContent }), 'success');
    rtContent = d.TaskContent;
  });

  await checks.check('GenerateDISyncTaskConfigForUpdating refuses an unknown task and a bad script with 400', async () => {
    const alice = as('alice');
    let res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskId: '999999', TaskParam: updateScript(['xyx']) });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    assert(res.body.Message === 'fileId:[999999] is invalid.', res.body.Message);
    res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_SOLUTION', TaskId: String(rtId), TaskParam: updateScript(['xyx']) });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskId: String(rtId), TaskParam: updateScript(['xyx', 'xyx', 'bad ']) });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    for (const p of ['/steps/0/parameter/connection/0/table/1: ', '/steps/0/parameter/connection/0/table/2: ']) {
      assert(res.body.Message.includes(p), `${p} not in ${res.body.Message}`);
    }
    // A table that does not exist fails the process, naming it.
    res = await alice('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', TaskId: String(rtId), TaskParam: updateScript(['xyx', 'nope']) });
    const d = await poll(alice, wsA, 'DI_REALTIME', expectData(res, 'true').ProcessId);
    assert(d.Status === 'fail' && /not found.*\bnope\b/.test(d.Message) && d.Message.includes('"mysql_pub"'), JSON.stringify(d));
  });

  let batchId;
  await checks.check('a DI_OFFLINE task from the scripts.md 1.2 sample', async () => {
    const alice = as('alice', 'pop-post');
    let res = await alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH),
      TaskParam: JSON.stringify({ FileFolderPath: FOLDER, ResourceGroup: RG }), TaskName: `batch_${suffix}` });
    batchId = expectData(res, 'success').FileId;
    tasks.push({ id: batchId, type: 'DI_OFFLINE' });
    res = await alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH) });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    assert(res.body.Message.includes('TaskName'), res.body.Message);
    // UpdateDISyncTask takes a batch script directly (the odps_first example).
    const updated = JSON.parse(JSON.stringify(BATCH));
    updated.steps[1].parameter.datasource = 'odps_first';
    expectData(await alice('UpdateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', FileId: String(batchId), TaskContent: JSON.stringify(updated) }), 'success');
  });

  await checks.check('a bad batch script: fail listing every problem with its pointer', async () => {
    const bad = JSON.parse(JSON.stringify(BATCH));
    bad.version = '3.0';
    bad.steps[0].parameter.connection[0].datasource = 'ghost';
    bad.steps[0].parameter.connection[0].table = ['u_pk', 'u_pk'];
    bad.steps[1].stepType = 'odps';
    bad.steps[1].parameter.datasource = 'mysql_pub';
    delete bad.steps[1].parameter.table;
    bad.setting.speed.concurrent = 0;
    bad.order.hops[0].to = 'Sink';
    const res = await as('alice')('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(bad), TaskName: `bad_${suffix}` });
    const data = expectFail(res, /^TaskContent is invalid: /);
    const pointers = ['/order/hops/0/to', '/setting/speed/concurrent', '/steps/0/parameter/connection/0/datasource',
      '/steps/0/parameter/connection/0/table/1', '/steps/1/parameter/datasource', '/steps/1/parameter/table', '/version'];
    for (const p of pointers) assert(data.Message.includes(`${p}: `), `${p} not in ${data.Message}`);
    // In the order of the pointers.
    const at = pointers.map((p) => data.Message.indexOf(`${p}: `));
    assert(at.every((v, i) => i === 0 || v > at[i - 1]), data.Message);
    const res2 = await as('alice')('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: '{"type":', TaskName: `bad_${suffix}` });
    expectFail(res2, /^TaskContent is invalid: \(root\): TaskContent is not valid JSON/);
  });

  await checks.check('folder paths: "Invalid path: <path>" unless Business Flow/<flow>/Data Integration[/...]', async () => {
    const alice = as('alice');
    const create = (path, name) => alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH),
      TaskParam: JSON.stringify({ FileFolderPath: path }), TaskName: name });
    for (const path of ['Business Flow/demo', 'Workflow/demo/Data Integration', 'Business Flow//Data Integration', 'Business Flow/demo/数据集成', '/Business Flow/demo/Data Integration']) {
      expectFail(await create(path, `path_${suffix}`), `Invalid path: ${path}`);
    }
    let data = expectData(await create('业务流程/演示/数据集成/子目录', `path_zh_${suffix}`), 'success');
    tasks.push({ id: data.FileId, type: 'DI_OFFLINE' });
    data = expectData(await create('Business Flow/demo/Data Integration/nightly/eu', `path_en_${suffix}`), 'success');
    tasks.push({ id: data.FileId, type: 'DI_OFFLINE' });
  });

  await checks.check('an unknown resource group: "ResourceGroup:[X] is invalid."', async () => {
    const res = await as('alice')('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH),
      TaskParam: JSON.stringify({ FileFolderPath: FOLDER, ResourceGroup: 'S_res_group_nope' }), TaskName: `rg_${suffix}` });
    expectFail(res, 'ResourceGroup:[S_res_group_nope] is invalid.');
  });

  await checks.check('CreateDISyncTask ClientToken: replay gives the FileId, another request is refused', async () => {
    const alice = as('alice');
    const params = { ProjectId: String(wsA), TaskType: 'DI_OFFLINE', TaskContent: JSON.stringify(BATCH), TaskParam: JSON.stringify({ FileFolderPath: FOLDER }),
      TaskName: `tok_${suffix}`, ClientToken: `create-${suffix}` };
    const first = expectData(await alice('CreateDISyncTask', params), 'success');
    tasks.push({ id: first.FileId, type: 'DI_OFFLINE' });
    const again = expectData(await as('alice', 'oa1')('CreateDISyncTask', params), 'success');
    assert(again.FileId === first.FileId, `replay gave ${again.FileId}, first ${first.FileId}`);
    const res = await alice('CreateDISyncTask', { ...params, TaskName: `tok2_${suffix}` });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    assert(res.body.Message.includes('ClientToken'), res.body.Message);
  });

  await checks.check('UpdateDISyncTask ClientToken: a replay writes no version, another request is refused', async () => {
    const alice = as('alice');
    const a = JSON.parse(rtContent);
    a.setting = { speed: { readerConcurrent: 2 } };
    const b = JSON.parse(rtContent);
    b.setting = { speed: { readerConcurrent: 3 } };
    const base = { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) };
    expectData(await alice('UpdateDISyncTask', { ...base, TaskContent: JSON.stringify(a), ClientToken: `upd-a-${suffix}` }), 'success');
    expectData(await alice('UpdateDISyncTask', { ...base, TaskContent: JSON.stringify(b), ClientToken: `upd-b-${suffix}` }), 'success');
    expectData(await alice('UpdateDISyncTask', { ...base, TaskContent: JSON.stringify(a), ClientToken: `upd-a-${suffix}` }), 'success');
    const got = expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }));
    assert(got.Code === JSON.stringify(b), 'the replay wrote a version');
    const res = await alice('UpdateDISyncTask', { ...base, TaskContent: rtContent, ClientToken: `upd-a-${suffix}` });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    assert(res.body.Message.includes('ClientToken'), res.body.Message);
    expectData(await alice('UpdateDISyncTask', { ...base, TaskContent: rtContent }), 'success');
  });

  await checks.check('a DI_SOLUTION task: GetDISyncTask answers its SolutionDetail', async () => {
    const alice = as('alice');
    const content = await generate(alice, wsA, 'DI_SOLUTION', realtimeScript(`sol_${suffix}`, ['xyx', 'orders']));
    const id = expectData(await alice('CreateDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_SOLUTION', TaskContent: content,
      TaskParam: JSON.stringify({ FileFolderPath: FOLDER }) }), 'success').FileId;
    tasks.push({ id, type: 'DI_SOLUTION' });
    const got = expectData(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_SOLUTION', FileId: String(id) }), 'success');
    assert(got.Code === null, JSON.stringify(got));
    const s = got.SolutionDetail;
    assert(s.Id === id && s.Name === `sol_${suffix}` && s.ProjectId === wsA && s.SourceType === 'mysql' && s.Type === 'odps' && s.Status === '1', JSON.stringify(s));
    assert(s.CreatorName === `alice_${suffix}`, s.CreatorName);
    assert(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s.StartTime) && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s.SubmitTime), JSON.stringify(s));
    assert(s.ProcessContent === content, 'ProcessContent is not the TaskContent');
    assert(isDeepStrictEqual(JSON.parse(s.ProcessExtra), { processType: 'new', tableNum: 2 }), s.ProcessExtra);
    // The same FileId asked as a real-time task: like a missing one.
    expectFail(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(id) }), `fileId:[${id}] is invalid.`);
  });

  await checks.check('ListRefDISyncTasks lists the tasks reading from and writing to a data source', async () => {
    const alice = as('alice');
    const list = async (DatasourceName, RefType, TaskType, extra = {}) => {
      const data = expectData(await alice('ListRefDISyncTasks', { ProjectId: String(wsA), DatasourceName, RefType, TaskType, ...extra }));
      return data.DISyncTasks;
    };
    let got = await list('mysql_pub', 'from', 'DI_REALTIME');
    assert(got.length === 1, JSON.stringify(got));
    assert(isDeepStrictEqual(got[0], { NodeId: rtId, NodeName: rtName, TaskType: 'DI_REALTIME', DiSourceDatasource: '["mysql_pub"]', DiDestinationDatasource: '["odps_first"]' }), JSON.stringify(got[0]));
    got = await list('odps_first', 'to', 'DI_REALTIME');
    assert(got.length === 1 && got[0].NodeId === rtId, JSON.stringify(got));
    assert((await list('odps_first', 'from', 'DI_REALTIME')).length === 0, 'odps_first is not read from');
    assert((await list('mysql_pub', 'to', 'DI_REALTIME')).length === 0, 'mysql_pub is not written to');
    got = await list('mysql_pub', 'from', 'DI_OFFLINE');
    const batch = got.find((t) => t.NodeId === batchId);
    assert(got.length === 4 && batch && batch.DiDestinationDatasource === '["odps_first"]', JSON.stringify(got));
    got = await list('mysql_pub', 'from', 'DI_OFFLINE', { PageSize: '3', PageNumber: '2' });
    assert(got.length === 1, JSON.stringify(got));
    const res = await alice('ListRefDISyncTasks', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', RefType: 'sideways', TaskType: 'DI_OFFLINE' });
    expectCode(res, 400, 'Invalid.DI.Parameter');
  });

  await checks.check('a task of another workspace is answered like a missing one', async () => {
    const bob = as('bob');
    const missing = await bob('GetDISyncTask', { ProjectId: String(wsB), TaskType: 'DI_REALTIME', FileId: '999999' });
    const foreign = await bob('GetDISyncTask', { ProjectId: String(wsB), TaskType: 'DI_REALTIME', FileId: String(rtId) });
    expectFail(missing, 'fileId:[999999] is invalid.');
    expectFail(foreign, `fileId:[${rtId}] is invalid.`);
    expectFail(await bob('UpdateDISyncTask', { ProjectId: String(wsB), TaskType: 'DI_REALTIME', FileId: String(rtId), TaskParam: JSON.stringify({ ResourceGroup: RG }) }), `fileId:[${rtId}] is invalid.`);
    expectFail(await bob('DeleteDISyncTask', { ProjectId: String(wsB), TaskType: 'DI_REALTIME', FileId: String(rtId) }), `fileId:[${rtId}] is invalid.`);
    let res = await bob('GenerateDISyncTaskConfigForUpdating', { ProjectId: String(wsB), TaskType: 'DI_REALTIME', TaskId: String(rtId), TaskParam: updateScript(['xyx']) });
    expectCode(res, 400, 'Invalid.DI.Parameter');
    assert(res.body.Message === `fileId:[${rtId}] is invalid.`, res.body.Message);
    assert((expectData(await bob('ListRefDISyncTasks', { ProjectId: String(wsB), DatasourceName: 'mysql_pub', RefType: 'from', TaskType: 'DI_REALTIME' }))).DISyncTasks.length === 0, 'B sees A\'s tasks');
    // Naming workspace A itself is refused before any task is looked at.
    res = await bob('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) });
    expectCode(res, 403, 'Forbidden.DI.NoPrivilege');
    // Still there for alice.
    expectData(await as('alice')('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }), 'success');
  });

  await checks.check('DeleteDataSource is refused while tasks use the data source, naming them', async () => {
    const alice = as('alice');
    for (const action of ['DeleteDataSource', 'DeleteConnection']) {
      const res = await alice(action, action === 'DeleteDataSource' ? { DataSourceId: String(mysqlId) } : { ConnectionId: String(mysqlId) });
      expectCode(res, 400, 'Invalid.Operation');
      assert(res.body.Message.includes(`"${rtName}" (FileId ${rtId})`) && res.body.Message.includes(`"batch_${suffix}" (FileId ${batchId})`), res.body.Message);
    }
    const res = await alice('ListDataSources', { ProjectId: String(wsA), Name: 'mysql_pub' });
    assert(res.ok && res.body.Data.DataSources.some((d) => d.Id === mysqlId), 'the data source is gone');
  });

  await checks.check('DeleteDISyncTask deletes; then DeleteDataSource works', async () => {
    const alice = as('alice');
    for (const task of tasks) {
      expectData(await alice('DeleteDISyncTask', { ProjectId: String(wsA), TaskType: task.type, FileId: String(task.id) }), 'success');
    }
    expectFail(await alice('DeleteDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }), `fileId:[${rtId}] is invalid.`);
    expectFail(await alice('GetDISyncTask', { ProjectId: String(wsA), TaskType: 'DI_REALTIME', FileId: String(rtId) }), `fileId:[${rtId}] is invalid.`);
    assert((expectData(await alice('ListRefDISyncTasks', { ProjectId: String(wsA), DatasourceName: 'mysql_pub', RefType: 'from', TaskType: 'DI_OFFLINE' }))).DISyncTasks.length === 0, 'tasks left');
    const res = await alice('DeleteDataSource', { DataSourceId: String(mysqlId) });
    assert(res.ok && res.body.Data === true, JSON.stringify(res.body));
    // The name is free again.
    expectData(await alice('CreateDataSource', { ProjectId: String(wsA), Name: 'mysql_pub', DataSourceType: 'mysql', EnvType: '1',
      Content: JSON.stringify({ tag: 'public', jdbcUrl: `jdbc:mysql://${MY.host}:${MY.port}/${DB}`, username: MY.user, password: MY.password }) }));
  });

  await server.stop();
  mysql(`DROP DATABASE ${DB}`);
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
