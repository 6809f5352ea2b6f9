// validate/: function bodies, by the spec's validation algorithm (appendix A.3): each
// instruction's rule applied to the operand and control stacks of stack.ts, where an
// unknown type stands for anything in unreachable code. One FuncValidator serves every
// function of a module, reusing its typed stacks.

import { invalid, malformed } from '../diagnostics.js';
import type { Func, Instr, Module } from '../ir/module.js';
import * as R from './rules.js';
import { ValidationStack } from './stack.js';
import { FUNCREF, I32, UNKNOWN, isNumOrVec, isRef, sameTypes, typeCode } from './types.js';

/** Validates the function bodies of one module. */
export class FuncValidator extends ValidationStack {
  private locals = new Uint8Array(64);

  /** `refs[f]` is 1 when func f may be named by `ref.func` (spec 3.4.10, C.refs). */
  constructor(private readonly m: Module, private readonly refs: Uint8Array) {
    super();
  }

  /** Check one function body; throws CompileError(E_INVALID) at the offending instruction. */
  validate(func: Func): void {
    const m = this.m;
    const type = m.types[func.typeIndex]!; // module.ts checked the type index
    const nLocals = type.params.length + func.locals.length;
    if (this.locals.length < nLocals) this.locals = new Uint8Array(Math.max(nLocals, this.locals.length * 2));
    const locals = this.locals;
    let n = 0;
    for (const t of type.params) locals[n++] = typeCode(t);
    for (const t of func.locals) locals[n++] = typeCode(t);

    this.sp = 0;
    this.depth = 0;
    // The function's own frame: its label is the function's results; its params are locals.
    this.pushFrame(R.BLOCK, type, false);
    const body = func.body;
    for (let i = 0; i < body.length; i++) {
      const ins = body[i]!;
      const rule = R.RULES.get(ins.op);
      if (rule === undefined) throw new Error(`internal compiler error: no validation rule for ${ins.op}`);
      this.step(ins, rule, nLocals);
    }
    if (this.depth !== 0) throw new Error('internal compiler error: function body ends inside a block');
  }

  private step(ins: Instr, rule: R.Rule, nLocals: number): void {
    const m = this.m;
    const at = ins.at;
    switch (rule.kind) {
      case R.SIG:
        this.popCodes(rule.params, at);
        this.pushCodes(rule.results);
        return;
      case R.LOCAL_GET:
        this.push(this.local(ins, nLocals));
        return;
      case R.LOCAL_SET:
        this.pop(this.local(ins, nLocals), at);
        return;
      case R.LOCAL_TEE: {
        const t = this.local(ins, nLocals);
        this.pop(t, at);
        this.push(t);
        return;
      }
      case R.MEMARG:
      case R.ATOMIC: {
        if (m.memories.length === 0) throw invalid('unknown memory 0', at);
        const align = ins.memarg!.align;
        if (rule.kind === R.ATOMIC) {
          if (align !== rule.alignLog) throw invalid('alignment must be exactly natural', at);
        } else if (align > rule.alignLog) {
          throw invalid('alignment must not be larger than natural', at);
        }
        this.popCodes(rule.params, at);
        this.pushCodes(rule.results);
        return;
      }
      case R.BLOCK:
      case R.LOOP:
      case R.IF: {
        const bt = ins.block!;
        if (bt.typeIndex !== undefined && bt.typeIndex >= m.types.length) throw invalid(`unknown type ${bt.typeIndex}`, at);
        if (rule.kind === R.IF) this.pop(I32, at);
        this.popTypes(bt.params, at);
        this.pushFrame(rule.kind, bt);
        return;
      }
      case R.ELSE: {
        // The binary grammar only allows `else` inside `if` (spec 5.4.1); the reader counts
        // nesting without tracking which block an `else` belongs to.
        if (this.frameKind[this.depth - 1] !== R.IF) throw malformed('END opcode expected', at);
        const bt = this.popFrame(at);
        this.pushFrame(R.ELSE, bt);
        return;
      }
      case R.END: {
        const d = this.depth - 1;
        const bt = this.frameType[d]!;
        // An `if` without `else` has an empty else branch, which passes its params through.
        if (this.frameKind[d] === R.IF && !sameTypes(bt.params, bt.results)) throw invalid('type mismatch', at);
        this.popFrame(at);
        this.pushTypes(bt.results);
        return;
      }
      case R.BR: {
        this.popTypes(this.labelTypes(ins.index!, at), at);
        this.setUnreachable();
        return;
      }
      case R.BR_IF: {
        this.pop(I32, at);
        const types = this.labelTypes(ins.index!, at);
        this.popTypes(types, at);
        this.pushTypes(types);
        return;
      }
      case R.BR_TABLE:
        this.brTable(ins.labels!, at);
        return;
      case R.RETURN:
        this.popTypes(this.frameType[0]!.results, at);
        this.setUnreachable();
        return;
      case R.CALL: {
        const f = ins.index!;
        if (f >= m.funcTypes.length) throw invalid(`unknown function ${f}`, at);
        const type = m.types[m.funcTypes[f]!]!;
        this.popTypes(type.params, at);
        this.pushTypes(type.results);
        return;
      }
      case R.CALL_INDIRECT: {
        const table = m.tables[ins.index2!];
        if (!table) throw invalid(`unknown table ${ins.index2!}`, at);
        const type = m.types[ins.index!];
        if (!type) throw invalid(`unknown type ${ins.index!}`, at);
        if (table.elem !== 'funcref') throw invalid('type mismatch', at);
        this.pop(I32, at);
        this.popTypes(type.params, at);
        this.pushTypes(type.results);
        return;
      }
      case R.UNREACHABLE:
        this.setUnreachable();
        return;
      case R.NOP:
      case R.ATOMIC_FENCE:
        return;
      case R.DROP:
        this.popAny(at);
        return;
      case R.SELECT:
        this.select(ins, at);
        return;
      case R.REF_NULL:
        this.push(typeCode(ins.types![0]!));
        return;
      case R.REF_IS_NULL:
        if (!isRef(this.popAny(at))) throw invalid('type mismatch', at);
        this.push(I32);
        return;
      case R.REF_FUNC: {
        const f = ins.index!;
        if (f >= m.funcTypes.length) throw invalid(`unknown function ${f}`, at);
        if (this.refs[f] !== 1) throw invalid('undeclared function reference', at);
        this.push(FUNCREF);
        return;
      }
      case R.GLOBAL_GET: {
        const g = m.globals[ins.index!];
        if (!g) throw invalid(`unknown global ${ins.index!}`, at);
        this.push(typeCode(g.type));
        return;
      }
      case R.GLOBAL_SET: {
        const g = m.globals[ins.index!];
        if (!g) throw invalid(`unknown global ${ins.index!}`, at);
        if (!g.mutable) throw invalid('global is immutable', at);
        this.pop(typeCode(g.type), at);
        return;
      }
      case R.MEMORY:
        if (m.memories.length === 0) throw invalid('unknown memory 0', at);
        this.popCodes(rule.params, at);
        this.pushCodes(rule.results);
        return;
      case R.MEMORY_INIT:
        if (m.memories.length === 0) throw invalid('unknown memory 0', at);
        this.dataIndex(ins.index!, at);
        this.popCodes(rule.params, at);
        return;
      case R.DATA_DROP:
        this.dataIndex(ins.index!, at);
        return;
      default:
        this.tableOp(ins, rule.kind, at);
    }
  }

