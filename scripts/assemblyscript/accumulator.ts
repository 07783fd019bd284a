// accumulator (AssemblyScript): post-state root = SHA-256(pre-state root || block data).
//
// The block data is fetched in chunks of 4096 bytes (one eth2_blockDataCopy
// each, into one reused Uint8Array) and streamed into a Sha256 object
// (sha256.ts); main returns the number of chunks, which scout and V8 ignore.

import { Sha256 } from "./sha256";
import { loadPreStateRoot, blockDataSize, blockDataCopy, savePostStateRoot } from "./eei";

const CHUNK: u32 = 4096;

export function main(): i32 {
  const root = new Uint8Array(32);
  loadPreStateRoot(root.dataStart);
  const hasher = new Sha256();
  hasher.update(root);

  const size = blockDataSize();
  const chunk = new Uint8Array(CHUNK);
  let chunks = 0;
  for (let offset: u32 = 0; offset < size; offset += CHUNK) {
    const n = min(CHUNK, size - offset);
    blockDataCopy(chunk.dataStart, offset, n);
    hasher.update(chunk, 0, <i32>n);
    chunks++;
  }

  hasher.finish(root);
  savePostStateRoot(root.dataStart);
  return chunks;
}
