/**
 * Seeded randomness for the simulated call floor: sfc32 (small, fast, passes PractRand) seeded
 * through splitmix32, plus the few draws the simulator needs. Same seed, same sequence, on
 * every platform: everything is 32-bit integer arithmetic.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
}

export function createRandom(seed: number): Random {
  let s = (Math.trunc(seed) ^ Math.trunc(seed / 4_294_967_296)) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextUint32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return { nextUint32, next: () => nextUint32() / 4_294_967_296 };
}

/** `u` in [0, 1) mapped onto [min, max]. */
export function uniform(u: number, min: number, max: number): number {
  return min + (max - min) * u;
}

export function bernoulli(u: number, p: number): boolean {
  return u < p;
}

/** Standard normal from two uniforms (Box–Muller). */
export function standardNormal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Log-normal with the given arithmetic `mean` and log-space `sigma`: exp(mu + sigma·Z), with
 * mu = ln(mean) − sigma²/2 so the draws average to `mean`.
 */
export function lognormal(u1: number, u2: number, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * standardNormal(u1, u2));
}