  private tableOp(ins: Instr, kind: number, at: number): void {
    const m = this.m;
    if (kind === R.ELEM_DROP) {
      if (ins.index! >= m.elems.length) throw invalid(`unknown elem segment ${ins.index!}`, at);
      return;
    }
    if (kind === R.TABLE_INIT) {
      // table.init's immediates are elemidx then tableidx (spec 5.4.5).
      const table = m.tables[ins.index2!];
      if (!table) throw invalid(`unknown table ${ins.index2!}`, at);
      const elem = m.elems[ins.index!];
      if (!elem) throw invalid(`unknown elem segment ${ins.index!}`, at);
      if (elem.type !== table.elem) throw invalid('type mismatch', at);
      this.pop(I32, at);
      this.pop(I32, at);
      this.pop(I32, at);
      return;
    }
    const table = m.tables[ins.index!];
    if (!table) throw invalid(`unknown table ${ins.index!}`, at);
    const t = typeCode(table.elem);
    switch (kind) {
      case R.TABLE_GET:
        this.pop(I32, at);
        this.push(t);
        return;
      case R.TABLE_SET:
        this.pop(t, at);
        this.pop(I32, at);
        return;
      case R.TABLE_SIZE:
        this.push(I32);
        return;
      case R.TABLE_GROW:
        this.pop(I32, at);
        this.pop(t, at);
        this.push(I32);
        return;
      case R.TABLE_FILL:
        this.pop(I32, at);
        this.pop(t, at);
        this.pop(I32, at);
        return;
      case R.TABLE_COPY: {
        const source = m.tables[ins.index2!];
        if (!source) throw invalid(`unknown table ${ins.index2!}`, at);
        if (source.elem !== table.elem) throw invalid('type mismatch', at);
        this.pop(I32, at);
        this.pop(I32, at);
        this.pop(I32, at);
        return;
      }
      default:
        throw new Error(`internal compiler error: unhandled validation rule ${kind} for ${ins.op}`);
    }
  }

  private local(ins: Instr, nLocals: number): number {
    const x = ins.index!;
    if (x >= nLocals) throw invalid(`unknown local ${x}`, ins.at);
    return this.locals[x]!;
  }

  private dataIndex(x: number, at: number): void {
    // C.datas comes from the data count section, which the reader requires here (spec 3.4.10).
    if (x >= (this.m.dataCount ?? this.m.datas.length)) throw invalid(`unknown data segment ${x}`, at);
  }

  private select(ins: Instr, at: number): void {
    const types = ins.types;
    if (types !== undefined) {
      if (types.length !== 1) throw invalid('invalid result arity', at);
      const t = typeCode(types[0]!);
      this.pop(I32, at);
      this.pop(t, at);
      this.pop(t, at);
      this.push(t);
      return;
    }
    this.pop(I32, at);
    const t1 = this.popAny(at);
    const t2 = this.popAny(at);
    // Untyped select is for numbers and vectors only; references need the annotation (spec 3.3.4).
    if (!isNumOrVec(t1) || !isNumOrVec(t2)) throw invalid('type mismatch', at);
    if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) throw invalid('type mismatch', at);
    this.push(t1 === UNKNOWN ? t2 : t1);
  }

  private brTable(labels: number[], at: number): void {
    this.pop(I32, at);
    const defaultTypes = this.labelTypes(labels[labels.length - 1]!, at);
    const arity = defaultTypes.length;
    for (let k = 0; k < labels.length - 1; k++) {
      const types = this.labelTypes(labels[k]!, at);
      if (types.length !== arity) throw invalid('type mismatch', at);
      this.peekTypes(types, at);
    }
    this.popTypes(defaultTypes, at);
    this.setUnreachable();
  }
}
