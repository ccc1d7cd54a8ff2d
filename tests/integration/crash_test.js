#!/usr/bin/env node
'use strict';
// Crash cycles: clients submit generations and task creations concurrently
// while disyncd is killed with SIGKILL at random moments and restarted on
// the same data directory. After every restart each acknowledged ProcessId
// and FileId must exist; at the end every process must have ended in
// success or fail. Prints the counts.
//
// usage: node crash_test.js --disyncd build/bin/disyncd [--cycles 20]
const { execFileSync } = require('child_process');
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
const DB = `disync_crash_${crypto.randomBytes(4).toString('hex')}`;
const RG = 'S_res_group_demo';
function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}
const script = (name) => JSON.stringify({
  type: 'realtime', version: '1.0', setting: { resourceGroup: RG, taskType: 'oneclick_to_odps', name },
  steps: [
    { stepType: 'mysql', name: 'Reader', category: 'reader', parameter: { connection: [{ datasourceType: 'mysql', datasource: 'mysql_src', table: ['t1', 't2'] }] } },
    { stepType: 'odps', name: 'Writer', category: 'writer', parameter: { datasource: 'odps_first' } },
  ],
});
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cycles = Number(args.cycles || 20);
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const project = server.admin('create-project', '--name', 'crash_ws');
  server.admin('create-resource-group', '--identifier', RG);
  mysql(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t1 (id INT PRIMARY KEY, v VARCHAR(10)); CREATE TABLE ${DB}.t2 (id BIGINT PRIMARY KEY)`);
  let endpoint = await server.start();
  let call = makeCaller('oa3', endpoint, root);
  // Retries what a restart refuses: requests stamped before its heartbeat
  // floor, and connection errors while the server is down.
  const robust = async (action, params) => {
    for (let i = 0; i < 200; i++) {
      const res = await call(action, params);
      if (res.ok || (res.body && res.body.Code && res.body.Code !== 'SignatureNonceUsed')) return res;
      await pause(50);
    }
    throw new Error(`${action} kept failing`);
  };
  for (const [Name, DataSourceType, content] of [
    ['mysql_src', 'mysql', { tag: 'public', jdbcUrl: `jdbc:mysql://${MY.host}:${MY.port}/${DB}`, username: MY.user, password: MY.password }],
    ['odps_first', 'odps', { endpoint: 'http://e', project: 'p', accessId: 'a', accessKey: 'k' }],
  ]) {
    const res = await call('CreateDataSource', { ProjectId: project, Name, DataSourceType, EnvType: '1', Content: JSON.stringify(content) });
    assert(res.ok, JSON.stringify(res.body));
  }
  // One TaskContent to create tasks from.
  const first = await call('GenerateDISyncTaskConfigForCreating', { ProjectId: project, TaskType: 'DI_REALTIME', TaskParam: script('seed_task') });
  assert(first.ok, JSON.stringify(first.body));
  let content;
  for (let i = 0; i < 600 && !content; i++) {
    const q = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: project, TaskType: 'DI_REALTIME', AsyncProcessId: String(first.body.Data.ProcessId) });
    if (q.body.Data.Status === 'success') content = q.body.Data.TaskContent;
    assert(q.body.Data.Status !== 'fail', q.body.Data.Message);
    if (!content) await pause(50);
  }
  assert(content, 'no TaskContent to start from');

  const checks = new Checks();
  const processes = new Set();
  const files = new Set();
  let attempted = 0;
  let n = 0;
  for (let cycle = 0; cycle < cycles; cycle++) {
    let stop = false;
    const client = async (kind) => {
      while (!stop) {
        attempted++;
        const i = n++;
        try {
          if (kind === 'generate') {
            const res = await call('GenerateDISyncTaskConfigForCreating', { ProjectId: project, TaskType: 'DI_REALTIME', TaskParam: script(`gen_${i}`), ClientToken: `crash-${i}` });
            if (res.ok) processes.add(res.body.Data.ProcessId);
          } else {
            const res = await call('CreateDISyncTask', { ProjectId: project, TaskType: 'DI_REALTIME', TaskContent: content,
              TaskParam: JSON.stringify({ FileFolderPath: 'Business Flow/crash/Data Integration', ResourceGroup: RG }), TaskName: `task_${i}` });
            if (res.ok && res.body.Data.Status === 'success') files.add(res.body.Data.FileId);
          }
        } catch (e) { /* the server died under the request: not acknowledged */ }
      }
    };
    const clients = [client('generate'), client('generate'), client('create'), client('create')];
    await pause(50 + Math.floor(Math.random() * 400));  // the kill lands at a random moment
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(clients);
    endpoint = await server.start();
    call = makeCaller('oa3', endpoint, root);
    await checks.check(`cycle ${cycle + 1}: every acknowledged ProcessId and FileId exists after the restart`, async () => {
      for (const id of processes) {
        const q = await robust('QueryDISyncTaskConfigProcessResult', { ProjectId: project, TaskType: 'DI_REALTIME', AsyncProcessId: String(id) });
        assert(!/is invalid/.test(q.body.Data.Message || ''), `ProcessId ${id} was acknowledged and is gone`);
      }
      for (const id of files) {
        const g = await robust('GetDISyncTask', { ProjectId: project, TaskType: 'DI_REALTIME', FileId: String(id) });
        assert(g.body.Data && g.body.Data.Status === 'success' && g.body.Data.Code === content, `FileId ${id} was acknowledged and is gone or changed`);
      }
    });
  }
  await checks.check('every process ends in success or fail', async () => {
    const counts = { success: 0, fail: 0 };
    for (const id of processes) {
      let status;
      for (let i = 0; i < 1200; i++) {
        const q = await robust('QueryDISyncTaskConfigProcessResult', { ProjectId: project, TaskType: 'DI_REALTIME', AsyncProcessId: String(id) });
        status = q.body.Data.Status;
        if (status === 'success' || status === 'fail') break;
        await pause(50);
      }
      assert(status === 'success' || status === 'fail', `ProcessId ${id} is still ${status}`);
      counts[status]++;
    }
    console.log(`# ${cycles} crash cycles: ${attempted} requests sent, ${processes.size} processes and ${files.size} tasks acknowledged; processes ended ${counts.success} success, ${counts.fail} fail`);
  });
  await server.stop();
  mysql(`DROP DATABASE ${DB}`);
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
