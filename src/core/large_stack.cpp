#include "large_stack.hpp"

#include <openssl/crypto.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace scout {
namespace {

/// A stack reserved as address space (MAP_NORESERVE: no commit charge until
/// touched), with an inaccessible guard page at its low end.
class ReservedStack
{
public:
    explicit ReservedStack(size_t bytes)
    {
        const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        size_ = (bytes + page - 1) / page * page + page;
        void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (p == MAP_FAILED)
            throw std::runtime_error("cannot reserve a " + std::to_string(bytes >> 20) +
                                     " MiB stack for an execution thread");
        base_ = static_cast<char*>(p);
        mprotect(base_, page, PROT_NONE);
        guard_ = page;
    }
    ~ReservedStack() { munmap(base_, size_); }
    ReservedStack(const ReservedStack&) = delete;
    ReservedStack& operator=(const ReservedStack&) = delete;

    /// Starts `entry(arg)` on a thread that runs on this stack.
    int start(pthread_t& thread, void* (*entry)(void*), void* arg)
    {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        int rc = pthread_attr_setstack(&attr, base_ + guard_, size_ - guard_);
        if (rc == 0)
            rc = pthread_create(&thread, &attr, entry, arg);
        pthread_attr_destroy(&attr);
        return rc;
    }

private:
    char* base_ = nullptr;
    size_t size_ = 0;
    size_t guard_ = 0;
};

[[noreturn]] void cannot_start(size_t stack_bytes, int rc)
{
    throw std::runtime_error("cannot start an execution thread with a " +
                             std::to_string(stack_bytes >> 20) + " MiB stack (error " +
                             std::to_string(rc) + ")");
}

struct Job
{
    const std::function<void()>* fn;
    std::exception_ptr error;
};

void* run_job(void* arg)
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
    ReservedStack stack(stack_bytes);
    Job job{&fn, nullptr};
    pthread_t thread;
    if (const int rc = stack.start(thread, run_job, &job); rc != 0)
        cannot_start(stack_bytes, rc);
    pthread_join(thread, nullptr);
    if (job.error)
        std::rethrow_exception(job.error);
}

size_t native_stack_left()
{
    thread_local const uintptr_t low = [] {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return uintptr_t{0};
        void* addr = nullptr;
        size_t size = 0;
        if (pthread_attr_getstack(&attr, &addr, &size) != 0)
            addr = nullptr;
        pthread_attr_destroy(&attr);
        return reinterpret_cast<uintptr_t>(addr);
    }();
    const char here = 0;
    const auto sp = reinterpret_cast<uintptr_t>(&here);
    return low != 0 && sp > low ? sp - low : 0;
}

struct StackThread::State
{
    explicit State(size_t bytes)
      : stack_bytes(bytes)
    {}

    static void* main(void* self)
    {
        static_cast<State*>(self)->loop();
        return nullptr;
    }
    void loop()
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (true)
        {
            wake.wait(lock, [&] { return stop || job != nullptr; });
            if (stop)
                return;
            const auto* current = job;
            lock.unlock();
            std::exception_ptr caught;
            try
            {
                (*current)();
            }
            catch (...)
            {
                caught = std::current_exception();
            }
            // Host functions (hash.sha256) give this thread OpenSSL state of its
            // own. Released after each job: a process that exits with the thread
            // still parked (an engine in a static) runs OpenSSL's atexit cleanup
            // first, and the state would then never be freed (an LSan report).
            OPENSSL_thread_stop();
            lock.lock();
            error = caught;
            job = nullptr;
            done = true;
            finished.notify_all();
        }
    }

    std::mutex mutex;
    std::condition_variable wake, finished;
    const std::function<void()>* job = nullptr;
    std::exception_ptr error;
    bool done = false;
    bool stop = false;
    size_t stack_bytes;
    std::unique_ptr<ReservedStack> stack;  ///< set once the thread started
    pthread_t thread{};
};

StackThread::StackThread(size_t stack_bytes)
  : state_(std::make_unique<State>(stack_bytes))
{}

StackThread::~StackThread()
{
    if (!state_->stack)
        return;
    {
        const std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stop = true;
    }
    state_->wake.notify_all();
    pthread_join(state_->thread, nullptr);
}

size_t StackThread::stack_bytes() const
{
    return state_->stack_bytes;
}

void StackThread::run(const std::function<void()>& fn)
{
    State& s = *state_;
    if (!s.stack)
    {
        auto stack = std::make_unique<ReservedStack>(s.stack_bytes);
        if (const int rc = stack->start(s.thread, &State::main, &s); rc != 0)
            cannot_start(s.stack_bytes, rc);
        s.stack = std::move(stack);
    }
    std::unique_lock<std::mutex> lock(s.mutex);
    s.job = &fn;
    s.done = false;
    s.error = nullptr;
    s.wake.notify_all();
    s.finished.wait(lock, [&] { return s.done; });
    if (s.error)
        std::rethrow_exception(s.error);
}

}  // namespace scout
