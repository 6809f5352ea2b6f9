// sql.js (SQLite, another Emscripten build than @sqlite.org/sqlite-wasm): a prepared insert of
// 5 000 rows and an aggregate query.
import { createRequire } from 'node:module';
import { digest, report } from './text.mjs';

const SQL = await createRequire(import.meta.url)('sql.js')();
const db = new SQL.Database();
db.run('create table t(a integer, b text, c real)');
const insert = db.prepare('insert into t values (?, ?, ?)');
for (let i = 0; i < 5000; i++) insert.run([i, `v${(i * 7) % 1000}`, i / 7]);
insert.free();
const rows = db.exec("select count(*), sum(a), group_concat(b, ''), avg(c), max(length(b)) from t where a % 3 = 1")[0].values;
report({ rows: await digest(JSON.stringify(rows)), count: rows[0][0], avg: rows[0][3] });
db.close();
