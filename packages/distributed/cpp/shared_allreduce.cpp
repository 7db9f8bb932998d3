#include "shared_allreduce.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "resident.h"

namespace nabla_mpi {
namespace {

constexpr size_t kTotalWindowBytes = 16u << 20;
constexpr size_t kMinSegmentBytes = 256u << 10;
// Elements summed at a time (16 KiB of float32, 32 KiB of float64: within a first-level cache).
constexpr int64_t kBlock = 4096;
// Ahead of each rank's part of the window: what the rank's current allreduce call is (a Call).
constexpr size_t kHeaderBytes = 64;
constexpr size_t kPageBytes = 4096;

// One rank's allreduce call, as every rank of the machine checks it against the first rank's: ranks that
// passed different buffers (a count, a type, or shared memory on one and not another) must fail together,
// not sum unrelated memory. Only 64-bit fields: no padding bytes to compare.
struct Call {
  int64_t count, value_bytes, divisor, region, offset, start;
};
static_assert(sizeof(Call) <= kHeaderBytes, "a Call fits in a part's header");

// The ranks that share this rank's machine: MPI's own answer, or with NABLA_DISTRIBUTED_RANKS_PER_MACHINE=g
// every g consecutive ranks (so that the path for several machines can be tested on one).
MPI_Comm machine_comm(int world_rank) {
  MPI_Comm node = MPI_COMM_NULL;
  if (const char* env = std::getenv("NABLA_DISTRIBUTED_RANKS_PER_MACHINE")) {
    char* end = nullptr;
    const long g = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && g >= 1) {
      return MPI_Comm_split(MPI_COMM_WORLD, world_rank / static_cast<int>(g), world_rank, &node) == MPI_SUCCESS
                 ? node : MPI_COMM_NULL;
    }
  }
  return MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS
             ? node : MPI_COMM_NULL;
}

}  // namespace

