/**
 * Response bodies: read with a byte cap, undo the content encoding, decode UTF-8, try JSON.
 */
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { takeBlock } from "../util/array-pool.js";

export class BodyError extends Error {
  constructor(
    readonly code: "body-too-large" | "other",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a stream into one buffer, stopping (and destroying the stream, which drops the
 * connection) as soon as more than `max` bytes arrived.
 */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(err?: Error): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

/**
 * Stops a body stream we no longer want. undici reports a destroyed, unfinished body as an
 * "aborted" error event; nobody is listening any more, so it is swallowed on purpose.
 */
export function discard(stream: BodyStream): void {
  stream.on("error", () => undefined);
  stream.destroy();
}

export async function readCapped(stream: BodyStream, max: number, declaredLength?: number): Promise<Buffer> {
  // With a Content-Length, the body goes straight into one buffer of that size: no list of chunks
  // beside a concatenated copy, which for a 20 MB statement doubles what a response holds at once.
  if (declaredLength !== undefined && Number.isSafeInteger(declaredLength) && declaredLength > 0 && declaredLength <= max) {
    // From the pool of large blocks; the client gives it back once the body is read (see giveBlock).
    const out = Buffer.from(takeBlock(declaredLength), 0, declaredLength);
    let size = 0;
    for await (const chunk of stream) {
      if (size + chunk.byteLength > declaredLength) {
        discard(stream);
        throw new BodyError("other", `the body is longer than its Content-Length of ${declaredLength} bytes`);
      }
      out.set(chunk, size);
      size += chunk.byteLength;
    }
    return size === declaredLength ? out : out.subarray(0, size);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > max) {
      discard(stream);
      throw new BodyError("body-too-large", `more than ${max} bytes`);
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, size);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

async function decodeOne(encoding: string, data: Buffer, max: number): Promise<Buffer> {
  // maxOutputLength bounds what a small compressed body may expand to.
  const opts = { maxOutputLength: Math.max(1, max) };
  switch (encoding) {
    case "gzip":
    case "x-gzip":
      return gunzip(data, opts);
    case "br":
      return brotli(data, opts);
    case "deflate":
      // Servers disagree on whether "deflate" carries the zlib header; accept both.
      try {
        return await inflate(data, opts);
      } catch (err) {
        if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw err;
        return inflateRaw(data, opts);
      }
    default:
      throw new BodyError(
        "other",
        `response uses Content-Encoding "${encoding}", which was not asked for (the request said Accept-Encoding: gzip, br) and cannot be decoded; send an encoding the request accepts, or none`,
      );
  }
}

/** Undoes each listed content coding, last applied first. */
export async function decodeContent(contentEncoding: string | undefined, data: Buffer, max: number): Promise<Buffer> {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let out = data;
  for (const coding of codings.reverse()) {
    if (out.length === 0) break; // an empty body has nothing to decode (HEAD, 204, 304)
    try {
      out = await decodeOne(coding, out, max);
    } catch (err) {
      if (err instanceof BodyError) throw err;
      const e = err as { code?: string; message?: string };
      if (e.code === "ERR_BUFFER_TOO_LARGE") throw new BodyError("body-too-large", `decoded body exceeds ${max} bytes`);
      throw new BodyError("other", `response body declared Content-Encoding ${coding} but did not decode: ${e.message ?? String(err)}`);
    }
  }
  return out;
}

/** Bare media type, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bare = header.split(";")[0]?.trim().toLowerCase();
  return bare ? bare : undefined;
}

const utf8 = new TextDecoder("utf-8");

/** UTF-8 text (a leading byte-order mark dropped, invalid bytes replaced). */
export function decodeText(data: Buffer): string {
  return utf8.decode(data);
}

/** Parses JSON text; empty (or blank) text is neither JSON nor an error. */
export function parseJson(text: string): { json?: unknown; jsonError?: string } {
  if (text.trim() === "") return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    return { jsonError: err instanceof Error ? err.message : String(err) };
  }
}
