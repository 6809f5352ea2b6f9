// emit/: one wasm function → one JS function `function $name(inst, p0, …)`.
// The operand stack is kept symbolically: each entry is a JS expression, so single-use values
// nest into the expression that uses them and the output reads like code. An entry is spilled
// into a temporary only where evaluating it later could change what it computes or reorder
// its effects (a statement is emitted while it is pending). Structured control maps onto JS's
// own: block → labelled block, loop → labelled `for (;;)`, if → if/else, br_table → switch.
// Assumes a validated body: validate/ has already type-checked every instruction.

import type * as t from '@babel/types';
import { unsupported } from '../diagnostics.js';
import type { BlockType, Func, Instr, ValType } from '../ir/module.js';
import {
  array, assign, at, bin, block, boolToI32, brk, call, cond, cont, exprStmt, forever, id, ifStmt,
  labeled, letDecl, literalValue, member, nul, num, ret, str, tsAs, tsType, typedId, unary, type Expr, type Stmt,
} from './ast.js';
import { zeroValueKind, type EmitContext } from './context.js';
import { hasNullTail, INSTANCE_TYPE, resultTypeText, valueTypeText } from './ts-types.js';
import { changesView, dataViewAccess, effectiveAddress, emitMemoryOp, memoryDecl, viewMode, viewReload, type ViewMode } from './memory.js';
import { emitConst, emitNumeric, knownBits, readsOperandTwice, rotateByConstant } from './numeric.js';
import { emitIntegerSelect } from './select.js';
import { OPS_BY_NAME } from './op-signatures.js';
import { constPair, emitI64Memory, emitI64Numeric, hiName, mulsPastInlining, type PairHooks } from './i64.js';
import { Dispatch, FLAT_ABOVE, nestingDepths, PC, type SegmentRef } from './dispatch.js';
import { inlineTinySegments } from './segment-inline.js';
import { PART_NODES, splitFunction, splitVariables, type SplitOutput } from './split.js';
import { paramCoercions } from './param-coerce.js';
import { closerOf, type Frame } from './frame.js';
import { brTableSwitch } from './br-table.js';
import { analyzeLoop, guardExpr, uncheckedCopy } from './loop-guard.js';
import { analyzeBulkLoop, bulkLoopStmt } from './bulk-loop.js';
import { threadJumps } from './jump-thread.js';
import { emitGlobalGet, emitGlobalSet, type GlobalHooks } from './globals.js';
import { emitCall, emitCallIndirect, type CallHooks } from './calls.js';
import { exprDepth, MAX_EXPR_DEPTH } from './depth.js';
import { VarPool } from './var-pool.js';
import { assignInto } from './assign-into.js';
import { reuseLoads } from './load-reuse.js';
import { asCondition, entryReads, flatten, isSimple, Kind, readsName, zero, type Entry } from './stack.js';

/** Output of emitting one function. */
export interface EmittedFunction {
  node: t.FunctionDeclaration;
  /**
   * For a function in dispatch form: cut it into parts (emit/split.ts), `node` becoming the one
   * that calls them. The caller decides, from its printed size; undefined if it cannot be cut.
   */
  split?: () => { parts: t.FunctionDeclaration[]; after: Stmt[] } | undefined;
}

export function emitFunction(ctx: EmitContext, funcIndex: number, func: Func): EmittedFunction {
  return new FunctionEmitter(ctx, funcIndex, func).run();
}

class FunctionEmitter {
  private readonly stack: Entry[] = [];
  private readonly frames: Frame[] = [];
  private readonly locals: string[];
  private readonly localTypes: ValType[];
  /** The locals some live `local.set`/`local.tee` writes, as emitted (param-coerce.ts reads the params'). */
  private readonly assigned = new Set<number>();
  private readonly pool = new VarPool();
  private manyMuls: boolean | undefined;
  private nextLabel = 0;
  /** The instruction being emitted. */
  private current: Instr = { op: 'nop', at: 0 };
  private usesMemory = false;
  /** How memory 0's DataView is reached (memory.ts viewMode); `usesView`: the function reads `dv`. */
  private readonly view: ViewMode;
  private usesView = false;
  /** Levels of frames under each frame-opening instruction (emit/dispatch.ts). */
  private depths: Int32Array = new Int32Array(0);
  /** Index of the instruction being emitted. */
  private pc = 0;
  /** The dispatch loop, when some frame is too deep to nest in JS. */
  private dispatch: Dispatch | undefined;
  private readonly flatAbove: number;
  /** Loops get guards (emit/loop-guard.ts) and bulk forms unless the layout says not (tests, measurements). */
  private readonly usesGuards: boolean;
  /** Memory 0's accesses go through its DataView (emit/memory.ts): nothing for a guard to save. */
  private readonly dataView: boolean;
  /** Each frame's length in instructions, when long frames go flat too (Layout.flatSpan). */
  private spans: Int32Array | undefined;
  /** The function's instructions, jumps through a dispatch loop retargeted (emit/jump-thread.ts). */
  private readonly body: Instr[];
  /** The jumps through a dispatch loop that go backwards: their blocks' openers (emit/jump-thread.ts). */
  private readonly backward: Map<number, number>;
  /** Each flat block's end segment once it has one, by the block's opener. */
  private readonly flatEnds = new Map<number, SegmentRef>();

