/** Cache-Control directives (RFC 9111 section 5.2): names lower-cased, values as sent (undefined without `=`). */
export function cacheDirectives(cacheControl: string | undefined): { name: string; value?: string }[] {
  if (!cacheControl) return [];
  return cacheControl.split(",").flatMap((part) => {
    const [name, value] = part.split("=", 2);
    const n = name!.trim().toLowerCase();
    return n === "" ? [] : [value === undefined ? { name: n } : { name: n, value }];
  });
}
