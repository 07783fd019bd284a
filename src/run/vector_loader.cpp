#include "vector_loader.hpp"

#include "eei.hpp"
#include "errors.hpp"
#include "file_read.hpp"
#include "hex.hpp"
#include "wasm_types.hpp"
#include "yaml_line.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

namespace scout {
namespace {

namespace fs = std::filesystem;

/// Keys of the top-level map that scout understands (constexpr: no code runs
/// before main to build it).
constexpr std::string_view known_top_level_keys[] = {
    "beacon_state",     "shard_pre_state", "shard_blocks",  "shard_post_state",
    "deposit_receipts", "bignum_field",    "deposit_layout"};

/// "1 root", "2 roots".
std::string count(size_t n, const std::string& noun)
{
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

class Loader
{
public:
    explicit Loader(const fs::path& file)
      : file_(file)
    {}

    TestVector load(const YAML::Node& root)
    {
        TestVector v;
        v.file = file_;
        if (!root.IsMap())
            fail(root, "expected a map at the top level with keys beacon_state, shard_pre_state, "
                       "shard_blocks, shard_post_state");
        expect_map(root, "the top level");

        for (const auto& kv : root)
        {
            const auto key = kv.first.Scalar();
            if (std::find(std::begin(known_top_level_keys), std::end(known_top_level_keys), key) ==
                std::end(known_top_level_keys))
                v.warnings.push_back(
                    located(kv.first, "unknown top-level key '" + printable(key) + "' ignored"));
        }

        const auto beacon = required(root, "beacon_state", "the top level");
        expect_map(beacon, "beacon_state");
        reject_unknown_keys(beacon, "beacon_state", {"execution_scripts", "libraries"});
        const auto scripts = required(beacon, "execution_scripts", "beacon_state");
        expect_sequence(scripts, "beacon_state.execution_scripts");
        if (scripts.size() == 0)
            fail(scripts, "beacon_state.execution_scripts is empty: at least one script is needed");
        for (const auto& s : scripts)
            v.scripts.push_back(module_ref(s, "execution script"));

        if (const auto libs = beacon["libraries"]; libs && !libs.IsNull())
        {
            expect_sequence(libs, "beacon_state.libraries");
            for (const auto& lib : libs)
            {
                expect_map(lib, "a library entry");
                reject_unknown_keys(lib, "a library entry", {"name", "file"});
                LibraryRef ref;
                ref.name = scalar(required(lib, "name", "library entry"), "library name");
                if (ref.name.empty())
                    fail(lib, "library name is empty");
                if (is_eei_module(ref.name))
                    fail(lib["name"], "library name '" + printable(ref.name) +
                                          "' clashes with the EEI module of that name");
                for (const auto& other : v.libraries)
                    if (other.name == ref.name)
                        fail(lib["name"],
                             "library name '" + printable(ref.name) + "' is used twice");
                ref.module = module_ref(required(lib, "file", "library entry"), "library");
                v.libraries.push_back(std::move(ref));
            }
        }

        v.pre_states = states(root, "shard_pre_state", v.scripts.size());

        const auto blocks = required(root, "shard_blocks", "the top level", true);
        if (!blocks.IsNull())
        {
            expect_sequence(blocks, "shard_blocks");
            // YAML aliases let a few bytes of text stand for gigabytes of block
            // data; the decoded total is capped whatever the text size.
            constexpr size_t max_total_block_data = size_t{64} << 20;
            size_t total = 0;
            for (const auto& b : blocks)
            {
                v.blocks.push_back(block(b, v.scripts.size()));
                total += v.blocks.back().data.size();
                if (total > max_total_block_data)
                    fail(b, "the blocks' data add up to more than 64 MiB (YAML aliases?)");
            }
        }

        v.post_states = states(root, "shard_post_state", v.scripts.size());

        if (const auto field = root["bignum_field"])
        {
            const auto name = scalar(field, "bignum_field");
            v.field = parse_field(name);
            if (!v.field)
                fail(field, "bignum_field '" + printable(name) +
                                "' is not a known field (bn128, secp256k1, "
                                "bls12-381)");
        }

        if (const auto layout = root["deposit_layout"])
        {
            const auto name = scalar(layout, "deposit_layout");
            const auto parsed = parse_deposit_layout(name);
            if (!parsed)
                fail(layout, "deposit_layout '" + printable(name) +
                                 "' is not a known layout (ewasm: amount big-endian, as "
                                 "ewasm/scout, the default; ssz: amount little-endian)");
            v.deposit_layout = *parsed;
            v.deposit_layout_declared = true;
        }

        if (const auto deposits = root["deposit_receipts"])
        {
            v.deposits_declared = true;
            if (!deposits.IsNull())
            {
                expect_sequence(deposits, "deposit_receipts");
                for (const auto& d : deposits)
                    v.deposits.push_back(deposit(d));
            }
        }
        return v;
    }

    [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const
    {
        throw InputError(file_.string(), line_of(node), message);
    }

private:
    static size_t line_of(const YAML::Node& node)
    {
        if (!node.IsDefined())
            return 0;
        const auto mark = node.Mark();
        return yaml_line(mark);
    }

    std::string located(const YAML::Node& node, const std::string& message) const
    {
        return InputError(file_.string(), line_of(node), message).located();
    }

    /// The value of `key`; an error when the key is missing or, unless
    /// `allow_null`, has no value. Errors about an empty value name the key's
    /// line: yaml-cpp places an empty value at the next token, which may be
    /// lines further on.
    YAML::Node required(const YAML::Node& map, const char* key, const std::string& where,
                        bool allow_null = false) const
    {
        const YAML::Node n = map[key];
        if (!n)
            fail(map, "missing key '" + std::string(key) + "' in " + where);
        if (n.IsNull() && !allow_null)
            for (const auto& kv : map)
                if (kv.first.Scalar() == key)
                    fail(kv.first, "key '" + std::string(key) + "' in " + where + " has no value");
        return n;
    }

    void expect_map(const YAML::Node& n, const std::string& what) const
    {
        if (!n.IsMap())
            fail(n, what + " must be a map, found " + kind(n));
        // yaml-cpp keeps the first of two equal keys and drops the second
        // silently; a vector with both is ambiguous, so it is an error.
        std::set<std::string> keys;
        for (const auto& kv : n)
            if (kv.first.IsScalar() && !keys.insert(kv.first.Scalar()).second)
                fail(kv.first, "duplicate key '" + printable(kv.first.Scalar()) + "' in " + what);
    }

    /// A key the format does not define inside `what` (a map checked by
    /// expect_map) is an error: a misspelt `gass:` or a deposit_receipts
    /// indented under shard_post_state would otherwise be ignored, and the
    /// vector would mean something else than its author wrote. (Unknown
    /// top-level keys stay warnings: other tools' extensions live there.)
    void reject_unknown_keys(const YAML::Node& n, const std::string& what,
                             std::initializer_list<const char*> known) const
    {
        for (const auto& kv : n)
        {
            const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
            if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
            {
                std::string list;
                for (const char* k : known)
                    list.append(list.empty() ? "" : ", ").append(k);
                std::string message = "unknown key '" + printable(key);
                message.append("' in ").append(what).append(" (known: ").append(list).append(")");
                fail(kv.first, message);
            }
        }
    }

    void expect_sequence(const YAML::Node& n, const std::string& what) const
    {
        if (!n.IsSequence())
            fail(n, what + " must be a list, found " + kind(n));
    }

    static std::string kind(const YAML::Node& n)
    {
        switch (n.Type())
        {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "the scalar '" + printable(n.Scalar()) + "'";
        case YAML::NodeType::Null:
            return "nothing (null)";
        default:
            return "nothing";
        }
    }

    std::string scalar(const YAML::Node& n, const std::string& what) const
    {
        if (!n.IsScalar())
            fail(n, what + " must be a string, found " + kind(n));
        return n.Scalar();
    }

    Bytes hex(const YAML::Node& n, const std::string& what, bool allow_null) const
    {
        if (allow_null && n.IsNull())
            return {};
        std::string error;
        auto bytes = decode_hex(scalar(n, what), &error);
        if (!bytes)
            fail(n, what + ": " + error);
        return *bytes;
    }

    template <size_t N>
    std::array<uint8_t, N> fixed_hex(const YAML::Node& n, const std::string& what) const
    {
        const auto bytes = hex(n, what, false);
        if (bytes.size() != N)
            fail(n, what + " must be " + std::to_string(N) + " bytes, found " +
                        std::to_string(bytes.size()));
        std::array<uint8_t, N> out{};
        std::copy(bytes.begin(), bytes.end(), out.begin());
        return out;
    }

    ModuleRef module_ref(const YAML::Node& n, const std::string& what) const
    {
        ModuleRef ref;
        const std::string raw = scalar(n, what + " path");
        // Shown in reports and messages: a path is bytes from a stranger, and a
        // newline or an escape sequence in it must not forge report lines.
        ref.declared = printable(raw);
        ref.line = line_of(n);
        if (raw.empty())
            fail(n, what + " path is empty");
        const fs::path declared = raw;
        std::error_code ec;
        // Only regular files: a folder, a FIFO or a device (/dev/zero) would
        // fail to read, block forever, or never end.
        auto accept = [&](const fs::path& p, PathOrigin origin) {
            if (!fs::is_regular_file(p, ec))
                fail(n, what + " " + ref.declared + " is not a regular file");
            ref.resolved = origin == PathOrigin::absolute ? p : p.lexically_normal();
            ref.origin = origin;
            return ref;
        };
        if (declared.is_absolute())
        {
            if (!fs::exists(declared, ec))
                fail(n, what + " not found: " + ref.declared);
            return accept(declared, PathOrigin::absolute);
        }
        const fs::path beside = file_.parent_path() / declared;
        if (fs::exists(beside, ec))
            return accept(beside, PathOrigin::vector_folder);
        if (fs::exists(declared, ec))
            return accept(declared, PathOrigin::working_directory);
        const auto folder = file_.parent_path().empty() ? fs::path(".") : file_.parent_path();
        fail(n, what + " not found: " + ref.declared + " (looked in " + printable(folder.string()) +
                    " and in the current directory)");
    }

    std::vector<Bytes32> states(const YAML::Node& root, const char* key, size_t script_count) const
    {
        const auto state = required(root, key, "the top level");
        expect_map(state, key);
        const auto roots = required(state, "exec_env_states", key);
        reject_unknown_keys(state, key, {"exec_env_states"});
        const std::string what = std::string(key) + ".exec_env_states";
        expect_sequence(roots, what);
        if (roots.size() != script_count)
            fail(roots, what + " has " + count(roots.size(), "root") + " but there " +
                            (script_count == 1 ? "is " : "are ") +
                            count(script_count, "execution script"));
        std::vector<Bytes32> out;
        for (size_t i = 0; i < roots.size(); ++i)
            out.push_back(fixed_hex<32>(roots[i], what + "[" + std::to_string(i) + "]"));
        return out;
    }

    uint64_t unsigned_integer(const YAML::Node& n, const std::string& what, uint64_t max) const
    {
        const auto text = scalar(n, what);
        bool ok = !text.empty() && text.size() <= 20;
        uint64_t value = 0;
        for (char c : text)
        {
            if (c < '0' || c > '9')
            {
                ok = false;
                break;
            }
            const uint64_t digit = static_cast<uint64_t>(c - '0');
            if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10)
            {
                ok = false;
                break;
            }
            value = value * 10 + digit;
        }
        if (!ok || value > max)
            fail(n, what + " must be an integer in [0, " + std::to_string(max) + "], found '" +
                        printable(text) + "'");
        return value;
    }

    ShardBlock block(const YAML::Node& n, size_t script_count) const
    {
        expect_map(n, "a shard block");
        reject_unknown_keys(n, "a shard block", {"env", "data", "gas"});
        ShardBlock b;
        b.line = line_of(n);
        const auto env = required(n, "env", "shard block");
        b.env = static_cast<uint32_t>(
            unsigned_integer(env, "shard block env", std::numeric_limits<uint32_t>::max()));
        if (b.env >= script_count)
            fail(env, "shard block env " + std::to_string(b.env) + " is out of range: there " +
                          (script_count == 1 ? "is " : "are ") +
                          count(script_count, "execution script"));
        b.data = hex(required(n, "data", "shard block", true), "shard block data", true);
        if (const auto gas = n["gas"])
            b.expected_gas =
                unsigned_integer(gas, "shard block gas", std::numeric_limits<uint64_t>::max());
        return b;
    }

    Deposit deposit(const YAML::Node& n) const
    {
        expect_map(n, "a deposit receipt");
        reject_unknown_keys(n, "a deposit receipt",
                            {"pubkey", "withdrawal_credentials", "amount", "signature"});
        Deposit d;
        d.pubkey = fixed_hex<Deposit::pubkey_size>(required(n, "pubkey", "deposit receipt"),
                                                   "deposit pubkey");
        d.withdrawal_credentials = fixed_hex<Deposit::withdrawal_credentials_size>(
            required(n, "withdrawal_credentials", "deposit receipt"),
            "deposit withdrawal_credentials");
        d.amount = unsigned_integer(required(n, "amount", "deposit receipt"), "deposit amount",
                                    std::numeric_limits<uint64_t>::max());
        d.signature = fixed_hex<Deposit::signature_size>(
            required(n, "signature", "deposit receipt"), "deposit signature");
        return d;
    }

    fs::path file_;
};

/// Records where each YAML document starts and whether it is empty (a lone
/// null), building no nodes.
class DocumentScan : public YAML::EventHandler
{
public:
    /// Forgets the previous document.
    void reset() { events_ = 0, null_only_ = true, start_.reset(); }
    /// Where the document's first node is (unset: none was reported).
    const std::optional<YAML::Mark>& start() const { return start_; }
    /// True if the document is empty or null (`~`, `null`, nothing).
    bool null_only() const { return null_only_; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, true); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, false); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  const std::string&) override
    {
        node(mark, false);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
        node(mark, false);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
        node(mark, false);
    }
    void OnMapEnd() override {}

private:
    void node(const YAML::Mark& mark, bool null)
    {
        if (events_++ == 0)
            start_ = mark;
        null_only_ = null_only_ && null;
    }