  constructor(
    private readonly ctx: EmitContext,
    private readonly funcIndex: number,
    private readonly func: Func,
  ) {
    this.locals = ctx.names.locals(funcIndex);
    const type = ctx.module.types[func.typeIndex]!;
    this.localTypes = [...type.params, ...func.locals];
    this.flatAbove = ctx.layout?.flatAbove ?? FLAT_ABOVE;
    this.usesGuards = ctx.layout?.loopGuards !== false && ctx.module.memories.length > 0;
    this.dataView = dataViewAccess(ctx, 0);
    ({ body: this.body, backward: this.backward } = threadJumps(func.body));
    this.view = viewMode(this.body, this.dataView);
  }

  run(): EmittedFunction {
    const { ctx, func } = this;
    const type = ctx.module.types[func.typeIndex]!;
    const body = this.body;
    const layout = ctx.layout;
    const spans = layout?.flatSpan !== undefined ? new Int32Array(body.length + 1) : undefined;
    this.depths = nestingDepths(body, spans);
    this.spans = spans;
    if (this.depths[body.length]! > this.flatAbove || (spans && body.length > layout!.flatSpan!)) this.dispatch = new Dispatch();
    const cutAt = layout?.cutStatements ?? Infinity;
    const top: Frame = this.pushFrame('func', { params: [], results: type.results }, [], func.at);
    for (let i = 0; i < body.length; i++) {
      this.pc = i;
      // Nothing pending reads a temporary: all may be handed out again (emit/var-pool.ts).
      if (this.stack.length === 0) this.pool.release();
      const instr = body[i]!;
      const frame = this.frames[this.frames.length - 1]!;
      if (frame.unreachable) {
        i = this.skipDead(body, i);
        continue;
      }
      // A long straight run in a flat frame: end the segment here, so that parts stay small (emit/split.ts).
      if (frame.flat && this.stack.length === 0 && this.dispatch!.body.length >= cutAt) this.dispatch!.start(this.dispatch!.newRef());
      this.instr(instr);
      if (this.view === 'reload' && changesView(instr.op) && !this.frame.unreachable) this.reloadView(instr);
    }
    // The function's final `end` returned or fell off; `top` holds the whole body.
    const entry = paramCoercions(type.params, this.locals, this.assigned);
    const stmts: Stmt[] = [...entry];
    // TypeScript: params and the result typed; variables typed where `= 0` would not say it.
    const ts = ctx.ts === true;
    const param = (name: string, vt: ValType) => typedId(name, ts ? valueTypeText(vt) : undefined);
    const params = type.params.flatMap((vt, i) => (vt === 'i64' ? [param(this.locals[i]!, vt), param(hiName(this.locals[i]!), vt)] : [param(this.locals[i]!, vt)]));
    const decls: [string, Expr | null, string?][] = [];
    const declare = (name: string, vt: ValType) => {
      decls.push(ts && zeroValueKind(vt) === 'null' ? [name, zero(vt), valueTypeText(vt)] : [name, zero(vt)]);
      if (vt === 'i64') decls.push([hiName(name), num(0)]);
    };
    for (let i = type.params.length; i < this.localTypes.length; i++) declare(this.locals[i]!, this.localTypes[i]!);
    for (const [name, vt] of this.pool.vars) declare(name, vt);
    if (this.dispatch) decls.push([PC, num(0)]);
    if (this.usesMemory) stmts.push(...memoryDecl(this.ctx.names.memories[0]!, this.viewUsed()));
    if (decls.length) stmts.push(letDecl(decls));
    const segments = this.dispatch?.numbered();
    // Reads repeated with nothing between that may change them, from what holds them (emit/load-reuse.ts).
    if (this.dataView && ctx.module.memories[0]?.limits.shared === false && layout?.loadReuse !== false) {
      for (const list of segments ?? [top.body]) reuseLoads(list);
    }
    if (this.dispatch) {
      inlineTinySegments(segments!, ctx.layout?.partNodes ?? PART_NODES, ctx.layout?.flatSpan !== undefined);
      stmts.push(this.dispatch.finish());
    }
    else stmts.push(...top.body);
    const node = {
      type: 'FunctionDeclaration',
      id: id(ctx.names.funcs[this.funcIndex]!),
      params: [typedId('inst', ts ? INSTANCE_TYPE : undefined), ...params],
      returnType: ts ? tsType(resultTypeText(type.results)) : null,
      body: block(stmts),
      generator: this.isGenerator(),
      async: false,
    } as t.FunctionDeclaration;
    const split = () => {
      const out = this.split(type.params, type.results.length === 0, entry);
      if (!out) return undefined;
      node.body = block(out.body);
      return { parts: out.parts, after: out.after };
    };
    // A generator is never cut into parts: a yield cannot cross into a part.
    return { node, split: this.dispatch && !ts && !this.isGenerator() ? split : undefined };
  }

