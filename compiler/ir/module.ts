// The module IR: plain data handed from read/ to validate/, lower/, emit/ and link/.
// Every instruction keeps its byte offset in the input, so source maps can point at it.

/** A value type (Wasm 2.0 plus v128, which the reader accepts and the emitter rejects). */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type RefType = 'funcref' | 'externref';

/** A function signature. */
export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Limits of a memory (in 64 KiB pages) or a table (in elements). */
export interface Limits {
  min: number;
  max: number | undefined;
  shared: boolean;
}

export interface TableType {
  elem: RefType;
  limits: Limits;
  /** Byte offset of the table type in the input (for errors). */
  at?: number;
}

export interface MemoryType {
  limits: Limits;
  /** Byte offset of the memory type in the input (for errors). */
  at?: number;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global';

/** An import; `desc` says what is imported. */
export type Import = {
  module: string;
  name: string;
  offset: number;
} & (
  | { kind: 'func'; typeIndex: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; memory: MemoryType }
  | { kind: 'global'; global: GlobalType }
);

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
  offset: number;
}

/** A block's type, resolved from the empty type, a value type or a type index. */
export interface BlockType {
  params: ValType[];
  results: ValType[];
  /** The type index, when the block type was given as one (validate/ checks it exists). */
  typeIndex?: number;
}

/** Memory immediate: the alignment exponent, the static offset and the memory index. */
export interface MemArg {
  align: number;
  offset: number;
  memory: number;
}

/**
 * One instruction. `op` is the text-format mnemonic (e.g. "i32.add"); `at` is the byte
 * offset of its opcode in the input. Immediates live in the optional fields.
 */
export interface Instr {
  op: string;
  at: number;
  /** local, global, func, label, table, type, elem or data index (the instruction's main one). */
  index?: number;
  /** second index: the table of call_indirect / table.init / table.copy source, the memory of memory.copy source. */
  index2?: number;
  /** br_table targets, the last one being the default. */
  labels?: number[];
  block?: BlockType;
  memarg?: MemArg;
  /** i32.const value (signed), f32.const bits (unsigned 32-bit), i64.const (signed BigInt), f64.const bits (unsigned BigInt). */
  value?: number | bigint;
  /** select's annotated type, ref.null's type. */
  types?: ValType[];
}

/** A constant expression, e.g. a global's initialiser or a segment offset. */
export interface ConstExpr {
  at: number;
  body: Instr[];
}

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

/** A function defined in the module (its index is the number of imported funcs plus its position). */
export interface Func {
  typeIndex: number;
  /** Declared locals, after the params. */
  locals: ValType[];
  /** The body, ending with its final `end` (empty until read when read lazily). */
  body: Instr[];
  /** Byte offset of the body's size field, of its first instruction, and the end of the body. */
  at: number;
  bodyAt: number;
  end: number;
}

export interface Elem {
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset: ConstExpr | undefined;
  type: RefType;
  init: ConstExpr[];
  at: number;
}

export interface Data {
  mode: 'active' | 'passive';
  memory: number;
  offset: ConstExpr | undefined;
  bytes: Uint8Array;
  at: number;
}

/** Names from the "name" custom section; maps are keyed by index. */
export interface Names {
  module: string | undefined;
  funcs: Map<number, string>;
  locals: Map<number, Map<number, string>>;
  globals: Map<number, string>;
  tables: Map<number, string>;
  memories: Map<number, string>;
}

export interface CustomSection {
  name: string;
  at: number;
  bytes: Uint8Array;
}

/** A whole module, as read from the binary. Index spaces start with the imports. */
export interface Module {
  types: FuncType[];
  imports: Import[];
  /** Type index of every function, imported ones first. */
  funcTypes: number[];
  tables: TableType[];
  memories: MemoryType[];
  globals: GlobalType[];
  /** Counts of imported funcs, tables, memories and globals. */
  importedFuncs: number;
  importedTables: number;
  importedMemories: number;
  importedGlobals: number;
  funcs: Func[];
  definedGlobals: Global[];
  exports: Export[];
  start: number | undefined;
  /** Byte offset of the start section's function index (for errors). */
  startAt?: number;
  elems: Elem[];
  datas: Data[];
  dataCount: number | undefined;
  names: Names;
  customs: CustomSection[];
  /** Size of the input in bytes. */
  size: number;
  /** Byte offset of the code section's contents (DWARF addresses count from here), if any. */
  codeAt: number | undefined;
}
