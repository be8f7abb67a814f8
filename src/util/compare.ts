/**
 * Orders strings by UTF-16 code units, as `<` does. Used instead of `localeCompare` wherever
 * reach-check sorts for a stable output: the order must not depend on the machine's locale, and
 * the first `localeCompare` of a process spends milliseconds setting up ICU collation.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
