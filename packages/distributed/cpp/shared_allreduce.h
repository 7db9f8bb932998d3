// Allreduce through MPI-3 shared-memory windows: among the ranks of one machine by plain loads and stores,
// and, when the job spans several machines, with one rank per machine summing the machines' sums over MPI.
//
// Why: Open MPI 4.1's large-message path copies between processes through the kernel. On a 2-core VM a
// 64 MB allreduce took 42-44 ms through MPI_Allreduce and 16-19 ms here; a training step's 0.9 MB about the
// same either way when called back to back, and usually less here when called once per step. Across
// machines, summing within each machine first sends one buffer per machine over the network instead of one
// per rank (what Horovod and NCCL call a hierarchical allreduce).
//
// How: each rank copies its buffer into its own segment of its machine's window; after a barrier, rank r of
// the machine sums slice r of every segment in rank order and writes the result into that slice of every
// segment (divided too, for a mean, when there is one machine); after a second barrier each rank copies its
// segment back. With several machines, each machine's first rank instead reduces the machines' sums to one
// rank and broadcasts the result (so every machine has the same bits), divides, and after a barrier every
// rank copies it from that rank's segment (a third barrier keeps the segment until all have). Buffers larger
// than a segment go through in chunks. A buffer of allocate_resident() (resident.h) is already in memory every
// rank maps: it is summed the same way where it is, in one piece, with no copy in or out. Each rank states its
// call in the header of its segment, and the ranks check that they all made the same one before they sum.
// MPI does everything that is not a local load or store: the windows, the barriers, the traffic between
// machines and the memory model (MPI_Win_sync).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nabla_mpi {

class SharedAllreduce {
 public:
  // Collective over MPI_COMM_WORLD (every rank must call it). Each rank's segment is `segment_bytes`, less
  // when many ranks share a machine (16 MiB in all, at least 256 KiB each). Says in `path` how allreduce will
  // go; returns null, with why in `path`, when there is one rank, every machine has one rank, or a window
  // cannot be allocated. Every rank gets the same answer.
  static std::unique_ptr<SharedAllreduce> create(size_t segment_bytes, std::string* path);

  // In place over `count` values of `type` (MPI_FLOAT or MPI_DOUBLE): the sum over ranks, divided by `divisor`
  // as the addon's MPI path divides. Collective: every rank calls it with the same count, type and divisor,
  // and with a buffer of allocate_resident (the same one, at the same offset) or with none; ranks of a
  // machine that do not all return kMismatchedCalls.
  int run(void* data, int count, MPI_Datatype type, int divisor);

  // A buffer of `bytes` in memory that every rank of the machine maps (resident.h): run() sums it where it
  // is. Collective over MPI_COMM_WORLD, in the same order and with the same size everywhere; called on the
  // communication thread, so that it keeps its place among the collectives. Null on every rank, with why in
  // `error`, when any rank cannot have it. JavaScript owns it: release_region() when it is collected.
  // `sizes_differ` is set (and null returned) on every rank when the ranks asked for different sizes.
  char* allocate_resident(size_t bytes, std::string* error, bool* sizes_differ);

  // The number of machines the job spans (their ranks' sums meet over MPI when more than one).
  int machines() const { return machines_; }

  // Frees the window and the machine's communicator: collective, so every rank's finalize does it.
  ~SharedAllreduce();

  SharedAllreduce(const SharedAllreduce&) = delete;
  SharedAllreduce& operator=(const SharedAllreduce&) = delete;

 private:
  SharedAllreduce() = default;
  template <typename T>
  int run_typed(T* data, int count, int divisor);
  int barrier();  // among the machine's ranks, ordering loads and stores on either side

  MPI_Comm node_ = MPI_COMM_NULL;      // the ranks of this machine
  MPI_Comm leaders_ = MPI_COMM_NULL;   // the first rank of each machine (on those ranks, with several machines)
  int machines_ = 1;
  MPI_Win window_ = MPI_WIN_NULL;
  std::vector<char*> segments_;  // every rank's segment, mapped into this process
  size_t segment_bytes_ = 0;
  std::vector<double> scratch_;  // one block of this rank's slice, summed (doubles: aligned for either type)
  int rank_ = 0;
  int size_ = 0;
  int world_rank_ = 0;
  std::vector<int> node_world_ranks_;  // the machine's ranks' MPI_COMM_WORLD ranks, in machine rank order
  unsigned token_ = 0;                  // rank 0's, names this job's shared buffers
  uint64_t resident_count_ = 0;         // shared buffers made so far (the same count on every rank)
};

// What run() returns when the machine's ranks did not make the same call.
constexpr int kMismatchedCalls = -1;

// x / n rounded once to T, as JavaScript's `x / n` stored into a typed array gives; for a power of two n,
// x * (1/n) is the same exact value and faster.
template <typename T>
inline T divide_value(T x, int n, bool power_of_two, T inverse) {
  if (power_of_two) return x * inverse;
  return static_cast<T>(static_cast<double>(x) / n);
}

// Every value of d divided by n, as divide_value does.
template <typename T>
inline void divide_all(T* d, int64_t count, int n) {
  const bool power_of_two = (n & (n - 1)) == 0;
  const T inverse = static_cast<T>(1) / static_cast<T>(n);
  for (int64_t i = 0; i < count; ++i) d[i] = divide_value(d[i], n, power_of_two, inverse);
}

}  // namespace nabla_mpi
