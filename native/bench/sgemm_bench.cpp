// sgemm_bench: GFLOP/s of nabla's sgemm (best of several timed runs) at square sizes and on the nine GEMMs
// of one MLP training step, for each ISA path and 1 and 2 threads, each result checked against double
// precision on sampled entries; beside a system BLAS when CMake found one. `--check` runs the correctness
// suite instead (sgemm_check.cpp).
//
//   sgemm_bench [--check] [--max-size N] [--isa portable|avx2|avx512] [--threads N] [--samples N] [--cpu-clock]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include "bench_common.h"
#include "fma_peak.h"
#include "sgemm.h"

#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace nabla_bench {
int run_checks();

namespace {

using Clock = std::chrono::steady_clock;

// Wall-clock seconds; or with --cpu-clock, the calling thread's CPU time. On a machine shared with other
// work that leaves out the time the thread waited for a core; it says nothing about a second thread, so
// --cpu-clock runs the 1-thread rows only.
bool g_cpu_clock = false;
int g_samples = 20;  // --samples N: more of them find the quiet moments of a busy machine

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double now_seconds() {
  if (g_cpu_clock) return thread_cpu_seconds();
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct Case {
  std::string name;
  Gemm g;
};

double flops(const Gemm& g) { return 2.0 * double(g.m) * double(g.n) * double(g.k); }

// Best GFLOP/s over g_samples timed runs of `call`, each run repeating it for at least ~2 ms (short, so
// that a machine shared with other work has quiet moments that long).
template <typename Call>
double best_gflops(const Gemm& g, Call call) {
  call();  // warm caches, pool and pack buffers
  const double t0 = now_seconds();
  call();
  const double once = now_seconds() - t0;
  const int reps = std::max(1, static_cast<int>(0.002 / std::max(once, 1e-9)));
  double best = 0.0;
  for (int s = 0; s < g_samples; ++s) {
    const double start = now_seconds();
    for (int r = 0; r < reps; ++r) call();
    const double secs = now_seconds() - start;
    best = std::max(best, flops(g) * reps / secs / 1e9);
  }
  return best;
}

// Max relative error over up to 256 sampled entries of C = op(A)·op(B) (alpha 1, beta 0).
double sampled_error(const Gemm& g, const Matrix& A, const Matrix& B, const Matrix& C, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> row(0, g.m - 1), col(0, g.n - 1);
  double worst = 0.0;
  for (int s = 0; s < 256; ++s) {
    const int64_t i = row(rng), j = col(rng);
    worst = std::max(worst, entry_error(g, 1.0f, A, B, 0.0f, 0.0f, C.at(i, j), i, j));
  }
  return worst;
}

std::vector<Case> bench_cases(int64_t max_size) {
  std::vector<Case> cases;
  for (int64_t s = 64; s <= max_size; s *= 2) cases.push_back({"square " + std::to_string(s), {false, false, s, s, s}});
  // MLP 784-256-128-10, batch 128. Per layer (in -> out): forward Y = X·Wᵀ, backward dW = dYᵀ·X, dX = dY·W.
  const int64_t batch = 128, widths[] = {784, 256, 128, 10};
  for (int l = 0; l < 3; ++l) {
    const int64_t in = widths[l], out = widths[l + 1];
    const std::string layer = "mlp fc" + std::to_string(l + 1);
    cases.push_back({layer + " fwd", {false, true, batch, out, in}});
    cases.push_back({layer + " dW", {true, false, out, in, batch}});
    cases.push_back({layer + " dX", {false, false, batch, in, out}});
  }
  return cases;
}

// Best single-core GFLOP/s of the FMA chains of this ISA (0 for the portable path, which has none). Timed
// with the thread's CPU time whatever the clock of the table: it is a property of the core, and the wall
// clock of a busy machine would understate it.
double fma_peak(nabla::Isa isa) {
  if (!has_fma_peak(isa)) return 0.0;
  const int64_t iters = 20000000;
  double best = 0.0;
  volatile float sink = 0.0f;
  for (int s = 0; s < 3; ++s) {
    const double start = thread_cpu_seconds();
    sink = sink + fma_chains(isa, iters);
    best = std::max(best, fma_chain_flops(isa) * double(iters) / (thread_cpu_seconds() - start) / 1e9);
  }
  return best;
}

struct Row {
  double ours = 0.0, error = 0.0, blas = 0.0;
};

// `peak`: one core's FMA peak times the thread count (0: not known).
void print_row(const std::string& name, const Gemm& g, const Row& r, double peak) {
  std::printf("  %-16s %5lld %5lld %5lld  %8.1f  %5s   %9.2e", name.c_str(), static_cast<long long>(g.m),
              static_cast<long long>(g.n), static_cast<long long>(g.k), r.ours,
              peak > 0.0 ? (std::to_string(static_cast<int>(100.0 * r.ours / peak + 0.5)) + "%").c_str() : "-",
              r.error);
  if (r.blas > 0.0) std::printf("   %8.1f  %5.2f", r.blas, r.ours / r.blas);
  std::printf("\n");
}

int run_bench(int64_t max_size, int only_isa, int only_threads) {
  std::printf("best ISA: %s; hardware threads: %d; timing: best of %d, %s\n", nabla::isa_name(nabla::best_isa()),
              static_cast<int>(std::thread::hardware_concurrency()), g_samples,
              g_cpu_clock ? "CPU time of the calling thread (--cpu-clock, 1 thread only)" : "wall clock");
#ifdef NABLA_HAVE_CBLAS
  const char* core = std::getenv("OPENBLAS_CORETYPE");
  std::printf("BLAS column: system cblas_sgemm, OPENBLAS_CORETYPE=%s\n", core ? core : "(unset)");
#endif
  const std::vector<Case> cases = bench_cases(max_size);
  std::mt19937 rng(7);
  std::map<std::pair<size_t, int>, double> blas_cache;  // BLAS speed does not depend on our ISA
  for (int isa = static_cast<int>(nabla::best_isa()); isa >= 0; --isa) {
    if (only_isa >= 0 && isa != only_isa) continue;
    nabla::set_isa(static_cast<nabla::Isa>(isa));
    const double peak = fma_peak(nabla::active_isa());
    for (int threads : {1, 2}) {
      if (only_threads > 0 && threads != only_threads) continue;
      if (g_cpu_clock && threads > 1) continue;
      nabla::set_num_threads(threads);
      std::printf("\n== %s, %d thread%s ==", nabla::isa_name(nabla::active_isa()), threads, threads > 1 ? "s" : "");
      if (peak > 0.0)
        std::printf("  (measured FMA peak %.1f GFLOP/s per core; 'peak' = share of %d core%s)", peak, threads,
                    threads > 1 ? "s" : "");
      std::printf("\n");
      std::printf("  %-16s %5s %5s %5s  %8s  %5s   %9s", "case", "m", "n", "k", "GFLOP/s", "peak", "rel.err");
#ifdef NABLA_HAVE_CBLAS
      std::printf("   %8s  %5s", "BLAS", "ratio");
#endif
      std::printf("\n");
      double step_flops = 0.0, step_ours = 0.0, step_blas = 0.0;
      for (size_t c = 0; c < cases.size(); ++c) {
        const Gemm& g = cases[c].g;
        const Matrix A(g.transA ? g.k : g.m, g.transA ? g.m : g.k, 0, rng);
        const Matrix B(g.transB ? g.n : g.k, g.transB ? g.k : g.n, 0, rng);
        Matrix C(g.m, g.n, 0, rng);
        Row r;
        r.ours = best_gflops(g, [&] {
          nabla::sgemm(g.transA, g.transB, g.m, g.n, g.k, 1.0f, A.ptr(), A.ld, B.ptr(), B.ld, 0.0f, C.ptr(), C.ld);
        });
        r.error = sampled_error(g, A, B, C, rng);
#ifdef NABLA_HAVE_CBLAS
        auto key = std::make_pair(c, threads);
        if (blas_cache.count(key) == 0) {
#ifdef OPENBLAS_VERSION
          openblas_set_num_threads(threads);
#endif
          blas_cache[key] = best_gflops(g, [&] {
            cblas_sgemm(CblasRowMajor, g.transA ? CblasTrans : CblasNoTrans, g.transB ? CblasTrans : CblasNoTrans,
                        static_cast<int>(g.m), static_cast<int>(g.n), static_cast<int>(g.k), 1.0f, A.ptr(),
                        static_cast<int>(A.ld), B.ptr(), static_cast<int>(B.ld), 0.0f, C.ptr(), static_cast<int>(C.ld));
          });
        }
        r.blas = blas_cache[key];
#endif
        print_row(cases[c].name, g, r, peak * threads);
        if (cases[c].name.rfind("mlp", 0) == 0) {
          step_flops += flops(g);
          step_ours += flops(g) / (r.ours * 1e9);
          if (r.blas > 0.0) step_blas += flops(g) / (r.blas * 1e9);
        }
      }
      Row step;
      step.ours = step_flops / step_ours / 1e9;
      step.blas = step_blas > 0.0 ? step_flops / step_blas / 1e9 : 0.0;
      std::printf("  %-16s %17s  %8.1f  %5s   %9s", "mlp step (sum)", "", step.ours, "", "");
      if (step.blas > 0.0) std::printf("   %8.1f  %5.2f", step.blas, step.ours / step.blas);
      std::printf("   (%.0f us per step)\n", step_ours * 1e6);
    }
  }
  return 0;
}

int isa_from_name(const char* name) {
  for (int i = 0; i <= 2; ++i)
    if (std::strcmp(name, nabla::isa_name(static_cast<nabla::Isa>(i))) == 0) return i;
  std::fprintf(stderr, "unknown ISA '%s' (portable, avx2 or avx512)\n", name);
  std::exit(2);
}

}  // namespace
}  // namespace nabla_bench

int main(int argc, char** argv) {
  int64_t max_size = 2048;
  int only_isa = -1, only_threads = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--check") return nabla_bench::run_checks();
    if (arg == "--cpu-clock") {
      nabla_bench::g_cpu_clock = true;
      continue;
    }
    if (arg == "--max-size" && i + 1 < argc) {
      max_size = std::atoll(argv[++i]);
    } else if (arg == "--isa" && i + 1 < argc) {
      only_isa = nabla_bench::isa_from_name(argv[++i]);
    } else if (arg == "--samples" && i + 1 < argc) {
      nabla_bench::g_samples = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--threads" && i + 1 < argc) {
      only_threads = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: sgemm_bench [--check] [--max-size N] [--isa portable|avx2|avx512] [--threads N] [--samples N] [--cpu-clock]\n");
      return 2;
    }
  }
  return nabla_bench::run_bench(max_size, only_isa, only_threads);
}
