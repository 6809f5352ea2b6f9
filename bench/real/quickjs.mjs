// bench/real/quickjs.mjs: quickjs (@jitl/quickjs-wasmfile-release-sync through quickjs-emscripten-core's
// loader) evaluating a JS loop: object property writes, array pushes, string building and hashing,
// inside an IIFE (top-level `let`s would clash between evalCode calls in one context). A round
// evaluates it once with `size` iterations in a fresh context.
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';

const program = (n) => `(() => {
  const objects = [];
  let h = 0, text = '';
  for (let i = 0; i < ${n}; i++) {
    const o = { id: i, name: 'item' + i, score: (i * 7919) % 1000 };
    o.double = o.score * 2;
    o.label = o.name.toUpperCase() + ':' + o.double.toString(16);
    if (objects.length < 64) objects.push(o); else objects[i & 63] = o;
    for (let k = 0; k < o.label.length; k++) h = (Math.imul(h, 31) + o.label.charCodeAt(k)) | 0;
    text += o.label.slice(-3);
    if (text.length > 4096) text = text.slice(2048);
  }
  const best = objects.reduce((a, b) => (b.score > a.score ? b : a));
  return JSON.stringify({ h, tail: text.slice(-24), best: best.label, sum: objects.reduce((s, o) => s + o.double, 0) });
})()`;

export async function setup() {
  const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
  return {
    info: {},
    run(size) {
      const vm = QuickJS.newContext();
      try {
        return vm.dump(vm.unwrapResult(vm.evalCode(program(size))));
      } finally {
        vm.dispose();
      }
    },
  };
}
