// The persistent thread pool behind parallel_for: workers wait for a job, claim chunks of it, and go back to
// waiting. The caller's thread claims chunks too and waits only for chunks a worker has claimed, so a job
// never waits on a worker that is slow to wake (on a busy machine it simply runs on the caller). Workers
// spin briefly before sleeping, because the GEMMs of one training step follow each other within
// microseconds and a futex wake-up costs about as much as a small GEMM. A job carries its caller's
// floating-point mode (fp_mode.h), which a worker takes before running a chunk of it: a chunk computes the
// same bits whichever thread runs it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "fp_mode.h"
#include "sgemm.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace nabla {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kWorkerSpin = std::chrono::microseconds(200);
constexpr auto kCallerSpin = std::chrono::microseconds(2000);
constexpr int kMaxThreads = 1024;  // also keeps a job's chunk count within its 16 bits

// Set on pool workers for their whole life and on a caller while it runs a job: a nested parallel_for
// runs inline instead of deadlocking on the pool it is already part of.
thread_local bool t_inside_pool = false;

void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#endif
}

// Spins up to `budget` until ready() holds; returns whether it did.
template <typename Ready>
bool spin_until(Ready ready, Clock::duration budget) {
  const auto deadline = Clock::now() + budget;
  for (int i = 0;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if ((i & 255) == 255 && Clock::now() > deadline) return ready();
  }
}

// NABLA_NUM_THREADS=n (a whole number >= 1), else every hardware thread; a bad value is reported on stderr.
int default_thread_count() {
  const unsigned hw = std::thread::hardware_concurrency();
  const int all = hw == 0 ? 1 : static_cast<int>(std::min<unsigned>(hw, kMaxThreads));
  const char* env = std::getenv("NABLA_NUM_THREADS");
  if (env == nullptr || *env == '\0') return all;
  char* end = nullptr;
  const long n = std::strtol(env, &end, 10);
  if (*end == '\0' && n >= 1) return static_cast<int>(std::min<long>(n, kMaxThreads));
  std::fprintf(stderr, "nabla: ignoring NABLA_NUM_THREADS='%s' (expected a whole number >= 1); using %d\n", env, all);
  return all;
}

class Pool {
 public:
  explicit Pool(int threads) { start_workers(threads - 1); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // The caller holds submit_mutex_.
  void resize(int threads) {
    if (threads == this->threads()) return;
    stop_workers();
    start_workers(threads - 1);
  }

  std::mutex& submit_mutex() { return submit_mutex_; }

  // The caller holds submit_mutex_ and has 2..65535 chunks to share.
  void run(int64_t n, int64_t chunks, const std::function<void(int64_t, int64_t)>& fn) {
    fn_ = &fn;
    n_ = n;
    fp_mode_ = fp_mode();
    error_ = nullptr;
    done_.store(0, std::memory_order_relaxed);
    job_id_ = (job_id_ + 1) & 0xFFFFFFFFu;
    job_.store(job_id_ << 32 | static_cast<uint64_t>(chunks) << 16, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_cv_.notify_all();

    t_inside_pool = true;
    run_chunks();
    t_inside_pool = false;

    // Wait for the chunks workers took, not for the workers: one that wakes late finds nothing left.
    auto all_done = [&] { return done_.load(std::memory_order_acquire) == chunks; };
    if (!spin_until(all_done, kCallerSpin)) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_cv_.wait(lock, all_done);
    }
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims chunks of the current job and runs them until none is left. The job word holds the job's id, its
  // chunk count and the next unclaimed chunk, so a claim is one compare-and-swap and can never take a chunk
  // of a job that has finished. A claimed chunk keeps its job alive (the caller waits for every chunk), so
  // fn_, n_ and fp_mode_ read after the claim are that job's.
  void run_chunks() {
    uint64_t word = job_.load(std::memory_order_acquire);
    for (;;) {
      const int64_t chunks = static_cast<int64_t>((word >> 16) & 0xFFFFu);
      const int64_t c = static_cast<int64_t>(word & 0xFFFFu);
      if (c >= chunks) return;
      if (!job_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        continue;  // word now holds the current value
      }
      if (fp_mode() != fp_mode_) set_fp_mode(fp_mode_);  // a no-op on the caller's own thread
      try {
        (*fn_)(n_ * c / chunks, n_ * (c + 1) / chunks);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_cv_.notify_one();
      }
      word = job_.load(std::memory_order_acquire);
    }
  }

  void worker_loop(uint64_t seen) {
    t_inside_pool = true;
    for (;;) {
      auto has_job = [&] { return generation_.load(std::memory_order_acquire) != seen; };
      if (!spin_until(has_job, kWorkerSpin)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_cv_.wait(lock, has_job);
      }
      seen = generation_.load(std::memory_order_acquire);
      if (stopping_.load(std::memory_order_acquire)) return;
      run_chunks();
    }
  }

  void start_workers(int count) {
    stopping_.store(false, std::memory_order_release);
    const uint64_t seen = generation_.load(std::memory_order_acquire);
    for (int i = 0; i < count; ++i) workers_.emplace_back([this, seen] { worker_loop(seen); });
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_.store(true, std::memory_order_release);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::mutex submit_mutex_;  // one job at a time
  std::mutex mutex_;         // guards sleeping and waking, and error_
  std::condition_variable wake_cv_, done_cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> job_{0};  // job id << 32 | chunk count << 16 | next unclaimed chunk
  std::atomic<int64_t> done_{0};  // chunks of the current job finished
  uint64_t job_id_ = 0;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  uint64_t fp_mode_ = 0;  // the caller's floating-point control word
  std::exception_ptr error_;
};

std::atomic<int> g_wanted_threads{0};  // 0 until first use

int wanted_threads() {
  int n = g_wanted_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    int expected = 0;
    g_wanted_threads.compare_exchange_strong(expected, default_thread_count());
    n = g_wanted_threads.load(std::memory_order_relaxed);
  }
  return n;
}

// Never destroyed: joining threads from static destructors at process exit (inside Node) buys nothing
// and risks hangs; the OS reclaims the threads.
Pool& pool() {
  static Pool* p = new Pool(wanted_threads());
  return *p;
}

// Runs the whole range on this thread; parallel_for calls made inside fn run inline too, as they would
// on the pool, so fn sees the same rule either way.
void run_inline(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  const bool was_inside = t_inside_pool;
  t_inside_pool = true;
  try {
    fn(0, n);
  } catch (...) {
    t_inside_pool = was_inside;
    throw;
  }
  t_inside_pool = was_inside;
}

}  // namespace

void set_num_threads(int n) {
  n = std::max(1, std::min(n, kMaxThreads));
  g_wanted_threads.store(n, std::memory_order_relaxed);
  if (t_inside_pool) return;  // applied by the next parallel_for from outside the pool
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.submit_mutex());
  p.resize(n);
}

int get_num_threads() { return wanted_threads(); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int threads = wanted_threads();
  if (threads == 1 || n / 2 < grain || t_inside_pool) {  // n / 2: 2 * grain could overflow
    run_inline(n, fn);
    return;
  }
  Pool& p = pool();
  std::unique_lock<std::mutex> lock(p.submit_mutex(), std::try_to_lock);
  if (!lock.owns_lock()) {  // another thread is using the pool: do not queue behind it
    run_inline(n, fn);
    return;
  }
  p.resize(threads);
  const int64_t chunks = std::min<int64_t>(p.threads(), n / grain);
  p.run(n, chunks, fn);
}

}  // namespace nabla
