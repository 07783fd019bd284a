/// Adapter: wabt's wasm2c (ahead of time) behind scout's Engine interface.
///
/// Loading a module:
///  1. Binaryen's engine parses, validates, links and checks it (so load errors
///     are worded exactly as the reference engine words them).
///  2. The cache (aot_cache.hpp) is asked for a shared object under a key
///     hashing the module bytes, kShimAbi, the wasm2c and C compiler identities,
///     the flags and the wasm2c runtime sources. On a miss: `wasm2c` writes
///     module.c/module.h; this file writes shim.c (every import of the module
///     as a C function forwarding to scout, plus entry points) and rt.c (wabt's
///     runtime, wasm-rt-impl.c, with memory capped to --max-memory-pages); `cc
///     -O2 -fPIC -c -fstack-usage` compiles module.c (reporting its largest
///     stack frame, which the shim records), `cc -shared` links module.so with
///     the shim and the runtime, module.so is sealed (a SHA-256 of the key and
///     its bytes appended, aot::seal_object) and renamed into the cache. The
///     compilers run in process groups of their own (aot::run_command). A
///     cached object is loaded only when its seal checks; else it is rebuilt.
///  3. The object is dlopen()ed with RTLD_LOCAL; its entry points and the
///     exports libraries offer are looked up by wasm2c's mangled names.
///
/// Running a block: each library, then the script, is instantiated afresh
/// (its start function included) in calloc'ed instance memory, and `main` is
/// called. Every import function of the generated code receives a context
/// (Ctx below) as its import-instance pointer: an import bound to the EEI
/// calls host_call() with its import index and arguments as raw bits; an
/// import bound to a library calls that library instance's export directly.
///
/// Traps: the generated code and the runtime call wasm_rt_trap(), which each
/// object routes (WASM_RT_TRAP_HANDLER) to scout_wasm2c_trap() here, which
/// siglongjmp()s back to guarded_call(), the only frame that set a jump
/// target. Only C frames are skipped: a host function's scout::Trap (or any
/// exception) is caught in host_call(), stored, and the shim then traps with
/// its own code; guarded_call() returns, and run() rethrows the stored
/// exception: the same Trap comes out. Memory is bounds-checked explicitly
/// (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0): no signal handler is installed, so
/// nothing here interferes with crash reporting or other engines.
///
/// Threads: the runtime keeps global state in each object (the call depth
/// counter; the limits scout sets before each block), and one object may be
/// shared by several loaded scripts (dlopen returns the same handle for the
/// same file), so blocks of this engine run one at a time in a process: run()
/// holds a process-wide mutex. Isolated runs (the default) use one process per
/// file, so -j still runs files in parallel.
///
/// Native stack: wasm calls nest at most --max-call-depth deep (the runtime's
/// depth counter), each level at most the largest frame the compiler reported.
/// A block runs on the calling thread when that bound fits in its stack, else
/// on a thread with a large enough stack (large_stack.hpp).

#include "wasm2c_engine.hpp"

