/// naive_binaryen: the baseline scout's Binaryen engine is measured against.
///
/// A straightforward embedding of Binaryen 108's interpreter, the way its own
/// shell does it and the way a first Scout port would: wasm::ModuleRunner with
/// a wasm::ShellExternalInterface subclass that overrides callImport, host
/// functions found by comparing import names on every call, and every byte a
/// host function reads or writes moved one at a time through the interface's
/// virtual load8u/store8. It is compiled WITHOUT NDEBUG (bench/CMakeLists.txt),
/// so the interpreter templates keep their assertions.
///
/// It runs Scout YAML vectors (read with scout's loader; nothing else of scout
/// runs: the interpreter, instantiation and every host function are this
/// file's) and checks each vector's post-state roots, so a timing of a wrong
/// run cannot pass unnoticed:
///
///     naive_binaryen [--repeat N] VECTOR.yaml...
///
/// Per vector: one warm-up run, then N timed runs (default 10; 0: only the
/// warm-up, which checks the roots, e.g. under callgrind); prints min /
/// median / max of load (read, parse, validate) and execute (instantiate and run
/// every block) in ms, as `scout bench` does. Exit 0 when every vector's roots
/// (and deposits) match, 1 otherwise, 2 on bad input.
///
/// Implemented host functions, in both import styles (`eth2.loadPreStateRoot`
/// and `env.eth2_loadPreStateRoot`): eth2.{loadPreStateRoot, blockDataSize,
/// blockDataCopy, savePostStateRoot, pushNewDeposit, useTicks},
/// debug.{print32, print64, printMem, printMemHex}, bignum.{add256, sub256,
/// mul256, div256, mulMod, f1m_*, int_*}, hash.sha256, ethash.keccak256.

#ifdef NDEBUG
#error "naive_binaryen must be built with assertions (without NDEBUG)"
#endif

#include "uint_arith.hpp"
#include "vector_loader.hpp"

#include <shell-interface.h>
#include <wasm-binary.h>
#include <wasm-interpreter.h>
#include <wasm-validator.h>
#include <wasm.h>

#include <cryptopp/keccak.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace wasm;
namespace arith = scout::arith;

/// A trap of the script or of a host function: ends the block.
struct NaiveTrap
{
    std::string why;
};

struct BlockIO
{
    const scout::Bytes32* pre_state = nullptr;
    const scout::Bytes* data = nullptr;
    scout::FieldId field = scout::FieldId::bn128;
    scout::Bytes32 post_state{};
    bool saved = false;
    std::vector<scout::Bytes> deposits;
    uint64_t ticks = 0;
    std::vector<std::string> debug;
};

constexpr uint64_t max_memory_bytes = uint64_t{1024} * Memory::kPageSize;  // scout's default

/// The host: Binaryen's shell interface (memory, tables) plus the EEI.
class NaiveHost : public ShellExternalInterface
{
public:
    explicit NaiveHost(BlockIO& io)
      : io_(io)
    {}

    void init(Module& wasm, ModuleRunner& instance) override
    {
        ShellExternalInterface::init(wasm, instance);
        memory_bytes_ = wasm.memory.initial * wasm::Memory::kPageSize;
    }

    bool growMemory(Address old_size, Address new_size) override
    {
        if (new_size > max_memory_bytes)
            return false;
        memory_bytes_ = new_size;
        return ShellExternalInterface::growMemory(old_size, new_size);
    }

    void trap(const char* why) override { throw NaiveTrap{why}; }
    void hostLimit(const char* why) override { throw NaiveTrap{why}; }

    Literals callImport(Function* import, Literals& arguments) override
    {
        std::string module = import->module.str;
        std::string name = import->base.str;
        if (module == "env")  // env.eth2_loadPreStateRoot -> eth2.loadPreStateRoot
        {
            const auto underscore = name.find('_');
            if (underscore == std::string::npos)
                throw NaiveTrap{"unknown import env." + name};
            module = name.substr(0, underscore);
            name = name.substr(underscore + 1);
        }
        std::vector<uint32_t> a;
        for (const auto& lit : arguments)
            a.push_back(lit.type == Type::i64 ? uint32_t(lit.geti64()) : uint32_t(lit.geti32()));

        if (module == "eth2")
            return eth2(name, a, arguments);
        if (module == "debug")
            return debug(name, a, arguments);
        if (module == "bignum")
            return bignum(name, a);
        if ((module == "hash" && name == "sha256") || (module == "ethash" && name == "keccak256"))
            return hash(name, a);
        throw NaiveTrap{"unknown import " + module + "." + name};
    }

private:
    // ---- memory, one byte per virtual call

