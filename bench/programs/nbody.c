/* nbody: f64 numerics. The Computer Language Benchmarks Game's n-body (5 bodies, sqrt and
 * division per pair) for 5 000 steps per round, and a 48x48 matrix product per round; run(n) does n rounds.
 * The result folds the bits of the energy and of the matrix trace, so every runner must agree to
 * the last bit (IEEE add/mul/div/sqrt are exact in JS as in wasm). */
#include "common.h"

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

struct body { double x, y, z, vx, vy, vz, mass; };

static struct body bodies[NBODIES];

static void init_bodies(void) {
  static const struct body init[NBODIES] = {
    { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
      -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
      2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
      -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
      -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
  };
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < NBODIES; i++) {
    bodies[i] = init[i];
    px += init[i].vx * init[i].mass; py += init[i].vy * init[i].mass; pz += init[i].vz * init[i].mass;
  }
  bodies[0].vx = -px / SOLAR_MASS; bodies[0].vy = -py / SOLAR_MASS; bodies[0].vz = -pz / SOLAR_MASS;
}

static NOINLINE void advance(int steps, double dt) {
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < NBODIES; i++) {
      struct body *a = &bodies[i];
      for (int j = i + 1; j < NBODIES; j++) {
        struct body *b = &bodies[j];
        double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = dt / (d2 * __builtin_sqrt(d2));
        a->vx -= dx * b->mass * mag; a->vy -= dy * b->mass * mag; a->vz -= dz * b->mass * mag;
        b->vx += dx * a->mass * mag; b->vy += dy * a->mass * mag; b->vz += dz * a->mass * mag;
      }
    }
    for (int i = 0; i < NBODIES; i++) {
      struct body *a = &bodies[i];
      a->x += dt * a->vx; a->y += dt * a->vy; a->z += dt * a->vz;
    }
  }
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < NBODIES; i++) {
    struct body *a = &bodies[i];
    e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
    for (int j = i + 1; j < NBODIES; j++) {
      struct body *b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

#define M 48
static double ma[M * M], mb[M * M], mc[M * M];

static NOINLINE double matmul(int round) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < M; j++) {
      double s = 0;
      for (int k = 0; k < M; k++) s += ma[i * M + k] * mb[k * M + j];
      mc[i * M + j] = s;
    }
  double trace = 0;
  for (int i = 0; i < M; i++) trace += mc[i * M + i];
  /* Feed the product back, scaled, so rounds differ. */
  for (int i = 0; i < M * M; i++) ma[i] = mc[i] / (trace + round + 1.0);
  return trace;
}

static uint32_t fold(double d) {
  union { double d; uint64_t u; } v = { d };
  return (uint32_t)v.u ^ (uint32_t)(v.u >> 32);
}

static uint32_t bench(int n) {
  init_bodies();
  for (int i = 0; i < M * M; i++) {
    ma[i] = (double)((i * 7919) % 1000) / 1000.0 - 0.5;
    mb[i] = (double)((i * 104729) % 997) / 997.0 - 0.5;
  }
  uint32_t h = 0;
  double t = 0;
  for (int r = 0; r < n; r++) {
    advance(5000, 0.01);
    t += matmul(r);
    h = h * 31 + fold(energy());
  }
  return h ^ fold(t);
}