  /** The dispatch-form function as parts (emit/split.ts); undefined when one part would hold it all. */
  private split(params: ValType[], voidResult: boolean, entry: Stmt[]): SplitOutput | undefined {
    const { ctx } = this;
    return splitFunction({
      name: ctx.names.funcs[this.funcIndex]!,
      segments: this.dispatch!.numbered(),
      vars: splitVariables([...this.localTypes.map((vt, i): [string, ValType] => [this.locals[i]!, vt]), ...this.pool.vars]),
      params: params.flatMap((vt, i) => (vt === 'i64' ? [this.locals[i]!, hiName(this.locals[i]!)] : [this.locals[i]!])),
      memory: this.usesMemory ? ctx.names.memories[0] : undefined,
      view: this.viewUsed(),
      voidResult,
      entry,
      partNodes: ctx.layout?.partNodes ?? PART_NODES,
      profile: ctx.layout?.profile?.counts,
      poolSuffix: ctx.layout?.profile?.poolSuffix,
      hotNodes: ctx.layout?.profile?.hotNodes,
      countCrossings: ctx.layout?.countCrossings ? { funcIndex: this.funcIndex, counts: ctx.helper('tier_counts') } : undefined,
    });
  }

  /** Skip dead instructions up to the `else`/`end` that closes the current frame; return the index before it. */
  private skipDead(body: Instr[], i: number): number {
    i = closerOf(body, i);
    this.instr(body[i]!);
    return i;
  }

  // ---- stack and statements ----

  private push(e: Expr, type: ValType, kind: Kind): void {
    // Calls and trapping operations carry their own position: a stack trace points at them.
    if (kind === Kind.Effects && !e.loc) at(e, this.ctx.position(this.current.at));
    this.pushEntry({ e, type, kind });
  }

  /** Push a computed value; one nested too deep is evaluated into a temporary now (emit/depth.ts). */
  private pushEntry(entry: Entry): void {
    this.stack.push(entry);
    if (Math.max(exprDepth(entry.e), exprDepth(entry.hi)) <= MAX_EXPR_DEPTH) return;
    // Effects keep their order: those below it are evaluated first. A pure value reads only
    // locals, which nothing pending can write, so it may go first.
    if (entry.kind === Kind.Effects) this.spill(Kind.Effects);
    else this.stack[this.stack.length - 1] = this.toTemp(entry);
  }

  private pop(): Entry {
    const entry = this.stack.pop();
    if (!entry) throw new Error(`internal compiler error: operand stack underflow in func ${this.funcIndex}`);
    return entry;
  }

