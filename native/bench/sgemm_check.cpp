// `sgemm_bench --check`: the correctness suite. Every case is computed once in double precision and then
// run on every ISA path with 1 and 2 threads: the four transpose combinations, alpha/beta pairs (beta == 0
// over a C full of NaN, alpha == 0), every size 1..67, zero sizes, strides larger than the rows, shapes that
// cross the cache blocks and the thread split. Also the API around it: ISA forcing and parallel_for.
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#include "bench_common.h"
#include "sgemm.h"

namespace nabla_bench {
namespace {

int g_failures = 0;

void fail(const std::string& what) {
  if (++g_failures <= 20) std::printf("FAIL %s\n", what.c_str());
}

std::string describe(const Gemm& g, float alpha, float beta, nabla::Isa isa, int threads) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %d thr: transA=%d transB=%d m=%lld n=%lld k=%lld alpha=%g beta=%g",
                nabla::isa_name(isa), threads, g.transA, g.transB, static_cast<long long>(g.m),
                static_cast<long long>(g.n), static_cast<long long>(g.k), alpha, beta);
  return buf;
}

struct CaseResult {
  double max_error = 0.0;
  int runs = 0;
};

// Runs one GEMM on every (ISA, threads) configuration and checks each result entry by entry.
void check_case(const Gemm& g, float alpha, float beta, int64_t pad, std::mt19937& rng, CaseResult& total) {
  const Matrix A(g.transA ? g.k : g.m, g.transA ? g.m : g.k, pad, rng);
  const Matrix B(g.transB ? g.n : g.k, g.transB ? g.k : g.n, pad + 1, rng);
  Matrix C0(g.m, g.n, pad + 2, rng);
  if (beta == 0.0f) {  // C must not be read: fill it with NaN
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) C0.data[static_cast<size_t>(i * C0.ld + j)] = NAN;
  }
  // The double-precision reference, computed once per case.
  std::vector<double> exact(static_cast<size_t>(g.m * g.n)), scale(exact.size());
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      double s = 0.0, a = 0.0;
      for (int64_t p = 0; p < g.k; ++p) {
        const double t = op(A, g.transA, i, p) * op(B, g.transB, p, j);
        s += t;
        a += std::fabs(t);
      }
      s *= alpha;
      a *= std::fabs(alpha);
      if (beta != 0.0f) {
        s += double(beta) * C0.at(i, j);
        a += std::fabs(double(beta) * C0.at(i, j));
      }
      exact[static_cast<size_t>(i * g.n + j)] = s;
      scale[static_cast<size_t>(i * g.n + j)] = a;
    }
  const double tol = 2.5e-7 * double(g.k + 8);
  for (int isa = 0; isa <= static_cast<int>(nabla::best_isa()); ++isa) {
    nabla::set_isa(static_cast<nabla::Isa>(isa));
    for (int threads : {1, 2}) {
      nabla::set_num_threads(threads);
      Matrix C = C0;
      nabla::sgemm(g.transA, g.transB, g.m, g.n, g.k, alpha, A.ptr(), A.ld, B.ptr(), B.ld, beta, C.ptr(), C.ld);
      double worst = 0.0;
      bool stray_write = false;
      for (int64_t i = 0; i < g.m; ++i) {
        for (int64_t j = 0; j < g.n; ++j) {
          const double c = C.at(i, j);
          const size_t e = static_cast<size_t>(i * g.n + j);
          const double err = std::isnan(c) ? INFINITY : std::fabs(c - exact[e]) / (scale[e] + 1e-30);
          worst = std::max(worst, err);
        }
        for (int64_t j = g.n; j < C.ld; ++j) stray_write |= !std::isnan(C.at(i, j));
      }
      total.max_error = std::max(total.max_error, worst);
      ++total.runs;
      const std::string what = describe(g, alpha, beta, static_cast<nabla::Isa>(isa), threads);
      if (!(worst <= tol)) fail(what + ": max relative error " + std::to_string(worst));
      if (stray_write) fail(what + ": wrote into the padding past n");
    }
  }
}

// Pool workers run with flush-to-zero and denormals-are-zero; the caller's thread (Node's main thread in the
// addon) must keep IEEE semantics, before and after any call.
void check_float_modes(int threads) {
#if defined(__x86_64__) || defined(_M_X64)
  constexpr unsigned kFtzDaz = 0x8040u;
  const unsigned caller_before = _mm_getcsr();
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> worker_chunks{0}, worker_without_ftz{0}, caller_with_ftz{0};
  nabla::parallel_for(1000, 10, [&](int64_t, int64_t) {
    const bool ftz = (_mm_getcsr() & kFtzDaz) == kFtzDaz;
    if (std::this_thread::get_id() == caller) {
      if (ftz) caller_with_ftz++;
    } else {
      worker_chunks++;
      if (!ftz) worker_without_ftz++;
    }
  });
  if (caller_with_ftz > 0 || _mm_getcsr() != caller_before) fail("the caller's MXCSR was changed");
  if (worker_without_ftz > 0) fail("a pool worker runs without flush-to-zero/denormals-are-zero");
  if (threads == 1 && worker_chunks > 0) fail("parallel_for used a worker with one thread set");
#else
  (void)threads;
#endif
}

