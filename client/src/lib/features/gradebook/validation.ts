import { LIMITS } from '@tp/shared/constants';
import { t } from '$lib/i18n/i18n.svelte.js';

/** The same bounds the server's gradebook schema applies (points share the homework maximum). */
export const GRADEBOOK_LIMITS = { maxPoints: LIMITS.homework.maxPoints, weight: 1000, commentChars: 1000, titleChars: LIMITS.title.max } as const;

const NUMBER = /^\d{1,7}([.,]\d{1,10})?$/;

/** A typed number (a comma is a decimal point too); null for blank, NaN for anything that is not a number. */
export function parsePoints(raw: string): number | null {
  const text = raw.trim();
  if (text === '') return null;
  return NUMBER.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
}

const twoDecimals = (value: number) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6;

/** Why a score cannot be saved, or null: 0..max with at most two decimals. */
export function scoreProblem(raw: string, max: number): string | null {
  const value = parsePoints(raw);
  if (value === null) return null;
  if (Number.isNaN(value) || value < 0 || value > max) return t('gradebook.cp.outOfRange', { max });
  if (!twoDecimals(value)) return t('gradebook.cp.twoDecimals');
  return null;
}

export interface ControlPointDraft {
  title: string;
  maxPoints: string;
  weight: string;
}

/** Field → message for the control point form. */
export function controlPointProblems(draft: ControlPointDraft): Partial<Record<keyof ControlPointDraft, string>> {
  const problems: Partial<Record<keyof ControlPointDraft, string>> = {};
  if (!draft.title.trim() || draft.title.length > GRADEBOOK_LIMITS.titleChars) problems.title = t('gradebook.cp.titleRequired');
  const max = parsePoints(draft.maxPoints);
  if (max === null || Number.isNaN(max) || max <= 0 || max > GRADEBOOK_LIMITS.maxPoints || !twoDecimals(max))
    problems.maxPoints = t('gradebook.cp.maxRequired', { max: GRADEBOOK_LIMITS.maxPoints });
  const weight = parsePoints(draft.weight);
  if (weight === null || Number.isNaN(weight) || weight > GRADEBOOK_LIMITS.weight || !twoDecimals(weight)) problems.weight = t('gradebook.cp.weightRange');
  return problems;
}