std::unique_ptr<SharedAllreduce> SharedAllreduce::create(size_t segment_bytes, std::string* path) {
  int world = 0, world_rank = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  if (world < 2) {
    *path = "one rank";
    return nullptr;
  }
  MPI_Comm node = machine_comm(world_rank);
  int node_rank = 0, node_size = 1;
  if (node != MPI_COMM_NULL) {
    MPI_Comm_rank(node, &node_rank);
    MPI_Comm_size(node, &node_size);
  }
  // Decided alike everywhere: a rank must not wait in a window allocation that the others skip.
  const int here = node != MPI_COMM_NULL ? node_size : 0;
  int smallest = here, largest = here, machines = node_rank == 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &smallest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &largest, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &machines, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  const bool split_failed = smallest == 0;
  if (split_failed || largest < 2) {
    if (node != MPI_COMM_NULL) MPI_Comm_free(&node);
    *path = split_failed ? "the ranks sharing a machine could not be found" : "one rank per machine";
    return nullptr;
  }
  // Between machines, one rank of each (its first) takes part for all of that machine's ranks.
  MPI_Comm leaders = MPI_COMM_NULL;
  if (machines > 1) MPI_Comm_split(MPI_COMM_WORLD, node_rank == 0 ? 0 : MPI_UNDEFINED, world_rank, &leaders);

  // Many ranks on one machine share a fixed total, so that the window stays within what the machine's shared
  // memory (a container's /dev/shm is 64 MB by default) is likely to hold beside MPI's own segments. Sized by
  // the largest machine, so that every machine cuts a buffer into the same chunks (the chunks' sums between
  // machines must match up).
  segment_bytes = std::min(segment_bytes, std::max(kMinSegmentBytes, kTotalWindowBytes / static_cast<size_t>(largest)));
  segment_bytes -= segment_bytes % 64;

  std::unique_ptr<SharedAllreduce> self(new SharedAllreduce());
  self->node_ = node;
  self->leaders_ = leaders;
  self->machines_ = machines;
  MPI_Comm_rank(node, &self->rank_);
  self->size_ = node_size;
  self->segment_bytes_ = segment_bytes;
  self->scratch_.resize(kBlock);
  // A failed allocation (a small /dev/shm in a container, say) must come back as a code, not end the job.
  MPI_Comm_set_errhandler(node, MPI_ERRORS_RETURN);
  char* mine = nullptr;
  int ok = MPI_Win_allocate_shared(static_cast<MPI_Aint>(segment_bytes + kHeaderBytes), 1, MPI_INFO_NULL, node, &mine,
                                   &self->window_) == MPI_SUCCESS ? 1 : 0;
  int all_ok = ok;
  MPI_Allreduce(MPI_IN_PLACE, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!all_ok) {
    // A window that exists on some ranks only is left allocated: freeing it is collective over ranks that
    // have none. It is a few MiB, once. (The machine's communicator is freed, by every rank alike.)
    self->window_ = MPI_WIN_NULL;
    *path = "MPI_Win_allocate_shared failed (is /dev/shm large enough?)";
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
  // Names of the machine's shared buffers: a token of this job (rank 0's), a sequence number, a rank.
  self->world_rank_ = world_rank;
  self->node_world_ranks_.resize(static_cast<size_t>(node_size));
  MPI_Allgather(&world_rank, 1, MPI_INT, self->node_world_ranks_.data(), 1, MPI_INT, node);
  unsigned token = static_cast<unsigned>(getpid()) * 2654435761u ^ static_cast<unsigned>(std::time(nullptr));
  MPI_Bcast(&token, 1, MPI_UNSIGNED, 0, MPI_COMM_WORLD);
  self->token_ = token;
  *path = machines == 1 ? "shared memory"
                        : "shared memory within each of " + std::to_string(machines) + " machines, MPI between them";
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
  if (leaders_ != MPI_COMM_NULL) MPI_Comm_free(&leaders_);
}

char* SharedAllreduce::allocate_resident(size_t length_bytes, std::string* error, bool* sizes_differ) {
  const uint64_t id = ++resident_count_;
  const size_t bytes = std::max<size_t>(kPageBytes, (length_bytes + kPageBytes - 1) / kPageBytes * kPageBytes);
  const auto name = [&](int world_rank) {
    return "/nabla-mpi-" + std::to_string(token_) + "-" + std::to_string(id) + "-" + std::to_string(world_rank);
  };
  auto region = std::make_shared<ResidentRegion>();
  region->id = id;
  region->bytes = bytes;
  region->mappings.assign(static_cast<size_t>(size_), nullptr);
  region->mine = static_cast<size_t>(rank_);
  // Every step is agreed by all ranks, so that all of them end up with the buffer or none does.
  const auto all_ok = [](bool ok) {
    int v = ok ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return v == 1;
  };
  const auto give_up = [&](const std::string& why) {
    for (char* p : region->mappings) unmap_shared(p, bytes);
    *error = why;
    return nullptr;
  };
  // Each rank maps the others' buffers with its own size, and its array views its own length: the lengths
  // asked for must agree exactly (not just their pages), or the ranks would sum arrays of different lengths.
  unsigned long long sizes[2] = {length_bytes, ~static_cast<unsigned long long>(length_bytes)};
  MPI_Allreduce(MPI_IN_PLACE, sizes, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  if (sizes[0] != length_bytes || ~sizes[1] != length_bytes) {
    *sizes_differ = true;
    // In values: the buffers are Float32Arrays.
    return give_up(std::to_string(length_bytes / sizeof(float)) + " here, " + std::to_string(~sizes[1] / sizeof(float)) +
                   " to " + std::to_string(sizes[0] / sizeof(float)) + " across the ranks");
  }
  std::string why;
  char* mine = create_shared(name(world_rank_), bytes, &why);
  region->mappings[region->mine] = mine;
  if (!all_ok(mine != nullptr)) return give_up(mine == nullptr ? why : "another rank could not create its buffer");
  bool opened = true;
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    char* p = open_shared(name(node_world_ranks_[static_cast<size_t>(r)]), bytes, &why);
    region->mappings[static_cast<size_t>(r)] = p;
    opened = opened && p != nullptr;
  }
  // Every rank has mapped every buffer (or failed to) once the vote is in: the names can go.
  const bool everyone = all_ok(opened);
  unlink_shared(name(world_rank_));
  if (!everyone) return give_up(opened ? "another rank could not map the buffers" : why);
  register_region(region);
  return mine;
}

int SharedAllreduce::run(void* data, int count, MPI_Datatype type, int divisor) {
  if (type == MPI_DOUBLE) return run_typed(static_cast<double*>(data), count, divisor);
  return run_typed(static_cast<float*>(data), count, divisor);
}

int SharedAllreduce::barrier() {
  MPI_Win_sync(window_);
  std::atomic_thread_fence(std::memory_order_seq_cst);  // for the resident buffers, outside the window
  const int status = MPI_Barrier(node_);
  MPI_Win_sync(window_);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  return status;
}

template <typename T>
int SharedAllreduce::run_typed(T* data, int count, int divisor) {
  // A buffer in the machine's shared memory is summed where it is, in one piece; any other goes through
  // this rank's part of the window, a chunk at a time.
  size_t offset = 0;
  const std::shared_ptr<ResidentRegion> region = find_region(data, static_cast<size_t>(count) * sizeof(T), &offset);
  const int64_t per_chunk = region ? std::max(count, 1) : static_cast<int64_t>(segment_bytes_ / sizeof(T));
  const auto seg = [&](int r) {
    return reinterpret_cast<T*>(region ? region->mappings[static_cast<size_t>(r)] + offset
                                       : segments_[static_cast<size_t>(r)] + kHeaderBytes);
  };
  const auto call = [&](int r) { return reinterpret_cast<Call*>(segments_[static_cast<size_t>(r)]); };
  T* const mine = seg(rank_);

  // An empty buffer still takes one (empty) round: the ranks compare their calls, so that a rank with an
  // empty buffer cannot pass a rank with a full one and meet its next call instead.
  for (int64_t start = 0; start < std::max<int64_t>(count, 1); start += per_chunk) {
    const int64_t n = std::min<int64_t>(per_chunk, count - start);
    if (!region && n > 0) std::memcpy(mine, data + start, static_cast<size_t>(n) * sizeof(T));
    *call(rank_) = Call{count, static_cast<int64_t>(sizeof(T)), divisor, region ? static_cast<int64_t>(region->id) : 0,
                        static_cast<int64_t>(offset), start};
    int status = barrier();
    if (status != MPI_SUCCESS) return status;
    for (int r = 1; r < size_; ++r) {
      if (std::memcmp(call(r), call(0), sizeof(Call)) != 0) return kMismatchedCalls;
    }

    const int64_t lo = n * rank_ / size_;
    const int64_t len = n * (rank_ + 1) / size_ - lo;
    // Rank order, a block at a time: the block's sum stays in the first-level cache between the passes over
    // the ranks' rows (each pass a plain loop that vectorises) and its copies into every part.
    T* __restrict sum = reinterpret_cast<T*>(scratch_.data());
    for (int64_t b = lo; b < lo + len; b += kBlock) {
      const int64_t m = std::min<int64_t>(kBlock, lo + len - b);
      std::memcpy(sum, seg(0) + b, static_cast<size_t>(m) * sizeof(T));
      for (int r = 1; r < size_; ++r) {
        const T* __restrict part = seg(r) + b;
        for (int64_t i = 0; i < m; ++i) sum[i] += part[i];
      }
      // With several machines the mean is taken after the sum across them.
      if (divisor != 1 && machines_ == 1) divide_all(sum, m, divisor);
      for (int r = 0; r < size_; ++r) std::memcpy(seg(r) + b, sum, static_cast<size_t>(m) * sizeof(T));
    }

    status = barrier();
    if (status != MPI_SUCCESS) return status;
    if (machines_ == 1) {
      if (!region && n > 0) std::memcpy(data + start, mine, static_cast<size_t>(n) * sizeof(T));
      continue;
    }
    // Each machine's first rank sums the machines' sums (a reduce to one rank, then a broadcast, so that
    // every machine gets the same bits), divides, and the machine's ranks copy the result from its part.
    T* const first = seg(0);
    if (rank_ == 0) {
      int leader = 0;
      MPI_Comm_rank(leaders_, &leader);
      const MPI_Datatype type = sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
      status = MPI_Reduce(leader == 0 ? MPI_IN_PLACE : first, first, static_cast<int>(n), type, MPI_SUM, 0, leaders_);
      if (status == MPI_SUCCESS) status = MPI_Bcast(first, static_cast<int>(n), type, 0, leaders_);
      if (status != MPI_SUCCESS) return status;
      if (divisor != 1) divide_all(first, n, divisor);
    }
    status = barrier();
    if (status != MPI_SUCCESS) return status;
    if (n > 0 && data + start != first) std::memcpy(data + start, first, static_cast<size_t>(n) * sizeof(T));
    // The first rank writes its part again in the next chunk or call: not before every rank has read it.
    status = barrier();
    if (status != MPI_SUCCESS) return status;
  }
  return MPI_SUCCESS;
}

}  // namespace nabla_mpi