#include "aot_cache.hpp"
#include "binaryen_engine.hpp"
#include "child_process.hpp"
#include "eei.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "link_plan.hpp"
#include "module_facts.hpp"
#include "trap.hpp"
#include "wasm2c_shim.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace scout {
namespace {

namespace fs = std::filesystem;
using namespace wasm2c;

// ------------------------------------------------------------ the toolchain

struct Toolchain
{
    std::string error;  ///< why the engine cannot work; empty when it can
    std::string wasm2c;
    std::string cc;
    std::string wasm2c_identity;
    std::string cc_identity;
    fs::path runtime_dir;  ///< holds wasm-rt-impl.c and wasm-rt-impl.h
    std::string runtime_hash;
    std::string runtime_header;  ///< wasm-rt.h, its memory size widened (widen_memory_size)
    std::vector<std::string> wasm2c_flags;
    std::vector<std::string> cflags;   ///< compiling each C file
    std::vector<std::string> ldflags;  ///< linking the shared object
};

std::string env_or(const char* name, const char* fallback)
{
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

std::vector<std::string> split_words(const std::string& text)
{
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

Toolchain detect_toolchain()
{
    Toolchain t;
    t.wasm2c = env_or("SCOUT_WASM2C", "wasm2c");
    t.cc = env_or("SCOUT_CC", "cc");
    t.wasm2c_flags = {"--no-debug-names", "-n", kModuleName};
    t.cflags = {"-O2",
                "-fPIC",
                "-w",
                "-DNDEBUG",
                "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0",
                "-DWASM_RT_USE_STACK_DEPTH_COUNT=1",
                "-DWASM_RT_MAX_CALL_STACK_DEPTH=scout_w2c_max_call_depth",
                "-DWASM_RT_TRAP_HANDLER=scout_w2c_trap_handler"};
    for (auto& w : split_words(env_or("SCOUT_WASM2C_CFLAGS", "")))
        t.cflags.push_back(w);
    t.ldflags = {"-shared", "-Wl,-Bsymbolic"};

    if (child::find_program(t.wasm2c).empty())
    {
        t.error = "'" + t.wasm2c + "' not found (Debian package wabt; or set SCOUT_WASM2C)";
        return t;
    }
    if (child::find_program(t.cc).empty())
    {
        t.error =
            "C compiler '" + t.cc + "' not found (Debian package build-essential; or set SCOUT_CC)";
        return t;
    }
    std::vector<fs::path> candidates;
    if (const char* dir = std::getenv("SCOUT_WASM2C_RUNTIME"); dir && *dir)
        candidates.push_back(dir);
    candidates.insert(candidates.end(), {"/usr/share/wabt/wasm2c", "/usr/src/wasm2c",
                                         "/usr/local/share/wabt/wasm2c"});
    for (const auto& dir : candidates)
        if (fs::exists(dir / "wasm-rt-impl.c") && fs::exists(dir / "wasm-rt-impl.h"))
        {
            t.runtime_dir = dir;
            break;
        }
    if (t.runtime_dir.empty())
    {
        t.error = "wasm2c's runtime source wasm-rt-impl.c not found (Debian package wabt; or set "
                  "SCOUT_WASM2C_RUNTIME to its folder)";
        return t;
    }
    try
    {
        // `--version` runs once per binary, not once per process: its answer
        // is remembered in the cache folder under a stamp of the executable.
        const fs::path memo = wasm2c_cache_dir() / "tools";
        t.wasm2c_identity = aot::tool_identity_memoized(t.wasm2c, memo);
        t.cc_identity = aot::tool_identity_memoized(t.cc, memo);
        std::string runtime = aot::read_text(t.runtime_dir / "wasm-rt-impl.c") +
                              aot::read_text(t.runtime_dir / "wasm-rt-impl.h");
        const fs::path header = fs::exists(t.runtime_dir / "wasm-rt.h")
                                    ? t.runtime_dir / "wasm-rt.h"
                                    : fs::path("/usr/include/wasm-rt.h");
        if (fs::exists(header))
            t.runtime_header = widen_memory_size(aot::read_text(header));
        if (t.runtime_header.empty())
        {
            t.error = "wasm2c's runtime header " + header.string() +
                      " lacks wasm_rt_memory_t's 32-bit size (scout expects wabt 1.0.32's)";
            return t;
        }
        runtime += t.runtime_header;
        t.runtime_hash = aot::sha256_hex(runtime);
    }
    catch (const std::exception& e)
    {
        t.error = e.what();
        return t;
    }
    if (t.wasm2c_identity.empty())
        t.error = "'" + t.wasm2c + " --version' failed";
    else if (t.cc_identity.empty())
        t.error = "'" + t.cc + " --version' failed";
    return t;
}

const Toolchain& toolchain()
{
    static const Toolchain t = detect_toolchain();
    return t;
}

std::atomic<size_t> compiled_count{0};
std::atomic<size_t> cache_hit_count{0};

// ------------------------------------------------------------ compiled modules

/// Guards `loaded` (below), dlopen/dlclose and the objects' runtime registries.
std::mutex loaded_mutex;

/// One shared object, dlopen()ed.
class CompiledModule
{
public:
    CompiledModule(void* handle, fs::path path)
      : handle_(handle)
      , path_(std::move(path))
    {
        try
        {
            bind_symbols();
        }
        catch (...)
        {
            ::dlclose(handle_);
            throw;
        }
    }

    ~CompiledModule()
    {
        // The runtime's function-type registry (malloc'ed) would outlive the
        // object otherwise. One CompiledModule per loaded file (obtain_module),
        // so nothing else uses this registry any more; the lock keeps a new
        // load of the same file from registering while this one frees.
        const std::lock_guard<std::mutex> lock(loaded_mutex);
        if (runtime_free_ != nullptr)
            runtime_free_();
        ::dlclose(handle_);
    }
    CompiledModule(const CompiledModule&) = delete;
    CompiledModule& operator=(const CompiledModule&) = delete;

    /// An export of the module by its wasm name; null when absent.
    void* find_export(const std::string& name) const { return find_symbol(export_symbol(name)); }
    /// A symbol of the shared object; null when absent.
    void* find_symbol(const std::string& symbol) const { return ::dlsym(handle_, symbol.c_str()); }
    const fs::path& path() const { return path_; }

    size_t (*instance_size)() = nullptr;
    void (*init_module)() = nullptr;
    void (*instantiate)(void*, void*) = nullptr;
    void (*free_instance)(void*) = nullptr;
    W2cMemory* (*memory)(void*) = nullptr;
    uint32_t* call_depth = nullptr;
    uint32_t* max_call_depth = nullptr;
    uint32_t* max_pages = nullptr;
    void (**host_trap)(int) = nullptr;
    uint64_t max_frame = 0;  ///< largest C stack frame of the module's code; 0: unknown

private:
    void bind_symbols()
    {
        instance_size = sym<size_t (*)()>("scout_w2c_instance_size");
        init_module = sym<void (*)()>("scout_w2c_init_module");
        instantiate = sym<void (*)(void*, void*)>("scout_w2c_instantiate");
        free_instance = sym<void (*)(void*)>("scout_w2c_free");
        memory = sym<W2cMemory* (*)(void*)>("scout_w2c_memory");
        call_depth = sym<uint32_t* (*)()>("scout_w2c_call_depth")();
        max_call_depth = sym<uint32_t*>("scout_w2c_max_call_depth");
        max_pages = sym<uint32_t*>("scout_w2c_max_pages");
        host_trap = sym<void (**)(int)>("scout_w2c_host_trap");
        max_frame = *sym<const uint64_t*>("scout_w2c_max_frame");
        runtime_free_ = sym<void (*)()>("wasm_rt_free");
    }
    template <typename T> T sym(const char* name)
    {
        void* p = ::dlsym(handle_, name);
        if (p == nullptr)
            throw LoadError(std::string("wasm2c engine: ") + path_.string() + " lacks " + name +
                            " (a stale cache entry? delete the cache folder)");
        return reinterpret_cast<T>(p);
    }

    void* handle_;
    fs::path path_;
    void (*runtime_free_)() = nullptr;
};

/// The objects this process has loaded, by path: one CompiledModule per file,
/// shared by every script that uses it.
std::map<std::string, std::weak_ptr<CompiledModule>> loaded;

std::string first_lines(const std::string& text, size_t max_lines)
{
    std::istringstream in(text);
    std::string out;
    size_t n = 0;
    for (std::string line; n < max_lines && std::getline(in, line);)
    {
        if (line.empty())
            continue;
        out += (n++ ? " | " : "") + line;
    }
    return printable(out);
}

std::string cache_key(const Toolchain& t, const Bytes& wasm)
{
    aot::KeyHasher h;
    h.add(kShimAbi).add(t.wasm2c_identity).add(t.cc_identity).add(t.runtime_hash);
    for (const auto& f : t.wasm2c_flags)
        h.add(f);
    h.add("|");
    for (const auto& f : t.cflags)
        h.add(f);
    h.add("|");
    for (const auto& f : t.ldflags)
        h.add(f);
    h.add("|");
    h.add(wasm);
    return h.hex();
}

/// Translates and compiles `wasm` into `target` (atomically).
void build_object(const Toolchain& t, const Bytes& wasm, const ModuleInterface& iface,
                  const fs::path& dir, const std::string& key, const fs::path& target)
{
    aot::ScratchDir scratch(dir);
    const fs::path& d = scratch.path();
    aot::write_text(d / "module.wasm",
                    std::string_view(reinterpret_cast<const char*>(wasm.data()), wasm.size()));
    std::vector<std::string> translate = {t.wasm2c};
    translate.insert(translate.end(), t.wasm2c_flags.begin(), t.wasm2c_flags.end());
    translate.insert(translate.end(),
                     {(d / "module.wasm").string(), "-o", (d / "module.c").string()});
    const auto w = aot::run_command(translate, d / "wasm2c.log");
    if (w.exit_code != 0)
        throw LoadError("wasm2c engine: wasm2c rejected the module: " + first_lines(w.output, 2) +
                        (w.exit_code < 0 ? " (wasm2c 1.0.32 aborts on what it cannot translate, "
                                           "such as SIMD instructions)"
                                         : ""));

    aot::write_text(d / "prelude.h", kPrelude);
    aot::write_text(d / "wasm-rt.h", t.runtime_header);
    auto cc = [&](std::vector<std::string> args, const char* log, const char* what) {
        std::vector<std::string> argv = {t.cc};
        argv.insert(argv.end(), t.cflags.begin(), t.cflags.end());
        argv.insert(argv.end(), {"-include", (d / "prelude.h").string(), "-I", d.string(), "-I",
                                 t.runtime_dir.string()});
        argv.insert(argv.end(), args.begin(), args.end());
        const auto r = aot::run_command(argv, d / log);
        if (r.exit_code != 0)
            throw LoadError("wasm2c engine: " + t.cc + " failed on " + what + ": " +
                            first_lines(r.output, 3));
    };
    // The module's code first, to learn its largest stack frame.
    cc({"-c", "-fstack-usage", (d / "module.c").string(), "-o", (d / "module.o").string()},
       "cc-module.log", "wasm2c's output");
    const uint64_t max_frame = read_stack_usage(d / "module.su");

    const HeaderFacts facts = read_header(aot::read_text(d / "module.h"));
    aot::write_text(d / "shim.c", make_shim(iface, facts, max_frame));
    aot::write_text(d / "rt.c", kRuntimeSource);
    std::vector<std::string> link = t.ldflags;
    link.insert(link.end(), {"-o", (d / "module.so").string(), (d / "module.o").string(),
                             (d / "shim.c").string(), (d / "rt.c").string()});
    cc(link, "cc-link.log", "the shim");
    // Sealed with a checksum over its key and bytes, checked before every
    // dlopen (obtain_module): a changed, truncated or swapped entry is rebuilt.
    aot::seal_object(d / "module.so", key);
    aot::install_atomically(d / "module.so", target);
}

/// Held while wasm2c code runs (or its module state is set up): blocks of this
/// engine run one at a time per process (see the top of this file).
std::mutex& execution_mutex()
{
    static std::mutex m;
    return m;
}

/// The compiled object of `wasm`: already loaded, from the cache, or built
/// into it.
/// `how` says which of the three, and where.
std::shared_ptr<CompiledModule> obtain_module(const Bytes& wasm, const ModuleInterface& iface,
                                              std::string& how)
{
    const Toolchain& t = toolchain();
    if (!t.error.empty())
        throw LoadError("wasm2c engine: " + t.error);
    const fs::path dir = wasm2c_cache_dir();
    const std::string key = cache_key(t, wasm);
    const fs::path target = dir / (key + ".so");
    // Scratch folders of compilations whose process was killed (a worker
    // past --timeout, a scout stopped by a signal): once per process.
    static std::once_flag swept;
    std::call_once(swept, [&] { aot::remove_dead_scratch(dir); });

    // Already loaded by this process (by another script, or this one before).
    auto find_loaded = [&]() -> std::shared_ptr<CompiledModule> {
        for (auto it = loaded.begin(); it != loaded.end();)
            it = it->second.expired() ? loaded.erase(it) : std::next(it);
        const auto it = loaded.find(target.string());
        return it == loaded.end() ? nullptr : it->second.lock();
    };
    {
        const std::lock_guard<std::mutex> lock(loaded_mutex);
        if (auto known = find_loaded())
        {
            ++cache_hit_count;
            how = "already loaded from " + target.string();
            return known;
        }
    }

    std::string damaged;  ///< why the cached object was not trusted
    for (int attempt = 0; attempt < 2; ++attempt)
    {
        bool cached = fs::exists(target);
        if (cached)
        {
            // Never dlopen what was not sealed by a build of this key: a
            // truncated object would kill the process with SIGBUS, a changed
            // one run code nobody compiled from this module.
            const std::string why = aot::check_sealed_object(target, key);
            if (!why.empty())
            {
                // Rebuilt and renamed over it: never removed first, so that
                // a good object another process installs meanwhile stays.
                damaged = why;
                cached = false;
            }
        }
        const auto build_start = std::chrono::steady_clock::now();
        if (!cached)
        {
            // Without the lock: compilations of other modules (other threads)
            // go on meanwhile; two of the same module each install a complete
            // object, the last rename winning.
            try
            {
                build_object(t, wasm, iface, dir, key, target);
            }
            catch (const LoadError&)
            {
                throw;
            }
            catch (const std::exception& e)
            {
                throw LoadError(std::string("wasm2c engine: ") + e.what() +
                                " (the cache folder is " + dir.string() +
                                "; set SCOUT_CACHE_DIR to move it)");
            }
            ++compiled_count;
            const std::chrono::duration<double, std::milli> took =
                std::chrono::steady_clock::now() - build_start;
            char ms[32];
            std::snprintf(ms, sizeof ms, "%.0f", took.count());
            how = std::string("compiled in ") + ms + " ms (" +
                  (damaged.empty() ? "cache miss" : "cache entry rebuilt: " + damaged) + ") into " +
                  target.string();
        }
        else
            how = "from the cache: " + target.string();
        // dlopen returns one handle per file: one CompiledModule wraps it.
        const std::lock_guard<std::mutex> lock(loaded_mutex);
        if (auto known = find_loaded())
        {
            how = "already loaded from " + target.string();
            return known;
        }
        std::string why;
        if (void* handle = ::dlopen(target.c_str(), RTLD_NOW | RTLD_LOCAL))
        {
            try
            {
                auto module = std::make_shared<CompiledModule>(handle, target);
                module->init_module();  // registers its function types, once
                if (cached)
                    ++cache_hit_count;
                loaded[target.string()] = module;
                return module;
            }
            catch (const LoadError& e)  // the handle is closed by then
            {
                why = e.what();
            }
        }
        else
            why = printable(::dlerror());
        // A damaged or foreign cache entry: rebuild it once.
        std::error_code ec;
        fs::remove(target, ec);
        if (!cached || attempt == 1)
            throw LoadError("wasm2c engine: cannot load " + target.string() + ": " + why);
    }
    throw LoadError("wasm2c engine: cannot load " + target.string());
}

// ------------------------------------------------------------ running

/// The jump target of the innermost guarded_call on this thread.
thread_local sigjmp_buf* jump_target = nullptr;
thread_local int trap_code = 0;

extern "C" [[noreturn]] void scout_wasm2c_trap(int code)
{
    if (jump_target == nullptr)
        std::abort();  // a trap outside any call from scout: cannot happen
    trap_code = code;
    siglongjmp(*jump_target, 1);
}

/// Calls fn(a, b); returns 0, or the shim's trap code when wasm trapped. Only C
/// frames lie between here and scout_wasm2c_trap(); nothing here needs unwinding.
int guarded_call(void (*fn)(void*, void*), void* a, void* b)
{
    sigjmp_buf buf;
    sigjmp_buf* const previous = jump_target;
    jump_target = &buf;
    if (sigsetjmp(buf, 0) == 0)
    {
        fn(a, b);
        jump_target = previous;
        return 0;
    }
    jump_target = previous;
    return trap_code;
}

void call_unary(void* fn, void* arg)
{
    reinterpret_cast<void (*)(void*)>(fn)(arg);
}

uint64_t host_call(Ctx* ctx, uint32_t index, const uint64_t* raw) noexcept
{
    try
    {
        W2cMemory* m = ctx->memory(ctx->instance);
        MemoryView view(m ? m->data : nullptr, m ? m->size : 0);
        return call_host_function(*ctx->hosts[index], *ctx->run->block, view, raw);
    }
    catch (...)
    {
        ctx->run->error = std::current_exception();
        ctx->trapped = 1;
        return 0;
    }
}

/// A module of a loaded script, compiled and bound.
struct BoundModule
{
    std::string name;  ///< library name; empty for the script
    ModuleInterface interface;
    std::vector<ImportBinding> bindings;
    std::vector<const HostFunction*> hosts;   ///< per import: the EEI function or null
    std::vector<void (*)()> library_exports;  ///< per import: the library's export or null
    std::shared_ptr<CompiledModule> code;
};

/// An instance of a module for one block, freed with its memories and tables.
struct Instance
{
    const BoundModule* module = nullptr;
    void* storage = nullptr;  ///< calloc'ed Z_m_instance_t
    Ctx ctx;
    std::vector<ImportSlot> slots;

    Instance() = default;
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;
    ~Instance()
    {
        if (storage == nullptr)
            return;
        // Z_m_free copes with an instance a trap left half initialized: the
        // storage starts zeroed, and freeing null memories and tables is a no-op.
        module->code->free_instance(storage);
        std::free(storage);
    }
};

class Wasm2cScript final : public LoadedScript
{
public:
    Wasm2cScript(const Bytes& wasm, const std::vector<LibraryCode>& libraries,
                 const EngineLimits& limits)
      : limits_(limits)
    {
        // The reference engine parses, validates, links and checks everything,
        // so that errors read the same on every engine.
        const auto reference = make_binaryen_engine(limits)->load(wasm, libraries);
        auto plan = plan_links<BoundModule>(wasm, libraries, [&](const Bytes& bytes) {
            // The script's interface is the reference's; a library's is read
            // again (the reference keeps its libraries' to itself).
            auto m = std::make_unique<BoundModule>();
            m->interface =
                &bytes == &wasm ? reference->interface() : inspect_module(bytes).interface;
            return m;
        });
        auto adopt = [](LinkedModule<BoundModule>& linked) {
            BoundModule m = std::move(*linked.parsed);
            m.name = std::move(linked.name);
            m.bindings = std::move(linked.bindings);
            return m;
        };
        libraries_.reserve(libraries.size());
        for (auto& lib : plan.libraries)
            libraries_.push_back(adopt(lib));
        script_ = adopt(plan.script);

        for (size_t i = 0; i < libraries.size(); ++i)
        {
            std::string how;
            libraries_[i].code = in_library(libraries[i].name, [&] {
                return obtain_module(libraries[i].wasm, libraries_[i].interface, how);
            });
            notes_.push_back("wasm2c: library '" + printable(libraries[i].name) + "' " + how);
            bind(libraries_[i]);
        }
        std::string how;
        script_.code = obtain_module(wasm, script_.interface, how);
        notes_.push_back("wasm2c: " + how);
        bind(script_);
        stack_needed_ = stack_needed();
        main_ = script_.code->find_symbol("scout_w2c_call_main");
        if (main_ == nullptr)
            throw LoadError("wasm2c engine: no scout_w2c_call_main in " +
                            script_.code->path().string());
    }

    const ModuleInterface& interface() const override { return script_.interface; }

    void run(BlockContext& block) override
    {
        const std::lock_guard<std::mutex> lock(execution_mutex());
        // Calls nest at most max_call_depth deep in each module, each level a C
        // frame no larger than the largest the compiler reported: when that
        // fits in this thread's stack, run here; else (or when a frame size is
        // unknown) on a thread with a stack large enough, as the Binaryen
        // engine always does. Either way deep recursion is a trap, not a crash.
        if (stack_needed_ != 0 && stack_needed_ + stack_margin < native_stack_left())
            run_block(block);
        else
            run_on_large_stack(large_stack_bytes(), [&] { run_block(block); });
    }

    std::vector<std::string> load_notes() const override { return notes_; }

private:
    /// Headroom for host functions and the runtime below the wasm frames.
    static constexpr size_t stack_margin = size_t{1} << 20;

    /// Stack the deepest allowed nesting can take; 0 when unknown.
    size_t stack_needed() const
    {
        uint64_t frame = script_.code->max_frame;
        size_t modules = 1;
        for (const auto& lib : libraries_)
        {
            if (lib.code->max_frame == 0)
                return 0;
            frame = std::max(frame, lib.code->max_frame);
            ++modules;
        }
        if (frame == 0)
            return 0;
        // Each module counts its own depth (a library's calls nest below the
        // script's), and a level may hold a shim frame as well.
        const uint64_t bytes = (frame + 64) * modules * (uint64_t{limits_.max_call_depth} + 2);
        return bytes > (uint64_t{1} << 40) ? 0 : static_cast<size_t>(bytes);
    }

    /// The stack for blocks that need more than the caller's: twice the need
    /// (at least 16 MiB); when a frame size is unknown, 16 KiB a call (at
    /// least 256 MiB). Reserved as address space only (large_stack.hpp), so a
    /// stack sized for 100,000 nested calls costs what a run touches.
    size_t large_stack_bytes() const
    {
        if (stack_needed_ == 0)
            return std::max<size_t>(size_t{256} << 20,
                                    (size_t{limits_.max_call_depth} + 2) * (size_t{16} << 10) +
                                        stack_margin);
        return std::max<size_t>(2 * stack_needed_ + stack_margin, size_t{16} << 20);
    }

    void bind(BoundModule& m)
    {
        m.hosts.assign(m.interface.imports.size(), nullptr);
        m.library_exports.assign(m.interface.imports.size(), nullptr);
        for (size_t i = 0; i < m.interface.imports.size(); ++i)
        {
            if (m.bindings[i].host != nullptr)
            {
                m.hosts[i] = m.bindings[i].host;
                continue;
            }
            const auto& imp = m.interface.imports[i];
            const auto& lib = libraries_.at(m.bindings[i].library);
            void* fn = lib.code->find_export(imp.field);
            if (fn == nullptr)
                throw LoadError("wasm2c engine: library '" + printable(lib.name) +
                                "' has no symbol " + export_symbol(imp.field) +
                                " for its export '" + printable(imp.field) + "'");
            m.library_exports[i] = reinterpret_cast<void (*)()>(fn);
        }
    }

    /// Prepares the object's globals, then instantiates (start included).
    void instantiate(Instance& inst, const BoundModule& m, BlockRun& run,
                     const std::vector<std::unique_ptr<Instance>>& libraries)
    {
        CompiledModule& code = *m.code;
        *code.call_depth = 0;
        // main (or start) entered from scout counts as level 1 here and as
        // level 0 in the reference engine: one more level is the same limit.
        *code.max_call_depth = limits_.max_call_depth + 1;
        *code.max_pages = limits_.max_memory_pages;
        *code.host_trap = scout_wasm2c_trap;

        inst.module = &m;
        inst.slots.resize(m.interface.imports.size() + 1);
        for (size_t i = 0; i < m.interface.imports.size(); ++i)
            if (m.library_exports[i] != nullptr)
                inst.slots[i] = {m.library_exports[i], libraries[m.bindings[i].library]->storage};
        inst.storage = std::calloc(1, std::max<size_t>(code.instance_size(), 1));
        if (inst.storage == nullptr)
            throw std::bad_alloc();
        inst.ctx.host_call = host_call;
        inst.ctx.imports = inst.slots.data();
        inst.ctx.run = &run;
        inst.ctx.hosts = m.hosts.data();
        inst.ctx.instance = inst.storage;
        inst.ctx.memory = code.memory;
        check(guarded_call(code.instantiate, inst.storage, &inst.ctx), run);
    }

    void run_block(BlockContext& block)
    {
        const auto start = std::chrono::steady_clock::now();
        BlockRun run;
        run.block = &block;
        std::vector<std::unique_ptr<Instance>> libraries;
        Instance script;
        for (const auto& lib : libraries_)
        {
            libraries.push_back(std::make_unique<Instance>());
            instantiate(*libraries.back(), lib, run, libraries);
        }
        instantiate(script, script_, run, libraries);
        block.instantiate_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        check(guarded_call(call_unary, main_, script.storage), run);
        // `script` is freed before `libraries`: its memory may be theirs.
    }

    /// Throws what a guarded call's result means.
    void check(int code, BlockRun& run) const
    {
        switch (code)
        {
        case 0:
            return;
        case shim_host:
            if (run.error)
                std::rethrow_exception(run.error);
            throw Trap(TrapKind::host, "a host function failed");
        case shim_exhaustion:
            throw Trap(TrapKind::resource, "call stack exhausted: more than " +
                                               std::to_string(limits_.max_call_depth) +
                                               " nested calls (--max-call-depth)");
        case shim_out_of_memory:
            throw Trap(TrapKind::resource, "out of memory allocating a linear memory");
        case shim_oob:
            throw Trap(TrapKind::wasm, "out of bounds memory or table access");
        case shim_int_overflow:
            throw Trap(TrapKind::wasm, "integer overflow");
        case shim_div_by_zero:
            throw Trap(TrapKind::wasm, "integer divide by zero");
        case shim_invalid_conversion:
            throw Trap(TrapKind::wasm, "invalid conversion to integer");
        case shim_unreachable:
            throw Trap(TrapKind::wasm, "unreachable");
        case shim_call_indirect:
            throw Trap(TrapKind::wasm,
                       "call_indirect: index out of the table, uninitialized element or function "
                       "signature mismatch");
        case shim_uncaught_exception:
            throw Trap(TrapKind::wasm, "uncaught wasm exception");
        default:
            throw Trap(TrapKind::wasm, "wasm2c trap " + std::to_string(code));
        }
    }

    std::vector<std::string> notes_;  ///< load_notes()
    EngineLimits limits_;
    std::vector<BoundModule> libraries_;
    BoundModule script_;
    void* main_ = nullptr;
    size_t stack_needed_ = 0;
};

// The Engine of each adapter is the same few lines around its own
// LoadedScript (binaryen_engine.cpp, wabt_engine.cpp).
class Wasm2cEngine final : public Engine
{
public:
    explicit Wasm2cEngine(const EngineLimits& limits)
      : limits_(limits)
    {}
    std::string_view name() const override { return "wasm2c"; }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return std::make_unique<Wasm2cScript>(wasm, libraries, limits_);
    }

private:
    EngineLimits limits_;
};

}  // namespace

std::unique_ptr<Engine> make_wasm2c_engine(const EngineLimits& limits)
{
    return std::make_unique<Wasm2cEngine>(limits);
}

fs::path wasm2c_cache_dir()
{
    return aot::cache_dir("wasm2c");
}

Wasm2cStats wasm2c_stats()
{
    return {compiled_count.load(), cache_hit_count.load()};
}

std::string wasm2c_toolchain_description()
{
    const Toolchain& t = toolchain();
    if (!t.error.empty())
        return t.error;
    return t.wasm2c_identity + ", " + t.cc_identity;
}

}  // namespace scout