    size_t events_ = 0;
    bool null_only_ = true;
    std::optional<YAML::Mark> start_;
};

/// Where the text's first non-empty document after the first one starts, if
/// it has one. Throws YAML::Exception for malformed text.
///
/// Why not YAML::LoadAll: yaml-cpp 0.7 (Debian bookworm's) loops forever,
/// allocating a null document per turn, on text its parser cannot get past,
/// e.g. a document that is only ',' (jbeder/yaml-cpp#1040; fixed upstream
/// after 0.7 by #1319). Found by fuzzing: F10 in docs/fuzzing.md. This scan
/// drives the same parser but stops when a document starts where the previous
/// one did, which a well-formed stream never does (each document after the
/// first begins past a `---` or `...`).
std::optional<YAML::Mark> second_document(const std::string& text)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentScan scan;
    std::optional<int> previous_start;
    for (size_t index = 0;; ++index)
    {
        scan.reset();
        if (!parser.HandleNextDocument(scan))
            return std::nullopt;
        const int start = scan.start() ? scan.start()->pos : -1;
        if (previous_start && start == *previous_start)
            throw YAML::ParserException(scan.start().value_or(YAML::Mark()),
                                        "the parser cannot get past this point (a stray ',' or "
                                        "other flow indicator outside [] or {}?)");
        previous_start = start;
        if (index > 0 && !scan.null_only())
            return scan.start();
    }
}

}  // namespace

