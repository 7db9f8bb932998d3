// One thread that runs every collective, in the order they were issued. MPI needs collectives in the same
// order on every rank; one FIFO thread keeps the program's order, lets a reduction run while JavaScript
// keeps computing (backward), and lets the JavaScript thread wait for it with a deadline (the watchdog).
#pragma once

#include <mpi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "shared_allreduce.h"

namespace nabla_mpi {

enum class Kind { kAllreduce, kBroadcast, kBarrier, kAllocateShared };

struct Job {
  Kind kind;
  void* data = nullptr;
  int count = 0;
  MPI_Datatype type = MPI_FLOAT;
  int root = 0;
  // After an allreduce, each value is divided by this (the world size gives the mean); 1 leaves the sum.
  int divisor = 1;
  // kAllocateShared: the size asked for, and the buffer made (null, with why in `error`, if none).
  size_t bytes = 0;
  char* made = nullptr;
  std::string error;
  // kAllocateShared: the ranks asked for different sizes (every rank learns it from the same vote).
  bool sizes_differ = false;
  // With status kMismatchedCalls: how the ranks' calls differed, when the check across ranks found it.
  std::string mismatch;
  // Set by the communication thread (under the queue's mutex, so a waiter on the condition sees it too).
  std::atomic<bool> done{false};
  int status = MPI_SUCCESS;
  std::string describe() const;
};

class CommThread {
 public:
  // `spin_us`: how long a waiter polls (yielding its core in between) before it sleeps on the condition.
  // Under load, waking a sleeping thread can take milliseconds; a short poll avoids that for the waits of a
  // training step, which are usually short.
  // `shared`: the machine-local allreduce to use instead of MPI_Allreduce, or null.
  CommThread(double spin_us, std::unique_ptr<SharedAllreduce> shared);
  // The thread is detached: a process that exits without finalize must not run a joinable std::thread's
  // destructor (std::terminate) while the thread sits inside MPI.
  void submit(const std::shared_ptr<Job>& job);
  // Waits until the job is done or `timeout_ms` passes (a negative timeout waits forever); true when done.
  bool wait(const std::shared_ptr<Job>& job, double timeout_ms);
  bool test(const std::shared_ptr<Job>& job);
  // Lets the thread finish the queue and return; waits for it to leave its loop.
  void stop();

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable finished_;
  std::deque<std::shared_ptr<Job>> queue_;
  double spin_us_;
  std::unique_ptr<SharedAllreduce> shared_;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace nabla_mpi
