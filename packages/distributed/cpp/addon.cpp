// The MPI addon: init with thread support, rank and size, in-place allreduce (sum; blocking, or started and
// later waited for), broadcast, barrier, buffers in the machine's shared memory, finalize and abort. Buffers
// are the JavaScript Float32Array (or Float64Array) memory itself: nothing is copied across the boundary. Every entry checks its arguments
// before it touches memory or MPI, and throws TypeError/RangeError/Error with a message naming the problem.
//
// Collectives run on one communication thread (comm_thread.h). The JavaScript thread waits for each with a
// deadline: a collective that does not complete in time means a peer died or is stuck, which MPI cannot
// recover from, so the addon prints why and calls MPI_Abort, which ends every rank of the job.
#include <dlfcn.h>
#include <mpi.h>
#include <napi.h>

#include <cmath>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>

#include "comm_thread.h"
#include "resident.h"

namespace nabla_mpi {
namespace {

// Bumped whenever an entry point's arguments change; the wrapper refuses a binary built for another.
constexpr int kAbiVersion = 4;

// Each rank's part of the shared-memory window (less with more than 4 ranks on the machine): larger buffers
// are reduced in chunks of this size.
constexpr size_t kSharedSegmentBytes = 4u << 20;

struct Pending {
  std::shared_ptr<Job> job;
  // Keeps the array (and its memory) alive while the communication thread may write into it.
  Napi::Reference<Napi::Value> keep;
};

struct State {
  bool initialized = false;
  bool finalized = false;
  int rank = -1;
  int size = 0;
  int thread_level = MPI_THREAD_SINGLE;
  CommThread* comm = nullptr;  // leaked on purpose: see CommThread
  std::map<uint32_t, Pending> pending;
  uint32_t next_handle = 1;
};

State& state() {
  static State* s = new State();  // never destroyed: exit handlers may still run while MPI is up
  return *s;
}

const char* level_name(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE: return "single";
    case MPI_THREAD_FUNNELED: return "funneled";
    case MPI_THREAD_SERIALIZED: return "serialized";
    case MPI_THREAD_MULTIPLE: return "multiple";
  }
  return "unknown";
}

void require_initialized(Napi::Env env, const char* where) {
  const State& s = state();
  if (s.finalized) throw Napi::Error::New(env, std::string(where) + ": MPI was finalized; it cannot be used again in this process");
  if (!s.initialized) throw Napi::Error::New(env, std::string(where) + ": MPI is not initialized; call init() first");
}

void require_args(const Napi::CallbackInfo& info, size_t n, const char* where, const char* signature) {
  if (info.Length() < n) {
    throw Napi::TypeError::New(info.Env(), std::string(where) + ": expected " + signature + ", got " +
                                               std::to_string(info.Length()) + " argument(s)");
  }
}

// A number as JavaScript would print it in a message (2, 0.5, 1e+30), not std::to_string's "2.000000".
std::string num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

struct Buffer {
  void* data;
  int count;
  MPI_Datatype type;
};

// A Float32Array (or, where allowed, a Float64Array) whose length fits MPI's int count. Over an ArrayBuffer
// or a SharedArrayBuffer; a detached one (transferred, e.g. by postMessage) is refused rather than taken as
// empty, which would reduce nothing while the other ranks reduce their values.
Buffer buffer_arg(const Napi::CallbackInfo& info, size_t index, const char* where, bool allow_double) {
  Napi::Env env = info.Env();
  Napi::Value v = info[index];
  const std::string expected = allow_double ? "a Float32Array or Float64Array" : "a Float32Array";
  if (!v.IsTypedArray()) throw Napi::TypeError::New(env, std::string(where) + ": buffer must be " + expected);
  napi_typedarray_type kind;
  size_t length = 0;
  void* data = nullptr;
  napi_value memory = nullptr;
  size_t byte_offset = 0;
  // The C call, not Napi::TypedArray::ArrayBuffer(): that one throws a bare "Invalid argument" for a
  // SharedArrayBuffer. `data` already points at the view's first element.
  if (napi_get_typedarray_info(env, v, &kind, &length, &data, &memory, &byte_offset) != napi_ok) {
    throw Napi::TypeError::New(env, std::string(where) + ": buffer must be " + expected);
  }
  MPI_Datatype type;
  if (kind == napi_float32_array) {
    type = MPI_FLOAT;
  } else if (allow_double && kind == napi_float64_array) {
    type = MPI_DOUBLE;
  } else {
    throw Napi::TypeError::New(env, std::string(where) + ": buffer must be " + expected);
  }
  bool is_array_buffer = false, detached = false;
  if (napi_is_arraybuffer(env, memory, &is_array_buffer) == napi_ok && is_array_buffer &&
      napi_is_detached_arraybuffer(env, memory, &detached) == napi_ok && detached) {
    throw Napi::TypeError::New(env, std::string(where) + ": buffer is detached (its ArrayBuffer was transferred " +
                                        "or freed); pass an array that owns its memory");
  }
  if (length > static_cast<size_t>(INT_MAX)) {
    throw Napi::RangeError::New(env, std::string(where) + ": buffer has " + std::to_string(length) +
                                         " elements; one call takes at most " + std::to_string(INT_MAX));
  }
  if (length > 0 && data == nullptr) throw Napi::TypeError::New(env, std::string(where) + ": buffer has no memory");
  return {data, static_cast<int>(length), type};
}

// A collective on a buffer, for the communication thread.
std::shared_ptr<Job> job_on(Kind kind, const Buffer& b) {
  auto job = std::make_shared<Job>();
  job->kind = kind;
  job->data = b.data;
  job->count = b.count;
  job->type = b.type;
  return job;
}

// Milliseconds as a number > 0, or Infinity for no deadline (returned as -1).
double timeout_arg(const Napi::CallbackInfo& info, size_t index, const char* where) {
  Napi::Env env = info.Env();
  if (!info[index].IsNumber()) throw Napi::TypeError::New(env, std::string(where) + ": timeoutMs must be a number");
  double ms = info[index].As<Napi::Number>().DoubleValue();
  if (std::isnan(ms) || ms <= 0) {
    throw Napi::RangeError::New(env, std::string(where) + ": timeoutMs must be > 0 (or Infinity), got " + num(ms));
  }
  return std::isinf(ms) ? -1 : ms;
}

int int_arg(const Napi::CallbackInfo& info, size_t index, const char* where, const char* name, int lo, int hi) {
  Napi::Env env = info.Env();
  if (!info[index].IsNumber()) throw Napi::TypeError::New(env, std::string(where) + ": " + name + " must be a number");
  double v = info[index].As<Napi::Number>().DoubleValue();
  if (!(v >= lo && v <= hi) || std::floor(v) != v) {
    throw Napi::RangeError::New(env, std::string(where) + ": " + name + " must be an integer in " + std::to_string(lo) +
                                         ".." + std::to_string(hi) + ", got " + num(v));
  }
  return static_cast<int>(v);
}

[[noreturn]] void abort_job(int code, const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  State& s = state();
  if (s.initialized && !s.finalized) MPI_Abort(MPI_COMM_WORLD, code);
  _exit(code);  // MPI_Abort does not return; this covers a process where MPI is not up
}

// Waits for a job under the deadline; on expiry the job cannot be taken back, so the job ends.
void wait_or_abort(const std::shared_ptr<Job>& job, double timeout_ms) {
  State& s = state();
  if (!s.comm->wait(job, timeout_ms)) {
    abort_job(1, "nabla distributed: rank " + std::to_string(s.rank) + ": " + job->describe() + " did not complete within " +
                     num(timeout_ms / 1000) + " s (a peer died, is stuck, or runs a different sequence of " +
                     "collectives); aborting the job");
  }
  if (job->status == kMismatchedCalls) {
    const std::string details = job->mismatch.empty()
        ? "the ranks on this machine passed different buffers (element count, type, divisor, or a shared buffer " +
              std::string("on some ranks and not on others)")
        : job->mismatch.rfind("the ranks", 0) == 0 ? job->mismatch : "the ranks made different calls (" + job->mismatch + ")";
    abort_job(1, "nabla distributed: rank " + std::to_string(s.rank) + ": " + job->describe() + ": " + details +
                     "; every rank must make the same calls; aborting the job");
  }
  if (job->status != MPI_SUCCESS) {
    abort_job(1, "nabla distributed: rank " + std::to_string(s.rank) + ": " + job->describe() + " failed with MPI error " +
                     std::to_string(job->status) + "; aborting the job");
  }
}

// Promotes libmpi to global symbol visibility: Node loads addons with RTLD_LOCAL, and Open MPI's plugins
// (mca_*.so) need libmpi's symbols, which they otherwise cannot see.
void make_mpi_symbols_global() {
  Dl_info where;
  if (dladdr(reinterpret_cast<void*>(&MPI_Init_thread), &where) != 0 && where.dli_fname != nullptr) {
    dlopen(where.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
  }
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  if (s.finalized) throw Napi::Error::New(env, "init: MPI was finalized; it cannot be initialized again in this process");
  if (s.initialized) throw Napi::Error::New(env, "init: MPI is already initialized");
  int already = 0;
  MPI_Initialized(&already);
  if (already) throw Napi::Error::New(env, "init: MPI was initialized by other code in this process");
  make_mpi_symbols_global();
  // Open MPI polls for progress in a busy loop by default. Here a waiting collective sits on the
  // communication thread while the JavaScript thread computes on the same cores, so the wait must yield
  // the core. A value the user set wins.
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided) != MPI_SUCCESS) {
    throw Napi::Error::New(env, "init: MPI_Init_thread failed");
  }
  s.initialized = true;
  s.thread_level = provided;
  MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.size);
  if (provided < MPI_THREAD_SERIALIZED) {
    // Collectives run on a thread of their own, which needs at least SERIALIZED.
    MPI_Finalize();
    s.finalized = true;
    throw Napi::Error::New(env, std::string("init: this MPI library gives thread level '") + level_name(provided) +
                                    "'; nabla needs 'serialized' or 'multiple'");
  }
  // NABLA_DISTRIBUTED_SPIN_US: how long a wait polls before it sleeps (default 0: it sleeps at once; on
  // a loaded 2-core machine polling made no measurable difference).
  double spin_us = 0;
  if (const char* env = std::getenv("NABLA_DISTRIBUTED_SPIN_US")) spin_us = std::atof(env);
  // Ranks that share a machine sum through a shared-memory window (shared_allreduce.h says why);
  // NABLA_DISTRIBUTED_SHARED_MEMORY=0 keeps MPI_Allreduce. Every rank must see the same setting.
  std::unique_ptr<SharedAllreduce> shared;
  std::string allreduce_path = "MPI_Allreduce";
  const char* use_shared = std::getenv("NABLA_DISTRIBUTED_SHARED_MEMORY");
  // Agreed by all ranks (the variable may reach some only, e.g. a machine's without `mpirun -x`): a rank
  // that skipped the window's collective setup while others ran it would meet them in the wrong calls.
  const int off_here = use_shared != nullptr && std::string(use_shared) == "0" ? 1 : 0;
  int off[2] = {off_here, -off_here};  // MAX of both: whether any rank, and whether every rank, has it off
  MPI_Allreduce(MPI_IN_PLACE, off, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (off[0] == 1) {
    allreduce_path += off[1] == -1 ? " (NABLA_DISTRIBUTED_SHARED_MEMORY=0)"
                                   : " (NABLA_DISTRIBUTED_SHARED_MEMORY=0 on some ranks, so on all)";
  } else {
    std::string path;
    shared = SharedAllreduce::create(kSharedSegmentBytes, &path);
    allreduce_path = shared ? path : "MPI_Allreduce (" + path + ")";
  }
  s.comm = new CommThread(spin_us, std::move(shared));
  Napi::Object out = Napi::Object::New(env);
  out.Set("rank", s.rank);
  out.Set("size", s.size);
  out.Set("threadLevel", level_name(provided));
  out.Set("allreducePath", allreduce_path);
  return out;
}

