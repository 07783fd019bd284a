// SHA-256 (FIPS 180-4) in AssemblyScript, streaming: a managed object that
// keeps the chaining state, a 64-byte block buffer and the message length.
// Shared by accumulator.ts and token.ts.

// The round constants: the first 32 bits of the fractional parts of the cube
// roots of the first 64 primes (FIPS 180-4, 4.2.2).
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

export class Sha256 {
  private h: StaticArray<u32> = new StaticArray<u32>(8);
  private w: StaticArray<u32> = new StaticArray<u32>(64);
  private block: Uint8Array = new Uint8Array(64);
  private used: i32 = 0;     // bytes waiting in block
  private length: u64 = 0;   // message bytes so far

  constructor() {
    this.h[0] = 0x6a09e667; this.h[1] = 0xbb67ae85; this.h[2] = 0x3c6ef372; this.h[3] = 0xa54ff53a;
    this.h[4] = 0x510e527f; this.h[5] = 0x9b05688c; this.h[6] = 0x1f83d9ab; this.h[7] = 0x5be0cd19;
  }

  /** Adds bytes [start, end) of data to the message. */
  update(data: Uint8Array, start: i32 = 0, end: i32 = -1): void {
    if (end < 0) end = data.length;
    assert(start >= 0 && start <= end && end <= data.length, "sha256: range outside the array");
    this.length += <u64>(end - start);
    let i = start;
    while (i < end) {
      const take = min(64 - this.used, end - i);
      memory.copy(this.block.dataStart + this.used, data.dataStart + i, take);
      this.used += take;
      i += take;
      if (this.used == 64) {
        this.compress();
        this.used = 0;
      }
    }
  }

  /** Pads the message and writes the 32-byte digest to out[0, 32). */
  finish(out: Uint8Array): void {
    assert(out.length >= 32, "sha256: output shorter than 32 bytes");
    const bits = this.length * 8;
    this.block[this.used++] = 0x80;
    if (this.used > 56) {
      this.block.fill(0, this.used, 64);
      this.compress();
      this.used = 0;
    }
    this.block.fill(0, this.used, 56);
    for (let i = 0; i < 8; i++) this.block[63 - i] = <u8>(bits >> (8 * i));
    this.compress();
    for (let i = 0; i < 8; i++) {
      const v = this.h[i];
      out[4 * i] = <u8>(v >> 24);
      out[4 * i + 1] = <u8>(v >> 16);
      out[4 * i + 2] = <u8>(v >> 8);
      out[4 * i + 3] = <u8>v;
    }
  }

  private compress(): void {
    const w = this.w;
    const b = this.block;
    for (let i = 0; i < 16; i++) {
      w[i] = (<u32>b[4 * i] << 24) | (<u32>b[4 * i + 1] << 16) | (<u32>b[4 * i + 2] << 8) | <u32>b[4 * i + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >> 3);
      const s1 = rotr<u32>(y, 17) ^ rotr<u32>(y, 19) ^ (y >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    const h = this.h;
    let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let i = 0; i < 64; i++) {
      const t1 = hh + (rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      const t2 = (rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
      hh = g; g = f; f = e; e = d + t1;
      d = c; c = bb; bb = a; a = t1 + t2;
    }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
}
