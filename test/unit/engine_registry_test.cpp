// The engine registry's decorator hook (set_engine_decorator): what test/faults/'s
// scout_faulty injects its faults through.

#include "engine.hpp"
#include "engine_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace scout;

namespace {

/// Forwards to the engine it wraps; its scripts are the wrapped engine's.
class Wrapper final : public Engine
{
public:
    explicit Wrapper(std::unique_ptr<Engine> engine)
      : engine_(std::move(engine))
    {}
    std::string_view name() const override { return engine_->name(); }
    std::unique_ptr<LoadedScript> load(const Bytes& wasm,
                                       const std::vector<LibraryCode>& libraries) override
    {
        return engine_->load(wasm, libraries);
    }

private:
    std::unique_ptr<Engine> engine_;
};

/// Unsets the decorator when a test ends, however it ends.
struct DecoratorReset
{
    ~DecoratorReset() { set_engine_decorator(nullptr); }
};

}  // namespace

TEST(EngineDecorator, WrapsEveryEngineMade)
{
    DecoratorReset reset;
    std::vector<std::string> seen;
    set_engine_decorator([&](std::unique_ptr<Engine> engine) -> std::unique_ptr<Engine> {
        seen.emplace_back(engine->name());
        return std::make_unique<Wrapper>(std::move(engine));
    });
    for (const auto& name : engine_names())
    {
        auto engine = make_engine(name, {});
        ASSERT_NE(engine, nullptr) << name;
        EXPECT_NE(dynamic_cast<Wrapper*>(engine.get()), nullptr) << name;
        EXPECT_EQ(engine->name(), name);
    }
    EXPECT_EQ(seen, engine_names());
    // An unknown name is no engine: nothing to decorate.
    EXPECT_EQ(make_engine("no-such-engine", {}), nullptr);
    EXPECT_EQ(seen, engine_names());
}

TEST(EngineDecorator, UnsetMakesPlainEngines)
{
    DecoratorReset reset;
    set_engine_decorator([](std::unique_ptr<Engine> engine) -> std::unique_ptr<Engine> {
        return std::make_unique<Wrapper>(std::move(engine));
    });
    set_engine_decorator(nullptr);
    auto engine = make_engine("binaryen", {});
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(dynamic_cast<Wrapper*>(engine.get()), nullptr);
}