Napi::Value Rank(const Napi::CallbackInfo& info) {
  require_initialized(info.Env(), "rank");
  return Napi::Number::New(info.Env(), state().rank);
}

Napi::Value Size(const Napi::CallbackInfo& info) {
  require_initialized(info.Env(), "size");
  return Napi::Number::New(info.Env(), state().size);
}

Napi::Value Status(const Napi::CallbackInfo& info) {
  const State& s = state();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("initialized", s.initialized);
  out.Set("finalized", s.finalized);
  out.Set("pending", static_cast<double>(s.pending.size()));
  return out;
}

Napi::Value LibraryVersion(const Napi::CallbackInfo& info) {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  // Open MPI counts the terminating NUL in `length`.
  return Napi::String::New(info.Env(), std::string(text, strnlen(text, static_cast<size_t>(length))));
}

Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  require_args(info, 2, "allreduce", "(buffer, timeoutMs)");
  Buffer b = buffer_arg(info, 0, "allreduce", true);
  double timeout = timeout_arg(info, 1, "allreduce");
  require_initialized(info.Env(), "allreduce");
  auto job = job_on(Kind::kAllreduce, b);
  state().comm->submit(job);
  wait_or_abort(job, timeout);
  return info.Env().Undefined();
}

Napi::Value AllreduceStart(const Napi::CallbackInfo& info) {
  require_args(info, 2, "allreduceStart", "(buffer, divisor)");
  Buffer b = buffer_arg(info, 0, "allreduceStart", true);
  int divisor = int_arg(info, 1, "allreduceStart", "divisor", 1, INT_MAX);
  require_initialized(info.Env(), "allreduceStart");
  State& s = state();
  auto job = job_on(Kind::kAllreduce, b);
  job->divisor = divisor;
  uint32_t handle = s.next_handle++;
  if (s.next_handle == 0) s.next_handle = 1;
  s.pending.emplace(handle, Pending{job, Napi::Persistent(info[0])});
  s.comm->submit(job);
  return Napi::Number::New(info.Env(), handle);
}

