#include "shared_allreduce.h"

#include <algorithm>
#include <cstring>

namespace nabla_mpi {
namespace {

constexpr size_t kTotalWindowBytes = 16u << 20;
constexpr size_t kMinSegmentBytes = 256u << 10;

}  // namespace

std::unique_ptr<SharedAllreduce> SharedAllreduce::create(size_t segment_bytes, std::string* reason) {
  int world = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (world < 2) {
    *reason = "one rank";
    return nullptr;
  }
  MPI_Comm node = MPI_COMM_NULL;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS) {
    *reason = "MPI_Comm_split_type failed";
    return nullptr;
  }
  int node_size = 0;
  MPI_Comm_size(node, &node_size);
  // Decided alike everywhere: a rank alone on its machine must not wait in a window allocation the others skip.
  int all_local = node_size == world ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all_local, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all_local) {
    MPI_Comm_free(&node);
    *reason = "the ranks span more than one machine";
    return nullptr;
  }

  // Many ranks on one machine share a fixed total, so that the window stays within what the machine's shared
  // memory (a container's /dev/shm is 64 MB by default) is likely to hold beside MPI's own segments.
  segment_bytes = std::min(segment_bytes, std::max(kMinSegmentBytes, kTotalWindowBytes / static_cast<size_t>(node_size)));
  segment_bytes -= segment_bytes % 64;

  std::unique_ptr<SharedAllreduce> self(new SharedAllreduce());
  self->node_ = node;
  MPI_Comm_rank(node, &self->rank_);
  self->size_ = node_size;
  self->segment_bytes_ = segment_bytes;
  self->scratch_.resize(segment_bytes / static_cast<size_t>(node_size) / sizeof(double) + 2);
  // A failed allocation (a small /dev/shm in a container, say) must come back as a code, not end the job.
  MPI_Comm_set_errhandler(node, MPI_ERRORS_RETURN);
  char* mine = nullptr;
  int ok = MPI_Win_allocate_shared(static_cast<MPI_Aint>(segment_bytes), 1, MPI_INFO_NULL, node, &mine,
                                   &self->window_) == MPI_SUCCESS ? 1 : 0;
  int all_ok = ok;
  MPI_Allreduce(MPI_IN_PLACE, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all_ok) {
    // A window that exists on some ranks only is left allocated: freeing it is collective over ranks that
    // have none. It is a few MiB, once. (The machine's communicator is freed, by every rank alike.)
    self->window_ = MPI_WIN_NULL;
    *reason = "MPI_Win_allocate_shared failed (is /dev/shm large enough?)";
    return nullptr;
  }
  self->segments_.resize(static_cast<size_t>(node_size));
  for (int r = 0; r < node_size; ++r) {
    MPI_Aint size = 0;
    int unit = 0;
    MPI_Win_shared_query(self->window_, r, &size, &unit, &self->segments_[static_cast<size_t>(r)]);
  }
  // One passive epoch for the window's whole life: MPI_Win_sync then orders the loads and stores.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, self->window_);
  return self;
}

SharedAllreduce::~SharedAllreduce() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  if (window_ != MPI_WIN_NULL) {
    MPI_Win_unlock_all(window_);
    MPI_Win_free(&window_);
  }
  if (node_ != MPI_COMM_NULL) MPI_Comm_free(&node_);
}

int SharedAllreduce::run(void* data, int count, MPI_Datatype type, int divisor) {
  if (type == MPI_DOUBLE) return run_typed(static_cast<double*>(data), count, divisor);
  return run_typed(static_cast<float*>(data), count, divisor);
}

template <typename T>
int SharedAllreduce::run_typed(T* data, int count, int divisor) {
  const bool power_of_two = (divisor & (divisor - 1)) == 0;
  const T inverse = static_cast<T>(1) / static_cast<T>(divisor);
  const int64_t per_chunk = static_cast<int64_t>(segment_bytes_ / sizeof(T));
  std::vector<T*> seg(static_cast<size_t>(size_));
  for (int r = 0; r < size_; ++r) seg[static_cast<size_t>(r)] = reinterpret_cast<T*>(segments_[static_cast<size_t>(r)]);
  T* const mine = seg[static_cast<size_t>(rank_)];

  for (int64_t start = 0; start < count; start += per_chunk) {
    const int64_t n = std::min<int64_t>(per_chunk, count - start);
    std::memcpy(mine, data + start, static_cast<size_t>(n) * sizeof(T));
    MPI_Win_sync(window_);
    int status = MPI_Barrier(node_);
    if (status != MPI_SUCCESS) return status;
    MPI_Win_sync(window_);

    const int64_t lo = n * rank_ / size_;
    const int64_t len = n * (rank_ + 1) / size_ - lo;
    // Rank order, in separate passes over whole rows so that each loop vectorises.
    T* __restrict sum = reinterpret_cast<T*>(scratch_.data());
    std::memcpy(sum, seg[0] + lo, static_cast<size_t>(len) * sizeof(T));
    for (int r = 1; r < size_; ++r) {
      const T* __restrict part = seg[static_cast<size_t>(r)] + lo;
      for (int64_t i = 0; i < len; ++i) sum[i] += part[i];
    }
    if (divisor != 1) {
      for (int64_t i = 0; i < len; ++i) sum[i] = divide_value(sum[i], divisor, power_of_two, inverse);
    }
    for (int r = 0; r < size_; ++r) std::memcpy(seg[static_cast<size_t>(r)] + lo, sum, static_cast<size_t>(len) * sizeof(T));

    MPI_Win_sync(window_);
    status = MPI_Barrier(node_);
    if (status != MPI_SUCCESS) return status;
    MPI_Win_sync(window_);
    std::memcpy(data + start, mine, static_cast<size_t>(n) * sizeof(T));
  }
  return MPI_SUCCESS;
}

}  // namespace nabla_mpi
