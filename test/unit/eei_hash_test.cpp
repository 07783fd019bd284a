// Tests of the hashing host functions (src/eei/eei_hash.cpp): hash.sha256 and
// ethash.keccak256.
//
// Expected values come from outside the harness:
// - SHA-256: Python's hashlib, e.g.
//     python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"
//   (the exact inputs are written next to each constant).
// - Keccak-256: published vectors
//   * chfast/ethash, test/unittests/test_keccak.cpp: keccak256 of the first N
//     bytes of its test_text (N = 0, 1, 3, 135, 136, 137, 166 used here), and
//     of "Hello World! " doubled ten times (13312 bytes, an older version of
//     that file);
//   * axic/keccak-wasm test.wast, quoted in ewasm/biturbo assembly/keccak.ts:
//     136 zero bytes;
//   * "abc": the common Ethereum test value.
//   and, for every length from 0 to 420 (the 200-byte case included), a second
//   Keccak-256 written here from the Keccak reference (Keccak-f[1600] with
//   pad10*1 and domain byte 0x01), itself checked against the vectors above.

#include "binaryen_engine.hpp"
#include "eei.hpp"
#include "engine.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace scout;

using scout_test::contains;

namespace {

// ------------------------------------------------------------------ reference

/// Keccak-256 as in the Keccak reference: independent of Crypto++ and of
/// OpenSSL, only used to cross-check the host function.
std::array<uint8_t, 32> reference_keccak256(const uint8_t* data, size_t size)
{
    static constexpr uint64_t round_constants[24] = {
        0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
        0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
        0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
        0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
        0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
        0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
    };
    static constexpr int rotations[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                          27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
    static constexpr int pi_lanes[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                         15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};
    auto rotl = [](uint64_t x, int n) { return (x << n) | (x >> (64 - n)); };

    uint64_t state[25] = {};
    auto permute = [&] {
        for (int round = 0; round < 24; ++round)
        {
            uint64_t c[5];
            for (int x = 0; x < 5; ++x)
                c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
            for (int x = 0; x < 5; ++x)
            {
                const uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
                for (int y = 0; y < 25; y += 5)
                    state[y + x] ^= d;
            }
            uint64_t carry = state[1];
            for (int i = 0; i < 24; ++i)
            {
                const int j = pi_lanes[i];
                const uint64_t next = state[j];
                state[j] = rotl(carry, rotations[i]);
                carry = next;
            }
            for (int y = 0; y < 25; y += 5)
            {
                uint64_t row[5];
                for (int x = 0; x < 5; ++x)
                    row[x] = state[y + x];
                for (int x = 0; x < 5; ++x)
                    state[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
            }
            state[0] ^= round_constants[round];
        }
    };
    auto absorb_byte = [&](size_t pos, uint8_t b) {
        state[pos / 8] ^= uint64_t{b} << (8 * (pos % 8));
    };

    constexpr size_t rate = 136;  // (1600 - 2 * 256) / 8
    size_t pos = 0;
    for (size_t i = 0; i < size; ++i)
    {
        absorb_byte(pos++, data[i]);
        if (pos == rate)
        {
            permute();
            pos = 0;
        }
    }
    absorb_byte(pos, 0x01);  // Keccak's pad; SHA3-256 would use 0x06
    absorb_byte(rate - 1, 0x80);
    permute();

    std::array<uint8_t, 32> out{};
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
    return out;
}

std::string reference_keccak256_hex(const std::string& data)
{
    return scout_test::hex_of(
        reference_keccak256(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

/// chfast/ethash test/unittests/test_keccak.cpp: its vectors hash prefixes of this.
const std::string ethash_test_text =
    "As Estha stirred the thick jam he thought Two Thoughts and the Two Thoughts he thought were "
    "these: a) Anything can happen to anyone. and b) It is best to be prepared.";

struct Vector
{
    std::string input;
    const char* expected;
    const char* source;
};

std::vector<Vector> keccak_vectors()
{
    std::string hello_world = "Hello World! ";
    for (int i = 0; i < 10; ++i)
        hello_world += hello_world;
    const auto prefix = [](size_t n) { return ethash_test_text.substr(0, n); };
    return {
        {"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", "empty"},
        {"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", "abc"},
        {prefix(1), "03783fac2efed8fbc9ad443e592ee30e61d65f471140c10ca155e937b435b760", "ethash 1"},
        {prefix(3), "275613398ce7fd7cb405a72511be5fee893fd6ea8fdc8d5b162ab5427a800c03", "ethash 3"},
        {prefix(135), "529d56f1797de6a688c2a3dda2138f0895c964b2fbd61ba24b9278a06ef90aa0",
         "ethash 135 (rate - 1)"},
        {prefix(136), "2822ac036b9bc5d0c920d9e7f0abd6d6036701b513d2439104199fd6cd6d4ea4",
         "ethash 136 (rate)"},
        {prefix(137), "63b20400faf44a584ef6da89d234ee45437b8a23b740300c373d50ec0a03c171",
         "ethash 137 (rate + 1)"},
        {prefix(166), "7913dce6ae700aa2b21b92eb34afacba68efa6db171dd5384de495bfecb31ed1",
         "ethash 166 (all of test_text)"},
        {std::string(136, '\0'), "3a5912a7c5faa06ee4fe906253e339467a9ce87d533c65be3c15cb231cdb25f9",
         "keccak-wasm 136 zero bytes"},
        {hello_world, "da716091e8a10323f83a4635316b1d99da2cefa40a1dcd5cdbf88efb8429588b",
         "ethash Hello World x1024 (13312 bytes)"},
    };
}

// -------------------------------------------------------------------- fixture

const HostFunction& host(const char* module, const char* name)
{
    const HostFunction* f = find_host_function(module, name);
    if (f == nullptr)
        throw std::runtime_error(std::string("no host function ") + module + "." + name);
    return *f;
}

class HashEei : public ::testing::Test
{
protected:
    HashEei() { resize(64 * 1024); }

    void resize(size_t size)
    {
        memory.assign(size, 0);
        view = MemoryView(memory.data(), memory.size());
    }

    void sha256(uint32_t in_ptr, uint32_t in_len, uint32_t out_ptr)
    {
        const Value args[] = {Value::from_i32(in_ptr), Value::from_i32(in_len),
                              Value::from_i32(out_ptr)};
        host("hash", "sha256").fn(ctx, view, args);
    }

    void keccak256(uint32_t out_ptr, uint32_t in_ptr, uint32_t in_len)
    {
        const Value args[] = {Value::from_i32(out_ptr), Value::from_i32(in_ptr),
                              Value::from_i32(in_len)};
        host("ethash", "keccak256").fn(ctx, view, args);
    }

    void put(uint32_t at, const std::string& bytes)
    {
        std::memcpy(memory.data() + at, bytes.data(), bytes.size());
    }

    std::string hex_at(uint32_t at, size_t size = 32) const
    {
        return scout_test::hex_of(
            std::vector<uint8_t>(memory.begin() + at, memory.begin() + at + size));
    }

    /// Runs `f`, expecting a host trap; returns its message.
    static std::string trap_of(const std::function<void()>& f)
    {
        try
        {
            f();
        }
        catch (const Trap& t)
        {
            EXPECT_EQ(t.kind(), TrapKind::host) << t.what();
            return t.what();
        }
        ADD_FAILURE() << "no trap";
        return {};
    }

    std::vector<uint8_t> memory;
    MemoryView view;
    BlockContext ctx;
};

}  // namespace

// ------------------------------------------------------------ registration

TEST(HashFunctions, Sha256ResolvesInBothStyles)
{
    const auto* own = find_host_function("hash", "sha256");
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(find_host_function("env", "hash_sha256"), own);
    EXPECT_EQ(own->type, (FuncType{{ValType::i32, ValType::i32, ValType::i32}, {}}));
}

TEST(HashFunctions, Keccak256ResolvesInBothStyles)
{
    const auto* own = find_host_function("ethash", "keccak256");
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(find_host_function("env", "ethash_keccak256"), own);
    EXPECT_EQ(own->type, (FuncType{{ValType::i32, ValType::i32, ValType::i32}, {}}));
}

TEST(HashFunctions, NoOtherNames)
{
    for (const auto& [module, field] : std::vector<std::pair<const char*, const char*>>{
             {"eth2", "sha256"},
             {"env", "eth2_sha256"},
             {"env", "sha256"},
             {"env", "keccak256"},
             {"hash", "keccak256"},
             {"ethash", "sha256"},
             {"env", "hash_keccak256"},
             {"env", "ethash_sha256"},
             {"hash", "hash_sha256"},
         })
        EXPECT_EQ(find_host_function(module, field), nullptr) << module << "." << field;
}

TEST(HashFunctions, BindImportsAcceptsBothStyles)
{
    const FuncType t{{ValType::i32, ValType::i32, ValType::i32}, {}};
    ModuleInterface m;
    m.imports = {{"env", "hash_sha256", ExternKind::function, t},
                 {"hash", "sha256", ExternKind::function, t},
                 {"env", "ethash_keccak256", ExternKind::function, t},
                 {"ethash", "keccak256", ExternKind::function, t}};
    const auto bound = bind_imports(m);
    ASSERT_EQ(bound.size(), 4u);
    EXPECT_EQ(bound[0], bound[1]);
    EXPECT_EQ(bound[2], bound[3]);
    EXPECT_NE(bound[0], bound[2]);
}

// ------------------------------------------------------------ reference check

TEST(ReferenceKeccak, MatchesThePublishedVectors)
{
    for (const auto& v : keccak_vectors())
        EXPECT_EQ(reference_keccak256_hex(v.input), v.expected) << v.source;
}

// ------------------------------------------------------------------- sha256

TEST_F(HashEei, Sha256KnownAnswers)
{
    // Computed with python3 hashlib.sha256(<input>).hexdigest().
    const std::vector<std::pair<std::string, const char*>> cases = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        // b"a" * 55, * 56, * 64: the padding boundaries of SHA-256's 64-byte block.
        {std::string(55, 'a'), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {std::string(56, 'a'), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {std::string(64, 'a'), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        // the 166 bytes of ethash_test_text
        {ethash_test_text, "ec879c3d86be58770f937cd0889ff945040063118005cd6f4f2971b1761c5c5a"},
    };
    for (const auto& [input, expected] : cases)
    {
        put(1000, input);
        sha256(1000, static_cast<uint32_t>(input.size()), 100);
        EXPECT_EQ(hex_at(100), expected) << input.size() << " bytes";
    }
}

TEST_F(HashEei, Sha256Of200Bytes)
{
    // bytes(i & 0xff for i in range(200))
    for (uint32_t i = 0; i < 200; ++i)
        memory[512 + i] = static_cast<uint8_t>(i);
    sha256(512, 200, 0);
    EXPECT_EQ(hex_at(0), "1901da1c9f699b48f6b2636e65cbf73abf99d0441ef67f5c540a42f7051dec6f");
}

TEST_F(HashEei, Sha256OfOneMebibyte)
{
    // bytes((i * 7) & 0xff for i in range(1 << 20)), hashed from offset 0 of a
    // memory just large enough for it and the digest.
    resize((1u << 20) + 32);
    for (uint32_t i = 0; i < (1u << 20); ++i)
        memory[i] = static_cast<uint8_t>(i * 7);
    sha256(0, 1u << 20, 1u << 20);
    EXPECT_EQ(hex_at(1u << 20), "1d7368ef6f59e0c704a978b815288f1e464037959645bbfd79348d330269480d");
}

TEST_F(HashEei, Sha256EmptyInputAtTheEndOfMemory)
{
    sha256(static_cast<uint32_t>(memory.size()), 0, 0);
    EXPECT_EQ(hex_at(0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(HashEei, Sha256OutputAtTheVeryEndOfMemory)
{
    put(0, "abc");
    const auto end = static_cast<uint32_t>(memory.size());
    sha256(0, 3, end - 32);
    EXPECT_EQ(hex_at(end - 32), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(HashEei, Sha256InputPastTheEndTraps)
{
    const auto end = static_cast<uint32_t>(memory.size());
    const auto msg = trap_of([&] { sha256(end - 10, 11, 0); });
    EXPECT_EQ(msg, "hash.sha256: memory range [65526, 65537) is out of bounds (memory size 65536)");
}

TEST_F(HashEei, Sha256HugeLengthTrapsBeforeReading)
{
    EXPECT_TRUE(contains(trap_of([&] { sha256(0, 0xffffffffu, 0); }),
                         "hash.sha256: memory range [0, 4294967295) is out of bounds"));
    EXPECT_TRUE(contains(trap_of([&] { sha256(0xffffffffu, 0xffffffffu, 0); }),
                         "[4294967295, 8589934590) is out of bounds"));
    EXPECT_TRUE(contains(trap_of([&] { sha256(0xffffffffu, 1, 0); }),
                         "[4294967295, 4294967296) is out of bounds"));
}

TEST_F(HashEei, Sha256OutputPastTheEndTrapsAndWritesNothing)
{
    const auto end = static_cast<uint32_t>(memory.size());
    put(0, "abc");
    const auto before = memory;
    const auto msg = trap_of([&] { sha256(0, 3, end - 31); });
    EXPECT_EQ(msg, "hash.sha256: memory range [65505, 65537) is out of bounds (memory size 65536)");
    EXPECT_EQ(memory, before);
    EXPECT_TRUE(contains(trap_of([&] { sha256(0, 3, 0xffffffffu); }),
                         "[4294967295, 4294967327) is out of bounds"));
    EXPECT_EQ(memory, before);
}

TEST_F(HashEei, Sha256OutputMayBeTheInput)
{
    put(0, std::string(64, 'a'));
    sha256(0, 64, 0);
    EXPECT_EQ(hex_at(0), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    EXPECT_EQ(memory[32], 'a');  // beyond the digest, untouched
}

TEST_F(HashEei, Sha256OutputMayOverlapTheInputPartly)
{
    put(100, std::string(64, 'a'));
    sha256(100, 64, 116);  // output inside the input
    EXPECT_EQ(hex_at(116), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    put(300, std::string(56, 'a'));
    sha256(300, 56, 290);  // output starts before the input and ends inside it
    EXPECT_EQ(hex_at(290), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

// ---------------------------------------------------------------- keccak256

TEST_F(HashEei, Keccak256PublishedVectors)
{
    resize(32 * 1024);
    for (const auto& v : keccak_vectors())
    {
        put(64, v.input);
        keccak256(0, 64, static_cast<uint32_t>(v.input.size()));
        EXPECT_EQ(hex_at(0), v.expected) << v.source;
    }
}

TEST_F(HashEei, Keccak256Of200BytesMatchesTheReference)
{
    std::string input;
    for (int i = 0; i < 200; ++i)
        input += static_cast<char>(i);
    put(1000, input);
    keccak256(0, 1000, 200);
    EXPECT_EQ(hex_at(0), reference_keccak256_hex(input));
}

TEST_F(HashEei, Keccak256EveryLengthUpTo420MatchesTheReference)
{
    // Covers the rate boundaries 135/136/137 and 271/272/273 and the
    // 200-byte input, for every alignment of the input in memory 0..7.
    std::string data;
    for (int i = 0; i < 428; ++i)
        data += static_cast<char>((i * 131 + 7) & 0xff);
    put(1000, data);
    for (uint32_t align = 0; align < 8; ++align)
        for (uint32_t len = 0; len <= 420; ++len)
        {
            keccak256(0, 1000 + align, len);
            ASSERT_EQ(hex_at(0), reference_keccak256_hex(data.substr(align, len)))
                << "length " << len << ", alignment " << align;
        }
}

TEST_F(HashEei, Keccak256IsNotSha3_256)
{
    // python3 hashlib.sha3_256(b"").hexdigest(): what 0x06 padding would give.
    keccak256(0, 100, 0);
    EXPECT_NE(hex_at(0), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    EXPECT_EQ(hex_at(0), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST_F(HashEei, Keccak256TakesTheOutputPointerFirst)
{
    put(200, "abc");
    keccak256(500, 200, 3);
    EXPECT_EQ(hex_at(500), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    EXPECT_EQ(memory[200], 'a');
}

TEST_F(HashEei, Keccak256InputPastTheEndTraps)
{
    const auto end = static_cast<uint32_t>(memory.size());
    EXPECT_EQ(trap_of([&] { keccak256(0, end - 1, 2); }),
              "ethash.keccak256: memory range [65535, 65537) is out of bounds (memory size 65536)");
    EXPECT_TRUE(contains(trap_of([&] { keccak256(0, 1, 0xffffffffu); }),
                         "ethash.keccak256: memory range [1, 4294967296) is out of bounds"));
}

TEST_F(HashEei, Keccak256OutputPastTheEndTrapsAndWritesNothing)
{
    const auto end = static_cast<uint32_t>(memory.size());
    put(0, "abc");
    const auto before = memory;
    EXPECT_EQ(trap_of([&] { keccak256(end - 1, 0, 3); }),
              "ethash.keccak256: memory range [65535, 65567) is out of bounds (memory size 65536)");
    EXPECT_TRUE(contains(trap_of([&] { keccak256(0xffffffe1u, 0, 3); }),
                         "[4294967265, 4294967297) is out of bounds"));
    EXPECT_EQ(memory, before);
}

TEST_F(HashEei, Keccak256OutputAtTheEndAndEmptyInputAtTheEnd)
{
    const auto end = static_cast<uint32_t>(memory.size());
    keccak256(end - 32, end, 0);
    EXPECT_EQ(hex_at(end - 32), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST_F(HashEei, Keccak256OutputMayOverlapTheInput)
{
    const auto v136 = ethash_test_text.substr(0, 136);
    put(0, v136);
    keccak256(0, 0, 136);  // same start
    EXPECT_EQ(hex_at(0), "2822ac036b9bc5d0c920d9e7f0abd6d6036701b513d2439104199fd6cd6d4ea4");
    put(1000, v136);
    keccak256(1100, 1000, 136);  // output inside the input's tail
    EXPECT_EQ(hex_at(1100), "2822ac036b9bc5d0c920d9e7f0abd6d6036701b513d2439104199fd6cd6d4ea4");
    put(2000, v136);
    keccak256(1990, 2000, 136);  // output starts before the input
    EXPECT_EQ(hex_at(1990), "2822ac036b9bc5d0c920d9e7f0abd6d6036701b513d2439104199fd6cd6d4ea4");
}

// --------------------------------------------------------- through an engine

TEST(HashInScript, BothImportStylesThroughTheBinaryenEngine)
{
    // sha256("abc") via env.hash_sha256 to 64, then keccak256 of those 32 bytes
    // via ethash.keccak256 to 128, and the same keccak256 via the env style to
    // 192; the post-state root is the last.
    const std::string text = R"((module
  (import "env" "hash_sha256" (func $sha (param i32 i32 i32)))
  (import "ethash" "keccak256" (func $keccak (param i32 i32 i32)))
  (import "env" "ethash_keccak256" (func $keccak_env (param i32 i32 i32)))
  (import "hash" "sha256" (func $sha_own (param i32 i32 i32)))
  (import "eth2" "savePostStateRoot" (func $save (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "abc")
  (func (export "main")
    (call $sha (i32.const 0) (i32.const 3) (i32.const 64))
    (call $sha_own (i32.const 0) (i32.const 3) (i32.const 96))
    (call $keccak (i32.const 128) (i32.const 96) (i32.const 32))
    (call $keccak_env (i32.const 192) (i32.const 64) (i32.const 32))
    (call $save (i32.const 192))))
)";
    auto script = make_binaryen_engine({})->load(scout_test::wat(text));
    Bytes data;
    BlockContext ctx;
    ctx.block_data = &data;
    script->run(ctx);
    const auto sha_abc = scout_test::sha256("abc");
    EXPECT_EQ(scout_test::hex_of(ctx.post_state),
              scout_test::hex_of(reference_keccak256(sha_abc.data(), sha_abc.size())));
}

TEST(HashInScript, OutOfRangeIsAHostTrapOfTheBlock)
{
    const std::string text = R"((module
  (import "env" "ethash_keccak256" (func $keccak (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $keccak (i32.const 65535) (i32.const 0) (i32.const 3))))
)";
    auto script = make_binaryen_engine({})->load(scout_test::wat(text));
    Bytes data;
    BlockContext ctx;
    ctx.block_data = &data;
    try
    {
        script->run(ctx);
        ADD_FAILURE() << "no trap";
    }
    catch (const Trap& t)
    {
        EXPECT_EQ(t.kind(), TrapKind::host);
        EXPECT_TRUE(contains(t.what(), "ethash.keccak256: memory range [65535, 65567)"))
            << t.what();
    }
}
