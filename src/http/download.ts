/**
 * Downloading a document the user named by URL (a spec given with --spec). Unlike the partner
 * client, this follows redirects and sends credentials embedded in the URL as Basic auth: the user
 * chose this URL, it is not the partner under test.
 */

export class DownloadError extends Error {}

export async function downloadDocument(href: string, opts: { timeoutMs: number; maxBytes: number; accept: string }): Promise<Buffer> {
  const url = new URL(href);
  const headers: Record<string, string> = { accept: opts.accept };
  // fetch refuses URLs with credentials; send them as Basic auth instead.
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: "follow", signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    const error = err as Error & { cause?: { code?: string } };
    if (error?.name === "TimeoutError") throw new DownloadError(`no answer within ${opts.timeoutMs / 1000} s`);
    throw new DownloadError(error?.cause?.code ?? error?.name ?? "network error");
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > opts.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(`larger than ${opts.maxBytes} bytes`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > opts.maxBytes) throw new DownloadError(`larger than ${opts.maxBytes} bytes`);
  return bytes;
}
