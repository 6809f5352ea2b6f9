// emit/: the JS variables of one function beyond its params: temporaries (t, a, f) and frame
// results and loop params (r, v). A temporary holds a value only while some stack entry reads it,
// so once the operand stack is empty it may be handed out again (per prefix and type, so V8
// keeps one representation per variable). A frame's variables are held while the frame is open
// and released like temporaries after its end. A function of thousands of spills then needs a
// few dozen variables: V8 gives every variable a register in each frame, and huge frames
// exhausted the stack a few dozen calls deep (Go's runtime in esbuild.wasm).

import type { ValType } from '../ir/module.js';

export class VarPool {
  /** Every variable declared: name and wasm type. */
  readonly vars: [string, ValType][] = [];
  private next = 0;
  private readonly names = new Set<string>();
  /** Free for reuse, by prefix and type. */
  private readonly free = new Map<string, string[]>();
  /** Handed out since the stack was last empty (or released by a closed frame). */
  private held: [string, string][] = [];

  /** A variable `<prefix><n>`; `held` false for a frame's, which the frame releases itself (hold). */
  temp(prefix: string, type: ValType, held = true): string {
    const key = `${prefix}:${type}`;
    let name = this.free.get(key)?.pop();
    if (name === undefined) {
      name = `${prefix}${this.next++}`;
      this.vars.push([name, type]);
      this.names.add(name);
    }
    if (held) this.held.push([key, name]);
    return name;
  }

  /** Whether `name` is one of this pool's variables (not a wasm local). */
  isTemp(name: string): boolean {
    return this.names.has(name);
  }

  /** A closed frame's variable: free from the next time the stack is empty. */
  hold(prefix: string, type: ValType, name: string): void {
    this.held.push([`${prefix}:${type}`, name]);
  }

  /** The operand stack is empty: nothing reads any held variable any more. */
  release(): void {
    for (const [key, name] of this.held) {
      const free = this.free.get(key);
      if (free) free.push(name);
      else this.free.set(key, [name]);
    }
    this.held = [];
  }
}
