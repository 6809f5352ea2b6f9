/* interp: a bytecode interpreter. A stack machine with switch dispatch, bytecode calls and returns,
 * and "native" operations called indirectly through a function table (call_indirect in wasm).
 * The bytecode program counts Collatz steps for 1..limit and folds each count into an accumulator
 * through native[i & 7]. run(n) runs it n times with limit 3 000. */
#include "common.h"

enum op {
  OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_SHR, OP_LT, OP_EQ,
  OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_NATIVE, OP_POP, OP_DUP, OP_HALT,
};

typedef int32_t (*native_fn)(int32_t a, int32_t b);

static int32_t nat_mix(int32_t a, int32_t b) { return (a ^ b) * 0x01000193; }
static int32_t nat_add(int32_t a, int32_t b) { return a + b * 3; }
static int32_t nat_rot(int32_t a, int32_t b) { uint32_t x = (uint32_t)a; return (int32_t)((x << 5 | x >> 27) + (uint32_t)b); }
static int32_t nat_xsh(int32_t a, int32_t b) { return a ^ (b << 7) ^ (a >> 3); }
static int32_t nat_max(int32_t a, int32_t b) { return (a > b ? a : b) + 1; }
static int32_t nat_sub(int32_t a, int32_t b) { return a - b * 5; }
static int32_t nat_mul(int32_t a, int32_t b) { return a * 31 + b; }
static int32_t nat_mod(int32_t a, int32_t b) { return (int32_t)((uint32_t)a % 1000003u) + b; }

static native_fn natives[8] = { nat_mix, nat_add, nat_rot, nat_xsh, nat_max, nat_sub, nat_mul, nat_mod };

/* Frames: each has 4 locals; arguments arrive on the operand stack. */
struct frame { int32_t ret_pc; int32_t locals[4]; };

static NOINLINE int32_t execute(const int32_t *code, int32_t entry, int32_t arg) {
  int32_t stack[256];
  struct frame frames[64];
  int sp = 0, fp = 0, pc = entry;
  frames[0].ret_pc = -1;
  frames[0].locals[0] = arg;
  for (;;) {
    switch ((enum op)code[pc++]) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = frames[fp].locals[code[pc++]]; break;
      case OP_STORE: frames[fp].locals[code[pc++]] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case OP_JMP: pc = code[pc]; break;
      case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
      case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
      case OP_CALL: {
        int target = code[pc++];
        fp++;
        frames[fp].ret_pc = pc;
        frames[fp].locals[0] = stack[--sp];
        pc = target;
        break;
      }
      case OP_RET:
        pc = frames[fp--].ret_pc;
        if (pc < 0) return stack[sp - 1];
        break;
      case OP_NATIVE: {
        int32_t b = stack[--sp];
        int32_t a = stack[--sp];
        int32_t sel = stack[--sp];
        stack[sp++] = natives[sel & 7](a, b);
        break;
      }
      case OP_POP: sp--; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_HALT: return stack[sp - 1];
    }
  }
}

static int32_t program[256];
static int32_t collatz_entry;

/* Assemble: main(limit) { acc = 0; i = 1; while (i < limit) { acc = native[i & 7](acc, collatz(i)); i++ } return acc }
 *           collatz(x) { steps = 0; while (x != 1) { if (x & 1) x = 3x + 1 else x = x >> 1; steps++ } return steps } */
static void assemble(void) {
  int32_t *p = program;
#define E(x) (*p++ = (x))
  /* main: locals 0 = limit, 1 = acc, 2 = i */
  E(OP_PUSH); E(0); E(OP_STORE); E(1);
  E(OP_PUSH); E(1); E(OP_STORE); E(2);
  int32_t loop = (int32_t)(p - program);
  E(OP_LOAD); E(2); E(OP_LOAD); E(0); E(OP_LT); E(OP_JZ); int32_t *exit_fix = p; E(0);
  E(OP_LOAD); E(2); E(OP_PUSH); E(7); E(OP_AND);          /* selector */
  E(OP_LOAD); E(1);                                          /* a = acc */
  E(OP_LOAD); E(2); E(OP_CALL); int32_t *call_fix = p; E(0); /* b = collatz(i) */
  E(OP_NATIVE); E(OP_STORE); E(1);
  E(OP_LOAD); E(2); E(OP_PUSH); E(1); E(OP_ADD); E(OP_STORE); E(2);
  E(OP_JMP); E(loop);
  *exit_fix = (int32_t)(p - program);
  E(OP_LOAD); E(1); E(OP_HALT);
  /* collatz: locals 0 = x, 1 = steps */
  collatz_entry = (int32_t)(p - program);
  *call_fix = collatz_entry;
  E(OP_PUSH); E(0); E(OP_STORE); E(1);
  int32_t cl = (int32_t)(p - program);
  E(OP_LOAD); E(0); E(OP_PUSH); E(1); E(OP_EQ); E(OP_JNZ); int32_t *done_fix = p; E(0);
  E(OP_LOAD); E(0); E(OP_PUSH); E(1); E(OP_AND); E(OP_JZ); int32_t *even_fix = p; E(0);
  E(OP_LOAD); E(0); E(OP_PUSH); E(3); E(OP_MUL); E(OP_PUSH); E(1); E(OP_ADD); E(OP_STORE); E(0);
  E(OP_JMP); int32_t *next_fix = p; E(0);
  *even_fix = (int32_t)(p - program);
  E(OP_LOAD); E(0); E(OP_PUSH); E(1); E(OP_SHR); E(OP_STORE); E(0);
  *next_fix = (int32_t)(p - program);
  E(OP_LOAD); E(1); E(OP_PUSH); E(1); E(OP_ADD); E(OP_STORE); E(1);
  E(OP_JMP); E(cl);
  *done_fix = (int32_t)(p - program);
  E(OP_LOAD); E(1); E(OP_RET);
#undef E
}

static uint32_t bench(int n) {
  assemble();
  uint32_t h = 0;
  for (int r = 0; r < n; r++) h = h * 31 + (uint32_t)execute(program, 0, 3000 + (r & 15));
  return h;
}
