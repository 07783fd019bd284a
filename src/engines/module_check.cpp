#include "module_check.hpp"

#include "errors.hpp"
#include "wasm_types.hpp"

#include <wabt/binary-reader-nop.h>
#include <wabt/binary-reader.h>
#include <wabt/feature.h>

#include <string>

namespace scout {
namespace {

/// Reads without building anything; counts what Binaryen would allocate for.
class ShapeReader final : public wabt::BinaryReaderNop
{
public:
    bool OnError(const wabt::Error& error) override
    {
        if (message.empty())
            message =
                printable(error.message) + " (at byte " + std::to_string(error.loc.offset) + ")";
        return true;  // handled: wabt would print it to stderr otherwise
    }

    wabt::Result OnTable(wabt::Index index, wabt::Type, const wabt::Limits* limits) override
    {
        if (limits->initial > max_table_entries)
            return fail(
                "table " + std::to_string(index) + " declares " + std::to_string(limits->initial) +
                " initial entries, more than the limit of " + std::to_string(max_table_entries));
        return wabt::Result::Ok;
    }

    wabt::Result OnTypeCount(wabt::Index count) override
    {
        if (count > max_types)
            return fail("the module declares " + std::to_string(count) +
                        " types, more than the limit of " + std::to_string(max_types));
        return wabt::Result::Ok;
    }

    wabt::Result BeginFunctionBody(wabt::Index index, wabt::Offset) override
    {
        function_ = index;
        locals_ = 0;
        return wabt::Result::Ok;
    }

    wabt::Result OnLocalDecl(wabt::Index, wabt::Index count, wabt::Type) override
    {
        locals_ += count;
        module_locals_ += count;
        if (locals_ > max_function_locals)
            return fail("function " + std::to_string(function_) + " declares more than " +
                        std::to_string(max_function_locals) + " locals, the limit");
        if (module_locals_ > max_module_locals)
            return fail("the functions declare more than " + std::to_string(max_module_locals) +
                        " locals in all, the limit");
        return wabt::Result::Ok;
    }

    std::string message;
    bool over_limit = false;  ///< message names one of scout's limits, not a malformation

private:
    wabt::Result fail(std::string why)
    {
        if (message.empty())
        {
            message = std::move(why);
            over_limit = true;
        }
        return wabt::Result::Error;
    }

    wabt::Index function_ = 0;
    uint64_t locals_ = 0;
    uint64_t module_locals_ = 0;
};

/// Notes the first use of each feature in FeatureUse.
class FeatureReader final : public wabt::BinaryReaderNop
{
public:
    bool OnError(const wabt::Error&) override { return true; }

    wabt::Result OnFuncType(wabt::Index index, wabt::Index param_count, wabt::Type* params,
                            wabt::Index result_count, wabt::Type* results) override
    {
        for (wabt::Index i = 0; i < param_count; ++i)
            if (params[i] == wabt::Type::V128)
                simd("type " + std::to_string(index) + ": v128 parameter");
        for (wabt::Index i = 0; i < result_count; ++i)
            if (results[i] == wabt::Type::V128)
                simd("type " + std::to_string(index) + ": v128 result");
        return wabt::Result::Ok;
    }

    wabt::Result OnImportGlobal(wabt::Index, std::string_view, std::string_view, wabt::Index index,
                                wabt::Type type, bool) override
    {
        if (type == wabt::Type::V128)
            simd("global " + std::to_string(index) + ": v128");
        return wabt::Result::Ok;
    }

    wabt::Result BeginGlobal(wabt::Index index, wabt::Type type, bool) override
    {
        if (type == wabt::Type::V128)
            simd("global " + std::to_string(index) + ": v128");
        return wabt::Result::Ok;
    }

    wabt::Result BeginFunctionBody(wabt::Index index, wabt::Offset) override
    {
        function_ = index;
        return wabt::Result::Ok;
    }

    wabt::Result OnLocalDecl(wabt::Index, wabt::Index, wabt::Type type) override
    {
        if (type == wabt::Type::V128)
            simd("function " + std::to_string(function_) + ": v128 local");
        return wabt::Result::Ok;
    }

    wabt::Result OnOpcode(wabt::Opcode opcode) override
    {
        if (opcode.GetPrefix() == 0xfd)  // the SIMD proposal's opcode prefix
            simd("function " + std::to_string(function_) + ": " + opcode.GetName());
        return wabt::Result::Ok;
    }

    FeatureUse use;

private:
    void simd(std::string where)
    {
        if (use.simd.empty())
            use.simd = std::move(where);
    }

    wabt::Index function_ = 0;
};

}  // namespace

const wabt::Features& wabt_script_features()
{
    static const wabt::Features features = [] {
        wabt::Features f;
#define WABT_FEATURE(variable, flag, default_, help) f.disable_##variable();
#include <wabt/feature.def>
#undef WABT_FEATURE
        f.enable_mutable_globals();
        f.enable_sign_extension();
        f.enable_sat_float_to_int();
        f.enable_bulk_memory();
        f.enable_multi_value();
        f.enable_simd();
        return f;
    }();
    return features;
}

wabt::ReadBinaryOptions wabt_read_options()
{
    return wabt::ReadBinaryOptions(wabt_script_features(), nullptr, false, true, false);
}

void check_binary(const Bytes& wasm)
{
    ShapeReader reader;
    if (wabt::Failed(wabt::ReadBinary(wasm.data(), wasm.size(), &reader, wabt_read_options())) ||
        !reader.message.empty())
    {
        if (reader.over_limit)
            throw LoadError(reader.message);
        throw LoadError("invalid wasm binary: " +
                        (reader.message.empty() ? std::string("unreadable") : reader.message));
    }
}

FeatureUse feature_use(const Bytes& wasm)
{
    FeatureReader reader;
    (void)wabt::ReadBinary(wasm.data(), wasm.size(), &reader, wabt_read_options());
    return reader.use;
}

}  // namespace scout
