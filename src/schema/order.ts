/** Document order for JSON pointers: how issues are sorted. */

const SLASH = 47;
const ZERO = 48;
const NINE = 57;

function isDigits(s: string, from: number, to: number): boolean {
  if (from === to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

function compareRange(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(as + i) - b.charCodeAt(bs + i);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/**
 * Document order for JSON pointers, compared in place (no splitting: this runs once per error,
 * and a broken 200,000-row body has that many): parents before children, array indices
 * numerically, names by code unit.
 */
export function comparePointers(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    const aDone = i >= a.length;
    const bDone = j >= b.length;
    if (aDone || bDone) return aDone && bDone ? 0 : aDone ? -1 : 1;
    // Both sit on a "/": find the end of each segment.
    let ae = i + 1;
    while (ae < a.length && a.charCodeAt(ae) !== SLASH) ae++;
    let be = j + 1;
    while (be < b.length && b.charCodeAt(be) !== SLASH) be++;
    const an = isDigits(a, i + 1, ae);
    const bn = isDigits(b, j + 1, be);
    let c: number;
    if (an && bn) c = ae - i - (be - j) || compareRange(a, i + 1, ae, b, j + 1, be);
    else if (an !== bn) c = an ? -1 : 1;
    else c = compareRange(a, i + 1, ae, b, j + 1, be);
    if (c !== 0) return c;
    i = ae;
    j = be;
  }
}