    void check(uint32_t ptr, uint64_t length)
    {
        if (uint64_t{ptr} + length > memory_bytes_)
            throw NaiveTrap{"host memory access out of bounds"};
    }

    std::vector<uint8_t> read(uint32_t ptr, uint64_t length)
    {
        check(ptr, length);
        ModuleRunner::ExternalInterface& iface = *this;
        std::vector<uint8_t> out(length);
        for (uint64_t i = 0; i < length; ++i)
            out[i] = iface.load8u(Address(ptr + i));
        return out;
    }

    void write(uint32_t ptr, const uint8_t* bytes, uint64_t length)
    {
        check(ptr, length);
        ModuleRunner::ExternalInterface& iface = *this;
        for (uint64_t i = 0; i < length; ++i)
            iface.store8(Address(ptr + i), int8_t(bytes[i]));
    }

    // ---- eth2, debug

    Literals eth2(const std::string& name, const std::vector<uint32_t>& a, Literals&)
    {
        if (name == "loadPreStateRoot")
        {
            write(a.at(0), io_.pre_state->data(), 32);
            return {};
        }
        if (name == "blockDataSize")
            return {Literal(int32_t(io_.data->size()))};
        if (name == "blockDataCopy")
        {
            const uint64_t offset = a.at(1), length = a.at(2);
            if (offset + length > io_.data->size())
                throw NaiveTrap{"eth2.blockDataCopy: out of bounds"};
            write(a.at(0), io_.data->data() + offset, length);
            return {};
        }
        if (name == "savePostStateRoot")
        {
            const auto root = read(a.at(0), 32);
            std::copy(root.begin(), root.end(), io_.post_state.begin());
            io_.saved = true;
            return {};
        }
        if (name == "pushNewDeposit")
        {
            if (a.at(1) != 184)
                throw NaiveTrap{"eth2.pushNewDeposit: a deposit is 184 bytes"};
            io_.deposits.push_back(read(a.at(0), a.at(1)));
            return {};
        }
        if (name == "useTicks")
        {
            io_.ticks += a.at(0);
            if (io_.ticks > 10'000'000)
                throw NaiveTrap{"eth2.useTicks: out of ticks"};
            return {};
        }
        throw NaiveTrap{"unknown import eth2." + name};
    }

    Literals debug(const std::string& name, const std::vector<uint32_t>& a, Literals& args)
    {
        std::ostringstream line;
        if (name == "print32")
            line << "print32: " << int32_t(a.at(0));
        else if (name == "print64")
            line << "print64: " << args[0].geti64();
        else if (name == "printMem" || name == "printMemHex")
        {
            const auto bytes = read(a.at(0), a.at(1));
            line << name << ": ";
            for (const auto b : bytes)
            {
                if (name == "printMem")
                    line << char(b);
                else
                    line << std::hex << std::setw(2) << std::setfill('0') << int(b);
            }
        }
        else
            throw NaiveTrap{"unknown import debug." + name};
        io_.debug.push_back(line.str());
        return {};
    }

    // ---- bignum

    using U256 = arith::Uint<4>;

    U256 read_be256(uint32_t ptr) { return arith::load_be<4>(read(ptr, 32).data()); }
    void write_be256(uint32_t ptr, const U256& x)
    {
        uint8_t out[32];
        arith::store_be(x, out);
        write(ptr, out, 32);
    }

    template <size_t N> arith::Uint<N> read_le(uint32_t ptr)
    {
        return arith::load_le<N>(read(ptr, 8 * N).data());
    }
    template <size_t N> void write_le(uint32_t ptr, const arith::Uint<N>& x)
    {
        uint8_t out[8 * N];
        arith::store_le(x, out);
        write(ptr, out, 8 * N);
    }

