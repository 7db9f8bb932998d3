// One side of the sgemm comparison per process, as one JSON line on stdout:
//   peers_sgemm ours [--samples N]   nabla's sgemm, 1 thread
//   peers_sgemm blas [--samples N]   OpenBLAS cblas_sgemm, 1 thread (core type from OPENBLAS_CORETYPE)
//   peers_sgemm peak                 the FMA peak of one core, per ISA this CPU has
// A separate process per side: OpenBLAS picks its kernels once, at load, from the environment.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "fma_peak.h"
#include "sgemm.h"

#ifdef NABLA_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace {

struct Shape {
  const char* name;
  bool transA, transB;
  int m, n, k;
};

// MLP 784-256-128-10 at batch 128; per layer (in -> out): forward Y = X·Wᵀ, dW = dYᵀ·X, dX = dY·W.
const Shape kShapes[] = {
    {"fc1 fwd", false, true, 128, 256, 784}, {"fc1 dW", true, false, 256, 784, 128}, {"fc1 dX", false, false, 128, 784, 256},
    {"fc2 fwd", false, true, 128, 128, 256}, {"fc2 dW", true, false, 128, 256, 128}, {"fc2 dX", false, false, 128, 256, 128},
    {"fc3 fwd", false, true, 128, 10, 128},  {"fc3 dW", true, false, 10, 128, 128},  {"fc3 dX", false, false, 128, 128, 10},
    {"square 1024", false, false, 1024, 1024, 1024},
};

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Stats {
  double best, median;
};

// GFLOP/s of `samples` timed runs, each repeating the call for >= 2 ms: short enough that a busy machine
// has quiet moments that long, so the best sample is the machine's speed and the median its typical one.
// Each shape first repeats for 250 ms, as timing.ts does on the JavaScript side (see WARMUP_MS there).
template <typename Call>
Stats time_gflops(const Shape& s, int samples, Call call) {
  const double flops = 2.0 * s.m * s.n * s.k;
  const double warm = now();
  do call(); while (now() - warm < 0.25);
  const double t0 = now();
  call();
  const int reps = std::max(1, int(0.002 / std::max(now() - t0, 1e-9)));
  std::vector<double> g;
  for (int i = 0; i < samples; ++i) {
    const double start = now();
    for (int r = 0; r < reps; ++r) call();
    g.push_back(flops * reps / (now() - start) / 1e9);
  }
  std::sort(g.begin(), g.end());
  return {g.back(), g[g.size() / 2]};
}

int run_gemms(bool blas, int samples) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  nabla::set_num_threads(1);
#ifdef NABLA_HAVE_OPENBLAS
  openblas_set_num_threads(1);
  if (blas) std::printf("{\"side\":\"openblas\",\"config\":\"%s\",\"core\":\"%s\",\"cases\":[", openblas_get_config(), openblas_get_corename());
#else
  if (blas) {
    std::printf("{\"error\":\"built without OpenBLAS\"}\n");
    return 3;
  }
#endif
  if (!blas) std::printf("{\"side\":\"nabla\",\"isa\":\"%s\",\"cases\":[", nabla::isa_name(nabla::active_isa()));
  bool first = true;
  for (const Shape& s : kShapes) {
    std::vector<float> A(size_t(s.m) * s.k), B(size_t(s.k) * s.n), C(size_t(s.m) * s.n);
    for (float& v : A) v = dist(rng);
    for (float& v : B) v = dist(rng);
    const int lda = s.transA ? s.m : s.k, ldb = s.transB ? s.k : s.n;
    Stats st{};
    if (blas) {
#ifdef NABLA_HAVE_OPENBLAS
      st = time_gflops(s, samples, [&] {
        cblas_sgemm(CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans, s.transB ? CblasTrans : CblasNoTrans, s.m, s.n, s.k,
                    1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.n);
      });
#endif
    } else {
      st = time_gflops(s, samples, [&] {
        nabla::sgemm(s.transA, s.transB, s.m, s.n, s.k, 1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.n);
      });
    }
    std::printf("%s{\"name\":\"%s\",\"transA\":%s,\"transB\":%s,\"m\":%d,\"n\":%d,\"k\":%d,\"bestGflops\":%.3f,\"medianGflops\":%.3f}",
                first ? "" : ",", s.name, s.transA ? "true" : "false", s.transB ? "true" : "false", s.m, s.n, s.k, st.best,
                st.median);
    first = false;
  }
  std::printf("]}\n");
  return 0;
}

// Timed with the thread's CPU time: the peak is a property of the core, and the wall clock of a shared
// machine would understate it.
double fma_peak(nabla::Isa isa) {
  const int64_t iters = 20000000;
  double best = 0.0;
  volatile float sink = 0.0f;
  for (int s = 0; s < 5; ++s) {
    const double start = thread_cpu();
    sink = sink + nabla_bench::fma_chains(isa, iters);
    best = std::max(best, nabla_bench::fma_chain_flops(isa) * double(iters) / (thread_cpu() - start) / 1e9);
  }
  return best;
}

int run_peak() {
  std::printf("{\"bestIsa\":\"%s\",\"gflops\":{", nabla::isa_name(nabla::best_isa()));
  bool first = true;
  for (nabla::Isa isa : {nabla::Isa::Avx512, nabla::Isa::Avx2}) {
    if (int(isa) > int(nabla::best_isa()) || !nabla_bench::has_fma_peak(isa)) continue;
    std::printf("%s\"%s\":%.3f", first ? "" : ",", nabla::isa_name(isa), fma_peak(isa));
    first = false;
  }
  std::printf("}}\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  int samples = 20;
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--samples") == 0) samples = std::max(1, std::atoi(argv[i + 1]));
  if (mode == "ours") return run_gemms(false, samples);
  if (mode == "blas") return run_gemms(true, samples);
  if (mode == "peak") return run_peak();
  std::fprintf(stderr, "usage: peers_sgemm ours|blas|peak [--samples N]\n");
  return 2;
}
