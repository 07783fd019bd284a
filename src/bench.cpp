#include "bench.hpp"

#include "discovery.hpp"
#include "reporter.hpp"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace scout {

Stats stats_of(std::vector<double> samples)
{
    Stats s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    s.min = samples.front();
    s.max = samples.back();
    s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    return s;
}

namespace {

std::string ms(double seconds)
{
    std::ostringstream o;
    o << std::fixed << std::setprecision(3) << seconds * 1000;
    return o.str();
}

std::string triple(const Stats& s)
{
    return ms(s.min) + " / " + ms(s.median) + " / " + ms(s.max);
}

double execute_seconds(const FileResult& r)
{
    double s = 0;
    for (const auto& b : r.blocks)
        s += b.instantiate_seconds + b.execute_seconds;
    return s;
}

}  // namespace

int run_bench(const BenchOptions& options, std::ostream& out)
{
    const auto files = discover_vectors(options.paths);

    std::ostringstream csv;
    csv << "engine,bench_name,parse_time,exec_time\n";
    csv << std::setprecision(9);
    int exit_code = 0;

    out << options.repeat
        << " timed runs per vector after one warm-up; times in ms: min / median / max\n";
    out << std::left << std::setw(10) << "engine" << std::setw(48) << "vector" << std::setw(32)
        << "load"
        << "execute\n";
    for (const auto& engine_name : options.engines)
        for (const auto& file : files)
        {
            auto engine = make_engine(engine_name, options.limits);
            const FileResult warm = run_vector_file(file, *engine, options.options);
            if (warm.status != FileStatus::passed)
            {
                out << std::setw(10) << engine_name << std::setw(48) << file.string()
                    << "not timed: "
                    << (warm.status == FileStatus::error ? warm.error : "the vector fails") << "\n";
                exit_code = std::max(exit_code, warm.status == FileStatus::error ? 2 : 1);
                continue;
            }
            std::vector<double> load, exec;
            for (int i = 0; i < options.repeat; ++i)
            {
                const FileResult r = run_vector_file(file, *engine, options.options);
                load.push_back(r.load_seconds);
                exec.push_back(execute_seconds(r));
                csv << engine_name << "," << file.stem().string() << "," << r.load_seconds << ","
                    << exec.back() << "\n";
            }
            out << std::setw(10) << engine_name << std::setw(48) << file.string() << std::setw(32)
                << triple(stats_of(load)) << triple(stats_of(exec)) << "\n";
        }
    out << "\n" << csv.str();
    if (!options.csv_file.empty())
    {
        std::ofstream f(options.csv_file, std::ios::binary | std::ios::trunc);
        f << csv.str();
        if (!f)
        {
            out << "cannot write " << options.csv_file << "\n";
            exit_code = 2;
        }
    }
    return exit_code;
}

}  // namespace scout