    Literals bignum(const std::string& name, const std::vector<uint32_t>& a)
    {
        if (name == "add256" || name == "sub256" || name == "mul256" || name == "div256")
        {
            const U256 x = read_be256(a.at(0)), y = read_be256(a.at(1));
            U256 r;
            if (name == "add256")
                arith::add(r, x, y);
            else if (name == "sub256")
                arith::sub(r, x, y);
            else if (name == "mul256")
                r = arith::mul_low(x, y);
            else
            {
                if (arith::is_zero(y))
                    throw NaiveTrap{"bignum.div256: division by zero"};
                U256 rem;
                arith::divmod(x, y, r, rem);
            }
            write_be256(a.at(2), r);
            return {};
        }
        if (name == "mulMod")
        {
            const U256 x = read_be256(a.at(0)), y = read_be256(a.at(1)), m = read_be256(a.at(2));
            if (arith::is_zero(m))
                throw NaiveTrap{"bignum.mulMod: modulus is zero"};
            const arith::Uint<8> product = arith::mul_wide(x, y);
            arith::Uint<8> q;
            U256 r;
            arith::divmod(product.data(), 8, m.data(), 4, q.data(), r.data());
            write_be256(a.at(3), r);
            return {};
        }
        switch (io_.field)
        {
        case scout::FieldId::secp256k1:
            return field_op(arith::secp256k1_field(), name, a);
        case scout::FieldId::bls12_381:
            return field_op(arith::bls12_381_field(), name, a);
        default:
            return field_op(arith::bn128_field(), name, a);
        }
    }

    template <size_t N>
    Literals field_op(const arith::MontgomeryField<N>& f, const std::string& name,
                      const std::vector<uint32_t>& a)
    {
        using U = arith::Uint<N>;
        if (name == "f1m_toMontgomery" || name == "f1m_fromMontgomery" || name == "f1m_square")
        {
            const U x = read_le<N>(a.at(0));
            write_le<N>(a.at(1), name == "f1m_square"         ? f.square(x)
                                 : name == "f1m_toMontgomery" ? f.to_montgomery(x)
                                                              : f.from_montgomery(x));
            return {};
        }
        const U x = read_le<N>(a.at(0)), y = read_le<N>(a.at(1));
        if (name == "f1m_mul")
            write_le<N>(a.at(2), f.mul(x, y));
        else if (name == "f1m_add")
            write_le<N>(a.at(2), f.add(x, y));
        else if (name == "f1m_sub")
            write_le<N>(a.at(2), f.sub(x, y));
        else if (name == "int_add" || name == "int_sub")
        {
            U r;
            const uint64_t c = name == "int_add" ? arith::add(r, x, y) : arith::sub(r, x, y);
            write_le<N>(a.at(2), r);
            return {Literal(int32_t(c))};
        }
        else if (name == "int_mul")
            write_le<N>(a.at(2), arith::mul_low(x, y));
        else if (name == "int_div")
        {
            if (arith::is_zero(y))
                throw NaiveTrap{"bignum.int_div: division by zero"};
            U q, r;
            arith::divmod(x, y, q, r);
            write_le<N>(a.at(2), q);
            write_le<N>(a.at(3), r);
        }
        else
            throw NaiveTrap{"unknown import bignum." + name};
        return {};
    }

    // ---- hashing

    Literals hash(const std::string& name, const std::vector<uint32_t>& a)
    {
        uint8_t digest[32];
        if (name == "sha256")  // (in, len, out)
        {
            const auto in = read(a.at(0), a.at(1));
            SHA256(in.data(), in.size(), digest);
            write(a.at(2), digest, 32);
        }
        else  // keccak256(out, in, len)
        {
            const auto in = read(a.at(1), a.at(2));
            CryptoPP::Keccak_256 k;
            k.Update(in.data(), in.size());
            k.Final(digest);
            write(a.at(0), digest, 32);
        }
        return {};
    }

    BlockIO& io_;
    uint64_t memory_bytes_ = 0;
};

FeatureSet script_features()
{
    return FeatureSet::MVP | FeatureSet::MutableGlobals | FeatureSet::SignExt |
           FeatureSet::TruncSat | FeatureSet::BulkMemory | FeatureSet::Multivalue |
           FeatureSet::SIMD;
}

std::unique_ptr<Module> load_module(const std::filesystem::path& path)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        throw std::runtime_error("cannot read " + path.string());
    std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto module = std::make_unique<Module>();
    module->features = script_features();
    WasmBinaryBuilder parser(*module, script_features(), bytes);
    parser.read();
    if (!WasmValidator{}.validate(*module, WasmValidator::Globally))
        throw std::runtime_error(path.string() + ": invalid module");
    return module;
}

struct Outcome
{
    std::vector<scout::Bytes32> roots;
    std::vector<scout::Bytes> deposits;
    std::string trap;
};

