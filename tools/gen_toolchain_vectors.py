"""The vectors of test-vectors/toolchains/: scripts built by AssemblyScript, rustc and
clang + wasi-libc (scripts/README.md, "Scripts built by real toolchains").

Part of tools/gen_vectors.py, which calls toolchain_vectors(gen_vectors) and writes or
checks the files with the others. The expected roots come from the Python models below,
written from each script's documented semantics (its header comment and
scripts/README.md), never from a run of scout or of V8.

test-vectors/toolchains/*.yaml must pass; test-vectors/toolchains/traps/*.yaml must fail
with a trap in their last block (the expected roots are those before that block, so the
trap is the only thing wrong). test/engines/toolchains.py runs each on V8 (node) and on
every engine of scout and checks that all give the same verdict.
"""

import hashlib

ZERO = bytes(32)
U64 = 1 << 64


class ScriptTrap(Exception):
    """The script traps on this block (abort, panic, unreachable)."""


# Traps the models met, in order: (script, message). A vector reads and clears it.
TRAPS = []


def catching(model):
    """A model that records a trap and leaves the root as it was (the scripts save no
    root before they trap), as gen_vectors' run_model expects models never to raise."""
    def run(pre, data, field):
        try:
            return model(pre, data, field)
        except ScriptTrap as e:
            TRAPS.append(str(e))
            return pre, [], 0
    return run


def u32(data, at):
    return int.from_bytes(data[at:at + 4], "little")


def u16(data, at):
    return int.from_bytes(data[at:at + 2], "little")


# --------------------------------------------------------------------------
# AssemblyScript accumulator: SHA-256(pre-state root || block data), like
# scripts/accumulator.c (gen_vectors.model_accumulator).

def model_as_accumulator(pre, data, field):
    return hashlib.sha256(pre + data).digest(), [], 0


# --------------------------------------------------------------------------
# AssemblyScript token (scripts/assemblyscript/token.ts).

ACCOUNT_SIZE = 32   # address 20 | balance u64 | nonce u32
TX_SIZE = 52        # from 20 | to 20 | amount u64 | nonce u32


def token_root(accounts):
    """accounts: [[address, balance, nonce], ...] in order."""
    return hashlib.sha256(b"".join(
        a + b.to_bytes(8, "little") + n.to_bytes(4, "little") for a, b, n in accounts)).digest()


def token_block(accounts, txs):
    """The block data: the accounts (the witness) and the transactions
    [(from, to, amount, nonce), ...]."""
    out = [len(accounts).to_bytes(4, "little")]
    out += [a + b.to_bytes(8, "little") + n.to_bytes(4, "little") for a, b, n in accounts]
    out.append(len(txs).to_bytes(4, "little"))
    out += [f + t + amount.to_bytes(8, "little") + nonce.to_bytes(4, "little")
            for f, t, amount, nonce in txs]
    return b"".join(out)


def token_apply(data):
    """Parses a block and applies its transactions: (pre-state root the block's
    accounts commit to, accounts after, [skip reason or 0 per transaction]).
    Raises ScriptTrap for a malformed block."""
    if len(data) < 4:
        raise ScriptTrap("token: malformed block")
    n = u32(data, 0)
    tx_header = 4 + n * ACCOUNT_SIZE
    if tx_header + 4 > len(data):
        raise ScriptTrap("token: malformed block")
    m = u32(data, tx_header)
    if tx_header + 4 + m * TX_SIZE != len(data):
        raise ScriptTrap("token: malformed block")
    accounts, index = [], {}
    for i in range(n):
        rec = data[4 + i * ACCOUNT_SIZE:4 + (i + 1) * ACCOUNT_SIZE]
        if rec[:20] in index:
            raise ScriptTrap("token: duplicate account")
        index[rec[:20]] = len(accounts)
        accounts.append([rec[:20], int.from_bytes(rec[20:28], "little"), u32(rec, 28)])
    pre = token_root(accounts)
    reasons = []
    for j in range(m):
        tx = data[tx_header + 4 + j * TX_SIZE:tx_header + 4 + (j + 1) * TX_SIZE]
        frm, to = tx[:20], tx[20:40]
        amount, nonce = int.from_bytes(tx[40:48], "little"), u32(tx, 48)
        sender = accounts[index[frm]] if frm in index else None
        reason = (1 if sender is None else 2 if sender[2] != nonce else
                  3 if sender[1] < amount else 0)
        reasons.append(reason)
        if reason:
            continue
        sender[1] -= amount
        sender[2] = (sender[2] + 1) % (1 << 32)
        if to not in index:
            index[to] = len(accounts)
            accounts.append([to, 0, 0])
        receiver = accounts[index[to]]
        receiver[1] = (receiver[1] + amount) % U64
    return pre, accounts, reasons


