/// --binaryen-opt's passes (optimize.hpp).

#include "optimize.hpp"

#include "depth_analysis.hpp"

#include <pass.h>

#include <algorithm>

namespace scout::binaryen {

void optimize(wasm::Module& module, uint32_t level)
{
    wasm::PassOptions options;
    options.optimizeLevel = static_cast<int>(std::min<uint32_t>(level, 3));
    options.shrinkLevel = 0;
    options.ignoreImplicitTraps = false;
    options.trapsNeverHappen = false;
    options.fastMath = false;
    wasm::PassRunner runner(&module, options);
    runner.add("duplicate-function-elimination");
    runner.addDefaultFunctionOptimizationPasses();
    if (level >= 2)
        runner.add("dae-optimizing");
    runner.add("duplicate-function-elimination");
    runner.add("duplicate-import-elimination");
    runner.add(level >= 2 ? "simplify-globals-optimizing" : "simplify-globals");
    runner.add("remove-unused-module-elements");
    runner.run();
}

bool optimizable(wasm::Module& module)
{
    return max_nesting(module) < max_optimized_nesting;
}

}  // namespace scout::binaryen