/// Instantiates the env's module afresh for every block and runs main.
Outcome run_blocks(const scout::TestVector& v, std::vector<std::unique_ptr<Module>>& modules)
{
    Outcome out;
    out.roots = v.pre_states;
    for (const auto& block : v.blocks)
    {
        BlockIO io;
        io.pre_state = &out.roots.at(block.env);
        io.data = &block.data;
        io.field = v.field.value_or(scout::FieldId::bn128);
        NaiveHost host(io);
        try
        {
            ModuleRunner instance(*modules.at(block.env), &host);
            instance.callExport(Name("main"));
        }
        catch (const NaiveTrap& t)
        {
            out.trap = t.why;
            return out;
        }
        out.roots[block.env] = io.saved ? io.post_state : scout::Bytes32{};
        for (auto& d : io.deposits)
            out.deposits.push_back(std::move(d));
    }
    return out;
}

double median(std::vector<double> s)
{
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

std::string ms3(const std::vector<double>& s)
{
    std::ostringstream o;
    o << std::fixed << std::setprecision(3) << *std::min_element(s.begin(), s.end()) * 1000 << " / "
      << median(s) * 1000 << " / " << *std::max_element(s.begin(), s.end()) * 1000;
    return o.str();
}

}  // namespace

int main(int argc, char** argv)
{
    int repeat = 10;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        if (arg == "--repeat" && i + 1 < argc)
            repeat = std::max(0, std::atoi(argv[++i]));
        else if (arg == "-h" || arg == "--help")
        {
            std::cout << "usage: naive_binaryen [--repeat N] VECTOR.yaml...\n";
            return 0;
        }
        else
            files.push_back(arg);
    }
    if (files.empty())
    {
        std::cerr << "usage: naive_binaryen [--repeat N] VECTOR.yaml...\n";
        return 2;
    }

    using Clock = std::chrono::steady_clock;
    auto since = [](Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    };
    int exit_code = 0;
    std::ostringstream csv;
    csv << "engine,bench_name,parse_time,exec_time\n" << std::setprecision(9);
    std::cout << repeat
              << " timed runs per vector after one warm-up; times in ms: min / median / max\n"
              << std::left << std::setw(10) << "engine" << std::setw(48) << "vector"
              << std::setw(32) << "load"
              << "execute\n";
    for (const auto& file : files)
    {
        try
        {
            const scout::TestVector v = scout::load_vector(file);
            std::vector<double> load, exec;
            bool failed = false;
            for (int run = 0; run <= repeat; ++run)
            {
                const auto t0 = Clock::now();
                std::vector<std::unique_ptr<Module>> modules;
                for (const auto& s : v.scripts)
                    modules.push_back(load_module(s.resolved));
                const double load_s = since(t0);
                const auto t1 = Clock::now();
                const Outcome out = run_blocks(v, modules);
                const double exec_s = since(t1);

                if (run == 0)  // the warm-up run is also the check
                {
                    std::string problem;
                    if (!out.trap.empty())
                        problem = "trap: " + out.trap;
                    else if (out.roots != v.post_states)
                        problem = "post-state roots differ from the vector's";
                    else if (v.deposits_declared && out.deposits.size() != v.deposits.size())
                        problem = "deposit count differs";
                    else
                        for (size_t d = 0; d < v.deposits.size() && d < out.deposits.size(); ++d)
                            if (out.deposits[d] != v.deposits[d].encode(v.deposit_layout))
                                problem = "deposit " + std::to_string(d) + " differs";
                    if (!problem.empty())
                    {
                        std::cout << std::setw(10) << "naive" << std::setw(48) << file
                                  << "FAIL: " << problem << "\n";
                        exit_code = std::max(exit_code, 1);
                        failed = true;
                        break;
                    }
                    continue;
                }
                load.push_back(load_s);
                exec.push_back(exec_s);
                csv << "naive," << std::filesystem::path(file).stem().string() << "," << load_s
                    << "," << exec_s << "\n";
            }
            if (repeat == 0 && !failed)
                std::cout << std::setw(10) << "naive" << std::setw(48) << file << "roots match\n";
            if (!exec.empty())
                std::cout << std::setw(10) << "naive" << std::setw(48) << file << std::setw(32)
                          << ms3(load) << ms3(exec) << "\n";
        }
        catch (const std::exception& e)
        {
            std::cout << std::setw(10) << "naive" << std::setw(48) << file << "ERROR: " << e.what()
                      << "\n";
            exit_code = 2;
        }
        catch (const ParseException& e)
        {
            std::cout << std::setw(10) << "naive" << std::setw(48) << file
                      << "ERROR: invalid wasm: " << e.text << "\n";
            exit_code = 2;
        }
    }
    std::cout << "\n" << csv.str();
    return exit_code;
}
