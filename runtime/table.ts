// runtime/: tables (spec 4.2.7) and the table instruction helpers. Elements are funcrefs
// (see funcref.ts) or externrefs; null is the null reference.

import { TRAP_TABLE_OOB, trap } from './trap.js';
import { fromJS } from './values.js';

/** Tables without a maximum still stop here, as engines do, so huge grows fail with -1. */
const MAX_TABLE_SIZE = 10_000_000;

export interface TableDescriptor {
  element: string;
  initial: number;
  maximum?: number;
}

export class Table {
  elements: unknown[];
  readonly maximum: number | undefined;
  /** 'funcref' or 'externref'. */
  readonly elem: string;

  constructor(descriptor: TableDescriptor, value: unknown = null) {
    const elem = descriptor.element === 'anyfunc' ? 'funcref' : descriptor.element;
    if (elem !== 'funcref' && elem !== 'externref') throw new TypeError(`Table: unknown element type ${String(descriptor.element)}`);
    this.elem = elem;
    const initial = Number(descriptor.initial);
    if (!Number.isInteger(initial) || initial < 0 || initial > MAX_TABLE_SIZE) throw new RangeError('Table: bad initial size');
    this.maximum = descriptor.maximum === undefined ? undefined : Number(descriptor.maximum);
    if (this.maximum !== undefined && this.maximum < initial) throw new RangeError('Table: maximum is below initial');
    this.elements = new Array<unknown>(initial).fill(value === undefined ? null : fromJS(elem, value));
  }

  get length(): number {
    return this.elements.length;
  }

  get(index: number): unknown {
    const i = Number(index);
    if (!(i >= 0 && i < this.elements.length)) throw new RangeError('Table.get(): index out of bounds');
    return this.elements[i];
  }

  set(index: number, value: unknown = null): void {
    const i = Number(index);
    if (!(i >= 0 && i < this.elements.length)) throw new RangeError('Table.set(): index out of bounds');
    this.elements[i] = fromJS(this.elem, value);
  }

  /** table.grow: the old size, or -1. */
  growBy(delta: number, value: unknown): number {
    const old = this.elements.length;
    const limit = Math.min(this.maximum ?? MAX_TABLE_SIZE, MAX_TABLE_SIZE);
    if (delta > limit - old) return -1;
    for (let i = 0; i < delta; i++) this.elements.push(value);
    return old;
  }

  grow(delta: number, value: unknown = null): number {
    const old = this.growBy(Number(delta), fromJS(this.elem, value));
    if (old < 0) throw new RangeError('Table.grow(): maximum size exceeded');
    return old;
  }
}

export function table_get(table: Table, index: number): unknown {
  const i = index >>> 0;
  if (i >= table.elements.length) trap(TRAP_TABLE_OOB);
  return table.elements[i];
}
export function table_set(table: Table, index: number, value: unknown): void {
  const i = index >>> 0;
  if (i >= table.elements.length) trap(TRAP_TABLE_OOB);
  table.elements[i] = value;
}
export function table_size(table: Table): number {
  return table.elements.length;
}
export function table_grow(table: Table, value: unknown, delta: number): number {
  return table.growBy(delta >>> 0, value);
}
export function table_fill(table: Table, index: number, value: unknown, n: number): void {
  const i = index >>> 0;
  const len = n >>> 0;
  if (i + len > table.elements.length) trap(TRAP_TABLE_OOB);
  table.elements.fill(value, i, i + len);
}
export function table_copy(dst: Table, src: Table, dest: number, source: number, n: number): void {
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  if (s + len > src.elements.length || d + len > dst.elements.length) trap(TRAP_TABLE_OOB);
  if (dst === src) dst.elements.copyWithin(d, s, s + len);
  else for (let k = 0; k < len; k++) dst.elements[d + k] = src.elements[s + k];
}
export function table_init(table: Table, elems: unknown[][], segment: number, dest: number, source: number, n: number): void {
  const elem = elems[segment]!;
  const d = dest >>> 0;
  const s = source >>> 0;
  const len = n >>> 0;
  if (s + len > elem.length || d + len > table.elements.length) trap(TRAP_TABLE_OOB);
  for (let k = 0; k < len; k++) table.elements[d + k] = elem[s + k];
}
