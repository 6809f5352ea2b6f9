// w2js as a user gets it (issue 12): `npm pack`, installed into a project made by `npm init -y`
// (whose package.json says "commonjs"), then the CLI compiles a module whose output a CommonJS
// script imports, and `node --jitless --import w2js/polyfill` runs a plain WebAssembly loader.
// Also the install size (printed) and what the package carries (kernel/abi, no binaryen).

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { runNode } from '../helpers/run-node.js';
import { repo } from '../kernel/helpers.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'w2js-project-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// Asynchronous: a test blocked in a synchronous npm install stops answering vitest's RPC.
const run = promisify(execFile);
const npm = async (args: string[], cwd: string) =>
  (await run('npm', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } })).stdout;

/** Total bytes of the files under `dir`. */
function du(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += du(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

test('npm init -y, install the packed w2js, compile, import the output; the polyfill by --import', async () => {
  const tarball = path.join(work, (await npm(['pack', '--silent', '--pack-destination', work], repo)).trim().split('\n').at(-1)!);
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  await npm(['init', '-y'], project);
  expect(JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')).type ?? 'commonjs').toBe('commonjs');
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);

  const installed = path.join(project, 'node_modules');
  expect(fs.existsSync(path.join(installed, 'w2js/kernel/abi/wasmlinux_host.h'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'binaryen'))).toBe(false); // an optional peer: only --asyncify needs it
  console.log(`install size: w2js ${(du(path.join(installed, 'w2js')) / 1e6).toFixed(1)} MB, with its dependencies ${(du(installed) / 1e6).toFixed(1)} MB`);

  fs.copyFileSync(path.join(repo, 'test/fixtures/demo/demo.wasm'), path.join(project, 'demo.wasm'));
  await run(path.join(installed, '.bin/w2js'), ['compile', 'demo.wasm', '-o', 'out', '-q'], { cwd: project });
  fs.writeFileSync(path.join(project, 'app.js'), `
    import('./out/index.js').then(async ({ instantiate }) => {
      const { instance } = await instantiate();
      console.log(instance.exports.checksum(7), instance.exports.fib(30));
    });`);
  const app = await runNode([path.join(project, 'app.js')]);
  expect(app.stderr).toBe('');
  expect(app.stdout.trim()).toBe('-1702384147 832040n');

  // A plain WebAssembly loader, where WebAssembly does not exist, with the polyfill by package name.
  fs.writeFileSync(path.join(project, 'loader.mjs'), `
    import fs from 'node:fs';
    const { instance } = await WebAssembly.instantiate(fs.readFileSync('demo.wasm'));
    console.log(instance instanceof WebAssembly.Instance, instance.exports.checksum(7));`);
  const loader = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--jitless', '--import', 'w2js/polyfill', 'loader.mjs'], { cwd: project });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  expect(loader.stdout.trim(), loader.stderr).toBe('true -1702384147');
}, 600_000);