uint32_t handle_arg(const Napi::CallbackInfo& info, const char* where) {
  int h = int_arg(info, 0, where, "handle", 1, INT_MAX);
  if (state().pending.count(static_cast<uint32_t>(h)) == 0) {
    throw Napi::RangeError::New(info.Env(), std::string(where) + ": no pending operation has handle " + std::to_string(h) +
                                                " (it was already waited for, or never started)");
  }
  return static_cast<uint32_t>(h);
}

Napi::Value Wait(const Napi::CallbackInfo& info) {
  require_args(info, 2, "wait", "(handle, timeoutMs)");
  require_initialized(info.Env(), "wait");
  uint32_t handle = handle_arg(info, "wait");
  double timeout = timeout_arg(info, 1, "wait");
  State& s = state();
  std::shared_ptr<Job> job = s.pending.at(handle).job;
  wait_or_abort(job, timeout);
  s.pending.erase(handle);
  return info.Env().Undefined();
}

Napi::Value Test(const Napi::CallbackInfo& info) {
  require_args(info, 1, "test", "(handle)");
  require_initialized(info.Env(), "test");
  uint32_t handle = handle_arg(info, "test");
  State& s = state();
  std::shared_ptr<Job> job = s.pending.at(handle).job;
  if (!s.comm->test(job)) return Napi::Boolean::New(info.Env(), false);
  wait_or_abort(job, -1);  // done: checks its status
  s.pending.erase(handle);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  require_args(info, 3, "broadcast", "(buffer, root, timeoutMs)");
  Buffer b = buffer_arg(info, 0, "broadcast", true);
  require_initialized(info.Env(), "broadcast");
  int root = int_arg(info, 1, "broadcast", "root", 0, state().size - 1);
  double timeout = timeout_arg(info, 2, "broadcast");
  auto job = job_on(Kind::kBroadcast, b);
  job->root = root;
  state().comm->submit(job);
  wait_or_abort(job, timeout);
  return info.Env().Undefined();
}

