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
          job->made = shared_->allocate_resident(job->bytes, &job->error);
        } else {
          job->error = "the ranks do not sum through shared memory";
        }
        break;
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