void check_api() {
  const nabla::Isa best = nabla::best_isa();
  nabla::set_isa(nabla::Isa::Avx512);
  if (nabla::active_isa() != best) fail("set_isa(Avx512) is not clamped to best_isa()");
  nabla::set_isa(nabla::Isa::Portable);
  if (nabla::active_isa() != nabla::Isa::Portable) fail("set_isa(Portable) did not take");
  nabla::set_isa(best);
  if (std::string(nabla::isa_name(nabla::Isa::Avx2)) != "avx2") fail("isa_name(Avx2)");

  nabla::set_num_threads(0);
  if (nabla::get_num_threads() != 1) fail("set_num_threads(0) is not clamped to 1");
  for (int threads : {1, 2, 3}) {
    nabla::set_num_threads(threads);
    if (nabla::get_num_threads() != threads) fail("get_num_threads after set_num_threads");
    for (int64_t n : {0, 1, 7, 100, 1001}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<int> nested_inline{0};
      nabla::parallel_for(n, 10, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
        // A nested call runs inline, whole, on this thread.
        nabla::parallel_for(100, 1, [&](int64_t b, int64_t e) {
          if (b == 0 && e == 100) nested_inline++;
        });
      });
      for (int64_t i = 0; i < n; ++i)
        if (hits[static_cast<size_t>(i)] != 1) {
          fail("parallel_for did not cover every index exactly once, n=" + std::to_string(n));
          break;
        }
      if (n > 0 && nested_inline == 0) fail("nested parallel_for did not run inline");
    }
    check_float_modes(threads);
    bool caught = false;
    try {
      nabla::parallel_for(1000, 10, [](int64_t begin, int64_t) {
        if (begin > 0) throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    if (threads > 1 && !caught) fail("an exception thrown on a worker did not reach the caller");
  }
}

}  // namespace

int run_checks() {
  check_api();
  std::mt19937 rng(12345);
  CaseResult total;
  const float alphas_betas[][2] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {-0.5f, 2.0f}, {2.5f, 0.0f}, {0.0f, 0.5f},
                                   {0.0f, 0.0f}, {1.5f, -1.0f}};
  int pick = 0;
  auto next_ab = [&](float& a, float& b) {
    a = alphas_betas[pick % 7][0];
    b = alphas_betas[pick % 7][1];
    ++pick;
  };
  std::uniform_int_distribution<int64_t> size(1, 67), pad(0, 5);
  for (int combo = 0; combo < 4; ++combo) {
    const bool ta = (combo & 1) != 0, tb = (combo & 2) != 0;
    std::vector<Gemm> cases;
    for (int64_t s = 1; s <= 67; ++s) cases.push_back({ta, tb, s, s, s});
    for (int r = 0; r < 60; ++r) cases.push_back({ta, tb, size(rng), size(rng), size(rng)});
    // Zero sizes, thin shapes and the narrow path's edges.
    for (const auto& s : std::vector<std::array<int64_t, 3>>{{0, 5, 5},   {5, 0, 5},    {5, 5, 0},    {0, 0, 0},
                                                             {67, 1, 67}, {1, 67, 67},  {67, 67, 1},  {1, 1, 300},
                                                             {40, 15, 40}, {40, 16, 15}, {33, 17, 16}, {9, 200, 3}})
      cases.push_back({ta, tb, s[0], s[1], s[2]});
    // Across the cache blocks (kc, mc, nc) and the thread split, and the narrow path shared over threads.
    cases.push_back({ta, tb, 300, 1100, 290});
    cases.push_back({ta, tb, 130, 200, 100});
    cases.push_back({ta, tb, 3000, 7, 200});
    cases.push_back({ta, tb, 2000, 300, 5});
    cases.push_back({ta, tb, 9, 1500, 400});
    for (const Gemm& g : cases) {
      float alpha, beta;
      next_ab(alpha, beta);
      check_case(g, alpha, beta, pad(rng), rng, total);
    }
  }
  nabla::set_isa(nabla::best_isa());
  std::printf("check: %d runs, max relative error %.3g, %d failures\n", total.runs, total.max_error, g_failures);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace nabla_bench
