/** How a figure compares with its target; `info` figures have none. */
export type Verdict = 'pass' | 'miss' | 'info' | 'not measured';

export interface Figure {
  name: string;
  value: string;
  target?: string;
  verdict: Verdict;
}

/** What one section found: its figures, what bounds them, and anything a reader must know. */
export interface SectionReport {
  /** `1`..`6`, the numbering. */
  number: number;
  title: string;
  figures: Figure[];
  /** What limits each figure on this machine (the issue asks for it with every number). */
  bounds: string[];
  notes: string[];
}

export function figure(name: string, value: string, verdict: Verdict = 'info', target?: string): Figure {
  return { name, value, verdict, target };
}

/** A figure with a target: pass when `ok`. */
export function judged(name: string, value: string, target: string, ok: boolean): Figure {
  return { name, value, target, verdict: ok ? 'pass' : 'miss' };
}

/** The explicit row a section leaves when it could not measure. */
export function notMeasured(number: number, title: string, reason: string, notes: string[] = []): SectionReport {
  return { number, title, figures: [{ name: 'not measured', value: reason, verdict: 'not measured' }], bounds: [], notes };
}

export const fmt = {
  rps: (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} req/s` : 'n/a'),
  perSecond: (v: number, unit: string) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ${unit}/s` : 'n/a'),
  ms: (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : 'n/a'),
  // Two decimals, or two significant digits for the tiny ratios a 0.00 would hide.
  ratio: (v: number) => (!Number.isFinite(v) ? 'n/a' : v >= 0.1 || v === 0 ? v.toFixed(2) : v.toPrecision(2)),
  mb: (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : 'n/a'),
  count: (v: number) => v.toLocaleString('en-US'),
};
