"""Keccak-256 for tools/gen_vectors.py: Ethereum's, with the original Keccak
padding (0x01), which hashlib's sha3_256 (padding 0x06) is not. Checked against
hashlib's SHA3-256 and known answers when imported."""

import hashlib


# Keccak-256 (Ethereum's: the original Keccak padding 0x01, not SHA3-256's
# 0x06), a plain Keccak-f[1600] sponge after the Keccak reference, since
# hashlib's sha3_256 pads differently. Round constants and rotation offsets are
# derived as the specification defines them rather than copied from a table.

def _keccak_round_constants():
    def rc_bit(t):  # the LFSR x^8 + x^6 + x^5 + x^4 + 1, output bit t
        r = 1
        for _ in range(t % 255):
            r <<= 1
            if r & 0x100:
                r ^= 0x171
        return r & 1
    constants = []
    for rnd in range(24):
        c = 0
        for j in range(7):
            if rc_bit(j + 7 * rnd):
                c |= 1 << ((1 << j) - 1)
        constants.append(c)
    return constants


def _keccak_rotations():
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rot


_KECCAK_RC = _keccak_round_constants()
_KECCAK_ROT = _keccak_rotations()
_MASK64 = (1 << 64) - 1


def _keccak_f1600(a):
    """a: 25 lanes, a[x + 5 y], each a 64-bit int; permuted in place."""
    for rc in _KECCAK_RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        for x in range(5):
            rot = c[(x + 1) % 5]
            d = c[(x - 1) % 5] ^ (((rot << 1) | (rot >> 63)) & _MASK64)
            for y in range(5):
                a[x + 5 * y] ^= d
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                v, n = a[x + 5 * y], _KECCAK_ROT[x][y]
                b[y + 5 * ((2 * x + 3 * y) % 5)] = ((v << n) | (v >> (64 - n))) & _MASK64 if n else v
        for x in range(5):
            for y in range(5):
                a[x + 5 * y] = b[x + 5 * y] ^ ((~b[(x + 1) % 5 + 5 * y]) & b[(x + 2) % 5 + 5 * y])
        a[0] ^= rc


def _sponge256(data, pad):
    rate = 136  # bytes: 1600 - 2 * 256 bits
    padded = bytearray(data) + bytes([pad]) + bytes((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(padded), rate):
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(padded[off + 8 * i:off + 8 * i + 8], "little")
        _keccak_f1600(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def keccak256(data):
    return _sponge256(data, 0x01)


# The same sponge with SHA3's domain padding (0x06) must be hashlib's SHA3-256,
# over lengths around the 136-byte rate; then the known answers of Keccak-256
# (Ethereum's empty-input hash; "abc" from the Keccak team's tests).
def _self_check_keccak():
    """Raises (also under python -O) if the sponge is wrong."""
    m = bytes(range(256)) * 2
    for n in (0, 1, 135, 136, 137, 271, 272, 273):
        if _sponge256(m[:n], 0x06) != hashlib.sha3_256(m[:n]).digest():
            raise RuntimeError("Keccak sponge with 0x06 padding differs from hashlib's SHA3-256 at %d bytes" % n)
    for msg, digest in ((b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
                        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")):
        if keccak256(msg).hex() != digest:
            raise RuntimeError("keccak256(%r) is %s, expected %s" % (msg, keccak256(msg).hex(), digest))


_self_check_keccak()
