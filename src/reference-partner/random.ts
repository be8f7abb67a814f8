/**
 * Seeded pseudo-random numbers for the reference partner's data. Data must be reproducible from a
 * seed and the clock alone, so nothing here touches Math.random.
 */

/** 32-bit FNV-1a: turns a descriptive seed string into a number. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A small, fast generator (mulberry32) returning floats in [0, 1). */
export function createRng(seed: string): () => number {
  let state = hashString(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A factor in [1 - spread, 1 + spread]. */
export function jitter(rng: () => number, spread: number): number {
  return 1 + (rng() * 2 - 1) * spread;
}
