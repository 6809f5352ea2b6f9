// runtime/: globals as the JS API shows them. Inside an instance, a global that is shared
// with the host (imported or exported, and mutable) is one of these cells, read and written
// by generated code through its `v` field; other globals are plain instance properties.

import { defaultValue, fromJS, toJS } from './values.js';

export interface GlobalDescriptor {
  value: string;
  mutable?: boolean;
}

/** `T`: the JS type of its value (number, bigint, a function or null, anything), for TypeScript hosts. */
export class Global<T = unknown> {
  /** The value, in generated code's representation. */
  v: unknown;
  readonly type: string;
  readonly mutable: boolean;

  constructor(descriptor: GlobalDescriptor, value?: unknown) {
    const type = descriptor.value === 'anyfunc' ? 'funcref' : descriptor.value;
    if (!['i32', 'i64', 'f32', 'f64', 'funcref', 'externref'].includes(type)) throw new TypeError(`Global: unknown type ${String(type)}`);
    this.type = type;
    this.mutable = descriptor.mutable === true;
    this.v = value === undefined ? defaultValue(type) : fromJS(type, value);
  }

  get value(): T {
    return toJS(this.type, this.v) as T;
  }

  set value(value: T) {
    if (!this.mutable) throw new TypeError('Global: cannot set an immutable global');
    this.v = fromJS(this.type, value);
  }

  valueOf(): T {
    return this.value;
  }
}
