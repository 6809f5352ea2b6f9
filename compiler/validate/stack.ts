// validate/: the operand and control stacks of the validation algorithm (spec appendix A.3),
// as typed arrays reused across every function of a module. Values are the codes of types.ts.

import { invalid } from '../diagnostics.js';
import type { FuncType, ValType } from '../ir/module.js';
import { LOOP } from './rules.js';
import { UNKNOWN, typeCode } from './types.js';

/** A frame's block type: a function's own type, or a block's. Both carry params and results. */
export type FrameType = Pick<FuncType, 'params' | 'results'>;

/** The stacks, and the spec's push_val, pop_val, push_ctrl, pop_ctrl, unreachable. */
export class ValidationStack {
  protected vals = new Uint8Array(256);
  protected sp = 0;
  /** Control frames, as parallel arrays: the opening kind (rules.ts BLOCK, LOOP, IF or ELSE). */
  protected frameKind = new Uint8Array(32);
  protected frameHeight = new Int32Array(32);
  protected frameUnreachable = new Uint8Array(32);
  protected frameType: FrameType[] = [];
  protected depth = 0;

  /** The types a branch to label `l` carries: a loop's params, any other block's results. */
  protected labelTypes(l: number, at: number): readonly ValType[] {
    if (l >= this.depth) throw invalid(`unknown label ${l}`, at);
    const d = this.depth - 1 - l;
    const bt = this.frameType[d]!;
    return this.frameKind[d] === LOOP ? bt.params : bt.results;
  }

  /** push_ctrl: open a frame at the current height; a block's params become its operands. */
  protected pushFrame(kind: number, type: FrameType, pushParams = true): void {
    const d = this.depth;
    if (d === this.frameKind.length) {
      this.frameKind = grow(this.frameKind, new Uint8Array(d * 2));
      this.frameHeight = grow(this.frameHeight, new Int32Array(d * 2));
      this.frameUnreachable = grow(this.frameUnreachable, new Uint8Array(d * 2));
    }
    this.frameKind[d] = kind;
    this.frameHeight[d] = this.sp;
    this.frameUnreachable[d] = 0;
    this.frameType[d] = type;
    this.depth = d + 1;
    if (pushParams) this.pushTypes(type.params);
  }

  /** pop_ctrl: the frame's results must be exactly what is left above its height. */
  protected popFrame(at: number): FrameType {
    const d = this.depth - 1;
    const type = this.frameType[d]!;
    this.popTypes(type.results, at);
    if (this.sp !== this.frameHeight[d]) throw invalid('type mismatch', at);
    this.depth = d;
    return type;
  }

  /** unreachable: drop the frame's operands; from here on pops yield the unknown type. */
  protected setUnreachable(): void {
    const d = this.depth - 1;
    this.sp = this.frameHeight[d]!;
    this.frameUnreachable[d] = 1;
  }

  /** push_val */
  protected push(code: number): void {
    if (this.sp === this.vals.length) this.vals = grow(this.vals, new Uint8Array(this.sp * 2));
    this.vals[this.sp++] = code;
  }

  /** push_vals, of type codes. */
  protected pushCodes(codes: Uint8Array): void {
    for (let k = 0; k < codes.length; k++) this.push(codes[k]!);
  }

  /** push_vals, of value types. */
  protected pushTypes(types: readonly ValType[]): void {
    for (let k = 0; k < types.length; k++) this.push(typeCode(types[k]!));
  }

  /** pop_val: any type; unknown when an unreachable frame is empty. */
  protected popAny(at: number): number {
    const d = this.depth - 1;
    if (this.sp === this.frameHeight[d]) {
      if (this.frameUnreachable[d]) return UNKNOWN;
      throw invalid('type mismatch', at);
    }
    return this.vals[--this.sp]!;
  }

  /** pop_val(expect): the unknown type matches anything. */
  protected pop(expect: number, at: number): number {
    const actual = this.popAny(at);
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN) throw invalid('type mismatch', at);
    return actual;
  }

  /** pop_vals, of type codes. */
  protected popCodes(codes: Uint8Array, at: number): void {
    for (let k = codes.length - 1; k >= 0; k--) this.pop(codes[k]!, at);
  }

  /** pop_vals, of value types. */
  protected popTypes(types: readonly ValType[], at: number): void {
    for (let k = types.length - 1; k >= 0; k--) this.pop(typeCode(types[k]!), at);
  }

  /**
   * Check the top of the stack against `types` without popping: the spec's
   * push_vals(pop_vals(types)) for br_table's non-default labels.
   */
  protected peekTypes(types: readonly ValType[], at: number): void {
    const d = this.depth - 1;
    const height = this.frameHeight[d]!;
    for (let k = 0; k < types.length; k++) {
      const pos = this.sp - 1 - k;
      if (pos < height) {
        if (this.frameUnreachable[d]) return;
        throw invalid('type mismatch', at);
      }
      const actual = this.vals[pos]!;
      const expect = typeCode(types[types.length - 1 - k]!);
      if (actual !== expect && actual !== UNKNOWN) throw invalid('type mismatch', at);
    }
  }
}

function grow<T extends Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
