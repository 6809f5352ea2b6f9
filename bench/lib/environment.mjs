// bench/lib/environment.mjs: what a bench run records about where it ran, and where its JSON goes.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH, ROOT } from './util.mjs';

export function tryExec(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: ROOT }).trim();
  } catch {
    return null;
  }
}

/** Node and V8, CPU, commit (and whether the tree was dirty), load average at start; `extra` merged in. */
export function environment(extra = {}) {
  const cpus = os.cpus();
  const commit = tryExec('git', ['rev-parse', 'HEAD']);
  const dirty = (tryExec('git', ['status', '--porcelain']) ?? '') !== '';
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit: commit ?? 'unknown',
    dirty,
    ...extra,
    // Other work on the machine inflates wall times: the load average before and after the run.
    loadAverage: { start: os.loadavg() },
  };
}

/** Write `report` to results/<date>-<commit><suffix>.json; returns the path. Sets loadAverage.end. */
export function writeResults(report, suffix = '') {
  const env = report.environment;
  env.loadAverage.end ??= os.loadavg();
  const stamp = env.date.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
  const file = path.join(BENCH, 'results', `${stamp}-${env.commit.slice(0, 7)}${suffix}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
