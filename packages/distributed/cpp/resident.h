// Buffers that live in memory every rank of a machine has mapped (POSIX shared memory), so that an allreduce
// of one sums the ranks' buffers where they are, with no copy in or out of a staging window. DDP keeps its
// gradient buckets there: backward writes the gradients straight into memory the other ranks read.
//
// Not MPI windows: MPI_Finalize unmaps those, and a buffer handed to JavaScript must stay readable for as
// long as JavaScript holds it (a gradient read after finalize, say). Each rank creates one object per
// buffer, every rank of the machine maps it, and its name is removed once all have: the memory lives until
// its last mapping goes, which for this rank's own buffer is when JavaScript collects it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nabla_mpi {

struct ResidentRegion {
  uint64_t id = 0;                // the same on every rank: buffers are made in the same order everywhere
  size_t bytes = 0;               // each mapping's length
  std::vector<char*> mappings;    // every rank of the machine's buffer as mapped here, in machine rank order
  size_t mine = 0;                // which of them is this rank's
};

// This rank's object `name` of `bytes`, created (exclusively), reserved (so that a full /dev/shm fails here,
// not later as SIGBUS) and mapped; null with the reason in *error.
char* create_shared(const std::string& name, size_t bytes, std::string* error);
// Another rank's object, mapped; null with the reason in *error.
char* open_shared(const std::string& name, size_t bytes, std::string* error);
void unlink_shared(const std::string& name);
void unmap_shared(char* p, size_t bytes);

// The regions of this process. It outlives MPI: JavaScript may hold a buffer after finalize.
void register_region(std::shared_ptr<ResidentRegion> region);
// The region whose buffer of this rank holds [p, p + bytes), and the offset of p in it; null if none.
std::shared_ptr<ResidentRegion> find_region(const void* p, size_t bytes, size_t* offset);
// Unmaps every mapping of the region whose own buffer starts at `mine`, and forgets it (JavaScript
// collected the buffer).
void release_region(const void* mine);

}  // namespace nabla_mpi
