/// Modules hash and ethash: hashing, the first of the "system libraries" of the
/// phase 2 EEI proposal, implemented natively.
///
/// - hash.sha256 (env.hash_sha256): no Scout peer binds a SHA-256 host function
///   (ewasm/scout, scout.ts and biturbo hash inside the script), so the module
///   name is scout's own, documented in docs/eei.md.
/// - ethash.keccak256 (env.ethash_keccak256): the name and argument order of
///   biturbo's Keccak-256, `ethash_keccak256(out, in, len)`.

#include "eei_groups.hpp"

// Keccak-256 comes from Crypto++ (Debian: libcrypto++-dev), not OpenSSL:
// Ethereum's Keccak-256 is the original Keccak submission (pad byte 0x01), which
// OpenSSL 3.0 (Debian bookworm) does not offer through EVP; its SHA3-256 pads
// with 0x06 and gives different digests. Crypto++'s Keccak_256 is the 0x01 one.
#include <cryptopp/keccak.h>
#include <openssl/evp.h>

#include <array>

namespace scout::eei {
namespace {

constexpr auto i32 = ValType::i32;
constexpr uint32_t digest_size = 32;

using Digest = std::array<uint8_t, digest_size>;

// Both functions check the input and the output range before hashing, and hash
// into a temporary, so the output may overlap the input and nothing is written
// when either range is out of bounds.

// sha256 and keccak256 read their arguments in different orders (their EEI
// signatures) and call different libraries; the checks around them are alike.
Value sha256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "hash.sha256";
    const uint32_t in_ptr = args[0].i32();
    const uint32_t in_len = args[1].i32();
    const uint32_t out_ptr = args[2].i32();
    const uint8_t* in = memory.read(in_ptr, in_len, what);
    memory.check(out_ptr, digest_size, what);

    Digest digest{};
    unsigned int size = 0;
    if (EVP_Digest(in, in_len, digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
        size != digest_size)
        throw Trap(TrapKind::resource, "hash.sha256: OpenSSL's SHA-256 failed");
    memory.write(out_ptr, digest.data(), digest.size(), what);
    return {};
}

Value keccak256(BlockContext&, MemoryView& memory, const Value* args)
{
    constexpr const char* what = "ethash.keccak256";
    const uint32_t out_ptr = args[0].i32();
    const uint32_t in_ptr = args[1].i32();
    const uint32_t in_len = args[2].i32();
    const uint8_t* in = memory.read(in_ptr, in_len, what);
    memory.check(out_ptr, digest_size, what);

    static_assert(CryptoPP::Keccak_256::DIGESTSIZE == digest_size);
    Digest digest{};
    CryptoPP::Keccak_256().CalculateDigest(digest.data(), in, in_len);
    memory.write(out_ptr, digest.data(), digest.size(), what);
    return {};
}

}  // namespace

std::vector<HostFunction> hash_functions()
{
    return {
        {"hash", "sha256", {{i32, i32, i32}, {}}, sha256},
        {"ethash", "keccak256", {{i32, i32, i32}, {}}, keccak256},
    };
}

}  // namespace scout::eei
