#pragma once
/// The in-memory model of a Scout YAML test vector (see docs/vector-format.md).

#include "bytes.hpp"
#include "field.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace scout {

/// Where a path in a vector was found.
enum class PathOrigin
{
    vector_folder,      ///< relative to the folder of the YAML file
    working_directory,  ///< relative to the current directory (older suites)
    absolute,           ///< written as an absolute path
};

/// A wasm file referenced by a vector (an execution script or a library).
struct ModuleRef
{
    std::string declared;            ///< the path as written in the YAML
    std::filesystem::path resolved;  ///< the path that exists, after resolution
    PathOrigin origin = PathOrigin::vector_folder;
    size_t line = 0;  ///< 1-based line in the YAML file
};

/// A library module (ewasm/scout module linking): importable under `name`.
struct LibraryRef
{
    std::string name;
    ModuleRef module;
};

/// One shard block: which execution environment runs, with which data.
struct ShardBlock
{
    uint32_t env = 0;
    Bytes data;
    size_t line = 0;                       ///< 1-based line of the block in the YAML file
    std::optional<uint64_t> expected_gas;  ///< `gas:`: pins the block's metered cost
};

/// How the 8-byte amount of a 184-byte deposit is encoded (docs/vector-format.md,
/// "Deposits"); the vector's optional `deposit_layout` key chooses.
enum class DepositLayout
{
    ewasm,  ///< big-endian, as ewasm/scout decodes it (u64::from_be_bytes): the default
    ssz,    ///< little-endian, as SSZ serializes a uint64 (phase 0's Deposit)
};

/// "ewasm", "ssz": the key's values.
const char* to_string(DepositLayout layout);
/// "ewasm (amount big-endian, as ewasm/scout)", for reports.
std::string describe(DepositLayout layout);
/// The layout named by a `deposit_layout` value; nullopt for any other text.
std::optional<DepositLayout> parse_deposit_layout(const std::string& name);

/// The 184-byte deposit of ewasm/scout: pubkey 48, withdrawal_credentials 32,
/// amount 8 (byte order: DepositLayout), signature 96.
struct Deposit
{
    static constexpr size_t pubkey_size = 48;
    static constexpr size_t withdrawal_credentials_size = 32;
    static constexpr size_t signature_size = 96;
    static constexpr size_t encoded_size =
        pubkey_size + withdrawal_credentials_size + 8 + signature_size;

    std::array<uint8_t, pubkey_size> pubkey{};
    std::array<uint8_t, withdrawal_credentials_size> withdrawal_credentials{};
    uint64_t amount = 0;
    std::array<uint8_t, signature_size> signature{};

    /// Decodes the 184 bytes; nullopt for any other length.
    static std::optional<Deposit> decode(const uint8_t* data, size_t size, DepositLayout layout);
    /// The 184 bytes.
    Bytes encode(DepositLayout layout) const;

    bool operator==(const Deposit& other) const;
    bool operator!=(const Deposit& other) const { return !(*this == other); }
};

/// A whole vector file.
struct TestVector
{
    std::filesystem::path file;         ///< the YAML file as given
    std::vector<ModuleRef> scripts;     ///< beacon_state.execution_scripts
    std::vector<LibraryRef> libraries;  ///< beacon_state.libraries (optional)
    std::vector<Bytes32> pre_states;    ///< shard_pre_state.exec_env_states
    std::vector<ShardBlock> blocks;     ///< shard_blocks, in file order
    std::vector<Bytes32> post_states;   ///< shard_post_state.exec_env_states
    std::vector<Deposit> deposits;      ///< deposit_receipts (absent = none expected)
    bool deposits_declared = false;     ///< whether deposit_receipts was present
    std::optional<FieldId> field;       ///< bignum_field (optional, scout's own key)
    DepositLayout deposit_layout = DepositLayout::ewasm;  ///< deposit_layout (optional)
    bool deposit_layout_declared = false;                 ///< whether deposit_layout was present
    std::vector<std::string> warnings;                    ///< non-fatal remarks (unknown keys, ...)
};

}  // namespace scout
