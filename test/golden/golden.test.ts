// Golden outputs: small modules → committed JS, reviewed when they change (`vitest -u`).
// Each is also run, so a golden file can never be wrong and still pass.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { load, wat } from '../helpers/wasm.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('golden', () => {
  it('control.wat', async () => {
    const bytes = wat(fs.readFileSync(path.join(here, 'modules/control.wat'), 'utf8'));
    const { files } = compile(bytes, { filename: 'control.wasm' });
    await expect(files.get('index.js')).toMatchFileSnapshot(path.join(here, 'outputs/control.js'));
    const { exports } = await load(bytes);
    expect(exports.fib(20)).toBe(6765);
    expect(exports.apply(0, 41)).toBe(42);
    expect(exports.apply(1, 10)).toBe(55);
    new Uint32Array(exports.memory.buffer, 0, 3).set([1, 0xffffffff, 5]);
    expect(exports.sum(0, 3)).toBe(4294967301n);
    expect([0, 1, 2, 3, 99].map(exports.classify)).toEqual([100, 200, 200, 300, 300]);
    expect(() => exports.apply(2, 0)).toThrow(/undefined element/);
  });
});