def model_as_token(pre, data, field):
    block_pre, accounts, _ = token_apply(data)
    if block_pre != pre:
        raise ScriptTrap("token: pre-state root mismatch")
    return token_root(accounts), [], 0


class TokenChain:
    """Generates token blocks: each block's witness is the state the last one left."""

    def __init__(self, g, n_accounts):
        self.g = g
        self.accounts = [[g.bytes(20), g.rng.randrange(1, 1 << 40), g.rng.randrange(0, 5)]
                         for _ in range(n_accounts)]
        self.pre_root = token_root(self.accounts)

    def transactions(self, n, mix=True):
        """n transactions, mostly valid against the state as they apply in order;
        with mix, also every kind of skipped one, a new recipient and from == to."""
        g = self.g
        state = {a[0]: [a[1], a[2]] for a in self.accounts}
        addresses = [a[0] for a in self.accounts]
        txs = []
        for i in range(n):
            kind = i % 8 if mix else 0
            if kind == 1 or not addresses:
                kind = 1   # unknown sender
            frm = g.rng.choice(addresses) if addresses else g.bytes(20)
            to = g.rng.choice(addresses) if addresses else g.bytes(20)
            balance, nonce = state.get(frm, [0, 0])
            amount = g.rng.randrange(0, balance + 1) if balance else 0
            if kind == 1:
                frm = g.bytes(20)
            elif kind == 2:
                nonce += 1 + g.rng.randrange(3)       # wrong nonce
            elif kind == 3:
                amount = balance + 1 + g.rng.randrange(1000)   # more than the balance
            elif kind == 4:
                to = g.bytes(20)                      # a new account
                addresses.append(to)
            elif kind == 5:
                to = frm                              # to itself
            txs.append((frm, to, amount, nonce))
            if kind in (0, 4, 5, 6, 7):
                state[frm] = [balance - amount, nonce + 1]
                state.setdefault(to, [0, 0])
                state[to][0] += amount
        return txs

    def block(self, txs):
        data = token_block(self.accounts, txs)
        _, self.accounts, reasons = token_apply(data)
        self.accounts = [list(a) for a in self.accounts]
        return data, reasons


# --------------------------------------------------------------------------
# Rust sparse Merkle tree (scripts/rust/smt.rs).

def smt_hash(left, right):
    return hashlib.sha256(left + right).digest()


