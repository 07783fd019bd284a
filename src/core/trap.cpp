#include "trap.hpp"

namespace scout {

const char* to_string(TrapKind kind)
{
    switch (kind)
    {
    case TrapKind::wasm:
        return "wasm";
    case TrapKind::host:
        return "host";
    case TrapKind::out_of_ticks:
        return "out of ticks";
    case TrapKind::out_of_gas:
        return "out of gas";
    case TrapKind::timeout:
        return "timeout";
    case TrapKind::crashed:
        return "crashed";
    case TrapKind::interrupted:
        return "interrupted";
    default:
        return "resource limit";
    }
}

}  // namespace scout
