#pragma once
// Argument checking for the entry points. Every entry point reads its JavaScript arguments through `Args`,
// which throws a TypeError (wrong type, detached buffer) or RangeError (bad size, index out of bounds)
// naming the function and the argument, before any kernel touches memory.
#include <napi.h>

#include <cstdint>
#include <string>

#include "kernels/kernels.h"

namespace nabla {

/** A Float32Array's memory; `data` is null only when the array is empty (or absent, for optional ones). */
struct F32 {
  float* data = nullptr;
  int64_t length = 0;
  bool present = false;
};

/** A read-only Uint8Array (bytes of a dataset) and Uint32Array (row indices); data is null when empty. */
struct U8 {
  const uint8_t* data = nullptr;
  int64_t length = 0;
};
struct U32 {
  const uint32_t* data = nullptr;
  int64_t length = 0;
};

/**
 * Names a number in an error message, e.g. "argument 'x' strides[2]" or "axes[0]". Messages are built only
 * when a check fails, so a valid call allocates no strings.
 */
struct Label {
  const char* arg = nullptr;  // argument name, or null
  const char* field = "";
  int index = -1;              // appended as [index] when >= 0
  Label(const char* f) : field(f) {}  // NOLINT: implicit from a plain name
  Label(const char* a, const char* f, int i = -1) : arg(a), field(f), index(i) {}
  std::string str() const;
};

/** The parsed shape shared by up to three strided views, each with its own offset and strides. */
struct ViewLayout {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t numel = 1;
  int64_t offset[3] = {0, 0, 0};
  int64_t strides[3][kMaxDims];
  int64_t lo[3] = {0, 0, 0};  // element-index range each view reaches (when numel > 0)
  int64_t hi[3] = {0, 0, 0};
};

class Args {
 public:
  /** Checks that at least `count` arguments were passed. */
  Args(const Napi::CallbackInfo& info, const char* fn, size_t count);

  Napi::Env env() const { return info_.Env(); }
  const char* fn() const { return fn_; }

  F32 f32(size_t i, const char* name) const;
  U8 u8(size_t i, const char* name) const;
  U32 u32(size_t i, const char* name) const;
  /** A Float32Array, or null/undefined (then `present` is false). */
  F32 f32_or_null(size_t i, const char* name) const;
  /** The numbers of a Float64Array (the per-call scratch that carries shapes, strides and scalars). */
  const double* f64(size_t i, const char* name, int64_t* length) const;
  double number(size_t i, const char* name) const;
  /** An integer in [0, 2^53]. */
  int64_t count(size_t i, const char* name) const;
  /** An op code in [0, limit). */
  int code(size_t i, const char* name, int limit, const char* const* names) const;

  [[noreturn]] void type_error(const std::string& msg) const;
  [[noreturn]] void range_error(const std::string& msg) const;

  /** Checks that a Float64Array `meta` has at least `needed` numbers; `what` says what they are for. */
  void need_meta(const char* name, int64_t have, int64_t needed, const char* what) const {
    if (have < needed) bad_meta_length(name, have, needed, what);
  }
  /** meta[i] as an integer in [lo, hi] (|lo|, |hi| <= 2^53); `what` names it in the message. */
  int64_t meta_int(const double* meta, int64_t i, int64_t lo, int64_t hi, Label what) const {
    const double d = meta[i];
    if (d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) {
      const int64_t v = static_cast<int64_t>(d);
      if (static_cast<double>(v) == d) return v;
    }
    bad_meta_int(d, lo, hi, what);
  }
  /** meta[i] as a finite number. */
  double meta_finite(const double* meta, int64_t i, Label what) const {
    const double d = meta[i];
    if (d - d == 0.0) return d;  // false for NaN and +-Infinity
    bad_meta_finite(d, what);
  }

  /**
   * Reads `ndim, shape[ndim]` then, per view, `offset, strides[ndim]` from meta starting at *cursor, checks
   * them, and checks each view's reachable elements lie inside its array. Advances *cursor.
   */
  ViewLayout views(const double* meta, int64_t metaLength, int64_t* cursor, int nviews,
                   const char* const* names, const F32* arrays) const;
  /** Checks `out` can hold `needed` contiguous elements. */
  void out_length(const char* name, const F32& out, int64_t needed) const;
  /** Checks a contiguous array has exactly `needed` elements (`why` explains the count). */
  void exact_length(const char* name, const F32& a, int64_t needed, const char* why) const {
    if (a.length != needed) bad_length(name, a, needed, why, "must have");
  }
  /** Checks a contiguous array has at least `needed` elements. */
  void min_length(const char* name, const F32& a, int64_t needed, const char* why) const {
    if (a.length < needed) bad_length(name, a, needed, why, "needs");
  }
  /**
   * Throws when view `v` of `layout` shares memory with the contiguous output `out` (numel elements)
   * without being exactly the same elements in the same order (an in-place op).
   */
  void no_partial_overlap(const ViewLayout& layout, int v, const char* name, const F32& in, const F32& out,
                          const char* outName) const;
  /** The element-index range [lo, hi] that view `v` of `layout` reaches (numel > 0). */
  void view_range(const ViewLayout& layout, int v, int64_t* lo, int64_t* hi) const;
  /** Throws when [a, a+na) and [b, b+nb) share memory. */
  void disjoint(const char* aName, const float* a, int64_t na, const char* bName, const float* b,
                int64_t nb) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* fn_;
  std::string prefix(const char* name) const;
  void* typed(size_t i, const char* name, int want, const char* typeName, int64_t* length) const;
  [[noreturn]] void bad_meta_length(const char* name, int64_t have, int64_t needed, const std::string& what) const;
  [[noreturn]] void bad_meta_int(double d, int64_t lo, int64_t hi, const Label& what) const;
  [[noreturn]] void bad_meta_finite(double d, const Label& what) const;
  [[noreturn]] void bad_length(const char* name, const F32& a, int64_t needed, const char* why, const char* verb) const;
};

/** a*b, throwing RangeError (via args) on overflow of int64; `what` names the product. */
int64_t checked_mul(const Args& args, int64_t a, int64_t b, const char* what);

std::string fmt_dims(const int64_t* dims, int n);

/** Drops size-1 dims and merges dims that are contiguous in every view; numel must be > 0. */
void coalesce(const ViewLayout& layout, int nviews, Strided* out);

}  // namespace nabla
