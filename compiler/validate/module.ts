// validate/: everything outside function bodies (spec 3.4): imports, the func, table,
// memory and global sections, exports, the start function, elem and data segments.
// Produces C.refs, the functions that `ref.func` in a body may name.

import { CompileError, invalid } from '../diagnostics.js';
import type { Limits, Module } from '../ir/module.js';
import { validateConstExpr } from './const-expr.js';

/** A memory holds at most 2^16 pages of 64 KiB (spec 3.2.8). */
const MAX_PAGES = 65536;

/**
 * An E_INVALID error for an entry the IR keeps no byte offset for (defined tables and
 * memories, the start section).
 */
function invalidAt(reason: string, offset: number | undefined): CompileError {
  return offset === undefined ? new CompileError('E_INVALID', reason) : invalid(reason, offset);
}

function validateTableLimits(limits: Limits, offset: number | undefined): void {
  // Table sizes are u32 in the binary, so only the order of min and max can be wrong (spec 3.2.1).
  if (limits.max !== undefined && limits.min > limits.max) {
    throw invalidAt('size minimum must not be greater than maximum', offset);
  }
}

function validateMemoryLimits(limits: Limits, offset: number | undefined): void {
  // The reference interpreter's order: range of min, range of max, then min <= max.
  if (limits.min > MAX_PAGES) throw invalidAt('memory size must be at most 65536 pages (4GiB)', offset);
  if (limits.max !== undefined) {
    if (limits.max > MAX_PAGES) throw invalidAt('memory size must be at most 65536 pages (4GiB)', offset);
    if (limits.min > limits.max) throw invalidAt('size minimum must not be greater than maximum', offset);
  }
  // Threads proposal: a shared memory must declare its maximum.
  if (limits.shared && limits.max === undefined) throw invalidAt('shared memory must have maximum', offset);
}

/**
 * Validate a module's sections, except function bodies. Returns C.refs as `refs[funcidx] = 1`
 * for every function referenced outside function bodies and the start section.
 */
export function validateModuleFields(m: Module): Uint8Array {
  const refs = new Uint8Array(m.funcTypes.length);

  for (const imp of m.imports) {
    switch (imp.kind) {
      case 'func':
        if (imp.typeIndex >= m.types.length) throw invalid(`unknown type ${imp.typeIndex}`, imp.offset);
        break;
      case 'table':
        validateTableLimits(imp.table.limits, imp.offset);
        break;
      case 'memory':
        validateMemoryLimits(imp.memory.limits, imp.offset);
        break;
      case 'global':
        break;
    }
  }
  for (let i = m.importedFuncs; i < m.funcTypes.length; i++) {
    const typeIndex = m.funcTypes[i]!;
    if (typeIndex >= m.types.length) throw invalidAt(`unknown type ${typeIndex}`, m.funcs[i - m.importedFuncs]?.at);
  }
  for (let i = m.importedTables; i < m.tables.length; i++) validateTableLimits(m.tables[i]!.limits, m.tables[i]!.at);
  for (let i = m.importedMemories; i < m.memories.length; i++) validateMemoryLimits(m.memories[i]!.limits, m.memories[i]!.at);
  // Wasm 2.0 has one memory at most (multi-memory is a later proposal).
  if (m.memories.length > 1) {
    throw invalidAt('multiple memories', m.memories[1]!.at);
  }

  for (const g of m.definedGlobals) validateConstExpr(m, g.init, g.type.type, refs);

  for (const elem of m.elems) {
    if (elem.mode === 'active') {
      const table = m.tables[elem.table];
      if (!table) throw invalid(`unknown table ${elem.table}`, elem.at);
      validateConstExpr(m, elem.offset!, 'i32', refs);
      if (table.elem !== elem.type) throw invalid('type mismatch', elem.at);
    }
    for (const init of elem.init) validateConstExpr(m, init, elem.type, refs);
  }

  for (const data of m.datas) {
    if (data.mode === 'active') {
      if (data.memory >= m.memories.length) throw invalid(`unknown memory ${data.memory}`, data.at);
      validateConstExpr(m, data.offset!, 'i32', refs);
    }
  }

  if (m.start !== undefined) {
    const typeIndex = m.funcTypes[m.start];
    if (typeIndex === undefined) throw invalidAt(`unknown function ${m.start}`, m.startAt);
    const type = m.types[typeIndex]!;
    if (type.params.length !== 0 || type.results.length !== 0) throw invalidAt('start function', m.startAt);
  }

  const names = new Set<string>();
  for (const exp of m.exports) {
    switch (exp.kind) {
      case 'func':
        if (exp.index >= m.funcTypes.length) throw invalid(`unknown function ${exp.index}`, exp.offset);
        refs[exp.index] = 1;
        break;
      case 'table':
        if (exp.index >= m.tables.length) throw invalid(`unknown table ${exp.index}`, exp.offset);
        break;
      case 'memory':
        if (exp.index >= m.memories.length) throw invalid(`unknown memory ${exp.index}`, exp.offset);
        break;
      case 'global':
        if (exp.index >= m.globals.length) throw invalid(`unknown global ${exp.index}`, exp.offset);
        break;
    }
    if (names.has(exp.name)) throw invalid('duplicate export name', exp.offset);
    names.add(exp.name);
  }
  return refs;
}
