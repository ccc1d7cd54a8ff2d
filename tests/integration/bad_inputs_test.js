#!/usr/bin/env node
'use strict';
// The bad-input corpus of tests/data/bad-scripts, table-driven through the
// real server: every file is a malformed or wrong TaskParam (or TaskContent)
// with the HTTP status, Code and JSON Pointer(s) its answer must carry. After
// the corpus the server still serves, and nothing stored was changed.
//
// usage: node bad_inputs_test.js --disyncd build/bin/disyncd --corpus tests/data/bad-scripts
const fs = require('fs');
const path = require('path');
const { Disyncd, Checks, assert, randomKey, parseArgs, makeCaller, signV3, formBody, sendSigned } = require('./lib/disyncd');

function param(c) {
  if (c.param_base64 !== undefined) return Buffer.from(c.param_base64, 'base64');
  let p = c.param;
  if (c.fill) {
    const fill = c.fill.deep ? '['.repeat(c.fill.deep) + ']'.repeat(c.fill.deep) : c.fill.char.repeat(c.fill.bytes);
    p = p.replace(c.fill.marker, fill);
  }
  return p;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = randomKey();
  const server = new Disyncd(args.disyncd, { env: { DISYNC_ROOT_ACCESS_KEY_ID: root.id, DISYNC_ROOT_ACCESS_KEY_SECRET: root.secret } });
  const project = server.admin('create-project', '--name', 'bad_ws');
  server.admin('create-resource-group', '--identifier', 'S_res_group_demo');
  const endpoint = await server.start();
  const host = new URL(endpoint).host;
  const call = makeCaller('oa3', endpoint, root);
  const jdbc = { tag: 'public', jdbcUrl: 'jdbc:mysql://127.0.0.1:1/shop', username: 'u', password: 'p' };
  for (const [Name, DataSourceType, content] of [
    ['mysql_pub', 'mysql', jdbc],
    ['odps_first', 'odps', { endpoint: 'http://e', project: 'p', accessId: 'a', accessKey: 'k' }],
    ['holo_pub', 'holo', { ...jdbc, jdbcUrl: 'jdbc:postgresql://127.0.0.1:1/db' }],
    ['kafka_pub', 'kafka', { tag: 'public', bootstrapServers: 'k:9092' }],
  ]) {
    const res = await call('CreateDataSource', { ProjectId: project, Name, DataSourceType, EnvType: '1', Content: JSON.stringify(content) });
    assert(res.ok, JSON.stringify(res.body));
  }
  const before = await call('ListDataSources', { ProjectId: project, PageSize: '100' });

  const checks = new Checks();
  const files = fs.readdirSync(args.corpus).filter((f) => f.endsWith('.json')).sort();
  assert(files.length >= 60, `the corpus has ${files.length} cases, fewer than 60`);
  for (const file of files) {
    const c = JSON.parse(fs.readFileSync(path.join(args.corpus, file), 'utf8'));
    await checks.check(`${file}: ${c.about}`, async () => {
      const params = { ProjectId: project, TaskType: c.task_type };
      const p = param(c);
      if (c.action === 'CreateDISyncTask') {
        params.TaskContent = p;
        params.TaskParam = c.task_param || '{"FileFolderPath":"Business Flow/bad/Data Integration","ResourceGroup":"S_res_group_demo"}';
        params.TaskName = c.task_name || file.replace(/\.json$/, '');
      } else {
        params.TaskParam = p;
      }
      for (const k of Object.keys(params)) if (params[k] === '' || (Buffer.isBuffer(params[k]) && params[k].length === 0)) delete params[k];
      const res = await sendSigned(endpoint, signV3(root, { action: c.action, host, body: formBody(params) }));
      const e = c.expect;
      if (e.code === 'fail') {
        // In-band functional failure: HTTP 200, Data.Status fail.
        assert(res.status === 200 && res.body.Data && res.body.Data.Status === 'fail', `expected an in-band fail, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        for (const ptr of e.pointers) assert(res.body.Data.Message.includes(`${ptr}:`), `pointer ${ptr} missing from ${res.body.Data.Message.slice(0, 500)}`);
        return;
      }
      assert(res.status === e.status && res.body.Code === e.code, `expected ${e.status} ${e.code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      assert(typeof res.body.RequestId === 'string' && typeof res.body.Message === 'string', 'error body fields');
      for (const ptr of e.pointers) {
        const shown = ptr === '' ? '(root):' : `${ptr}:`;
        assert(res.body.Message.includes(shown), `pointer ${shown} missing from ${res.body.Message.slice(0, 500)}`);
      }
    });
  }

  await checks.check('after the corpus the server serves and nothing stored changed', async () => {
    const after = await call('ListDataSources', { ProjectId: project, PageSize: '100' });
    assert(after.ok && JSON.stringify(after.body.Data.DataSources) === JSON.stringify(before.body.Data.DataSources), 'the data sources changed');
    const st = await server.stop();
    assert(st.code === 0, `exit ${JSON.stringify(st)}: the server did not survive the corpus`);
  });
  server.cleanup();
  process.exit(checks.finish());
}

main().catch((e) => { console.log(`not ok - crashed: ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
