#include "large_stack.hpp"

#include <exception>
#include <pthread.h>
#include <stdexcept>
#include <string>

namespace scout {
namespace {

struct Job
{
    const std::function<void()>* fn;
    std::exception_ptr error;
};

void* trampoline(void* arg)
{
    auto* job = static_cast<Job*>(arg);
    try
    {
        (*job->fn)();
    }
    catch (...)
    {
        job->error = std::current_exception();
    }
    return nullptr;
}

}  // namespace

void run_on_large_stack(size_t stack_bytes, const std::function<void()>& fn)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int rc = pthread_attr_setstacksize(&attr, stack_bytes);
    Job job{&fn, nullptr};
    pthread_t thread;
    if (rc == 0)
        rc = pthread_create(&thread, &attr, trampoline, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        throw std::runtime_error("cannot start an execution thread with a " +
                                 std::to_string(stack_bytes >> 20) + " MiB stack (error " +
                                 std::to_string(rc) + ")");
    pthread_join(thread, nullptr);
    if (job.error)
        std::rethrow_exception(job.error);
}

}  // namespace scout
