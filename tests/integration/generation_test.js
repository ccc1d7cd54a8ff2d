#!/usr/bin/env node
'use strict';
// The seed end to end: GenerateDISyncTaskConfigForCreating and
// QueryDISyncTaskConfigProcessResult through the real SDK clients, against a
// disyncd whose data sources point at the test MariaDB.
//
// - golden: for a fixed schema covering every row of the type table, each
//   solution's TaskContent equals tests/data/golden/mariadb_<solution>.json
//   byte for byte (DISYNC_UPDATE_GOLDEN=1 rewrites them), and the same
//   request twice gives the same bytes;
// - every failure cause ends as `fail` with a message naming the data
//   source, database, table and cause;
// - ClientToken replay and conflict, also across a restart;
// - validation lists every problem with its JSON Pointer;
// - a process acknowledged before kill -9 completes after the restart.
//
// usage: node generation_test.js --disyncd build/bin/disyncd --golden-dir tests/data/golden
const { execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const crypto = require('crypto');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller } = require('./lib/disyncd');

const env = process.env;
if (!env.DISYNC_TEST_MYSQL_HOST) {
  const msg = 'DISYNC_TEST_MYSQL_* are not set: run through scripts/run-tests.sh';
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: env.DISYNC_TEST_MYSQL_PORT, user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
// A fixed name: the database name is part of the golden TaskContent.
const DB = 'disync_golden';
const RG = 'S_res_group_demo';

// The statements go in on standard input: a long script exceeds the
// length of one command-line argument.
function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user],
    { env: { ...process.env, MYSQL_PWD: MY.password }, input: sql, stdio: ['pipe', 'pipe', 'pipe'] });
}

// One column per row of the type table of generation.md section 3.
const ALL_TYPES = `CREATE TABLE ${DB}.all_types (
  id BIGINT NOT NULL PRIMARY KEY COMMENT 'the key',
  c_tinyint TINYINT, c_tinyint_u TINYINT UNSIGNED, c_bool TINYINT(1),
  c_smallint SMALLINT, c_smallint_u SMALLINT UNSIGNED,
  c_mediumint MEDIUMINT, c_mediumint_u MEDIUMINT UNSIGNED,
  c_int INT, c_int_u INT UNSIGNED, c_bigint BIGINT, c_bigint_u BIGINT UNSIGNED,
  c_decimal DECIMAL(12,2), c_decimal_wide DECIMAL(50,10),
  c_float FLOAT, c_double DOUBLE, c_bit1 BIT(1), c_bit8 BIT(8),
  c_char CHAR(10), c_varchar VARCHAR(64) COMMENT 'a name', c_tinytext TINYTEXT, c_text TEXT,
  c_mediumtext MEDIUMTEXT, c_longtext LONGTEXT, c_enum ENUM('a','b'), c_set SET('x','y'),
  c_json JSON, c_binary BINARY(16), c_varbinary VARBINARY(64), c_tinyblob TINYBLOB, c_blob BLOB,
  c_mediumblob MEDIUMBLOB, c_longblob LONGBLOB, c_date DATE, c_datetime DATETIME(3),
  c_timestamp TIMESTAMP NULL, c_time TIME, c_year YEAR, c_geometry GEOMETRY
) COMMENT 'every type'`;

function script(taskType, writerType, writer, tables, extra = {}) {
  return JSON.stringify({
    type: 'realtime', version: '1.0',
    setting: { resourceGroup: RG, name: extra.name, taskType, ...(extra.setting || {}) },
    steps: [
      { stepType: 'mysql', name: 'Reader', category: 'reader',
        parameter: { connection: [{ datasourceType: 'mysql', datasource: extra.source || 'mysql_src',
          selectedTables: [{ dbName: DB, schema: [{ tableInfos: tables.map((t) => ({ table: t })) }] }] }] } },
      { stepType: writerType, name: 'Writer', category: 'writer', parameter: { datasource: writer } },
    ],
  });
}

