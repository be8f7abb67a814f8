import { describe, expect, it } from "vitest";
import { claimBlock, giveBlock, MIN_POOLED, spareBlockBytes, takeBlock } from "../../../src/util/array-pool.js";

describe("the large block pool", () => {
  it("hands a given-back block out again for a request it fits", () => {
    const a = takeBlock(3 * MIN_POOLED + 5);
    expect(a.byteLength).toBeGreaterThanOrEqual(3 * MIN_POOLED + 5);
    giveBlock(a);
    expect(spareBlockBytes()).toBeGreaterThanOrEqual(a.byteLength);
    const b = takeBlock(3 * MIN_POOLED);
    expect(b).toBe(a);
    // A block far larger than asked for is not handed out for a small request.
    giveBlock(b);
    const small = takeBlock(MIN_POOLED);
    expect(small).not.toBe(b);
    expect(takeBlock(2 * MIN_POOLED + 1)).toBe(b);
  });

  it("leaves small blocks and blocks it did not hand out alone", () => {
    const before = spareBlockBytes();
    giveBlock(new ArrayBuffer(8 * MIN_POOLED));
    giveBlock(takeBlock(1024));
    expect(spareBlockBytes()).toBe(before);
  });

  it("keeps at most 32 MiB of spare blocks", () => {
    const blocks = Array.from({ length: 6 }, () => takeBlock(13 * MIN_POOLED));
    for (const b of blocks) giveBlock(b);
    expect(spareBlockBytes()).toBeLessThanOrEqual(32 * MIN_POOLED);
    expect(spareBlockBytes()).toBeGreaterThan(19 * MIN_POOLED);
  });

  it("takes back a block that comes home from another thread as a new object", () => {
    // A transfer to a worker and back gives the same memory as a new ArrayBuffer object.
    const returned = structuredClone(takeBlock(3 * MIN_POOLED), { transfer: [] });
    const before = spareBlockBytes();
    giveBlock(returned);
    expect(spareBlockBytes()).toBe(before);
    claimBlock(returned);
    giveBlock(returned);
    expect(spareBlockBytes()).toBe(before + returned.byteLength);
    expect(takeBlock(3 * MIN_POOLED)).toBe(returned);
    const small = new ArrayBuffer(1024);
    claimBlock(small);
    giveBlock(small);
    expect(spareBlockBytes()).toBe(before);
  });

  it("keeps a claimed block from another thread once it is given back, and not before", () => {
    const block = new ArrayBuffer(2 * MIN_POOLED);
    const before = spareBlockBytes();
    claimBlock(block);
    expect(spareBlockBytes()).toBe(before);
    giveBlock(block);
    giveBlock(block);
    expect(spareBlockBytes()).toBe(before + block.byteLength);
    expect(takeBlock(2 * MIN_POOLED)).toBe(block);
    // Small blocks are left to the allocator, claimed or not.
    const small = new ArrayBuffer(1024);
    claimBlock(small);
    giveBlock(small);
    expect(spareBlockBytes()).toBe(before);
  });
});
