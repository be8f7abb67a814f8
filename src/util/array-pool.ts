/**
 * Reuse of large ArrayBuffers. A sync of a large partner reads hundreds of statement bodies of
 * tens of megabytes and builds a row table for each; allocating and freeing a block that size
 * every time leaves the C heap fragmented, and the process's resident memory grows far past what it
 * uses. Bodies and row columns take their memory from here and give it back once read, so the run
 * reuses a handful of blocks instead.
 *
 * Only blocks of at least MIN_POOLED bytes are pooled; smaller ones are left to the allocator.
 * Whoever gives a block back must hold no view of it afterwards.
 */

/** Blocks below this size are not worth pooling. */
export const MIN_POOLED = 1024 * 1024;
/**
 * Spare blocks kept at most, in bytes; see limitSpare. Enough for the columns of the four statements
 * a sync reads at once (a 20 MB statement takes a block of about 7 MiB), which go from here to the
 * reading thread and back for every body: kept, they are reused instead of freed and allocated again.
 */
let maxSpare = 32 * 1024 * 1024;
/** Sizes are rounded up to a multiple of this, so that blocks fit more requests. */
const GRAIN = 1024 * 1024;

const spare: ArrayBuffer[] = [];
/** Blocks handed out by takeBlock: only those come back into the pool. */
const ours = new WeakSet<ArrayBuffer>();
let spareBytes = 0;

/** A block of at least `bytes` bytes (its content is whatever it held before). */
export function takeBlock(bytes: number): ArrayBuffer {
  if (bytes < MIN_POOLED) return new ArrayBuffer(bytes);
  let best = -1;
  for (let i = 0; i < spare.length; i++) {
    if (spare[i].byteLength >= bytes && (best === -1 || spare[i].byteLength < spare[best].byteLength)) best = i;
  }
  // A block more than twice the size asked for would sit mostly unused: allocate instead.
  if (best !== -1 && spare[best].byteLength <= bytes * 2) {
    const block = spare[best];
    spare.splice(best, 1);
    spareBytes -= block.byteLength;
    return block;
  }
  const block = new ArrayBuffer(Math.ceil(bytes / GRAIN) * GRAIN);
  ours.add(block);
  return block;
}

/** Gives a block back for reuse. The caller must not use it, or any view of it, afterwards. */
export function giveBlock(block: ArrayBufferLike): void {
  if (!(block instanceof ArrayBuffer) || !ours.has(block) || spare.includes(block)) return;
  spare.push(block);
  spareBytes += block.byteLength;
  // Over the cap: drop the smallest spare blocks first (the large ones are the expensive ones).
  while (spareBytes > maxSpare && spare.length > 0) {
    let smallest = 0;
    for (let i = 1; i < spare.length; i++) if (spare[i].byteLength < spare[smallest].byteLength) smallest = i;
    spareBytes -= spare[smallest].byteLength;
    spare.splice(smallest, 1);
  }
}

/**
 * Makes a block that came from another thread (the reading thread's table columns; a transfer makes
 * a new ArrayBuffer object even of memory taken here) one of this pool's: once given back, it is
 * kept for reuse here instead of being freed.
 */
export function claimBlock(block: ArrayBuffer): void {
  if (block.byteLength >= MIN_POOLED) ours.add(block);
}

/** Sets the cap on spare blocks of this thread (a worker that reads a few bodies at once needs less). */
export function limitSpare(bytes: number): void {
  maxSpare = bytes;
}

/** Bytes held as spare blocks (for tests and the bench). */
export function spareBlockBytes(): number {
  return spareBytes;
}
