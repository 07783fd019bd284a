#include "result_json.hpp"

#include "hex.hpp"
#include "wasm_types.hpp"

namespace scout {

using nlohmann::json;

const char* to_string(FileStatus s)
{
    switch (s)
    {
    case FileStatus::passed:
        return "passed";
    case FileStatus::failed:
        return "failed";
    default:
        return "error";
    }
}

namespace {

std::string hex0x(const Bytes32& r)
{
    return "0x" + to_hex(r);
}

json deposit_json(const Deposit& d)
{
    return {{"pubkey", "0x" + to_hex(d.pubkey)},
            {"withdrawal_credentials", "0x" + to_hex(d.withdrawal_credentials)},
            {"amount", d.amount},
            {"signature", "0x" + to_hex(d.signature)}};
}

json deposits_json(std::vector<Deposit>::const_iterator begin,
                   std::vector<Deposit>::const_iterator end)
{
    json out = json::array();
    for (auto it = begin; it != end; ++it)
        out.push_back(deposit_json(*it));
    return out;
}

json host_call_json(const HostCallRecord& c)
{
    json args = json::array();
    for (size_t i = 0; i < c.args.size(); ++i)
        args.push_back(c.param_types[i] == ValType::i64 || c.param_types[i] == ValType::f64
                           ? c.args[i].i64()
                           : c.args[i].i32());
    json accesses = json::array();
    for (const auto& a : c.accesses)
        accesses.push_back(
            {{"ptr", a.ptr}, {"length", a.length}, {"access", a.write ? "write" : "read"}});
    json out = {{"function", c.function}, {"args", args}, {"memory", accesses}};
    if (c.result)
        out["result"] = c.result_type == ValType::i64 ? c.result->i64() : c.result->i32();
    if (!c.trap.empty())
        out["trap"] = c.trap;
    return out;
}

}  // namespace

void make_valid_utf8(json& j)
{
    if (j.is_string())
    {
        auto& s = j.get_ref<std::string&>();
        if (!valid_utf8(s))
            s = printable(s);
    }
    else if (j.is_structured())
        for (auto& item : j)
            make_valid_utf8(item);
}

json block_result_to_json(const BlockResult& b, const std::vector<Deposit>& deposits)
{
    json block = {{"index", b.index},
                  {"line", b.line},
                  {"env", b.env},
                  {"script", b.script},
                  {"pre_state", hex0x(b.pre_state)},
                  {"post_state", hex0x(b.post_state)},
                  {"post_state_saved", b.post_state_saved},
                  {"ticks_used", b.ticks_used},
                  {"gas_used", b.gas_used ? json(*b.gas_used) : json(nullptr)},
                  {"instantiate_seconds", b.instantiate_seconds},
                  {"execute_seconds", b.execute_seconds},
                  {"debug_output", b.debug_output},
                  {"debug_dropped", b.debug_dropped}};
    block["deposits"] = deposits_json(deposits.begin(), deposits.end());
    block["trap"] = b.trap ? json{{"kind", to_string(b.trap->kind)}, {"message", b.trap->message}}
                           : json(nullptr);
    if (!b.host_calls.empty())
    {
        json calls = json::array();
        for (const auto& c : b.host_calls)
            calls.push_back(host_call_json(c));
        block["host_calls"] = calls;
    }
    if (b.host_calls_dropped != 0)
        block["host_calls_dropped"] = b.host_calls_dropped;
    return block;
}

json file_result_to_json(const FileResult& r)
{
    json f = {{"file", r.file.string()},
              {"status", to_string(r.status)},
              {"time_seconds", file_seconds(r)}};
    if (!r.engines.empty())
    {
        json engines = json::array();
        for (const auto& e : r.engines)
        {
            json o = {{"engine", e.engine}, {"status", e.verdict}};
            if (!e.reason.empty())
                o["reason"] = e.reason;
            engines.push_back(o);
        }
        f["engines"] = engines;
    }
    if (r.status == FileStatus::error)
    {
        f["error"] = r.error;
        if (!r.not_run.empty())
            f["not_run"] = r.not_run;
        return f;
    }
    f["load_seconds"] = r.load_seconds;
    if (!r.load_error.empty())
        f["load_error"] = r.load_error;
    f["notes"] = r.notes;
    if (r.uses_bignum)
    {
        f["field"] = to_string(r.field);
        f["field_source"] = r.field_source;
    }
    if (r.uses_deposits)
    {
        f["deposit_layout"] = to_string(r.deposit_layout);
        f["deposit_layout_source"] =
            r.deposit_layout_declared ? "the vector's deposit_layout" : "the default";
    }
    f["blocks_total"] = r.blocks_total;
    json blocks = json::array();
    size_t deposit_offset = 0;
    for (const auto& b : r.blocks)
    {
        // A trapped block's deposits never reach actual_deposits.
        const size_t count = b.trap ? 0 : b.deposits;
        const auto begin = r.actual_deposits.begin() + static_cast<long>(deposit_offset);
        blocks.push_back(block_result_to_json(b, {begin, begin + static_cast<long>(count)}));
        deposit_offset += count;
    }
    f["blocks"] = blocks;
    json mismatches = json::array();
    for (const auto& m : r.root_mismatches)
        mismatches.push_back(
            {{"env", m.env}, {"expected", hex0x(m.expected)}, {"actual", hex0x(m.actual)}});
    f["root_mismatches"] = mismatches;
    json gas = json::array();
    for (const auto& g : r.gas_mismatches)
        gas.push_back(
            {{"block", g.block}, {"line", g.line}, {"expected", g.expected}, {"actual", g.actual}});
    f["gas_mismatches"] = gas;
    f["metered"] = r.metered;
    f["disagreements"] = r.disagreements;
    f["deposits_match"] = r.deposits_match;
    f["expected_deposits"] = deposits_json(r.expected_deposits.begin(), r.expected_deposits.end());
    f["actual_deposits"] = deposits_json(r.actual_deposits.begin(), r.actual_deposits.end());
    return f;
}

namespace {

template <size_t N> std::array<uint8_t, N> fixed_from_hex(const std::string& text)
{
    const auto bytes = decode_hex(text);
    if (!bytes || bytes->size() != N)
        throw std::invalid_argument("bad hex in a result document: " + text);
    std::array<uint8_t, N> out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

Deposit deposit_from_json(const json& j)
{
    Deposit d;
    d.pubkey = fixed_from_hex<Deposit::pubkey_size>(j.at("pubkey").get<std::string>());
    d.withdrawal_credentials = fixed_from_hex<Deposit::withdrawal_credentials_size>(
        j.at("withdrawal_credentials").get<std::string>());
    d.amount = j.at("amount").get<uint64_t>();
    d.signature = fixed_from_hex<Deposit::signature_size>(j.at("signature").get<std::string>());
    return d;
}

std::vector<Deposit> deposits_from_json(const json& j)
{
    std::vector<Deposit> out;
    for (const auto& d : j)
        out.push_back(deposit_from_json(d));
    return out;
}

TrapKind trap_kind_from(const std::string& s)
{
    for (auto k : {TrapKind::wasm, TrapKind::host, TrapKind::out_of_ticks, TrapKind::out_of_gas,
                   TrapKind::resource, TrapKind::timeout, TrapKind::crashed, TrapKind::interrupted})
        if (s == to_string(k))
            return k;
    return TrapKind::resource;
}

}  // namespace

BlockResult block_result_from_json(const json& b)
{
    BlockResult br;
    br.index = b.at("index").get<size_t>();
    br.line = b.at("line").get<size_t>();
    br.env = b.at("env").get<uint32_t>();
    br.script = b.at("script").get<std::string>();
    br.pre_state = fixed_from_hex<32>(b.at("pre_state").get<std::string>());
    br.post_state = fixed_from_hex<32>(b.at("post_state").get<std::string>());
    br.post_state_saved = b.at("post_state_saved").get<bool>();
    br.deposits = b.at("deposits").size();
    br.ticks_used = b.at("ticks_used").get<uint64_t>();
    if (!b.at("gas_used").is_null())
        br.gas_used = b.at("gas_used").get<uint64_t>();
    br.instantiate_seconds = b.at("instantiate_seconds").get<double>();
    br.execute_seconds = b.at("execute_seconds").get<double>();
    br.debug_output = b.at("debug_output").get<std::vector<std::string>>();
    br.debug_dropped = b.at("debug_dropped").get<size_t>();
    if (!b.at("trap").is_null())
        br.trap = TrapInfo{trap_kind_from(b.at("trap").at("kind").get<std::string>()),
                           b.at("trap").at("message").get<std::string>()};
    if (b.contains("host_calls"))
        for (const auto& c : b.at("host_calls"))
        {
            HostCallRecord h;
            h.function = c.at("function").get<std::string>();
            for (const auto& a : c.at("args"))
            {
                h.param_types.push_back(ValType::i64);
                h.args.push_back(Value{a.get<uint64_t>()});
            }
            for (const auto& m : c.at("memory"))
                h.accesses.push_back({m.at("ptr").get<uint32_t>(), m.at("length").get<uint64_t>(),
                                      m.at("access").get<std::string>() == "write"});
            if (c.contains("result"))
            {
                h.result = Value{c.at("result").get<uint64_t>()};
                h.result_type = ValType::i64;
            }
            h.trap = c.value("trap", "");
            br.host_calls.push_back(std::move(h));
        }
    br.host_calls_dropped = b.value("host_calls_dropped", size_t{0});
    return br;
}

FileResult file_result_from_json(const json& f)
{
    FileResult r;
    r.file = f.at("file").get<std::string>();
    const auto status = f.at("status").get<std::string>();
    r.status = status == "passed"   ? FileStatus::passed
               : status == "failed" ? FileStatus::failed
                                    : FileStatus::error;
    if (f.contains("engines"))
        for (const auto& e : f.at("engines"))
            r.engines.push_back({e.at("engine").get<std::string>(),
                                 e.at("status").get<std::string>(), e.value("reason", "")});
    if (r.status == FileStatus::error)
    {
        r.error = f.at("error").get<std::string>();
        r.not_run = f.value("not_run", "");
        return r;
    }
    r.load_seconds = f.at("load_seconds").get<double>();
    r.load_error = f.value("load_error", "");
    r.notes = f.at("notes").get<std::vector<std::string>>();
    if (f.contains("field"))
    {
        r.uses_bignum = true;
        r.field = parse_field(f.at("field").get<std::string>()).value_or(FieldId::bn128);
        r.field_source = f.value("field_source", "");
    }
    if (f.contains("deposit_layout"))
    {
        r.uses_deposits = true;
        r.deposit_layout = parse_deposit_layout(f.at("deposit_layout").get<std::string>())
                               .value_or(DepositLayout::ewasm);
        r.deposit_layout_declared = f.value("deposit_layout_source", "") != "the default";
    }
    r.blocks_total = f.at("blocks_total").get<size_t>();
    for (const auto& b : f.at("blocks"))
        r.blocks.push_back(block_result_from_json(b));
    for (const auto& m : f.at("root_mismatches"))
        r.root_mismatches.push_back({m.at("env").get<uint32_t>(),
                                     fixed_from_hex<32>(m.at("expected").get<std::string>()),
                                     fixed_from_hex<32>(m.at("actual").get<std::string>())});
    for (const auto& g : f.at("gas_mismatches"))
        r.gas_mismatches.push_back({g.at("block").get<size_t>(), g.at("line").get<size_t>(),
                                    g.at("expected").get<uint64_t>(),
                                    g.at("actual").get<uint64_t>()});
    r.metered = f.at("metered").get<bool>();
    r.disagreements = f.value("disagreements", std::vector<std::string>{});
    r.deposits_match = f.at("deposits_match").get<bool>();
    r.expected_deposits = deposits_from_json(f.at("expected_deposits"));
    r.actual_deposits = deposits_from_json(f.at("actual_deposits"));
    return r;
}

double file_seconds(const FileResult& r)
{
    double s = r.load_seconds;
    for (const auto& b : r.blocks)
        s += b.instantiate_seconds + b.execute_seconds;
    return s;
}

}  // namespace scout
