#include "resident.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace nabla_mpi {
namespace {

std::string why(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

char* map_fd(int fd, size_t bytes, std::string* error) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    *error = why("mmap");
    return nullptr;
  }
  return static_cast<char*>(p);
}

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<ResidentRegion>> regions;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: a finalizer may run during exit
  return *r;
}

}  // namespace

char* create_shared(const std::string& name, size_t bytes, std::string* error) {
  const int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd < 0) {
    *error = why("shm_open");
    return nullptr;
  }
  char* p = nullptr;
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    *error = why("ftruncate");
  } else if (const int e = posix_fallocate(fd, 0, static_cast<off_t>(bytes)); e != 0) {
    *error = std::string("posix_fallocate: ") + std::strerror(e) + " (is /dev/shm large enough?)";
  } else {
    p = map_fd(fd, bytes, error);
  }
  close(fd);
  if (p == nullptr) shm_unlink(name.c_str());
  return p;
}

char* open_shared(const std::string& name, size_t bytes, std::string* error) {
  const int fd = shm_open(name.c_str(), O_RDWR, 0600);
  if (fd < 0) {
    *error = why("shm_open");
    return nullptr;
  }
  char* p = map_fd(fd, bytes, error);
  close(fd);
  return p;
}

void unlink_shared(const std::string& name) { shm_unlink(name.c_str()); }

void unmap_shared(char* p, size_t bytes) {
  if (p != nullptr) munmap(p, bytes);
}

void register_region(std::shared_ptr<ResidentRegion> region) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.regions.push_back(std::move(region));
}

std::shared_ptr<ResidentRegion> find_region(const void* p, size_t bytes, size_t* offset) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const char* c = static_cast<const char*>(p);
  for (const auto& region : r.regions) {
    const char* mine = region->mappings[region->mine];
    if (c >= mine && c + bytes <= mine + region->bytes) {
      *offset = static_cast<size_t>(c - mine);
      return region;
    }
  }
  return nullptr;
}

void release_region(const void* mine) {
  std::shared_ptr<ResidentRegion> found;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = std::find_if(r.regions.begin(), r.regions.end(),
                           [&](const auto& region) { return region->mappings[region->mine] == mine; });
    if (it == r.regions.end()) return;
    found = *it;
    r.regions.erase(it);
  }
  for (char* p : found->mappings) unmap_shared(p, found->bytes);
}

}  // namespace nabla_mpi
