/// ScoutRunner's integer operators on the fast path (scout_runner.hpp; which
/// operators it takes: fast_unary, fast_binary). Each operation is
/// written once for both widths (integer_ops.hpp).

#include "scout_runner.hpp"

#include "integer_ops.hpp"

namespace scout::binaryen {

bool ScoutRunner::eval_unary(wasm::Unary* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t v = 0;
    if (!eval(curr->value, v))
        return false;
    const uint32_t a = static_cast<uint32_t>(v);
    switch (curr->op)
    {
    case wasm::ClzInt32:
        out = count_leading_zeros(a);
        break;
    case wasm::ClzInt64:
        out = count_leading_zeros(v);
        break;
    case wasm::CtzInt32:
        out = count_trailing_zeros(a);
        break;
    case wasm::CtzInt64:
        out = count_trailing_zeros(v);
        break;
    case wasm::PopcntInt32:
        out = population_count(a);
        break;
    case wasm::PopcntInt64:
        out = population_count(v);
        break;
    case wasm::EqZInt32:
        out = a == 0;
        break;
    case wasm::EqZInt64:
        out = v == 0;
        break;
    case wasm::ExtendUInt32:
    case wasm::WrapInt64:
    case wasm::ReinterpretFloat32:
    case wasm::ReinterpretInt32:
        out = a;
        break;
    case wasm::ReinterpretFloat64:
    case wasm::ReinterpretInt64:
        out = v;
        break;
    case wasm::ExtendS8Int32:
        out = extend_signed<int8_t>(a);
        break;
    case wasm::ExtendS16Int32:
        out = extend_signed<int16_t>(a);
        break;
    case wasm::ExtendS8Int64:
        out = extend_signed<int8_t>(v);
        break;
    case wasm::ExtendS16Int64:
        out = extend_signed<int16_t>(v);
        break;
    case wasm::ExtendSInt32:  // i64.extend_i32_s: the same as i64.extend32_s
    case wasm::ExtendS32Int64:
        out = extend_signed<int32_t>(v);
        break;
    default:
        WASM_UNREACHABLE("not a fast unary op");
    }
    return true;
}

bool ScoutRunner::eval_binary(wasm::Binary* curr, uint64_t& out)
{
    const Counted counted(*this);
    uint64_t l = 0, r = 0;
    if (!eval(curr->left, l))
        return false;
    if (!eval(curr->right, r))
        return false;
    const auto trap_with = [this](const char* why) { wasm_trap(why); };
    // fast_binary(): an i32 operator up to GeUInt32, else an i64 one, which
    // int_binary takes as its i32 enumerator (integer_ops.hpp checks the order).
    if (curr->op <= wasm::GeUInt32)
        out = int_binary(curr->op, static_cast<uint32_t>(l), static_cast<uint32_t>(r), trap_with);
    else
        out = int_binary(static_cast<wasm::BinaryOp>(curr->op - int64_op_offset), l, r, trap_with);
    return true;
}

}  // namespace scout::binaryen