  private popN(n: number): Entry[] {
    const out = this.stack.splice(this.stack.length - n, n);
    if (out.length !== n) throw new Error(`internal compiler error: operand stack underflow in func ${this.funcIndex}`);
    return out;
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  /** Spill pending entries that the coming statement could disturb, then append it. */
  private emit(stmt: Stmt, instr: Instr, writesLocals = false): void {
    this.spill(writesLocals ? Kind.ReadsLocals : Kind.Effects);
    this.out(this.frame).push(at(stmt, this.ctx.position(instr.at)));
  }

  /** Where a frame's straight-line statements go: its own body, or the dispatch loop's segment. */
  private out(frame: Frame): Stmt[] {
    return frame.flat ? this.dispatch!.body : frame.body;
  }

  private spill(minKind: Kind): void {
    const frameHeight = this.frame.height;
    for (let i = frameHeight; i < this.stack.length; i++) {
      const entry = this.stack[i]!;
      if (entry.kind >= minKind) this.stack[i] = this.toTemp(entry);
    }
  }

  /** Before writing local `name`: spill effects, and the entries that read that local. */
  private spillReaders(name: string, pair: boolean): void {
    const hi = pair ? hiName(name) : undefined;
    for (let i = this.frame.height; i < this.stack.length; i++) {
      const entry = this.stack[i]!;
      if (entry.kind === Kind.Stable) continue;
      const reads = entry.kind === Kind.Effects || entryReads(entry, name) || (hi !== undefined && entryReads(entry, hi));
      if (reads) this.stack[i] = this.toTemp(entry);
    }
  }

  /** Evaluate an entry into a fresh temporary now. */
  private toTemp(entry: Entry): Entry {
    if (entry.kind === Kind.Stable && isSimple(entry)) return entry;
    const name = this.pool.temp('t', entry.type);
    for (const s of this.assignTo(name, entry)) this.out(this.frame).push(s);
    return this.read(name, entry.type, Kind.Stable);
  }

  /** The entry with every half an identifier or literal, so it may be used more than once. */
  private simple(entry: Entry): Entry {
    if (isSimple(entry)) return entry;
    // Evaluated now, so effects still pending below it must go first.
    if (entry.kind === Kind.Effects) this.spill(Kind.Effects);
    return this.toTemp(entry);
  }

  /**
   * Operands of an i64 lowering, which may evaluate any of them early (into a temporary) and the
   * others later: with effects among them, pending effects and these operands are evaluated now,
   * in wasm order (fuzzer regression differential-108687: a call in the stored value ran first).
   */
  private inOrder(operands: Entry[]): Entry[] {
    if (!operands.some((o) => o.kind === Kind.Effects)) return operands;
    this.spill(Kind.Effects);
    return operands.map((o) => (o.kind === Kind.Effects ? this.toTemp(o) : o));
  }

  /** `name = value` (and `name_hi = hi` for an i64). */
  private assignTo(name: string, entry: Entry): Stmt[] {
    const isSelf = (e: Expr, target: string) => e.type === 'Identifier' && e.name === target;
    const lo = exprStmt(assign(id(name), entry.e));
    // `x = x` (a value carried back into the variable it came from) says nothing: leave it out.
    if (entry.type !== 'i64') return isSelf(entry.e, name) ? [] : [lo];
    if (isSelf(entry.e, name) && isSelf(entry.hi!, hiName(name))) return [];
    const hi = exprStmt(assign(id(hiName(name)), entry.hi!));
    // Neither half may read the other after it was written (`x = x + y` reads x in its carry).
    if (!readsName(entry.hi!, name)) return [lo, hi];
    if (!readsName(entry.e, hiName(name))) return [hi, lo];
    const t = this.pool.temp('t', 'i32');
    return [exprStmt(assign(id(t), entry.e)), hi, exprStmt(assign(id(name), id(t)))];
  }

  /** An i64 just computed into a temporary pair by the last statement, computed into local `name` instead (assign-into.ts). */
  private intoLocal(name: string, v: Entry): boolean {
    if (v.type !== 'i64' || v.e.type !== 'Identifier' || v.hi?.type !== 'Identifier' || !this.pool.isTemp(v.e.name)) return false;
    return assignInto(this.out(this.frame), [v.e.name, v.hi.name], [name, hiName(name)]);
  }

  /** The entry reading variable `name` (both halves for an i64). */
  private read(name: string, type: ValType, kind: Kind): Entry {
    return type === 'i64' ? { e: id(name), hi: id(hiName(name)), type, kind } : { e: id(name), type, kind };
  }

  // ---- control frames ----

  private pushFrame(op: Frame['op'], type: BlockType, params: Entry[], atOffset: number): Frame {
    const frame: Frame = {
      op,
      label: op === 'func' ? '' : `L${this.nextLabel++}`,
      targeted: false,
      flat: false,
      type,
      resultVars: op === 'func' ? [] : type.results.map((vt) => this.pool.temp('r', vt, false)),
      loopVars: op === 'loop' ? type.params.map((vt) => this.pool.temp('v', vt, false)) : [],
      params,
      height: this.stack.length,
      body: [],
      unreachable: false,
      at: atOffset,
      opener: this.pc,
    };
    const long = this.spans !== undefined && this.spans[this.pc]! > this.ctx.layout!.flatSpan!;
    if (this.dispatch && (op === 'func' || this.depths[this.pc]! > this.flatAbove || long)) {
      frame.flat = true;
      frame.target = this.dispatch.newRef();
      if (op === 'if') frame.elseTarget = this.dispatch.newRef();
    }
    frame.loop = op === 'loop' ? frame : this.frames[this.frames.length - 1]?.loop;
    this.frames.push(frame);
    for (const p of params) this.stack.push(p);
    return frame;
  }

  /** Values a branch to `frame` carries: a loop's params, else its results. */
  private branchArity(frame: Frame): ValType[] {
    return frame.op === 'loop' ? frame.type.params : frame.type.results;
  }

  /** Statements that hand `values` to `target` and jump there. */
  private branchTo(target: Frame, values: Entry[]): Stmt[] {
    if (target.op === 'func') return this.returnStmts(values);
    target.targeted = true;
    const out: Stmt[] = [];
    const vars = target.op === 'loop' ? target.loopVars : target.resultVars;
    values.forEach((v, i) => out.push(...this.assignTo(vars[i]!, v)));
    if (target.flat) out.push(...this.dispatch!.jump(target.target!));
    else out.push(target.op === 'loop' ? cont(target.label) : brk(target.label));
    return out;
  }

  /** A single i64 result returns its low half and leaves the high one in `high.bits`. */
  private returnStmts(values: Entry[]): Stmt[] {
    if (values.length === 0) return [ret(null)];
    if (values.length === 1) {
      const v = values[0]!;
      if (v.type !== 'i64') return [ret(v.e)];
      return [exprStmt(assign(member(this.ctx.helper('high'), 'bits') as t.LVal, v.hi!)), ret(v.e)];
    }
    // Several results travel in one array (ending in null where it holds floats: emit/ts-types.ts).
    const flat = values.flatMap((v) => (v.type === 'i64' ? [v.e, v.hi!] : [v.e]));
    return [ret(array(hasNullTail(values.map((v) => v.type)) ? [...flat, nul()] : flat))];
  }

  /** Values for a branch, made safe to assign in sequence and to keep on the stack afterwards. */
  private branchValues(n: number, keep: boolean): Entry[] {
    const values = this.popN(n);
    // A branch writes only its target's result or loop variables, which no pending entry reads.
    this.spill(Kind.Effects);
    // Several values assigned one by one must not see each other's assignments (loop vars).
    const stable = n > 1 || keep ? values.map((v) => this.toTemp(v)) : values;
    if (keep) for (const v of stable) this.stack.push(v);
    return stable;
  }

  private enterBlock(instr: Instr): void {
    const type = instr.block!;
    const params = this.popN(type.params.length);
    // Pending entries must be evaluated before the block's statements run.
    this.spill(Kind.ReadsLocals);
    const stableParams = params.map((p) => this.toTemp(p));
    if (instr.op === 'loop') {
      const frame = this.pushFrame('loop', type, [], instr.at);
      if (!frame.flat && this.usesGuards) {
        const isI32 = (i: number) => this.localTypes[i] === 'i32';
        if (!this.dataView) frame.guard = analyzeLoop(this.body, this.pc, isI32);
        frame.bulk = analyzeBulkLoop(this.body, this.pc, isI32);
      }
      // Loop params live in variables the back edge reassigns.
      const parent = this.frames[this.frames.length - 2]!;
      stableParams.forEach((p, i) => this.out(parent).push(...this.assignTo(frame.loopVars[i]!, p)));
      if (frame.flat) this.dispatch!.start(frame.target!);
      for (let i = 0; i < type.params.length; i++) this.stack.push(this.read(frame.loopVars[i]!, type.params[i]!, Kind.ReadsLocals));
      frame.params = [];
    } else {
      this.pushFrame(instr.op === 'if' ? 'if' : 'block', type, stableParams, instr.at);
    }
  }

  /** At a frame's fall-through end (or an if's `else`): move the results into their variables. */
  private finishBranch(frame: Frame): void {
    if (frame.unreachable) return;
    const results = this.popN(frame.type.results.length);
    if (frame.op === 'func') {
      for (const s of this.returnStmts(results)) this.out(frame).push(at(s, this.ctx.position(this.current.at)));
      return;
    }
    const values = results.length > 1 ? results.map((v) => this.toTemp(v)) : results;
    values.forEach((v, i) => this.out(frame).push(...this.assignTo(frame.resultVars[i]!, v)));
    // A JS loop leaves at its end; a flat loop's code just goes on into what follows.
    if (frame.op === 'loop' && !frame.flat) frame.body.push(brk(null));
  }

  private endFrame(instr: Instr): void {
    const frame = this.frame;
    const fallsThrough = !frame.unreachable;
    this.finishBranch(frame);
    this.stack.length = frame.height;
    this.frames.pop();
    if (frame.op === 'func') {
      this.frames.push(frame); // kept as the function's body holder
      return;
    }
    if (frame.flat) {
      this.endFlatFrame(frame, fallsThrough);
      return;
    }
    const parent = this.frame;
    let stmt: Stmt;
    let reachable = fallsThrough || frame.targeted;
    if (frame.op === 'loop') {
      // Versioned on its guard: each iteration runs unchecked accesses if it holds (emit/loop-guard.ts).
      const body = frame.guard ? [ifStmt(guardExpr(frame.guard, (i) => this.locals[i]!, id('mem')), block(uncheckedCopy(frame.body)), block(frame.body))] : frame.body;
      stmt = forever(block(body));
      stmt = labeled(frame.label, stmt);
      if (frame.bulk) stmt = bulkLoopStmt(frame.bulk, (i) => this.locals[i]!, (name) => this.ctx.helper(name), () => this.pool.temp('a', 'i32'), stmt);
      // A loop's end is reached only by falling through (branches to it go back to its start).
      reachable = fallsThrough;
    } else if (frame.op === 'if') {
      let thenBody: Stmt[];
      let elseBody: Stmt[];
      if (frame.thenBody) {
        thenBody = frame.thenBody;
        elseBody = frame.body;
        reachable = reachable || frame.thenReachable === true;
      } else {
        thenBody = frame.body;
        // An if without else passes its params through as results.
        elseBody = frame.params.flatMap((p, i) => this.assignTo(frame.resultVars[i]!, p));
        reachable = true;
      }
      stmt = ifStmt(frame.test!, block(thenBody), elseBody.length ? block(elseBody) : null);
      if (frame.targeted) stmt = labeled(frame.label, stmt);
    } else if (frame.targeted) {
      stmt = labeled(frame.label, block(frame.body));
    } else {
      // An untargeted block needs no JS block at all.
      for (const s of frame.body) this.out(parent).push(s);
      this.afterFrame(frame, reachable);
      return;
    }
    this.out(parent).push(at(stmt, this.ctx.position(frame.at)));
    this.afterFrame(frame, reachable);
    void instr;
  }

  /** The end of a frame in the dispatch loop: start the segment its branches and its code reach. */
  private endFlatFrame(frame: Frame, fallsThrough: boolean): void {
    const dispatch = this.dispatch!;
    // A branch to a loop goes back to its start: only falling through reaches its end.
    let reachable = fallsThrough;
    if (frame.op === 'block') {
      if (frame.targeted) {
        dispatch.start(frame.target!);
        this.flatEnds.set(frame.opener, frame.target!);
      }
      reachable = fallsThrough || frame.targeted;
    } else if (frame.op === 'if' && frame.thenBody) {
      dispatch.start(frame.target!);
      reachable = fallsThrough || frame.thenReachable === true || frame.targeted;
    } else if (frame.op === 'if') {
      // No else: the params pass through as results when the test fails.
      const passThrough = frame.params.flatMap((p, i) => this.assignTo(frame.resultVars[i]!, p));
      if (passThrough.length) {
        if (fallsThrough) dispatch.body.push(...dispatch.jump(frame.target!));
        dispatch.start(frame.elseTarget!);
        dispatch.body.push(...passThrough);
        dispatch.start(frame.target!);
      } else {
        dispatch.start(frame.elseTarget!, frame.target!);
      }
      reachable = true;
    }
    this.afterFrame(frame, reachable);
  }

  private afterFrame(frame: Frame, reachable: boolean): void {
    frame.resultVars.forEach((name, i) => this.pool.hold('r', frame.type.results[i]!, name));
    frame.loopVars.forEach((name, i) => this.pool.hold('v', frame.type.params[i]!, name));
    if (!reachable) {
      this.frame.unreachable = true;
      return;
    }
    frame.resultVars.forEach((name, i) => this.stack.push(this.read(name, frame.type.results[i]!, Kind.ReadsLocals)));
  }

  // ---- instructions ----

  private instr(instr: Instr): void {
    const { ctx } = this;
    this.current = instr;
    const op = instr.op;
    switch (op) {
      case 'nop':
        return;
      case 'unreachable':
        this.emit(exprStmt(call(ctx.helper('trap'), [str('unreachable')])), instr);
        this.frame.unreachable = true;
        return;
      case 'block':
      case 'loop':
        this.enterBlock(instr);
        return;
      case 'if': {
        // The params below the condition are spilled by enterBlock before anything else runs,
        // and nothing is emitted between here and the if statement, so the test stays inline.
        const test = this.pop();
        this.spill(Kind.ReadsLocals);
        this.enterBlock(instr);
        const frame = this.frame;
        frame.test = asCondition(test.e);
        if (frame.flat) this.out(frame).push(at(ifStmt(unary('!', frame.test), block(this.dispatch!.jump(frame.elseTarget!))), this.ctx.position(instr.at)));
        return;
      }
      case 'else': {
        const frame = this.frame;
        this.finishBranch(frame);
        frame.thenReachable = !frame.unreachable;
        if (frame.flat) {
          if (!frame.unreachable) this.out(frame).push(...this.dispatch!.jump(frame.target!));
          this.dispatch!.start(frame.elseTarget!);
        }
        frame.thenBody = frame.body;
        frame.body = [];
        frame.unreachable = false;
        this.stack.length = frame.height;
        for (const p of frame.params) this.stack.push(p);
        return;
      }
      case 'end':
        this.endFrame(instr);
        return;
      case 'br': {
        const end = this.flatEnds.get(this.backward.get(this.pc) ?? -1);
        if (end !== undefined) {
          // Backwards to a flat block's end, where the dispatch loop's br_table would go (emit/jump-thread.ts).
          this.emitAll(this.dispatch!.jump(end), instr);
          this.frame.unreachable = true;
          return;
        }
        const target = this.frames[this.frames.length - 1 - instr.index!]!;
        const values = this.branchValues(this.branchArity(target).length, false);
        this.emitAll(this.branchTo(target, values), instr);
        this.frame.unreachable = true;
        return;
      }
      case 'br_if': {
        const target = this.frames[this.frames.length - 1 - instr.index!]!;
        const test = this.pop();
        const values = this.branchValues(this.branchArity(target).length, true);
        this.emit(ifStmt(asCondition(test.e), block(this.branchTo(target, values))), instr);
        return;
      }
      case 'br_table': {
        const labels = instr.labels!;
        const test = this.pop();
        const arity = this.branchArity(this.frames[this.frames.length - 1 - labels[labels.length - 1]!]!).length;
        let values = this.branchValues(arity, false);
        // The values were computed before the index: evaluate them first.
        if (test.kind !== Kind.Stable) values = values.map((v) => this.toTemp(v));
        this.emit(this.brTable(labels, test.e, values), instr);
        this.frame.unreachable = true;
        return;
      }
      case 'return': {
        const n = this.frames[0]!.type.results.length;
        const values = this.popN(n);
        this.emitAll(this.returnStmts(values), instr);
        this.frame.unreachable = true;
        return;
      }
      case 'call':
        emitCall(this.ctx, instr.index!, this.callHooks);
        return;
      case 'call_indirect':
        emitCallIndirect(this.ctx, instr.index!, instr.index2!, this.callHooks);
        return;
      case 'drop': {
        const v = this.pop();
        if (v.kind === Kind.Effects) this.emit(exprStmt(v.e), instr);
        return;
      }
      case 'select': {
        const c = this.pop();
        let b = this.pop();
        let a = this.pop();
        // wasm evaluates both operands; a JS conditional evaluates one: evaluate effects first.
        if (a.kind === Kind.Effects || b.kind === Kind.Effects || c.kind === Kind.Effects) {
          this.spill(Kind.Effects);
          a = this.toTemp(a);
          b = this.toTemp(b);
        }
        if (a.type === 'i32' || a.type === 'i64') return emitIntegerSelect(a, b, c, this.pairHooks(instr));
        this.push(cond(asCondition(c.e), a.e, b.e), a.type, Math.max(a.kind, b.kind, c.kind) as Kind);
        return;
      }
      case 'local.get':
        this.stack.push(this.read(this.locals[instr.index!]!, this.localTypes[instr.index!]!, Kind.ReadsLocals));
        return;
      case 'local.set':
      case 'local.tee': {
        const name = this.locals[instr.index!]!;
        const v = this.pop();
        this.assigned.add(instr.index!);
        this.spillReaders(name, this.localTypes[instr.index!] === 'i64');
        if (!this.intoLocal(name, v)) for (const s of this.assignTo(name, v)) this.out(this.frame).push(at(s, this.ctx.position(instr.at)));
        if (op === 'local.tee') this.stack.push(this.read(name, v.type, Kind.ReadsLocals));
        return;
      }
      case 'global.get':
        emitGlobalGet(ctx, instr.index!, this.globalHooks);
        return;
      case 'global.set':
        emitGlobalSet(ctx, instr.index!, this.globalHooks);
        return;
      case 'i64.const': {
        const [lo, hi] = constPair(instr.value as bigint);
        this.stack.push({ e: num(lo), hi: num(hi), type: 'i64', kind: Kind.Stable });
        return;
      }
      case 'i32.const':
      case 'f32.const':
      case 'f64.const':
        this.push(emitConst(op, instr.value!, ctx), op.slice(0, 3) as ValType, Kind.Stable);
        return;
      case 'ref.null':
        this.push(nul(), instr.types![0]!, Kind.Stable);
        return;
      case 'ref.is_null': {
        const v = this.pop();
        this.push(boolToI32(bin('===', v.e, nul())), 'i32', v.kind);
        return;
      }
      case 'ref.func':
        this.push(call(ctx.helper('ref_func'), [id('inst'), num(instr.index!)]), 'funcref', Kind.Effects);
        return;
    }
    const sig = OPS_BY_NAME.get(op)?.sig;
    const hasI64 = sig !== undefined && (sig[0].includes('i64') || sig[1].includes('i64'));
    if (sig && hasI64 && !instr.memarg) {
      const args = this.inOrder(this.popN(sig[0].length));
      if (emitI64Numeric(op, args, this.pairHooks(instr))) return;
      throw new Error(`internal compiler error: no i64 lowering for ${op}`);
    }
    if (instr.memarg && op.startsWith('i64.') && op.includes('atomic') && sig) {
      // i64 atomics take and give i64s as halves, like every other i64 helper.
      const operands = this.popN(sig[0].length);
      const args = [this.pairHooks(instr).memory(instr.memarg.memory), effectiveAddress(operands[0]!.e, instr.memarg.offset), ...flatten(operands.slice(1))];
      const e = call(ctx.helper(op.replace(/\./g, '_')), args);
      if (sig[1].length === 0) {
        this.emit(exprStmt(e), instr);
      } else {
        this.pushPair(e, instr);
      }
      return;
    }
    if (instr.memarg && op.startsWith('i64.') && !op.includes('atomic')) {
      const [addr, value] = this.inOrder(this.popN(op.includes('store') ? 2 : 1)) as [Entry, Entry?];
      if (emitI64Memory(instr, effectiveAddress(addr.e, instr.memarg.offset), value, this.pairHooks(instr))) return;
    }
    if (sig && !instr.memarg && !op.startsWith('memory.') && !op.startsWith('atomic.')) {
      const args = this.popN(sig[0].length);
      const bits = op === 'i32.reinterpret_f32' ? knownBits(args[0]!.e) : undefined;
      if (bits) return this.push(bits, 'i32', args[0]!.kind);
      // Inline forms that read their operand twice: it becomes an identifier or a literal first.
      const count = op === 'i32.rotl' || op === 'i32.rotr' ? literalValue(args[1]!.e) : undefined;
      const readsTwice = count !== undefined ? (x: Expr) => rotateByConstant(op as 'i32.rotl', x, count) : readsOperandTwice(op, ctx);
      if (readsTwice) {
        const x = this.simple(args[0]!);
        return this.push(readsTwice(x.e), sig[1][0]!, x.kind);
      }
      const result = emitNumeric(op, args.map((a) => a.e), ctx);
      if (result) {
        const kind = result.traps ? Kind.Effects : (Math.max(Kind.Stable, ...args.map((a) => a.kind)) as Kind);
        this.push(result.e, sig[1][0]!, kind);
        return;
      }
    }
    const memory = emitMemoryOp(instr, ctx, {
      temp: (type = 'i32') => this.pool.temp(type === 'i32' ? 'a' : 'v', type),
      // Atomics on i64 take and give BigInts (Atomics on BigInt64Array): join and split here.
      pop: (n) => this.popN(n).map((entry) => (entry.type === 'i64' ? call(ctx.helper('i64_join'), [entry.e, entry.hi!]) : entry.e)),
      push: (e, type) => {
        // TypeScript: a table's element comes back `unknown` from the runtime; its type is the table's.
        if (type === 'funcref' && ctx.ts) return this.push(tsAs(e, valueTypeText(type)), type, Kind.Effects);
        if (type !== 'i64') return this.push(e, type, Kind.Effects);
        this.pushPair(call(ctx.helper('i64_split'), [e]), instr);
      },
      statement: (e) => this.emit(exprStmt(e), instr),
      table: (i) => member(id('inst'), ctx.names.tables[i]!),
      guarded: this.guarded(),
      memory: (i) => this.memoryRef(i),
      view: (i) => this.viewRef(i),
    });
    if (memory) return;
    throw unsupported(`instruction ${op} is not supported`, instr.at);
  }

  /** An i64 from a helper: `t = e; t_hi = high.bits;`, then (t, t_hi) on the stack. */
  private pushPair(e: Expr, instr: Instr): void {
    const name = this.pool.temp('t', 'i64');
    this.emit(exprStmt(assign(id(name), e)), instr);
    this.emit(exprStmt(assign(id(hiName(name)), member(this.ctx.helper('high'), 'bits'))), instr);
    this.stack.push(this.read(name, 'i64', Kind.Stable));
  }

  /** Whether the instruction being emitted is an access its loop's guard covers (emit/loop-guard.ts). */
  private guarded(): boolean {
    return this.frame.loop?.guard?.accesses.has(this.pc) === true;
  }

  private pairHooks(instr: Instr): PairHooks {
    return {
      helper: (name) => this.ctx.helper(name),
      simple: (entry) => this.simple(entry as Entry),
      newVar: (type) => this.pool.temp('t', type),
      statement: (stmt) => this.emit(stmt, instr),
      push: (entry) => this.pushEntry(entry as Entry),
      ts: this.ctx.ts,
      guarded: this.guarded(),
      dataView: instr.memarg !== undefined && dataViewAccess(this.ctx, instr.memarg.memory),
      manyMuls: (this.manyMuls ??= mulsPastInlining(this.body)),
      memory: (i) => this.memoryRef(i),
      view: (i) => this.viewRef(i),
    };
  }

  private memoryRef(i: number): Expr {
    if (i !== 0) return member(id('inst'), this.ctx.names.memories[i]!);
    this.usesMemory = true;
    return id('mem');
  }

  private viewRef(i: number): Expr {
    if (i !== 0 || this.view === 'none') return member(this.memoryRef(i), 'dv');
    this.usesMemory = true;
    this.usesView = true;
    return id('dv');
  }

  /** After an instruction that may have changed `mem.dv` (viewMode 'reload'): its result evaluated, then `dv = mem.dv;`. */
  private reloadView(instr: Instr): void {
    this.viewRef(0); // marks `dv`, and so `mem`, as used
    this.emit(viewReload(), instr);
  }

  /** The view mode the declarations need: 'none' where no access took `dv`. */
  private viewUsed(): ViewMode {
    return this.usesView ? this.view : 'none';
  }

  private emitAll(stmts: Stmt[], instr: Instr): void {
    this.spill(Kind.Effects);
    for (const s of stmts) this.out(this.frame).push(at(s, this.ctx.position(instr.at)));
  }

  /** One for the function (they act on the instruction being emitted), not a set of closures per global access. */
  private readonly globalHooks: GlobalHooks = {
    push: (e, type, kind) => this.push(e, type, kind),
    pushEntry: (entry) => this.stack.push(entry),
    pushPair: (e) => this.pushPair(e, this.current),
    pop: () => this.pop(),
    simple: (entry) => this.simple(entry),
    emitAll: (stmts) => this.emitAll(stmts, this.current),
  };

  private readonly callHooks: CallHooks = {
    popN: (n) => this.popN(n),
    pop: () => this.pop(),
    push: (e, type, kind) => this.push(e, type, kind),
    pushEntry: (entry) => this.stack.push(entry),
    pushPair: (e) => this.pushPair(e, this.current),
    emit: (stmt) => this.emit(stmt, this.current),
    spillEffects: () => this.spill(Kind.Effects),
    temp: (prefix, type) => this.pool.temp(prefix, type),
    isGenerator: () => this.isGenerator(),
  };

  private brTable(labels: number[], test: Expr, values: Entry[]): Stmt {
    return brTableSwitch(labels, test, (depth) => this.branchTo(this.frames[this.frames.length - 1 - depth]!, values));
  }

  /** Generator mode: whether this function is a `function*`. */
  private isGenerator(): boolean {
    return this.ctx.generators?.funcs.has(this.funcIndex) ?? false;
  }
}
