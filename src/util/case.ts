/** The text with every ASCII letter in the other case (`AbC-1` → `aBc-1`); other characters stay. */
export function swapLetterCase(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}
