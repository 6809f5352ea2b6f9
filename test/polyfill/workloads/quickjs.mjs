// quickjs through its package API (quickjs-emscripten-core with the release-sync variant):
// evaluate a JS loop. Prints one JSON line.
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';

const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
const vm = QuickJS.newContext();
const result = vm.evalCode('let s = 0; const a = []; for (let i = 0; i < 20000; i++) { s = (s + i * i) % 1000003; if (i % 5000 === 0) a.push(i.toString(36)); } JSON.stringify({ s, a, f: Math.sqrt(2).toFixed(12) })');
const value = vm.dump(vm.unwrapResult(result));
vm.dispose();
console.log(JSON.stringify({ value, polyfilled: !String(WebAssembly.Module).includes('[native code]') }));
