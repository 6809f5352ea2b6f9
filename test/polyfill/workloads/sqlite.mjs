// @sqlite.org/sqlite-wasm through its own loader: open a database, insert rows in a transaction,
// query. Prints one JSON line (the same on native WebAssembly and on the polyfill).
import './browser-env.mjs';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';

const sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
const db = new sqlite3.oo1.DB(':memory:', 'c');
db.exec('create table t(a integer primary key, b text, c real)');
db.transaction(() => {
  const stmt = db.prepare('insert into t(b, c) values (?, ?)');
  for (let i = 0; i < 2000; i++) stmt.bind([`row ${i}`, i / 7]).stepReset();
  stmt.finalize();
});
const rows = db.selectArrays('select count(*), sum(a), max(b), round(sum(c), 3) from t where a % 7 = 3');
console.log(JSON.stringify({ version: sqlite3.version.libVersion, rows, polyfilled: !String(WebAssembly.Module).includes('[native code]') }));
db.close();
