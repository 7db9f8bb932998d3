#include "comm_thread.h"

#include <chrono>

namespace nabla_mpi {

std::string Job::describe() const {
  const char* type_name = type == MPI_DOUBLE ? "float64" : "float32";
  switch (kind) {
    case Kind::kAllreduce: return "allreduce of " + std::to_string(count) + " " + type_name + " values";
    case Kind::kBroadcast:
      return "broadcast of " + std::to_string(count) + " " + type_name + " values from rank " + std::to_string(root);
    case Kind::kBarrier: return "barrier";
    case Kind::kAllocateShared: return "allocation of " + std::to_string(bytes) + " bytes of shared memory";
  }
  return "collective";
}

namespace {

void divide(const Job& job) {
  if (job.type == MPI_DOUBLE) {
    divide_all(static_cast<double*>(job.data), job.count, job.divisor);
  } else {
    divide_all(static_cast<float*>(job.data), job.count, job.divisor);
  }
}

// Before a collective over MPI_COMM_WORLD, which MPI itself gets wrong when the ranks disagree (it truncates,
// hangs, or copies into memory past a shorter array, and its own calls would meet a different collective of
// another rank), the ranks compare what they were asked to do: one small MPI_Allreduce of each field and its
// negation (MAX of both gives the largest and the smallest). Every rank gets the same answer, so all of
// them fail together. The shared-memory allreduce within a machine compares its calls in the window's
// headers instead, at no cost.
int check_same_call(Job& job) {
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks == 1) return MPI_SUCCESS;
  const bool on_buffer = job.kind == Kind::kAllreduce || job.kind == Kind::kBroadcast;
  // A sharedBuffer's size is compared by its own vote, which lets every rank throw instead of aborting.
  const int64_t mine[4] = {static_cast<int64_t>(job.kind), on_buffer ? job.count : 0,
                           on_buffer ? (job.type == MPI_DOUBLE ? 8 : 4) : 0,
                           job.kind == Kind::kBroadcast ? job.root : job.kind == Kind::kAllreduce ? job.divisor : 0};
  int64_t both[8];
  for (int i = 0; i < 4; ++i) {
    both[i] = mine[i];
    both[4 + i] = -mine[i];
  }
  const int status = MPI_Allreduce(MPI_IN_PLACE, both, 8, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  if (status != MPI_SUCCESS) return status;
  const char* names[4] = {"collective", "element count", "bytes per value",
                          job.kind == Kind::kBroadcast ? "root" : "divisor"};
  std::string differs;
  for (int i = 0; i < 4; ++i) {
    const int64_t largest = both[i], smallest = -both[4 + i];
    if (largest == smallest) continue;
    if (i == 0) {
      differs = "the ranks called different collectives (each rank's message names its own)";
      break;
    }
    if (!differs.empty()) differs += ", ";
    differs += std::string(names[i]) + " " + std::to_string(mine[i]) + " here, " + std::to_string(smallest) + " to " +
               std::to_string(largest) + " across the ranks";
  }
  if (differs.empty()) return MPI_SUCCESS;
  job.mismatch = differs;
  return kMismatchedCalls;
}

}  // namespace

CommThread::CommThread(double spin_us, std::unique_ptr<SharedAllreduce> shared)
    : spin_us_(spin_us), shared_(std::move(shared)) {
  std::thread([this] { run(); }).detach();
}

void CommThread::submit(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(job);
  }
  queued_.notify_one();
}

bool CommThread::wait(const std::shared_ptr<Job>& job, double timeout_ms) {
  if (spin_us_ > 0) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double, std::micro>(spin_us_);
    while (!job->done.load(std::memory_order_acquire)) {
      if (std::chrono::steady_clock::now() >= until) break;
      std::this_thread::yield();
    }
    if (job->done.load(std::memory_order_acquire)) return true;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (timeout_ms < 0) {
    finished_.wait(lock, [&] { return job->done.load(); });
    return true;
  }
  return finished_.wait_for(lock, std::chrono::duration<double, std::milli>(timeout_ms), [&] { return job->done.load(); });
}

bool CommThread::test(const std::shared_ptr<Job>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  return job->done.load();
}

void CommThread::stop() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  queued_.notify_one();
  finished_.wait(lock, [&] { return stopped_; });
  shared_.reset();  // frees the window (collective, as MPI_Finalize after it is)
}

void CommThread::run() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        stopped_ = true;
        finished_.notify_all();
        return;
      }
      job = queue_.front();
      queue_.pop_front();
    }
    int status = MPI_SUCCESS;
    // Everything but the shared-memory allreduce of one machine goes over MPI_COMM_WORLD.
    const bool through_mpi = job->kind != Kind::kAllreduce || !shared_ || shared_->machines() > 1;
    if (through_mpi) status = check_same_call(*job);
    // When the ranks disagree, none of them runs the collective.
    if (status == MPI_SUCCESS) {
      switch (job->kind) {
        case Kind::kAllreduce:
          if (shared_) {
            status = shared_->run(job->data, job->count, job->type, job->divisor);
          } else {
            status = MPI_Allreduce(MPI_IN_PLACE, job->data, job->count, job->type, MPI_SUM, MPI_COMM_WORLD);
            if (status == MPI_SUCCESS && job->divisor != 1) divide(*job);
          }
          break;
        case Kind::kBroadcast:
          status = MPI_Bcast(job->data, job->count, job->type, job->root, MPI_COMM_WORLD);
          break;
        case Kind::kBarrier:
          status = MPI_Barrier(MPI_COMM_WORLD);
          break;
        case Kind::kAllocateShared:
          if (shared_) {
            job->made = shared_->allocate_resident(job->bytes, &job->error, &job->sizes_differ);
          } else {
            job->error = "the ranks do not sum through shared memory";
          }
          break;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job->status = status;
      job->done.store(true, std::memory_order_release);
    }
    finished_.notify_all();
  }
}

}  // namespace nabla_mpi