TestVector parse_vector(const std::string& yaml_text, const std::filesystem::path& file)
{
    YAML::Node root;
    try
    {
        // All documents are looked at: YAML::Load reads the first and ignores
        // the rest, so a second document (after `---`) would be text the run
        // ignores.
        if (const auto second = second_document(yaml_text))
            throw InputError(file.string(), yaml_line(*second),
                             "a second YAML document: a vector file holds one (remove the "
                             "'---' and what follows, or split the file)");
        root = YAML::Load(yaml_text);
    }
    catch (const YAML::Exception& e)
    {
        const size_t line = yaml_line(e.mark);
        throw InputError(file.string(), line, "malformed YAML: " + printable(e.msg));
    }
    try
    {
        return Loader(file).load(root);
    }
    catch (const YAML::Exception& e)  // defensive: conversions we did not foresee
    {
        const size_t line = yaml_line(e.mark);
        throw InputError(file.string(), line, "unexpected YAML structure: " + printable(e.msg));
    }
}

TestVector load_vector(const std::filesystem::path& file)
{
    // A vector is text of a few kilobytes; one of hundreds of megabytes is a
    // mistake or an attack, and yaml-cpp would hold several copies of it.
    constexpr uintmax_t max_vector_bytes = uintmax_t{64} << 20;
    Bytes bytes;
    try
    {
        bytes = read_regular_file(file, max_vector_bytes);
    }
    catch (const FileReadError& e)
    {
        std::error_code ec;
        using Kind = FileReadError::Kind;
        throw InputError(file.string(), 0,
                         e.kind == Kind::cannot_open ? std::string("cannot open vector file")
                         : e.kind == Kind::too_big   ? std::string("vector file ") + e.what()
                         : fs::is_directory(file, ec)
                             ? std::string("is a folder, expected a YAML vector file")
                         : e.kind == Kind::not_a_file ? std::string("is not a regular file")
                                                      : std::string("cannot read vector file"));
    }
    return parse_vector(std::string(bytes.begin(), bytes.end()), file);
}

}  // namespace scout
