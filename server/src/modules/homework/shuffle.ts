/** A small seeded generator: the same attempt always sees the same order, another student another one. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Fisher–Yates with the attempt's seed and the question's id. */
export function shuffled<T>(items: readonly T[], seed: number, salt: string): T[] {
  const random = generator(seed ^ hash(salt));
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/** Shuffled, but never in the given (right) order when there is another. */
export function scrambled<T>(items: readonly T[], seed: number, salt: string): T[] {
  const result = shuffled(items, seed, salt);
  if (result.length > 1 && result.every((item, i) => item === items[i])) result.push(result.shift()!);
  return result;
}
