#include "inspect.hpp"

#include "eei.hpp"
#include "engine_registry.hpp"
#include "errors.hpp"
#include "file_read.hpp"
#include "hex.hpp"
#include "module_check.hpp"
#include "module_facts.hpp"
#include "output_capture.hpp"

#include <openssl/sha.h>

#include <fstream>
#include <iterator>

namespace scout {
namespace {

std::string sha256_hex(const Bytes& data)
{
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(data.data(), data.size(), digest);
    return to_hex(digest, sizeof(digest));
}

/// How the EEI would bind one import: "EEI eth2.loadPreStateRoot", or the
/// load error link_imports would give.
std::pair<bool, std::string> binding_of(const ImportDesc& imp)
{
    ModuleInterface single;
    single.imports.push_back(imp);
    try
    {
        const auto bound = link_imports(single, {});
        return {true, std::string("EEI ") + bound[0].host->module + "." + bound[0].host->name};
    }
    catch (const LoadError& e)
    {
        return {false, e.what()};
    }
}

/// Which engines can run the module as a script: a feature one lacks, else
/// whether it loads there (the wasm2c engine compiles it, or finds it cached).
void print_engines(const Bytes& bytes, std::ostream& out)
{
    const FeatureUse features = feature_use(bytes);
    std::vector<std::pair<std::string, std::string>> verdicts;  // engine, why not ("": can)
    size_t can = 0;
    for (const auto& name : engine_names())
    {
        std::string why = engine_cannot_run(name, features);
        if (why.empty())
        {
            OutputCapture quiet;  // its Binaryen output is shown above already
            try
            {
                make_engine(name, {})->load(bytes);
            }
            catch (const LoadError& e)
            {
                why = e.what();
            }
            catch (const std::exception& e)
            {
                why = std::string("engine error: ") + e.what();
            }
        }
        can += why.empty();
        verdicts.emplace_back(name, why);
    }
    out << "engines    " << can << " of " << verdicts.size() << " can run it\n";
    for (const auto& [name, why] : verdicts)
        if (why.empty())
            out << "  ok    " << name << "\n";
        else
            out << "  no    " << name << ": " << why << "\n";
}

}  // namespace

int inspect_module_file(const std::filesystem::path& file, Engine& engine, std::ostream& out)
{
    // The same guarded reader as run's: no FIFO, device or folder, at most
    // 64 MiB (a module of that size is a mistake or an attack).
    Bytes bytes;
    try
    {
        bytes = read_regular_file(file, uintmax_t{64} << 20);
    }
    catch (const FileReadError& e)
    {
        out << "ERROR " << printable(file.string()) << ": "
            << (e.kind == FileReadError::Kind::cannot_open
                    ? std::string("cannot open (") + e.what() + ")"
                    : std::string(e.what()))
            << "\n";
        return 2;
    }

    out << "module     " << file.string() << "\n"
        << "size       " << bytes.size() << " bytes\n"
        << "sha256     " << sha256_hex(bytes) << "\n";
    ModuleFacts facts;
    std::vector<std::string> printed;  // what Binaryen prints about the module, shown here
    {
        OutputCapture capture;  // (this thread's std::cout too: nothing of ours in it)
        facts = inspect_module(bytes);
        printed = capture.lines();
    }
    if (!facts.error.empty())
    {
        out << "valid      no: " << facts.error << "\n";
        if (facts.interface.imports.empty() && facts.interface.exports.empty())
            return 1;
    }
    else
        out << "valid      yes (" << engine.name() << ")\n";
    for (const auto& line : printed)
        out << "binaryen   " << line << "\n";

    out << "functions  " << facts.defined_functions << " defined, "
        << facts.interface.imports.size() << " imported\n";
    out << "memory     ";
    if (!facts.has_memory)
        out << "none\n";
    else
    {
        out << facts.memory_initial_pages << " pages initial, ";
        if (facts.memory_max_pages)
            out << *facts.memory_max_pages << " maximum";
        else
            out << "no maximum";
        out << (facts.memory_imported ? ", imported" : "") << "\n";
    }
    out << "start      " << (facts.start_function.empty() ? "none" : facts.start_function) << "\n";

    bool loadable = facts.error.empty();
    out << "imports    " << facts.interface.imports.size() << "\n";
    for (const auto& imp : facts.interface.imports)
    {
        const auto [ok, how] = binding_of(imp);
        loadable = loadable && ok;
        out << "  " << (ok ? "ok    " : "FAIL  ") << printable(imp.module) << "."
            << printable(imp.field) << " " << to_string(imp.kind);
        if (imp.kind == ExternKind::function)
            out << " " << to_string(imp.type);
        out << (ok ? " -> " : ": ") << how << "\n";
    }
    out << "exports    " << facts.interface.exports.size() << "\n";
    for (const auto& e : facts.interface.exports)
    {
        out << "  " << printable(e.name) << " " << to_string(e.kind);
        if (e.kind == ExternKind::function)
            out << " " << to_string(e.type);
        out << "\n";
    }
    try
    {
        out << "script     " << check_script_exports(facts.interface).describe()
            << "; memory exported\n";
    }
    catch (const LoadError& e)
    {
        loadable = false;
        out << "script     not runnable: " << e.what() << "\n";
    }
    out << "floats     ";
    if (facts.float_use_count == 0)
        out << "none\n";
    else
    {
        out << facts.float_use_count << (facts.float_use_count == 1 ? " use" : " uses") << "\n";
        for (const auto& use : facts.float_uses)
            out << "  " << use << "\n";
        if (facts.float_use_count > facts.float_uses.size())
            out << "  ... and " << (facts.float_use_count - facts.float_uses.size()) << " more\n";
    }
    print_engines(bytes, out);
    out << "verdict    "
        << (loadable ? "loads as an execution script" : "does not load as an execution script")
        << "\n";
    return loadable ? 0 : 1;
}

}  // namespace scout
