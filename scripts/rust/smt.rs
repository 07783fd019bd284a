//! smt: a sparse Merkle tree EE, in Rust without std or crates.
//!
//! The state is a binary Merkle tree of depth D over D-bit keys; the
//! pre-state root is its root. The block carries updates with their
//! witnesses; the script checks each witness against the current root and
//! computes the new root, recursing once per level of the tree (D + 1 nested
//! calls of `fold`), as a sparse Merkle tree over 256-bit keys does 257 deep.
//!
//! Block data (integers little-endian):
//!   empty: no updates, the root is saved unchanged; otherwise
//!   u16 D (1 ..= 4096) | u16 n | n updates, and nothing after them:
//!     key: ceil(D / 8) bytes; bit l (l = 0 is taken at the root) is
//!          bit 7 - l % 8 of byte l / 8 (later bits of the last byte are ignored)
//!     old leaf (32) | new leaf (32) | D siblings of 32 bytes, from the
//!     root's children down: sibling l is the child, not on the key's path,
//!     of the path's node at depth l
//!
//! hash(l, r) = SHA-256(l || r); a leaf is its 32-byte value (32 zero bytes:
//! empty); a node at depth l < D is hash(left child, right child). For each
//! update: the root computed from the old leaf and the siblings must equal the
//! current root (else a panic: `unreachable`); the current root becomes the one
//! computed from the new leaf and the same siblings. A malformed block (bad
//! length, D out of range) also panics. Prints D and n (debug_print32).
//!
//! Imports: module "env", names prefixed with "eth2_" / "debug_" (ewasm/scout's
//! Rust style).

#![no_std]

#[link(wasm_import_module = "env")]
extern "C" {
    fn eth2_loadPreStateRoot(ptr: *mut u8);
    fn eth2_blockDataSize() -> u32;
    fn eth2_blockDataCopy(ptr: *mut u8, offset: u32, length: u32);
    fn eth2_savePostStateRoot(ptr: *const u8);
    fn debug_print32(value: u32);
}

extern "C" {
    // The first free byte after the data and the stack (defined by wasm-ld).
    static __heap_base: u8;
}

type Hash = [u8; 32];

// SHA-256 (FIPS 180-4, 4.2.2): the fractional parts of the cube roots of the
// first 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for i in 0..16 {
        w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
    }
    let mut v = *state;
    for i in 0..64 {
        let (a, e) = (v[0], v[4]);
        let ch = (e & v[5]) ^ (!e & v[6]);
        let t1 = v[7]
            .wrapping_add(e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25))
            .wrapping_add(ch)
            .wrapping_add(K[i])
            .wrapping_add(w[i]);
        let maj = (a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]);
        let t2 = (a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22)).wrapping_add(maj);
        v = [t1.wrapping_add(t2), a, v[1], v[2], v[3].wrapping_add(t1), e, v[5], v[6]];
    }
    for i in 0..8 {
        state[i] = state[i].wrapping_add(v[i]);
    }
}

/// SHA-256(left || right): one block of message, one of padding.
fn hash(left: &[u8], right: &[u8]) -> Hash {
    let mut state: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(left);
    block[32..].copy_from_slice(right);
    compress(&mut state, &block);
    let mut padding = [0u8; 64];
    padding[0] = 0x80;
    padding[62] = 0x02; // 512 bits, big-endian
    compress(&mut state, &padding);
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&state[i].to_be_bytes());
    }
    out
}

struct Update<'a> {
    key: &'a [u8],
    old_leaf: &'a [u8],
    new_leaf: &'a [u8],
    siblings: &'a [u8],
}

impl Update<'_> {
    fn bit(&self, level: usize) -> u8 {
        (self.key[level / 8] >> (7 - level % 8)) & 1
    }
}

/// The node at depth `level` on the update's path, before and after it:
/// (old, new). Recurses down to the leaf, so D + 1 calls are nested.
fn fold(update: &Update, level: usize, depth: usize) -> (Hash, Hash) {
    if level == depth {
        let mut old = [0u8; 32];
        let mut new = [0u8; 32];
        old.copy_from_slice(update.old_leaf);
        new.copy_from_slice(update.new_leaf);
        return (old, new);
    }
    let (old_child, new_child) = fold(update, level + 1, depth);
    let sibling = &update.siblings[32 * level..32 * level + 32];
    if update.bit(level) == 0 {
        (hash(&old_child, sibling), hash(&new_child, sibling))
    } else {
        (hash(sibling, &old_child), hash(sibling, &new_child))
    }
}

/// The block data, copied after the heap base (memory grown to fit).
fn block_data() -> &'static [u8] {
    let size = unsafe { eth2_blockDataSize() } as usize;
    let base = unsafe { &__heap_base as *const u8 as usize };
    let start = (base + 15) & !15;
    let have = core::arch::wasm32::memory_size(0) * 65536;
    if start + size > have {
        let pages = (start + size - have + 65535) / 65536;
        if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
            panic!("smt: cannot grow memory");
        }
    }
    let ptr = start as *mut u8;
    unsafe {
        eth2_blockDataCopy(ptr, 0, size as u32);
        core::slice::from_raw_parts(ptr, size)
    }
}

fn u16_at(data: &[u8], at: usize) -> usize {
    u16::from_le_bytes([data[at], data[at + 1]]) as usize
}

#[no_mangle]
pub extern "C" fn main() {
    let mut root = [0u8; 32];
    unsafe { eth2_loadPreStateRoot(root.as_mut_ptr()) };
    let data = block_data();
    if !data.is_empty() {
        assert!(data.len() >= 4, "smt: block too short");
        let depth = u16_at(data, 0);
        let count = u16_at(data, 2);
        assert!(depth >= 1 && depth <= 4096, "smt: depth out of range");
        unsafe {
            debug_print32(depth as u32);
            debug_print32(count as u32);
        }
        let key_size = (depth + 7) / 8;
        let update_size = key_size + 64 + 32 * depth;
        assert!(data.len() == 4 + count * update_size, "smt: malformed block");
        for i in 0..count {
            let at = 4 + i * update_size;
            let update = Update {
                key: &data[at..at + key_size],
                old_leaf: &data[at + key_size..at + key_size + 32],
                new_leaf: &data[at + key_size + 32..at + key_size + 64],
                siblings: &data[at + key_size + 64..at + update_size],
            };
            let (old_root, new_root) = fold(&update, 0, depth);
            assert!(old_root == root, "smt: witness does not match the current root");
            root = new_root;
        }
    }
    unsafe { eth2_savePostStateRoot(root.as_ptr()) };
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
