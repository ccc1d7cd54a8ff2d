#!/usr/bin/env node
'use strict';
// Faulty sources: generations whose source MariaDB is stopped, never
// answers, refuses the password, has lost its privileges, or loses a table
// in the middle of discovery. Each process fails with a clear message within
// its timeout, and disyncd and a healthy generation beside them are
// unaffected.
//
// usage: node faulty_sources_test.js --disyncd build/bin/disyncd
const { execFileSync } = require('child_process');
const net = require('net');
const crypto = require('crypto');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller } = require('./lib/disyncd');

const env = process.env;
if (!env.DISYNC_TEST_MYSQL_HOST) {
  const msg = 'DISYNC_TEST_MYSQL_* are not set: run through scripts/run-tests.sh';
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: Number(env.DISYNC_TEST_MYSQL_PORT), user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
const tag = crypto.randomBytes(4).toString('hex');
const DB = `disync_faulty_${tag}`;
const LIMITED = `disync_lim_${tag}`;
const LIMITED_PW = crypto.randomBytes(12).toString('hex');
const RG = 'S_res_group_demo';
function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}

// A TCP proxy in front of the test MariaDB. `hold(pattern, action)` holds the
// first client packet whose bytes contain `pattern`, runs `action`, then
// lets it through; close() stops the "server".
class Proxy {
  constructor() { this.sockets = new Set(); this.holds = []; }
  async start() {
    this.server = net.createServer((client) => {
      const upstream = net.connect(MY.port, MY.host);
      this.sockets.add(client); this.sockets.add(upstream);
      client.on('data', async (chunk) => {
        const hold = this.holds.find((h) => !h.done && chunk.includes(h.pattern));
        if (hold) { hold.done = true; client.pause(); await hold.action(); client.resume(); }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => client.write(chunk));
      const end = () => { client.destroy(); upstream.destroy(); };
      client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
    });
    await new Promise((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = this.server.address().port;
  }
  hold(pattern, action) { this.holds.push({ pattern: Buffer.from(pattern), action, done: false }); }
  close() { this.server.close(); for (const s of this.sockets) s.destroy(); }
}

const script = (source, tables) => JSON.stringify({
  type: 'realtime', version: '1.0', setting: { resourceGroup: RG, taskType: 'oneclick_to_odps' },
  steps: [
    { stepType: 'mysql', name: 'Reader', category: 'reader', parameter: { connection: [{ datasourceType: 'mysql', datasource: source, table: tables }] } },
    { stepType: 'odps', name: 'Writer', category: 'writer', parameter: { datasource: 'odps_first' } },
  ],
});

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const project = server.admin('create-project', '--name', 'faulty_ws');
  server.admin('create-resource-group', '--identifier', RG);
  mysql(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t1 (id INT PRIMARY KEY); CREATE TABLE ${DB}.t2 (id INT PRIMARY KEY);
    CREATE TABLE ${DB}.doomed (id INT PRIMARY KEY, v TEXT);
    CREATE USER '${LIMITED}'@'%' IDENTIFIED BY '${LIMITED_PW}'; GRANT SELECT ON ${DB}.* TO '${LIMITED}'@'%';`);
  const endpoint = await server.start();
  const call = makeCaller('oa3', endpoint, root);
  const content = (port, user = MY.user, password = MY.password) => JSON.stringify({ tag: 'public', jdbcUrl: `jdbc:mysql://127.0.0.1:${port}/${DB}`, username: user, password });
  const stopped = new Proxy(); await stopped.start();
  const dropping = new Proxy(); await dropping.start();
  const sockets = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  for (const [Name, DataSourceType, c] of [
    ['healthy', 'mysql', content(MY.port)],
    ['stopped', 'mysql', content(stopped.port)],
    ['silent', 'mysql', content(silent.address().port)],
    ['bad_password', 'mysql', content(MY.port, MY.user, 'not-the-password')],
    ['revoked', 'mysql', content(MY.port, LIMITED, LIMITED_PW)],
    ['dropping', 'mysql', content(dropping.port)],
    ['odps_first', 'odps', JSON.stringify({ endpoint: 'http://e', project: 'p', accessId: 'a', accessKey: 'k' })],
  ]) {
    const res = await call('CreateDataSource', { ProjectId: project, Name, DataSourceType, EnvType: '1', Content: c });
    assert(res.ok, JSON.stringify(res.body));
  }
  const generate = async (source, tables = ['t1', 't2']) => {
    const res = await call('GenerateDISyncTaskConfigForCreating', { ProjectId: project, TaskType: 'DI_REALTIME', TaskParam: script(source, tables) });
    assert(res.ok, JSON.stringify(res.body));
    return res.body.Data.ProcessId;
  };
  const outcome = async (pid, deadlineMs) => {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const q = await call('QueryDISyncTaskConfigProcessResult', { ProjectId: project, TaskType: 'DI_REALTIME', AsyncProcessId: String(pid) });
      assert(q.ok, JSON.stringify(q.body));
      if (q.body.Data.Status !== 'running') return q.body.Data;
      assert(Date.now() < until, `process ${pid} still running after ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const checks = new Checks();

  // Stop the "server" before generating: connection refused.
  stopped.close();
  // Revoke the limited user's privileges.
  mysql(`REVOKE SELECT ON ${DB}.* FROM '${LIMITED}'@'%'`);
  // Drop a table between the table list and the column query.
  dropping.hold('COLUMNS', async () => mysql(`DROP TABLE ${DB}.doomed`));

  const cases = [
    ['the source MariaDB is stopped', 'stopped', undefined, [/data source "stopped"/, /cannot connect|refused/i]],
    ['the source never answers (connect timeout)', 'silent', undefined, [/data source "silent"/, /time(d)? ?out|timeout|Lost connection|handshake/i]],
    ['a wrong password', 'bad_password', undefined, [/data source "bad_password"/, /Access denied/i]],
    ['privileges revoked', 'revoked', undefined, [/data source "revoked"/, /denied|not found/i]],
    ['a table dropped in the middle of discovery', 'dropping', ['t1', 'doomed'], [/data source "dropping"/, /doomed/]],
  ];
  // All at once, with a healthy generation beside them.
  const started = Date.now();
  const pids = await Promise.all(cases.map(([, source, tables]) => generate(source, tables)));
  const healthy = await generate('healthy');
  const results = await Promise.all(pids.map((pid) => outcome(pid, 60000)));
  for (const [i, [name, , , patterns]] of cases.entries()) {
    await checks.check(`${name}: the process fails with a clear message`, async () => {
      const d = results[i];
      assert(d.Status === 'fail', `expected fail, got ${d.Status} ${d.TaskContent ? '(content)' : d.Message}`);
      for (const p of patterns) assert(p.test(d.Message), `message ${JSON.stringify(d.Message)} does not match ${p}`);
      console.log(`# ${d.Message}`);
    });
  }
  await checks.check('every faulty process ended within its connect/read timeouts', async () => {
    assert(Date.now() - started < 40000, `took ${Date.now() - started} ms`);
  });
  await checks.check('a healthy generation beside them succeeds, and disyncd keeps serving', async () => {
    const d = await outcome(healthy, 60000);
    assert(d.Status === 'success', `${d.Status} ${d.Message}`);
    const res = await call('ListProjects', {});
    assert(res.ok, JSON.stringify(res.body));
  });
  await checks.check('disyncd stops cleanly', async () => {
    silent.close(); sockets.forEach((s) => s.destroy()); dropping.close();
    const st = await server.stop();
    assert(st.code === 0, JSON.stringify(st));
  });
  mysql(`DROP DATABASE ${DB}; DROP USER '${LIMITED}'@'%'`);
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
