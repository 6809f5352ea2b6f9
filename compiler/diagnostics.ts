// Diagnostics: the one error type every stage throws for bad input, and its catalog of codes.

/** Stable error codes; tests and tools match on these, never on message text. */
export const ErrorCodes = {
  /** The bytes are not a well-formed binary module (spec: "malformed"). */
  E_MALFORMED: 'E_MALFORMED',
  /** Well-formed but fails validation (spec: "invalid"). */
  E_INVALID: 'E_INVALID',
  /** Valid, but uses something w2js does not compile yet. */
  E_UNSUPPORTED: 'E_UNSUPPORTED',
  /** The input could not be read at all (CLI). */
  E_INPUT: 'E_INPUT',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Where an error happened, as far as it is known. */
export interface ErrorLocation {
  file?: string;
  offset?: number;
  funcIndex?: number;
  funcName?: string;
}

/** A user-facing compile error: a stable code, a reason and a location; never a stack dump. */
export class CompileError extends Error {
  readonly code: ErrorCode;
  readonly reason: string;
  offset: number | undefined;
  file: string | undefined;
  funcIndex: number | undefined;
  funcName: string | undefined;

  constructor(code: ErrorCode, reason: string, location: ErrorLocation = {}) {
    super(reason);
    this.name = 'CompileError';
    this.code = code;
    this.reason = reason;
    this.offset = location.offset;
    this.file = location.file;
    this.funcIndex = location.funcIndex;
    this.funcName = location.funcName;
    this.message = this.format();
  }

  /** Fill in what an outer stage knows (the input file, the function) without losing the offset. */
  locate(location: ErrorLocation): this {
    this.file ??= location.file;
    this.offset ??= location.offset;
    this.funcIndex ??= location.funcIndex;
    this.funcName ??= location.funcName;
    this.message = this.format();
    return this;
  }

  /** `kernel.wasm: func[12] $fac @0x1a3: error E_INVALID: type mismatch` */
  format(): string {
    let where = this.file ?? '';
    if (this.funcIndex !== undefined) {
      where += `${where ? ': ' : ''}func[${this.funcIndex}]${this.funcName !== undefined ? ` $${this.funcName}` : ''}`;
    }
    if (this.offset !== undefined) where += ` @0x${this.offset.toString(16)}`;
    return `${where ? `${where.trim()}: ` : ''}error ${this.code}: ${this.reason}`;
  }
}

export function malformed(reason: string, offset: number): CompileError {
  return new CompileError('E_MALFORMED', reason, { offset });
}

export function invalid(reason: string, offset: number): CompileError {
  return new CompileError('E_INVALID', reason, { offset });
}

export function unsupported(reason: string, offset: number): CompileError {
  return new CompileError('E_UNSUPPORTED', reason, { offset });
}
