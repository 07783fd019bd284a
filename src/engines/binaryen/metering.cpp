/// The metering pass, on Binaryen IR. The costs it charges are the gas table's
/// (gas_table.hpp, in core/: reading one needs no Binaryen).

#include "metering.hpp"

#include "binaryen_support.hpp"
#include "errors.hpp"
#include "large_stack.hpp"
#include "output_capture.hpp"
#include "wasm_types.hpp"

#include <ir/iteration.h>
#include <ir/module-utils.h>
#include <wasm-binary.h>
#include <wasm-builder.h>
#include <wasm-debug.h>
#include <wasm-validator.h>
#include <wasm.h>

#include <algorithm>

namespace scout {
namespace {

const char* binary_class(wasm::BinaryOp op)
{
    switch (op)
    {
    case wasm::MulInt32:
    case wasm::MulInt64:
        return "mul";
    case wasm::DivSInt32:
    case wasm::DivUInt32:
    case wasm::RemSInt32:
    case wasm::RemUInt32:
    case wasm::DivSInt64:
    case wasm::DivUInt64:
    case wasm::RemSInt64:
    case wasm::RemUInt64:
        return "div";
    default:
        return "binary";
    }
}

const char* instruction_class(wasm::Expression* e)
{
    using E = wasm::Expression;
    switch (e->_id)
    {
    case E::BlockId:
        return "block";
    case E::IfId:
        return "if";
    case E::LoopId:
        return "loop";
    case E::BreakId:
    case E::SwitchId:
        return "branch";
    case E::CallId:
        return "call";
    case E::CallIndirectId:
        return "call_indirect";
    case E::LocalGetId:
    case E::LocalSetId:
        return "local";
    case E::GlobalGetId:
    case E::GlobalSetId:
        return "global";
    case E::LoadId:
        return "load";
    case E::StoreId:
        return "store";
    case E::ConstId:
        return "const";
    case E::UnaryId:
        return "unary";
    case E::BinaryId:
        return binary_class(e->cast<wasm::Binary>()->op);
    case E::SelectId:
        return "select";
    case E::DropId:
        return "drop";
    case E::ReturnId:
        return "return";
    case E::MemorySizeId:
        return "memory.size";
    case E::MemoryGrowId:
        return "memory.grow";
    case E::NopId:
        return "nop";
    case E::UnreachableId:
        return "unreachable";
    case E::MemoryInitId:
    case E::DataDropId:
    case E::MemoryCopyId:
    case E::MemoryFillId:
        return "memory.bulk";
    case E::SIMDExtractId:
    case E::SIMDReplaceId:
    case E::SIMDShuffleId:
    case E::SIMDTernaryId:
    case E::SIMDShiftId:
    case E::SIMDLoadId:
    case E::SIMDLoadStoreLaneId:
        return "simd";
    default:
        return "other";
    }
}

/// Where a region's charge goes.
struct Region
{
    enum Kind
    {
        function_body,
        block,
        loop_body,
        if_true,
        if_false
    } kind;
    wasm::Expression* owner;  ///< the Block, Loop or If (null for the body)
    uint64_t cost = 0;
};

/// Binaryen's binary writer recurses once per nesting level (about 170 bytes
/// of stack each, measured); the writer runs on a 256 MiB stack, and deeper
/// code than this is refused rather than risked.
constexpr size_t max_nesting = 1'000'000;
constexpr size_t metering_stack_bytes = size_t{256} << 20;

class Meter
{
public:
    Meter(wasm::Module& module, const GasTable& table)
      : module_(module)
      , table_(table)
    {}

    void run()
    {
        const wasm::Name use_gas = add_import();
        for (auto& f : module_.functions)
            if (!f->imported())
                meter_function(*f, use_gas);
    }

private:
    wasm::Name add_import()
    {
        wasm::Name name("scout$metering$useGas");
        for (int i = 0; module_.getFunctionOrNull(name); ++i)
            name = wasm::Name(("scout$metering$useGas" + std::to_string(i)).c_str());
        auto f = wasm::Builder::makeFunction(
            name, wasm::HeapType(wasm::Signature(wasm::Type::i64, wasm::Type::none)), {});
        f->module = "metering";
        f->base = "useGas";
        module_.addFunction(std::move(f));
        return name;
    }

