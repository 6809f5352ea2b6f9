// The parent side of worker.mjs: one child process at a time runs cases; a step of a case that
// exceeds its time limit (the worker's status file says which step it is in: compile, or which
// call) gets the child killed (result `hang`, with the step); a child that dies mid-case gives
// `crash`. The child is replaced after `recycle` cases to bound its memory (every
// loaded output stays in its module cache).

import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const workerPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.mjs');

/** Runs jobs in a child process with a time limit each. */
export class CaseRunner {
  constructor({ timeoutMs = 30_000, callTimeoutMs = 10_000, recycle = 200, env = {} } = {}) {
    this.env = env;
    this.timeoutMs = timeoutMs;
    this.callTimeoutMs = callTimeoutMs;
    this.recycle = recycle;
    this.child = undefined;
    this.jobs = 0;
    this.nextId = 0;
    this.statusFile = path.join(os.tmpdir(), `w2js-fuzz-status-${process.pid}-${Math.random().toString(36).slice(2)}`);
  }

  /** Start the child and wait until it is ready (it loads the compiler first). */
  async start() {
    const child = fork(workerPath, [], {
      env: { ...process.env, ...this.env, W2JS_FUZZ_STATUS: this.statusFile, W2JS_FUZZ_TIMEOUT: String(this.timeoutMs) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderrTail = '';
    child.stderr.on('data', (d) => (child.stderrTail = (child.stderrTail + d).slice(-4000)));
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`fuzz worker exited (${code}) before it was ready: ${child.stderrTail}`)));
    });
    child.removeAllListeners('exit');
    this.child = child;
    this.jobs = 0;
  }

  /** The step the child last reported for the current case. */
  lastStep() {
    try {
      return fs.readFileSync(this.statusFile, 'utf8').split('\t')[1] ?? '?';
    } catch {
      return '?';
    }
  }

  /** Kill the child and remove the scratch directories it could not (binaryen-tools, engines). */
  kill() {
    const child = this.child;
    if (!child) return;
    child.removeAllListeners();
    child.kill('SIGKILL');
    this.child = undefined;
    for (const name of fs.readdirSync(os.tmpdir())) {
      if (name.startsWith(`w2js-fuzz-${child.pid}-`) || name.startsWith(`w2js-fuzz-out-${child.pid}-`)) {
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  }

  /**
   * Run `job` (see worker.mjs); resolves to the worker's result, or { status: 'hang', step } or
   * { status: 'crash', detail } when the child did not answer. `timeoutMs` overrides the default.
   */
  async run(job, timeoutMs = this.timeoutMs) {
    if (this.child && this.jobs >= this.recycle) await this.stop();
    if (!this.child) await this.start();
    const child = this.child;
    const id = this.nextId++;
    this.jobs++;
    fs.writeFileSync(this.statusFile, `${id}\tsent`);
    return new Promise((resolve) => {
      const finish = (value) => {
        clearTimeout(guard);
        clearInterval(watch);
        child.removeListener('message', onMessage);
        child.removeListener('exit', onExit);
        resolve(value);
      };
      let stepLimit = timeoutMs;
      const onMessage = (m) => {
        if (m.id !== id) return;
        if (m.extend !== undefined) {
          stepLimit = m.extend; // the worker knows the case's size now: a big module gets more time
          return;
        }
        if (m.error) finish({ status: 'harness-error', detail: m.error });
        else finish(m.result);
      };
      const onExit = (code, signal) => {
        this.child = undefined;
        finish({ status: 'crash', detail: `worker died (${signal ?? code}) in step "${this.lastStep()}": ${child.stderrTail.slice(-1500)}` });
      };
      const onTimeout = (what) => {
        const step = this.lastStep();
        this.kill();
        finish({ status: 'hang', step, detail: `${what}, in step "${step}"` });
      };
      // Limits per step (worker.mjs writes the step it is in): an instantiation or export call
      // gets callTimeoutMs, and through w2js also 50 times what the same call took natively (a
      // mutant without its hang limit may loop for seconds, and w2js is slower); any other step
      // (generate, validate, compile) gets the case limit. The whole case gets ten times that.
      const nativeTime = new Map();
      let seen = '';
      let since = Date.now();
      const watch = setInterval(() => {
        const now = Date.now();
        const step = this.lastStep();
        if (step !== seen) {
          if (/^(denan )?native (call|instantiate)/.test(seen)) nativeTime.set(seen.replace(/^(denan )?native /, ''), now - since);
          [seen, since] = [step, now];
          return;
        }
        const call = /\b(call|instantiate)\b/.test(step);
        const native = nativeTime.get(step.replace(/^(denan )?\w+ /, '')) ?? 0;
        const limit = call ? Math.max(this.callTimeoutMs, /\bw2js\b/.test(step) ? 50 * native : 0) : stepLimit;
        if (now - since > limit) onTimeout(`step over ${limit} ms`);
      }, 250);
      const guard = setTimeout(() => onTimeout(`case over ${10 * timeoutMs} ms`), 10 * timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, job });
    });
  }

  /** Ask the child to exit (it cleans its scratch directories), or kill it after 5 s. */
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.send('exit');
    });
    fs.rmSync(this.statusFile, { force: true });
    fs.rmSync(`${this.statusFile}.tmp`, { force: true });
  }
}
