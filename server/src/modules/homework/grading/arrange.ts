import { graded, type Grader } from './types.js';

/** Right pairs over the number of stems; choices are compared by text, since stems may share one. */
export const gradeMatching: Grader<'matching'> = (question, answer) => {
  const pairs = answer?.pairs ?? {};
  const textOf = new Map([...question.pairs.map((p) => [p.choiceId!, p.choice] as const), ...question.distractors.map((d) => [d.id!, d.text] as const)]);
  const right = question.pairs.filter((p) => textOf.get(pairs[p.id!]) === p.choice).length;
  return graded(right / question.pairs.length);
};

/** Length of the longest strictly increasing subsequence. */
function longestIncreasing(values: number[]): number {
  const tails: number[] = [];
  for (const value of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = value;
  }
  return tails.length;
}

/**
 * `all_or_nothing`: 1 only for the exact order. `relative_to_correct_position`: each item scores
 * (n−1) − |distance from its place|, floor 0, over n·(n−1). `longest_ordered_subsequence`: the longest
 * run of items in the right relative order (not necessarily adjacent) over n; a single item scores 0.
 * Unknown or repeated ids are ignored; items left out score nothing.
 */
export const gradeOrdering: Grader<'ordering'> = (question, answer) => {
  const n = question.items.length;
  const rightPlace = new Map(question.items.map((item, i) => [item.id!, i]));
  const seen = new Set<string>();
  const placed: Array<{ right: number; given: number }> = [];
  (answer?.order ?? []).forEach((id, given) => {
    const right = rightPlace.get(id);
    if (right === undefined || seen.has(id)) return;
    seen.add(id);
    placed.push({ right, given });
  });
  if (question.grading === 'all_or_nothing') {
    const exact = placed.length === n && (answer?.order.length ?? 0) === n && placed.every((p) => p.right === p.given);
    return graded(exact ? 1 : 0);
  }
  if (question.grading === 'relative_to_correct_position') {
    const total = placed.reduce((sum, p) => sum + Math.max(0, n - 1 - Math.abs(p.right - p.given)), 0);
    return graded(total / (n * (n - 1)));
  }
  const longest = longestIncreasing(placed.map((p) => p.right));
  return graded(longest < 2 ? 0 : longest / n);
};