    /// Assigns every instruction to its region with an explicit stack (a
    /// recursive walk would overflow on deeply nested code), then inserts the
    /// charges.
    void meter_function(wasm::Function& f, wasm::Name use_gas)
    {
        std::vector<Region> regions;
        regions.reserve(64);
        regions.push_back({Region::function_body, nullptr});
        struct Item
        {
            wasm::Expression* e;
            size_t region;
            size_t depth;
        };
        std::vector<Item> stack{{f.body, 0, 1}};
        auto push = [&](wasm::Expression* child, size_t region, size_t depth) {
            if (depth > max_nesting)
                throw LoadError("function " + printable(f.name.str) +
                                " nests expressions deeper than " + std::to_string(max_nesting) +
                                ", too deep to meter");
            stack.push_back({child, region, depth});
        };
        while (!stack.empty())
        {
            const auto [e, r, depth] = stack.back();
            stack.pop_back();
            regions[r].cost += table_.cost(instruction_class(e));
            if (auto* block = e->dynCast<wasm::Block>())
            {
                regions.push_back({Region::block, block});
                const size_t inner = regions.size() - 1;
                for (auto* child : block->list)
                    push(child, inner, depth + 1);
            }
            else if (auto* loop = e->dynCast<wasm::Loop>())
            {
                regions.push_back({Region::loop_body, loop});
                push(loop->body, regions.size() - 1, depth + 1);
            }
            else if (auto* iff = e->dynCast<wasm::If>())
            {
                push(iff->condition, r, depth + 1);
                regions.push_back({Region::if_true, iff});
                push(iff->ifTrue, regions.size() - 1, depth + 1);
                if (iff->ifFalse)
                {
                    regions.push_back({Region::if_false, iff});
                    push(iff->ifFalse, regions.size() - 1, depth + 1);
                }
            }
            else
                for (auto* child : wasm::ChildIterator(e))
                    push(child, r, depth + 1);
        }

        wasm::Builder builder(module_);
        for (const auto& region : regions)
        {
            if (region.cost == 0)
                continue;
            auto* charge = builder.makeCall(
                use_gas, {builder.makeConst(wasm::Literal(static_cast<int64_t>(region.cost)))},
                wasm::Type::none);
            switch (region.kind)
            {
            case Region::function_body:
                f.body = builder.makeSequence(charge, f.body);
                break;
            case Region::block: {
                auto* block = region.owner->cast<wasm::Block>();
                block->list.insertAt(0, charge);
                break;
            }
            case Region::loop_body: {
                auto* loop = region.owner->cast<wasm::Loop>();
                loop->body = builder.makeSequence(charge, loop->body);
                break;
            }
            case Region::if_true: {
                auto* iff = region.owner->cast<wasm::If>();
                iff->ifTrue = builder.makeSequence(charge, iff->ifTrue);
                break;
            }
            case Region::if_false: {
                auto* iff = region.owner->cast<wasm::If>();
                iff->ifFalse = builder.makeSequence(charge, iff->ifFalse);
                break;
            }
            }
        }
    }

    wasm::Module& module_;
    const GasTable& table_;
};

}  // namespace

namespace {
Bytes meter_on_this_stack(const Bytes& wasm_bytes, const GasTable& table);
}

Bytes meter_module(const Bytes& wasm_bytes, const GasTable& table)
{
    Bytes out;
    // What Binaryen prints on the metering thread goes to the caller's capture.
    OutputCapture* caller = OutputCapture::current();
    run_on_large_stack(metering_stack_bytes, [&] {
        OutputCapture forward(caller);
        out = meter_on_this_stack(wasm_bytes, table);
    });
    return out;
}

namespace {

Bytes meter_on_this_stack(const Bytes& wasm_bytes, const GasTable& table)
{
    wasm::Module module;
    binaryen::parse(wasm_bytes, module);
    // Meter only what an engine would accept: the pass assumes valid IR.
    if (const auto error = binaryen::validation_errors(module); !error.empty())
        throw LoadError("wasm validation failed: " + error);
    Meter(module, table).run();
    // The metered copy carries no DWARF. Metering moves every code offset,
    // and Binaryen's writer would rewrite the debug sections through LLVM's
    // DWARF emitter, which aborts the process (llvm_unreachable) or throws
    // std::out_of_range on debug sections it cannot map (found by fuzzing:
    // test/fuzz/regressions/fuzz_run_module/).
    auto& sections = module.userSections;
    sections.erase(std::remove_if(sections.begin(), sections.end(),
                                  [](const wasm::UserSection& section) {
                                      return wasm::Debug::isDWARFSection(section.name);
                                  }),
                   sections.end());
    wasm::BufferWithRandomAccess buffer;
    wasm::WasmBinaryWriter writer(&module, buffer);
    writer.write();
    return Bytes(buffer.begin(), buffer.end());
}

}  // namespace

}  // namespace scout
