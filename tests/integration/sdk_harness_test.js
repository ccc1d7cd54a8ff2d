#!/usr/bin/env node
'use strict';
// Runs the acceptance harness of ../shared/sdk-harness (suite all: flow,
// errors and transport, with the three client flavours) against a fresh
// disyncd, set up the way a user would: a workspace, a user with an access
// key and the admin role, the resource groups and the data sources the
// harness's script names (mysql_pub with a table `xyx` in the test MariaDB,
// odps_first). Passes the workspace id with --project-id.
//
// usage: node sdk_harness_test.js --disyncd build/bin/disyncd
const { execFileSync, spawn } = require('child_process');
const path = require('path');
const crypto = require('crypto');
const { Disyncd, assert, parseArgs, makeCaller } = require('./lib/disyncd');

const env = process.env;
const harness = env.DISYNC_SDK_HARNESS_DIR;
function skip(msg) {
  if (env.CI) { console.log(`not ok - ${msg}`); console.log('0 passed, 1 failed'); process.exit(1); }
  console.log(`# SKIP ${msg}`);
  process.exit(77);
}
if (!env.DISYNC_TEST_MYSQL_HOST) skip('DISYNC_TEST_MYSQL_* are not set: run through scripts/run-tests.sh');
if (!harness) skip('DISYNC_SDK_HARNESS_DIR is not set: run scripts/install-deps.sh');
const MY = { host: env.DISYNC_TEST_MYSQL_HOST, port: env.DISYNC_TEST_MYSQL_PORT, user: env.DISYNC_TEST_MYSQL_USER, password: env.DISYNC_TEST_MYSQL_PASSWORD };
const DB = `disync_harness_${crypto.randomBytes(4).toString('hex')}`;

function mysql(sql) {
  execFileSync('mysql', ['-h', MY.host, '-P', String(MY.port), '-u', MY.user, '-e', sql],
    { env: { ...process.env, MYSQL_PWD: MY.password }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = new Disyncd(args.disyncd);
  const project = server.admin('create-project', '--name', 'harness_ws');
  server.admin('create-user', '--user-id', 'harness');
  const keyLines = server.admin('create-access-key', '--user-id', 'harness');
  const key = {
    id: keyLines.match(/DISYNC_ACCESS_KEY_ID=(\S+)/)[1],
    secret: keyLines.match(/DISYNC_ACCESS_KEY_SECRET=(\S+)/)[1],
  };
  server.admin('add-member', '--project', project, '--user-id', 'harness', '--role', 'role_project_admin');
  server.admin('create-resource-group', '--identifier', 'S_res_group_280749521950784_1623033752022');
  server.admin('create-resource-group', '--identifier', 'S_res_group_demo');
  mysql(`CREATE DATABASE ${DB}; CREATE TABLE ${DB}.xyx (id BIGINT PRIMARY KEY, name VARCHAR(64), amount DECIMAL(12,2), created DATETIME)`);
  const endpoint = await server.start();
  const call = makeCaller('oa3', endpoint, key);
  for (const [Name, DataSourceType, content] of [
    ['mysql_pub', 'mysql', { tag: 'public', jdbcUrl: `jdbc:mysql://${MY.host}:${MY.port}/${DB}`, username: MY.user, password: MY.password }],
    ['odps_first', 'odps', { endpoint: 'http://service.odps.aliyun.com/api', project: 'harness', accessId: 'AKID', accessKey: 'harness-odps-key' }],
  ]) {
    const res = await call('CreateDataSource', { ProjectId: project, Name, DataSourceType, EnvType: '1', Content: JSON.stringify(content) });
    assert(res.ok, `CreateDataSource ${Name}: ${JSON.stringify(res.body)}`);
  }

  const run = spawn(process.execPath, [path.join(harness, 'run.js'), '--endpoint', endpoint,
    '--access-key-id', key.id, '--access-key-secret', key.secret, '--project-id', project,
    '--suite', 'all', '--poll-interval', '200', '--poll-timeout', '60'], { stdio: 'inherit' });
  const code = await new Promise((resolve) => run.on('exit', (c) => resolve(c)));
  const stopped = await server.stop();
  mysql(`DROP DATABASE ${DB}`);
  if (code !== 0) console.log(`# disyncd log:\n${server.log.split('\n').slice(-40).join('\n')}`);
  server.cleanup();
  process.exit(code === 0 && stopped.code === 0 ? 0 : 1);
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