// A Float32Array in memory that every rank of the machine maps, or null (with the reason in a second
// property) when the job does not sum through shared memory or a rank could not have it.
Napi::Value SharedBuffer(const Napi::CallbackInfo& info) {
  require_args(info, 2, "sharedBuffer", "(length, timeoutMs)");
  const int length = int_arg(info, 0, "sharedBuffer", "length", 0, INT_MAX / 4);
  double timeout = timeout_arg(info, 1, "sharedBuffer");
  require_initialized(info.Env(), "sharedBuffer");
  Napi::Env env = info.Env();
  auto job = std::make_shared<Job>();
  job->kind = Kind::kAllocateShared;
  job->bytes = static_cast<size_t>(length) * sizeof(float);
  state().comm->submit(job);
  wait_or_abort(job, timeout);
  if (job->sizes_differ) {
    // Every rank learnt it from the same vote, so every rank throws here: no collective is left half done.
    throw Napi::RangeError::New(env, "sharedBuffer: the ranks asked for different lengths (" + job->error +
                                         "); every rank must call it with the same length, in the same order");
  }
  Napi::Object out = Napi::Object::New(env);
  if (job->made == nullptr) {
    out.Set("array", env.Null());
    out.Set("reason", job->error);
    return out;
  }
  // JavaScript owns the memory from here: collecting the array unmaps it (and the other ranks' buffers).
  Napi::ArrayBuffer memory = Napi::ArrayBuffer::New(env, job->made, job->bytes, [](Napi::Env, void* data) {
    release_region(data);
  });
  out.Set("array", Napi::Float32Array::New(env, static_cast<size_t>(length), memory, 0));
  out.Set("reason", env.Null());
  return out;
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  require_args(info, 1, "barrier", "(timeoutMs)");
  double timeout = timeout_arg(info, 0, "barrier");
  require_initialized(info.Env(), "barrier");
  auto job = std::make_shared<Job>();
  job->kind = Kind::kBarrier;
  state().comm->submit(job);
  wait_or_abort(job, timeout);
  return info.Env().Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  require_initialized(info.Env(), "finalize");
  State& s = state();
  if (!s.pending.empty()) {
    throw Napi::Error::New(info.Env(), "finalize: " + std::to_string(s.pending.size()) +
                                           " started allreduce(s) were never waited for; wait for them first");
  }
  s.comm->stop();
  MPI_Finalize();
  s.finalized = true;
  return info.Env().Undefined();
}

Napi::Value Abort(const Napi::CallbackInfo& info) {
  require_args(info, 2, "abort", "(code, message)");
  int code = int_arg(info, 0, "abort", "code", 1, 255);
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "abort: message must be a string");
  abort_job(code, info[1].As<Napi::String>().Utf8Value());
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  struct Entry {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  };
  static const Entry entries[] = {
      {"init", Init},           {"rank", Rank},           {"size", Size},       {"status", Status},
      {"libraryVersion", LibraryVersion},                 {"allreduce", Allreduce},
      {"allreduceStart", AllreduceStart},                 {"wait", Wait},       {"test", Test},
      {"broadcast", Broadcast}, {"barrier", Barrier},     {"finalize", Finalize}, {"abort", Abort},
      {"sharedBuffer", SharedBuffer},
  };
  for (const Entry& e : entries) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  exports.Set("abiVersion", kAbiVersion);
  return exports;
}

}  // namespace
}  // namespace nabla_mpi

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return nabla_mpi::Module(env, exports); }

NODE_API_MODULE(nabla_mpi, InitModule)
