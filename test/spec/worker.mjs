// Spec runner: the worker thread that runs scripts one after another, so the CLI's main thread
// can stop it when a script hangs (a wasm infinite loop never yields to a timer).
//
// In:  workerData { engine, noCompile, files: [{ index, wastPath, rel }], skipsPath, differencesPath, runtime, progress }
//      (`progress`: an Int32Array over a SharedArrayBuffer, see runScript)
// Out: { type: 'start', index }, { type: 'failure', index, failure }, { type: 'done', index, result }

import { parentPort, workerData } from 'node:worker_threads';
import { createBrokenEngine, createEngine } from './engines.mjs';
import { readDifferences, readSkips, runScript } from './script.mjs';
import { createTextChecker } from './text-check.mjs';
import { convertWast } from './wast-json.mjs';

const { engine: engineName, noCompile, files, skipsPath, differencesPath, runtime, progress } = workerData;

let engine;
try {
  engine = await createEngine(engineName, { noCompile });
} catch (e) {
  engine = createBrokenEngine(engineName, String(e && e.message).split('\n')[0]);
}
const skips = readSkips(skipsPath);
// Engine differences are w2js's: the native engine's own allowances live in engines.mjs.
const differences = engineName === 'w2js' ? readDifferences(differencesPath, runtime) : new Map();
const textRejects = createTextChecker({ noCompile });

for (const { index, wastPath, rel } of files) {
  progress.fill(0);
  parentPort.postMessage({ type: 'start', index });
  let result;
  try {
    const jsonPath = convertWast(wastPath);
    result = await runScript({
      jsonPath,
      rel,
      engine,
      skips,
      differences,
      textRejects,
      progress,
      onFailure: (failure) => parentPort.postMessage({ type: 'failure', index, failure }),
    });
  } catch (e) {
    result = {
      file: rel,
      total: 1,
      passed: 0,
      failed: 1,
      skipped: 0,
      boundary: 0,
      unsupportedRejections: 0,
      differences: 0,
      kinds: { script: { passed: 0, failed: 1, skipped: 0 } },
      failures: [{ line: 0, kind: 'script', message: String(e && e.message).split('\n')[0] }],
    };
  }
  parentPort.postMessage({ type: 'done', index, result });
}