def model_rust_smt(pre, data, field):
    """The script's own computation: folds each witness up to a root."""
    if not data:
        return pre, [], 0
    if len(data) < 4:
        raise ScriptTrap("smt: block too short")
    depth, count = u16(data, 0), u16(data, 2)
    if not 1 <= depth <= 4096:
        raise ScriptTrap("smt: depth out of range")
    key_size = (depth + 7) // 8
    update_size = key_size + 64 + 32 * depth
    if len(data) != 4 + count * update_size:
        raise ScriptTrap("smt: malformed block")
    root = pre
    for i in range(count):
        at = 4 + i * update_size
        key = data[at:at + key_size]
        old = data[at + key_size:at + key_size + 32]
        new = data[at + key_size + 32:at + key_size + 64]
        siblings = data[at + key_size + 64:at + update_size]
        for level in reversed(range(depth)):
            sibling = siblings[32 * level:32 * level + 32]
            if (key[level // 8] >> (7 - level % 8)) & 1:
                old, new = smt_hash(sibling, old), smt_hash(sibling, new)
            else:
                old, new = smt_hash(old, sibling), smt_hash(new, sibling)
        if old != root:
            raise ScriptTrap("smt: witness does not match the current root")
        root = new
    return root, [], 0


class SparseMerkleTree:
    """The tree itself, to make witnesses: leaves {key as a D-bit int: value}."""

    def __init__(self, depth):
        self.depth = depth
        self.leaves = {}
        self.empty = [ZERO] * (depth + 1)   # empty[l]: an empty subtree's node at depth l
        for level in reversed(range(depth)):
            self.empty[level] = smt_hash(self.empty[level + 1], self.empty[level + 1])

    def key_int(self, key):
        return int.from_bytes(key, "big") >> (8 * len(key) - self.depth)

    def node(self, level, leaves):
        """The node at depth `level` over leaves (all under one prefix of `level` bits)."""
        if not leaves:
            return self.empty[level]
        if level == self.depth:
            (value,) = leaves.values()
            return value
        shift = self.depth - 1 - level
        left = {k: v for k, v in leaves.items() if not (k >> shift) & 1}
        right = {k: v for k, v in leaves.items() if (k >> shift) & 1}
        return smt_hash(self.node(level + 1, left), self.node(level + 1, right))

    def root(self):
        return self.node(0, self.leaves)

    def update(self, key, value):
        """Sets key to value; returns the update's bytes (key, old, new, siblings)."""
        k = self.key_int(key)
        siblings = []
        for level in range(self.depth):
            shift = self.depth - 1 - level
            prefix = (k >> shift) ^ 1
            under = {kk: v for kk, v in self.leaves.items() if kk >> shift == prefix}
            siblings.append(self.node(level + 1, under))
        old = self.leaves.get(k, ZERO)
        if value == ZERO:
            self.leaves.pop(k, None)
        else:
            self.leaves[k] = value
        return key + old + value + b"".join(siblings)


def smt_block(depth, updates):
    return depth.to_bytes(2, "little") + len(updates).to_bytes(2, "little") + b"".join(updates)


# --------------------------------------------------------------------------
# C with wasi-libc: the key-value registry (scripts/wasi/kv.c).

def model_wasi_kv(pre, data, field):
    text = data.split(b"\0", 1)[0]
    entries = {}
    for line in text.split(b"\n"):
        key, eq, value = line.partition(b"=")
        if eq and key:
            entries[key] = value
    body = b"".join(k + b"=" + entries[k] + b"\n" for k in sorted(entries))
    return hashlib.sha256(pre + body).digest(), [], 0


# --------------------------------------------------------------------------
# Scripts (scripts/bin/<name>.wasm, scripts/CMakeLists.txt) and their models.

AS_VARIANTS = ("", "_stub", "_O3")          # asc defaults, --runtime stub, -O3
RUST_VARIANTS = ("_debug", "_opt")          # rustc (debug, -g), rustc -O
C_VARIANTS = ("_O0", "_O2")

MODELS = {}
for v in AS_VARIANTS:
    MODELS["as_accumulator" + v] = model_as_accumulator
    MODELS["as_token" + v] = catching(model_as_token)
for v in RUST_VARIANTS:
    MODELS["rust_smt" + v] = catching(model_rust_smt)
for v in C_VARIANTS:
    MODELS["wasi_kv" + v] = model_wasi_kv

AS_NOTES = {"": "asc defaults (incremental runtime, no -O)", "_stub": "asc --runtime stub",
            "_O3": "asc -O3"}
RUST_NOTES = {"_debug": "rustc debug build (-g)", "_opt": "rustc -O"}
C_NOTES = {"_O0": "clang -O0", "_O2": "clang -O2"}


def toolchain_vectors(gv):
    """The vectors, as gen_vectors.Vector objects (gv: the gen_vectors module)."""
    gv.MODELS.update(MODELS)
    vs = []

    def vector(path, description, scripts, pre, blocks, notes, fails=False):
        del TRAPS[:]
        depth = path.count("/")
        v = gv.Vector("toolchains/" + path, description, scripts, pre, blocks, notes,
                      script_dir="../" * (depth + 2) + "scripts/bin")
        if fails:
            assert len(TRAPS) == 1, (path, TRAPS)
            # The trap is in the last block: the roots before it are expected.
            before = gv.run_model(scripts, pre, blocks[:-1])[0]
            assert [r.raw for r in v.post_roots] == before
        else:
            assert not TRAPS, (path, TRAPS)
        del TRAPS[:]
        vs.append(v)
        return v

    # ---- AssemblyScript accumulator ---------------------------------------
    for variant in AS_VARIANTS:
        name = "as_accumulator" + variant
        g = gv.Data("toolchains/" + name)
        sizes = [0, 1, 23, 24, 1000, 4095, 4096, 4097]
        blocks = [(i % 2, g.bytes(n)) for i, n in enumerate(sizes)]
        vector(name + ".yaml",
               ["%s.wasm (%s): AssemblyScript, export function main(): i32." % (name, AS_NOTES[variant]),
                "root = SHA-256(root || block data); the data is copied in chunks of 4096",
                "bytes, so sizes around 4096 end a chunk early, exactly or one byte late."],
               [name, name], [g.root(), g.root()], blocks, [gv.note_bytes(d) for _, d in blocks])

    g = gv.Data("toolchains/block_64k")
    big = g.bytes(65536)
    vector("block_64k.yaml",
           ["Blocks of 64 KiB (65536 bytes, over scout's old 16 KiB default limit), hashed by",
            "the AssemblyScript accumulator (-O3) and by clang's kv (-O2), which reads its",
            "block as text up to the first NUL byte."],
           ["as_accumulator_O3", "wasi_kv_O2"], [g.root(), g.root()],
           [(0, big), (1, b"k=" + bytes(b % 95 + 32 for b in big[:65534]))],
           ["65536 bytes", "65536 bytes of text: one record"])

    # ---- AssemblyScript token -----------------------------------------------
    for variant in AS_VARIANTS:
        name = "as_token" + variant
        g = gv.Data("toolchains/" + name)
        chain = TokenChain(g, 6)
        empty = TokenChain(g, 0)
        pre = [chain.pre_root, empty.pre_root]
        blocks, notes = [], []
        for n in (16, 9):
            data, reasons = chain.block(chain.transactions(n))
            blocks.append((0, data))
            notes.append("%d accounts, %d transactions, %d skipped" % (
                u32(data, 0), n, sum(1 for r in reasons if r)))
        data, _ = empty.block(empty.transactions(3))
        blocks.append((1, data))
        notes.append("no accounts: 3 transactions, all skipped")
        data, _ = chain.block([])
        blocks.append((0, data))
        notes.append("%d accounts, no transactions" % u32(data, 0))
        vector(name + ".yaml",
               ["%s.wasm (%s): AssemblyScript token EE with the managed" % (name, AS_NOTES[variant]),
                "runtime (Array, Map<string, Account>) and trace; each block carries the whole",
                "state as its witness and transactions, of every kind: applied, unknown",
                "sender, wrong nonce, over the balance, to a new account, to the sender",
                "(scripts/assemblyscript/token.ts)."],
               [name, name], pre, blocks, notes)

    g = gv.Data("toolchains/as_token_64k")
    # 4 + 32 a + 4 + 52 t = 65536 with a = 1219 accounts and t = 510 transactions.
    chain = TokenChain(g, 1219)
    data, reasons = chain.block(chain.transactions(510))
    assert len(data) == 65536
    vector("as_token_64k.yaml",
           ["A token block of 64 KiB: 1219 accounts and 510 transactions (as_token_O3.wasm),",
            "the size of a token EE's block with its multiproof."],
           ["as_token_O3"], [chain.pre_root],
           [(0, data)], ["65536 bytes, %d transactions skipped" % sum(1 for r in reasons if r)])

    # ---- Rust sparse Merkle tree ------------------------------------------
    # The debug build hashes about 20 times slower than -O in the interpreters
    # (every wrapping_add, rotate_right and index is a call, a bounds check or an
    # overflow check), so it gets a tree of depth 8 and the deep trees go to -O.
    for variant, depth in (("_debug", 8), ("_opt", 256)):
        name = "rust_smt" + variant
        g = gv.Data("toolchains/" + name)
        tree = SparseMerkleTree(depth)
        pre = tree.root()
        keys = [g.bytes(depth // 8) for _ in range(2)]
        blocks = [
            (0, smt_block(depth, [tree.update(keys[0], g.bytes(32))])),
            (0, b""),
            (0, smt_block(depth, [tree.update(keys[1], g.bytes(32)), tree.update(keys[0], g.bytes(32))])),
            (0, smt_block(depth, [tree.update(keys[1], ZERO)])),
        ]
        v = vector(name + ".yaml",
                   ["%s.wasm (%s): a sparse Merkle tree over %d-bit keys, from" % (name, RUST_NOTES[variant], depth),
                    "the empty tree; each update's witness is checked against the current root,",
                    "recursing %d calls deep (scripts/rust/smt.rs)." % (depth + 1)],
                   [name], [pre], blocks,
                   ["insert", "no updates", "insert another, change the first", "delete the second"])
        assert v.post_roots[0].raw == tree.root()

    g = gv.Data("toolchains/rust_smt_deep300")
    tree = SparseMerkleTree(300)
    pre = tree.root()
    # Keys of 38 bytes: their last 4 bits are not part of the key (random here).
    blocks = [(0, smt_block(300, [tree.update(g.bytes(38), g.bytes(32))])) for _ in range(2)]
    vector("rust_smt_deep300.yaml",
           ["The sparse Merkle tree of depth 300 (rust_smt_opt.wasm): the script recurses",
            "301 calls deep, fold from the root to the leaf, in each update."],
           ["rust_smt_opt"], [pre], blocks, ["an insert at depth 300", "another insert"])

    # ---- C with wasi-libc -----------------------------------------------------
    for variant in C_VARIANTS:
        name = "wasi_kv" + variant
        g = gv.Data("toolchains/" + name)
        blocks = [
            (0, b"alice=100\nbob=7\ncarol=\n"),
            (0, b""),
            (0, b"b=2\na=1\nb=3\nnot a record\n=no key\nc=x=y"),   # later wins; '=' in a value
            (0, b"zed=1\x00hidden=2\n"),                          # text ends at the NUL
            (0, b"\n".join(b"k%d=%s" % (g.rng.randrange(40), g.bytes(6).hex().encode())
                           for _ in range(120))),
        ]
        vector(name + ".yaml",
               ["%s.wasm (%s): C, int main(void), wasi-libc (malloc, memchr, strcmp," % (name, C_NOTES[variant]),
                "qsort): root = SHA-256(root || the key=value lines sorted by key, the later",
                "of two equal keys winning) (scripts/wasi/kv.c)."],
               [name], [g.root()], blocks,
               ["3 records", "empty", "duplicates, a line without '=', an empty key",
                "a NUL byte", "120 records over 40 keys"])

    # ---- traps/: a trap in the last block ---------------------------------
    g = gv.Data("toolchains/traps/as_token_malformed")
    chain = TokenChain(g, 3)
    ok, _ = chain.block(chain.transactions(4))
    bad = token_block(chain.accounts, chain.transactions(2))[:-1]
    vector("traps/as_token_malformed.yaml",
           ["MUST FAIL: the second block of as_token.wasm is one byte short: assert ->",
            "env.abort(\"token: malformed block\"), a trap on V8 and on scout."],
           ["as_token"], [chain.pre_root],
           [(0, ok), (0, bad)], ["4 transactions", "one byte short"], fails=True)

    g = gv.Data("toolchains/traps/as_token_wrong_witness")
    chain = TokenChain(g, 3)
    pre_root = chain.pre_root
    chain.accounts[1][1] += 1   # a balance that is not the one the root commits to
    vector("traps/as_token_wrong_witness.yaml",
           ["MUST FAIL: the block's accounts (as_token_stub.wasm) do not hash to the",
            "pre-state root (one balance is 1 higher): env.abort(\"token: pre-state root",
            "mismatch\")."],
           ["as_token_stub"], [pre_root], [(0, token_block(chain.accounts, []))],
           ["a forged balance"], fails=True)

    g = gv.Data("toolchains/traps/rust_smt_bad_witness")
    tree = SparseMerkleTree(256)
    pre = tree.root()
    first = tree.update(g.bytes(32), g.bytes(32))
    forged = bytearray(tree.update(g.bytes(32), g.bytes(32)))
    forged[32 + 64 + 32 * 255] ^= 1   # the last sibling
    vector("traps/rust_smt_bad_witness.yaml",
           ["MUST FAIL: the second block's witness has one flipped bit in its last sibling",
            "(rust_smt_opt.wasm): the assert panics, and the panic handler executes",
            "`unreachable`."],
           ["rust_smt_opt"], [pre], [(0, smt_block(256, [first])), (0, smt_block(256, [bytes(forged)]))],
           ["insert", "forged sibling"], fails=True)
    return vs
