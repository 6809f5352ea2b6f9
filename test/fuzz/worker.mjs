// The child process that runs fuzz cases for runner.mjs, one at a time, so a hang or a crash
// (V8 fatal error, out of memory) takes down only this process. Before each step it writes the
// step to a status file synchronously, so the parent can say where a hang happened even though
// this process's event loop is stuck.
//
// Messages in: { id, job }, job one of
//   { kind: 'differential', seed }   generate ttf module `seed`, run it on both engines
//   { kind: 'malformed', seed }      mutate, validate, compile (and run if valid and ttf-based)
//   { kind: 'module', bytes }        check these bytes as the differential fuzzer would
//   { kind: 'mutant', bytes, run }   check these bytes as the malformed fuzzer would
// Messages out: { id, extend: ms } once the case's size is known (its time limit), then
// { id, result }, or { id, error } when the harness itself failed.

import fs from 'node:fs';
import { cleanScratch } from './binaryen-tools.mjs';
import { checkModule, differentialCase } from './differential.mjs';
import { cleanOutputs } from './engines.mjs';
import { checkMalformed, malformedInput } from './malformed.mjs';

const statusFile = process.env.W2JS_FUZZ_STATUS;
const baseTimeout = Number(process.env.W2JS_FUZZ_TIMEOUT ?? 30_000);

/** The time limit of a case of `size` bytes: the base, plus 10 s per MB (w2js compiles ~0.3 MB/s). */
const caseTimeout = (size) => baseTimeout + Math.ceil((size / 1e6) * 10_000);

/** Record the current step; written aside and renamed, so the parent never reads it half-written. */
function step(id, name) {
  if (!statusFile) return;
  fs.writeFileSync(`${statusFile}.tmp`, `${id}\t${name}`);
  fs.renameSync(`${statusFile}.tmp`, statusFile);
}

async function runJob(id, job) {
  const onStep = (s) => step(id, s);
  if (job.kind === 'differential') return differentialCase(job.seed, onStep);
  if (job.kind === 'malformed') {
    onStep('generate');
    let input;
    try {
      input = await malformedInput(job.seed);
    } catch (e) {
      return { status: 'generator-error', detail: String(e?.message ?? e).slice(0, 500) };
    }
    process.send({ id, extend: caseTimeout(input.bytes.length) });
    const result = await checkMalformed(input.bytes, { differential: input.ttf, onStep });
    return { ...result, source: input.source, mutations: input.mutations, size: input.bytes.length };
  }
  const bytes = new Uint8Array(Buffer.from(job.bytes, 'base64'));
  process.send({ id, extend: caseTimeout(bytes.length) });
  if (job.kind === 'module') return checkModule(bytes, onStep, { denan: job.denan ?? true });
  if (job.kind === 'mutant') return checkMalformed(bytes, { differential: job.run ?? false, onStep });
  throw new Error(`unknown job kind ${job.kind}`);
}

process.on('message', async (message) => {
  if (message === 'exit') {
    cleanScratch();
    cleanOutputs();
    process.exit(0);
  }
  const { id, job } = message;
  let reply;
  try {
    reply = { id, result: await runJob(id, job) };
  } catch (e) {
    reply = { id, error: String(e?.stack ?? e) };
  }
  step(id, 'idle');
  process.send(reply);
});

process.on('exit', () => {
  cleanScratch();
  cleanOutputs();
});
process.send({ ready: true });
