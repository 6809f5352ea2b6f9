// validate/: the validation stage (spec 3), between read/ and lower/. It takes the Module IR,
// changes nothing, and throws the first CompileError(E_INVALID) with the spec's reason text.

import { CompileError } from '../diagnostics.js';
import type { Module } from '../ir/module.js';
import { FuncValidator } from './func.js';
import { validateModuleFields } from './module.js';

/** Validate a module; throws CompileError(E_INVALID) at the first invalid construct. */
export function validateModule(m: Module): void {
  const refs = validateModuleFields(m);
  const validator = new FuncValidator(m, refs);
  let i = 0;
  try {
    for (; i < m.funcs.length; i++) validator.validate(m.funcs[i]!);
  } catch (e) {
    if (e instanceof CompileError) {
      const funcIndex = m.importedFuncs + i;
      e.locate({ funcIndex, funcName: m.names.funcs.get(funcIndex) });
    }
    throw e;
  }
}

/** Validate everything but the function bodies; returns a checker for one body at a time. */
export function createValidator(m: Module): (funcIndex: number) => void {
  const refs = validateModuleFields(m);
  const validator = new FuncValidator(m, refs);
  return (funcIndex) => {
    try {
      validator.validate(m.funcs[funcIndex - m.importedFuncs]!);
    } catch (e) {
      if (e instanceof CompileError) e.locate({ funcIndex, funcName: m.names.funcs.get(funcIndex) });
      throw e;
    }
  };
}