async function poll(call, project, processId, deadlineMs = 60000) {
  const until = Date.now() + deadlineMs;
  const seen = [];
  for (;;) {
    const res = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: String(project), TaskType: 'DI_REALTIME', AsyncProcessId: String(processId) });
    assert(res.ok, `Query: ${JSON.stringify(res.body)}`);
    const d = res.body.Data;
    seen.push(`${d.Status}:${d.Message || ''}`);
    if (d.Status === 'success' || d.Status === 'fail') return { data: d, seen };
    assert(d.Status === 'running', `unexpected Status ${d.Status}`);
    assert(Date.now() < until, `no final Status in time: ${seen.slice(-3).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));  // polling interval, not a wait for an outcome
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const goldenDir = args['golden-dir'];
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const project = Number(server.admin('create-project', '--name', 'gen_ws'));
  server.admin('create-resource-group', '--identifier', RG);
  let endpoint = await server.start();
  const checks = new Checks();
  let call = makeCaller('oa3', endpoint, root);

  mysql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; ${ALL_TYPES};
    CREATE TABLE ${DB}.orders (order_id INT UNSIGNED NOT NULL, line SMALLINT NOT NULL, amount DECIMAL(10,2), PRIMARY KEY (order_id, line));
    CREATE TABLE ${DB}.no_pk_log (at DATETIME, msg VARCHAR(200));
    CREATE TABLE ${DB}.odd_type (id INT PRIMARY KEY, addr INET6);`);

  const jdbc = (host, port) => `jdbc:mysql://${host}:${port}/${DB}`;
  const mysqlContent = (password, host = MY.host, port = MY.port) => JSON.stringify({ tag: 'public', jdbcUrl: jdbc(host, port), username: MY.user, password });
  const create = async (Name, DataSourceType, Content) => {
    const res = await call('CreateDataSource', { ProjectId: String(project), Name, DataSourceType, EnvType: '1', Content });
    assert(res.ok, `CreateDataSource ${Name}: ${JSON.stringify(res.body)}`);
    return res.body.Data;
  };
  await create('mysql_src', 'mysql', mysqlContent(MY.password));
  await create('odps_first', 'odps', JSON.stringify({ endpoint: 'http://service.odps.aliyun.com/api', project: 'p', accessId: 'a', accessKey: 'k' }));
  await create('holo_dst', 'holo', JSON.stringify({ tag: 'public', jdbcUrl: 'jdbc:postgresql://holo.example:80/db', username: 'u', password: 'p' }));
  await create('kafka_dst', 'kafka', JSON.stringify({ tag: 'public', bootstrapServers: 'k1:9092' }));
  await create('mysql_badpw', 'mysql', mysqlContent('wrong-password'));
  const closed = await new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  await create('mysql_down', 'mysql', mysqlContent(MY.password, '127.0.0.1', closed));

  const generate = async (param, token) => {
    const params = { ProjectId: String(project), TaskType: 'DI_REALTIME', TaskParam: param };
    if (token) params.ClientToken = token;
    return call('GenerateDISyncTaskConfigForCreating', params);
  };
  const generateOk = async (param, token) => {
    const res = await generate(param, token);
    assert(res.ok && res.body.Success === true && res.body.Data.Status === 'true' && Number.isInteger(res.body.Data.ProcessId) && res.body.Data.Message === '',
      `Generate: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.Data.ProcessId;
  };

  const solutions = [
    ['oneclick_to_odps', 'odps', 'odps_first', 'migration_odps'],
    ['oneclick_to_holo', 'holo', 'holo_dst', 'migration_holo'],
    ['oneclick_to_kafka', 'kafka', 'kafka_dst', 'migration_kafka'],
  ];
  for (const [taskType, writerType, writer, mode] of solutions) {
    await checks.check(`${taskType}: TaskContent equals the golden file, twice`, async () => {
      const param = script(taskType, writerType, writer, ['all_types', 'orders'], { name: `golden_${writerType}` });
      const first = await poll(call, project, await generateOk(param));
      assert(first.data.Status === 'success', `fail: ${first.data.Message}`);
      const content = first.data.TaskContent;
      const parsed = JSON.parse(content);
      assert(parsed.type === 'job' && parsed.extend.mode === mode, `type/mode ${parsed.type}/${parsed.extend.mode}`);
      const rules = parsed.steps[1].parameter.tableMappingRule;
      assert(rules.totalTableMapping === 2, `totalTableMapping ${rules.totalTableMapping}`);
      assert(/^[0-9a-f]{64}$/.test(parsed.extend.schemaFingerprint), 'schemaFingerprint');
      const second = await poll(call, project, await generateOk(param));
      assert(second.data.TaskContent === content, 'the same request twice gave different bytes');
      const file = path.join(goldenDir, `mariadb_${taskType}.json`);
      if (env.DISYNC_UPDATE_GOLDEN === '1') fs.writeFileSync(file, content);
      assert(fs.existsSync(file), `missing golden file ${file} (DISYNC_UPDATE_GOLDEN=1 writes it)`);
      assert(fs.readFileSync(file, 'utf8') === content, `TaskContent differs from ${file}`);
    });
  }

  await checks.check('a TaskContent over 1 MB: the answer the worker prepared equals the ones read from the store', async () => {
    // 120 tables of 60 columns: about 1.4 MB of TaskContent, which the
    // worker escapes while it stores it (jobs/prepared_contents.h) and the
    // first success answer takes; later answers read the store.
    const big = 'disync_golden_big';
    const columns = Array.from({ length: 59 }, (_, i) => `c${i} ${['INT', 'VARCHAR(40)', 'DECIMAL(9,2)', 'DATETIME'][i % 4]} COMMENT 'c"\\\\${i}'`).join(', ');
    const tables = Array.from({ length: 120 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    mysql(`DROP DATABASE IF EXISTS ${big}; CREATE DATABASE ${big}; ` +
      tables.map((t) => `CREATE TABLE ${big}.${t} (id BIGINT PRIMARY KEY, ${columns}) COMMENT 'é "${t}"'`).join('; '));
    const param = JSON.stringify({
      type: 'realtime', version: '1.0', setting: { resourceGroup: RG, name: 'big', taskType: 'oneclick_to_holo' },
      steps: [
        { stepType: 'mysql', name: 'Reader', category: 'reader',
          parameter: { connection: [{ datasourceType: 'mysql', datasource: 'mysql_src',
            selectedTables: [{ dbName: big, schema: [{ tableInfos: tables.map((t) => ({ table: t })) }] }] }] } },
        { stepType: 'holo', name: 'Writer', category: 'writer', parameter: { datasource: 'holo_dst' } },
      ],
    });
    const pid = await generateOk(param);
    const first = await poll(call, project, pid);
    assert(first.data.Status === 'success', `fail: ${first.data.Message}`);
    const content = first.data.TaskContent;
    assert(content.length > (1 << 20), `TaskContent of ${content.length} bytes`);
    const parsed = JSON.parse(content);
    assert(parsed.steps[1].parameter.tableMappingRule.totalTableMapping === 120, 'totalTableMapping');
    for (let i = 0; i < 2; ++i) {
      const again = await poll(call, project, pid);
      assert(again.data.Status === 'success' && again.data.TaskContent === content, `answer ${i + 2} differs from the first`);
    }
    mysql(`DROP DATABASE ${big}`);
  });

  await checks.check('progress: running answers carry the discovery progress, then success', async () => {
    const pid = await generateOk(script('oneclick_to_odps', 'odps', 'odps_first', ['orders']));
    const { data, seen } = await poll(call, project, pid);
    assert(data.Status === 'success', data.Message);
    for (const s of seen.slice(0, -1)) assert(/^running:(queued|running|discovering \d+\/\d+ tables)$/.test(s), `running message ${s}`);
  });

  const failures = [
    ['source unreachable', script('oneclick_to_odps', 'odps', 'odps_first', ['orders'], { source: 'mysql_down' }),
      [/data source "mysql_down"/, /cannot connect|refused|connect/i]],
    ['access denied', script('oneclick_to_odps', 'odps', 'odps_first', ['orders'], { source: 'mysql_badpw' }),
      [/data source "mysql_badpw"/, /Access denied/i]],
    ['table missing', script('oneclick_to_odps', 'odps', 'odps_first', ['orders', 'nope_a', 'nope_b']),
      [/data source "mysql_src"/, new RegExp(`database "${DB}"`), /nope_a/, /nope_b/, /not found/]],
    ['no primary key for Hologres', script('oneclick_to_holo', 'holo', 'holo_dst', ['no_pk_log']),
      [/data source "mysql_src"/, new RegExp(`database "${DB}"`), /table "no_pk_log"/, /primary key/]],
    ['two tables mapped to one target name', script('oneclick_to_odps', 'odps', 'odps_first', ['orders', 'all_types'], { setting: { tableNameRule: 'merged' } }),
      [/orders/, /all_types/, /merged/]],
    ['unsupported type', script('oneclick_to_odps', 'odps', 'odps_first', ['odd_type']),
      [/data source "mysql_src"/, /table "odd_type"/, /addr/, /unsupported type/i]],
  ];
  for (const [name, param, patterns] of failures) {
    await checks.check(`fail: ${name}`, async () => {
      const { data } = await poll(call, project, await generateOk(param));
      assert(data.Status === 'fail', `expected fail, got ${data.Status}`);
      for (const p of patterns) assert(p.test(data.Message), `message ${JSON.stringify(data.Message)} does not match ${p}`);
    });
  }

  await checks.check('a database read in parts (one table a query): the golden bytes, every missing table named', async () => {
    await server.stop();
    server.args = ['--discovery-tables-per-query', '1'];
    endpoint = await server.start();
    call = makeCaller('oa3', endpoint, root);
    try {
      for (const [taskType, writerType, writer] of solutions) {
        const param = script(taskType, writerType, writer, ['all_types', 'orders'], { name: `golden_${writerType}` });
        const { data } = await poll(call, project, await generateOk(param));
        assert(data.Status === 'success', `${taskType} fail: ${data.Message}`);
        const file = path.join(goldenDir, `mariadb_${taskType}.json`);
        assert(fs.readFileSync(file, 'utf8') === data.TaskContent, `${taskType}: TaskContent differs from ${file}`);
      }
      // Missing tables in different parts are named in one message.
      const missing = await poll(call, project, await generateOk(
        script('oneclick_to_odps', 'odps', 'odps_first', ['nope_a', 'orders', 'all_types', 'nope_b'])));
      assert(missing.data.Status === 'fail', `expected fail, got ${missing.data.Status}`);
      for (const p of [/nope_a/, /nope_b/, /not found/]) {
        assert(p.test(missing.data.Message), `message ${JSON.stringify(missing.data.Message)} does not match ${p}`);
      }
      // A missing database, which every part finds missing, is named once.
      const nodb = JSON.parse(script('oneclick_to_odps', 'odps', 'odps_first', ['a', 'b']));
      nodb.steps[0].parameter.connection[0].selectedTables[0].dbName = 'disync_no_such_db';
      const gone = await poll(call, project, await generateOk(JSON.stringify(nodb)));
      assert(gone.data.Status === 'fail', `expected fail, got ${gone.data.Status}`);
      const named = gone.data.Message.split('disync_no_such_db').length - 1;
      assert(/not found/.test(gone.data.Message) && named === 2, `message ${JSON.stringify(gone.data.Message)}`);
    } finally {
      await server.stop();
      server.args = [];
      endpoint = await server.start();
      call = makeCaller('oa3', endpoint, root);
    }
  });

  await checks.check('validation lists every problem with its JSON Pointer', async () => {
    const bad = JSON.parse(script('oneclick_to_holo', 'odps', 'nosuch_writer', ['orders', 'orders']));
    bad.setting.resourceGroup = 'S_res_group_unknown';
    bad.steps[0].parameter.connection[0].datasource = 'nosuch_reader';
    const res = await generate(JSON.stringify(bad));
    assert(!res.ok && res.status === 400 && res.body.Code === 'Invalid.DI.Parameter', `HTTP ${res.status} ${JSON.stringify(res.body)}`);
    for (const p of ['/setting/resourceGroup', '/setting/taskType', '/steps/0/parameter/connection/0/datasource',
      '/steps/1/parameter/datasource', '/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos/1/table']) {
      assert(res.body.Message.includes(p), `${p} missing from ${res.body.Message}`);
    }
    // Too deep for the validator, sent in a form body (a query string that
    // long is refused by the HTTP layer with 431 before it is read).
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const r2 = await makeCaller('pop-post', endpoint, root)('GenerateDISyncTaskConfigForCreating',
      { ProjectId: String(project), TaskType: 'DI_REALTIME', TaskParam: deep });
    assert(!r2.ok && r2.status === 400 && r2.body.Code === 'Invalid.DI.Parameter' && /deep/i.test(r2.body.Message), `deep: HTTP ${r2.status} ${JSON.stringify(r2.body)}`);
    const r3 = await call('GenerateDISyncTaskConfigForCreating', { ProjectId: String(project), TaskType: 'DI_OFFLINE', TaskParam: script('oneclick_to_odps', 'odps', 'odps_first', ['orders']) });
    assert(!r3.ok && r3.body.Code === 'Invalid.DI.Parameter' && r3.body.Message.includes('TaskType'), JSON.stringify(r3.body));
  });

  const tokenParam = script('oneclick_to_odps', 'odps', 'odps_first', ['orders']);
  const token = `tok-${crypto.randomBytes(6).toString('hex')}`;
  let tokenProcess;
  await checks.check('ClientToken: the same request gives the original ProcessId, another is refused', async () => {
    tokenProcess = await generateOk(tokenParam, token);
    assert(await generateOk(tokenParam, token) === tokenProcess, 'replay gave another ProcessId');
    const other = await generate(script('oneclick_to_odps', 'odps', 'odps_first', ['all_types']), token);
    assert(!other.ok && other.status === 400 && other.body.Code === 'Invalid.DI.Parameter' && other.body.Message.includes(token), JSON.stringify(other.body));
  });

  await checks.check('a process acknowledged before kill -9 completes after the restart', async () => {
    // A source that accepts connections and never answers keeps the worker
    // busy; the process is running when the server is killed.
    const sockets = [];
    const blackhole = net.createServer((s) => sockets.push(s));
    await new Promise((r) => blackhole.listen(0, '127.0.0.1', r));
    const id = await create('mysql_slow', 'mysql', mysqlContent(MY.password, '127.0.0.1', blackhole.address().port));
    const pid = await generateOk(script('oneclick_to_odps', 'odps', 'odps_first', ['orders'], { source: 'mysql_slow' }));
    const until = Date.now() + 20000;
    while (sockets.length === 0) {  // the worker has connected: the process is running
      assert(Date.now() < until, 'the worker never connected');
      await new Promise((r) => setTimeout(r, 20));
    }
    // The source comes back while disyncd is down.
    const upd = await call('UpdateDataSource', { DataSourceId: String(id), Content: mysqlContent(MY.password) }, 'PUT');
    assert(upd.ok, JSON.stringify(upd.body));
    await server.stop('SIGKILL');
    blackhole.close();
    sockets.forEach((s) => s.destroy());
    endpoint = await server.start();
    call = makeCaller('oa3', endpoint, root);
    // Requests stamped before the crash's heartbeat floor are refused; poll.
    let res;
    const floorUntil = Date.now() + 10000;
    do { res = await call('ListProjects', {}); } while (!res.ok && Date.now() < floorUntil);
    const { data } = await poll(call, project, pid);
    assert(data.Status === 'success', `after restart: ${data.Status} ${data.Message}`);
    assert(/requeued interrupted generation processes/.test(server.log), 'the restart did not requeue the process');
  });

  await checks.check('ClientTokens survive the restart', async () => {
    assert(await generateOk(tokenParam, token) === tokenProcess, 'replay after restart gave another ProcessId');
  });

  await checks.check('another workspace\'s process is answered like a missing one', async () => {
    const other = Number(server.admin('create-project', '--name', 'gen_other'));
    const res = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: String(other), TaskType: 'DI_REALTIME', AsyncProcessId: String(tokenProcess) });
    const none = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: String(other), TaskType: 'DI_REALTIME', AsyncProcessId: '99999999' });
    assert(res.ok && res.body.Data.Status === 'fail' && none.body.Data.Status === 'fail', JSON.stringify(res.body));
    assert(res.body.Data.Message.replace(String(tokenProcess), 'N') === none.body.Data.Message.replace('99999999', 'N'), `${res.body.Data.Message} vs ${none.body.Data.Message}`);
  });

  await server.stop();
  mysql(`DROP DATABASE ${DB}`);
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
