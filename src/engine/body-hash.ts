/**
 * The second pass of the sync asks the partner for the same few hundred statements as the first.
 * When a body comes back byte for byte as it was, everything the sync would read from it (rows,
 * digest, whether it is usable) is what the first pass read already. So the first pass keeps a
 * SHA-256 of each statement body it read, and the second pass only hashes what arrives: equal
 * bytes end as `SAME_BODY`, and only a body that changed is asked for once more and read (the
 * client's `readStreamAgain`). Hashing runs at some 2 GB/s; reading rows at a fifth of that.
 */
import { createHash, type Hash } from "node:crypto";
import type { BodySink } from "../http/types.js";

/** What a body read by `SameBodySink` ends as when its bytes are the expected ones. */
export const SAME_BODY: unique symbol = Symbol("same body");

/** A reader that also hashes what it is given; `digest` is set once the body ended and was read. */
export class HashingSink implements BodySink {
  private readonly hash: Hash = createHash("sha256");
  /** SHA-256 (base64) of the body, when the inner reader read it to its end. */
  digest?: string;
  /** The inner reader's value, to tell which attempt's body the digest belongs to. */
  value?: unknown;

  constructor(private readonly inner: BodySink) {}

  write(chunk: Buffer): boolean {
    this.hash.update(chunk);
    return this.inner.write(chunk);
  }

  backlog(): Promise<void> | undefined {
    return this.inner.backlog?.();
  }

  end(): unknown {
    const digest = this.hash.digest("base64");
    const settle = (v: unknown) => {
      if (v !== undefined) {
        this.digest = digest;
        this.value = v;
      }
      return v;
    };
    const v = this.inner.end();
    return v instanceof Promise ? v.then(settle) : settle(v);
  }

  abort(): void {
    this.inner.abort?.();
  }
}

/**
 * Hashes a body without reading it: ends as `SAME_BODY` when its SHA-256 is `expected`, declined
 * otherwise. `expected` is the digest of a body the client scanned for secrets as it streamed in
 * (a `HashingSink` only has a digest for a body the client did not decline), so equal bytes hold
 * none either, and the client need not look again.
 */
export class SameBodySink implements BodySink {
  private readonly hash: Hash = createHash("sha256");
  readonly onlyKnownBytes = true;

  constructor(private readonly expected: string) {}

  write(chunk: Buffer): boolean {
    this.hash.update(chunk);
    return true;
  }

  end(): typeof SAME_BODY | undefined {
    return this.hash.digest("base64") === this.expected ? SAME_BODY : undefined;
  }
}
