// bench/real/sqlite.mjs: @sqlite.org/sqlite-wasm through its own loader (browser-env.mjs gives it
// the page it expects): a round opens an in-memory database, inserts `size` rows with an index in
// one transaction through a prepared statement, runs an aggregate query with GROUP BY and a join
// on itself, and closes it.
import '../../test/polyfill/workloads/browser-env.mjs'; // the page shim the polyfill tests use
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';

export async function setup() {
  const sqlite3 = await sqlite3InitModule({ print: () => {}, printErr: () => {} });
  return {
    info: { version: sqlite3.version.libVersion },
    run(size) {
      const db = new sqlite3.oo1.DB(':memory:', 'c');
      try {
        db.exec('create table t(a integer primary key, b text, c real, g integer); create index t_g on t(g)');
        db.transaction(() => {
          const stmt = db.prepare('insert into t(b, c, g) values (?, ?, ?)');
          for (let i = 0; i < size; i++) stmt.bind([`row ${(i * 2654435761) % 1000003}`, i / 7, i % 97]).stepReset();
          stmt.finalize();
        });
        const rows = db.selectArrays(`select g, count(*), sum(a), max(b), round(sum(c), 3), round(avg(length(b)), 4) from t where a % 3 <> 1 group by g order by g`);
        const join = db.selectArrays('select count(*), round(sum(x.c - y.c), 3) from t x join t y on y.a = x.a + 1 and y.g = x.g + 1');
        return JSON.stringify({ rows: rows.length, first: rows[0], last: rows.at(-1), join });
      } finally {
        db.close();
      }
    },
  };
}
