// Argument checking: see args.h. Every check runs before a kernel touches memory.
#include "args.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace nabla {
namespace {

constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53: larger doubles skip integers

std::string describe(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "?";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      char buf[64];
      snprintf(buf, sizeof buf, "number %.17g", d);
      return buf;
    }
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_bigint: return "bigint";
    default: break;
  }
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type type;
    napi_get_typedarray_info(env, v, &type, nullptr, nullptr, nullptr, nullptr);
    static const char* const names[] = {"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
                                        "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
                                        "Float64Array", "BigInt64Array", "BigUint64Array"};
    const int i = static_cast<int>(type);
    return i >= 0 && i < 11 ? names[i] : "TypedArray";
  }
  napi_is_array(env, v, &is);
  if (is) return "Array";
  napi_is_arraybuffer(env, v, &is);
  if (is) return "ArrayBuffer";
  return "object";
}

bool add_overflows(int64_t a, int64_t b, int64_t* r) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_add_overflow(a, b, r);
#else
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return true;
  *r = a + b;
  return false;
#endif
}

bool mul_overflows(int64_t a, int64_t b, int64_t* r) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_mul_overflow(a, b, r);
#else
  if (a != 0 && b != 0) {
    const int64_t limit = INT64_MAX / (b < 0 ? -b : b);
    if ((a < 0 ? -a : a) > limit) return true;
  }
  *r = a * b;
  return false;
#endif
}

// The element-index range [lo, hi] reachable by a view with `numel` > 0.
void reach(const Args& args, const char* name, int ndim, const int64_t* shape, int64_t offset,
           const int64_t* strides, int64_t* lo, int64_t* hi) {
  *lo = *hi = offset;
  for (int d = 0; d < ndim; ++d) {
    int64_t ext = 0;
    if (mul_overflows(shape[d] - 1, strides[d], &ext) || add_overflows(ext < 0 ? *lo : *hi, ext, ext < 0 ? lo : hi)) {
      args.range_error(std::string("argument '") + name + "' with shape " + fmt_dims(shape, ndim) +
                       " and strides " + fmt_dims(strides, ndim) + " reaches past 2^63 elements");
    }
  }
}

}  // namespace

std::string fmt_dims(const int64_t* dims, int n) {
  std::string s = "[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ",";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

int64_t checked_mul(const Args& args, int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (mul_overflows(a, b, &r)) {
    args.range_error(std::string(what) + " = " + std::to_string(a) + " × " + std::to_string(b) +
                     " overflows 64-bit indexing");
  }
  return r;
}

std::string Label::str() const {
  std::string s = arg ? std::string("argument '") + arg + "' " + field : std::string(field);
  if (index >= 0) s += "[" + std::to_string(index) + "]";
  return s;
}

Args::Args(const Napi::CallbackInfo& info, const char* fn, size_t count) : info_(info), fn_(fn) {
  if (info.Length() < count) {
    type_error("expected " + std::to_string(count) + " arguments, got " + std::to_string(info.Length()));
  }
}

std::string Args::prefix(const char* name) const { return std::string("argument '") + name + "'"; }

void Args::type_error(const std::string& msg) const {
  throw Napi::TypeError::New(env(), std::string("native.") + fn_ + ": " + msg);
}

void Args::range_error(const std::string& msg) const {
  throw Napi::RangeError::New(env(), std::string("native.") + fn_ + ": " + msg);
}

// The memory of argument i, which must be a typed array of `want` (named `typeName` in the error).
void* Args::typed(size_t i, const char* name, int want, const char* typeName, int64_t* length) const {
  napi_env e = env();
  napi_value v = info_[i];
  napi_typedarray_type type = napi_int8_array;
  size_t n = 0;
  void* data = nullptr;
  // One call does the type check too: it fails with napi_invalid_arg for anything but a typed array.
  const bool is = napi_get_typedarray_info(e, v, &type, &n, &data, nullptr, nullptr) == napi_ok;
  if (!is || type != static_cast<napi_typedarray_type>(want)) {
    type_error(prefix(name) + " must be a " + typeName + ", got " + describe(e, v));
  }
  if (n == 0 || data == nullptr) {
    napi_value buffer = nullptr;
    bool detached = false;
    napi_get_typedarray_info(e, v, nullptr, nullptr, nullptr, &buffer, nullptr);
    napi_is_detached_arraybuffer(e, buffer, &detached);
    if (detached) type_error(prefix(name) + " is a " + typeName + " whose buffer was detached (transferred)");
    if (data == nullptr) n = 0;
  }
  *length = static_cast<int64_t>(n);
  return data;
}

F32 Args::f32(size_t i, const char* name) const {
  F32 out;
  out.data = static_cast<float*>(typed(i, name, napi_float32_array, "Float32Array", &out.length));
  out.present = true;
  return out;
}

U8 Args::u8(size_t i, const char* name) const {
  U8 out;
  out.data = static_cast<const uint8_t*>(typed(i, name, napi_uint8_array, "Uint8Array", &out.length));
  return out;
}

U32 Args::u32(size_t i, const char* name) const {
  U32 out;
  out.data = static_cast<const uint32_t*>(typed(i, name, napi_uint32_array, "Uint32Array", &out.length));
  return out;
}

F32 Args::f32_or_null(size_t i, const char* name) const {
  napi_valuetype t;
  napi_typeof(env(), info_[i], &t);
  if (t == napi_null || t == napi_undefined) return F32{};
  return f32(i, name);
}

const double* Args::f64(size_t i, const char* name, int64_t* length) const {
  napi_env e = env();
  napi_value v = info_[i];
  napi_typedarray_type type = napi_int8_array;
  size_t len = 0;
  void* data = nullptr;
  const bool is = napi_get_typedarray_info(e, v, &type, &len, &data, nullptr, nullptr) == napi_ok;
  if (!is || type != napi_float64_array) {
    type_error(prefix(name) + " must be a Float64Array, got " + describe(e, v));
  }
  if (len == 0 || data == nullptr) {
    napi_value buffer = nullptr;
    bool detached = false;
    napi_get_typedarray_info(e, v, nullptr, nullptr, nullptr, &buffer, nullptr);
    napi_is_detached_arraybuffer(e, buffer, &detached);
    if (detached) type_error(prefix(name) + " is a Float64Array whose buffer was detached (transferred)");
    len = 0;
  }
  *length = static_cast<int64_t>(len);
  return static_cast<const double*>(data);
}

double Args::number(size_t i, const char* name) const {
  napi_env e = env();
  double d = 0;
  if (napi_get_value_double(e, info_[i], &d) != napi_ok) {
    type_error(prefix(name) + " must be a number, got " + describe(e, info_[i]));
  }
  return d;
}

int64_t Args::count(size_t i, const char* name) const {
  const double d = number(i, name);
  if (!(d >= 0 && d <= kMaxSafeInteger) || d != std::floor(d)) {
    range_error(prefix(name) + " must be an integer >= 0, got " + describe(env(), info_[i]).substr(7));
  }
  return static_cast<int64_t>(d);
}

int Args::code(size_t i, const char* name, int limit, const char* const* names) const {
  const double d = number(i, name);
  if (!(d >= 0 && d < limit) || d != std::floor(d)) {
    std::string known;
    for (int k = 0; k < limit; ++k) known += (k ? ", " : "") + std::to_string(k) + "=" + names[k];
    range_error(prefix(name) + " must be an op code (" + known + "), got " + describe(env(), info_[i]).substr(7));
  }
  return static_cast<int>(d);
}

void Args::bad_meta_length(const char* name, int64_t have, int64_t needed, const std::string& what) const {
  range_error(prefix(name) + " has " + std::to_string(have) + " numbers, needs " + std::to_string(needed) +
              " for " + what);
}

void Args::bad_meta_int(double d, int64_t lo, int64_t hi, const Label& what) const {
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", d);
  range_error(what.str() + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
              "], got " + buf);
}

void Args::bad_meta_finite(double d, const Label& what) const {
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", d);
  range_error(what.str() + " must be a finite number, got " + buf);
}

void Args::bad_length(const char* name, const F32& a, int64_t needed, const char* why, const char* verb) const {
  range_error(prefix(name) + " " + verb + " " + std::to_string(needed) + " elements (" + why + "), has " +
              std::to_string(a.length));
}

ViewLayout Args::views(const double* meta, int64_t metaLength, int64_t* cursor, int nviews,
                       const char* const* names, const F32* arrays) const {
  constexpr int64_t kMaxIndex = static_cast<int64_t>(kMaxSafeInteger);
  ViewLayout L;
  int64_t c = *cursor;
  need_meta("meta", metaLength, c + 1, "the rank");
  L.ndim = static_cast<int>(meta_int(meta, c++, 0, kMaxDims, "rank (meta ndim)"));
  const int n = L.ndim;
  if (metaLength < c + n + nviews * (1 + n)) {
    bad_meta_length("meta", metaLength, c + n + nviews * (1 + n),
                    "rank " + std::to_string(n) + " and " + std::to_string(nviews) + " views");
  }
  bool empty = false;
  for (int d = 0; d < n; ++d) {
    L.shape[d] = meta_int(meta, c++, 0, kMaxIndex, Label(nullptr, "shape", d));
    empty = empty || L.shape[d] == 0;
  }
  L.numel = 1;
  if (empty) {
    L.numel = 0;
  } else {
    for (int d = 0; d < n; ++d) L.numel = checked_mul(*this, L.numel, L.shape[d], "the element count");
    // Only a broadcast (stride-0) view can be larger than memory; beyond this an op would run for hours.
    constexpr int64_t kMaxElements = int64_t{1} << 40;
    if (L.numel > kMaxElements) {
      range_error("shape " + fmt_dims(L.shape, n) + " has " + std::to_string(L.numel) +
                  " elements; the native backend takes at most 2^40 per op");
    }
  }
  for (int v = 0; v < nviews; ++v) {
    L.offset[v] = meta_int(meta, c++, 0, kMaxIndex, Label(names[v], "offset"));
    for (int d = 0; d < n; ++d) {
      L.strides[v][d] = meta_int(meta, c++, -kMaxIndex, kMaxIndex, Label(names[v], "strides", d));
    }
    if (L.numel == 0) continue;  // nothing is read
    int64_t& lo = L.lo[v];
    int64_t& hi = L.hi[v];
    reach(*this, names[v], n, L.shape, L.offset[v], L.strides[v], &lo, &hi);
    if (lo < 0) {
      range_error(prefix(names[v]) + " with offset " + std::to_string(L.offset[v]) + ", shape " + fmt_dims(L.shape, n) +
                  " and strides " + fmt_dims(L.strides[v], n) + " reaches index " + std::to_string(lo) +
                  " (before the start of the array)");
    }
    if (hi >= arrays[v].length) {
      range_error(prefix(names[v]) + " needs " + std::to_string(hi + 1) + " elements from offset " +
                  std::to_string(L.offset[v]) + " with shape " + fmt_dims(L.shape, n) + " and strides " +
                  fmt_dims(L.strides[v], n) + ", has " + std::to_string(arrays[v].length));
    }
  }
  *cursor = c;
  return L;
}

void Args::out_length(const char* name, const F32& out, int64_t needed) const {
  if (out.length < needed) {
    range_error(prefix(name) + " needs " + std::to_string(needed) + " elements, has " + std::to_string(out.length));
  }
}

void Args::no_partial_overlap(const ViewLayout& L, int v, const char* name, const F32& in, const F32& out,
                              const char* outName) const {
  if (L.numel == 0 || in.data == nullptr || out.data == nullptr) return;
  const float* inLo = in.data + L.lo[v];
  const float* inHi = in.data + L.hi[v];
  const float* outLo = out.data;
  const float* outHi = out.data + (L.numel - 1);
  if (inHi < outLo || outHi < inLo) return;
  bool same = in.data + L.offset[v] == out.data;
  int64_t expected = 1;
  for (int d = L.ndim - 1; d >= 0 && same; --d) {
    if (L.shape[d] != 1 && L.strides[v][d] != expected) same = false;
    expected *= L.shape[d];
  }
  if (!same) {
    range_error(prefix(name) + " shares memory with '" + outName +
                "' but is not the same elements in the same order (in place needs the identical layout)");
  }
}

void Args::view_range(const ViewLayout& L, int v, int64_t* lo, int64_t* hi) const {
  *lo = L.lo[v];
  *hi = L.hi[v];
}

void Args::disjoint(const char* aName, const float* a, int64_t na, const char* bName, const float* b,
                    int64_t nb) const {
  if (na <= 0 || nb <= 0 || a == nullptr || b == nullptr) return;
  if (a + na <= b || b + nb <= a) return;
  range_error(prefix(aName) + " and '" + bName + "' share memory; they must not overlap");
}

void coalesce(const ViewLayout& L, int nviews, Strided* s) {
  int n = 0;
  for (int d = 0; d < L.ndim; ++d) {
    if (L.shape[d] == 1) continue;
    bool merge = n > 0;
    for (int v = 0; v < nviews && merge; ++v) merge = s->stride[v][n - 1] == L.strides[v][d] * L.shape[d];
    if (merge) {
      s->shape[n - 1] *= L.shape[d];
      for (int v = 0; v < nviews; ++v) s->stride[v][n - 1] = L.strides[v][d];
    } else {
      s->shape[n] = L.shape[d];
      for (int v = 0; v < nviews; ++v) s->stride[v][n] = L.strides[v][d];
      ++n;
    }
  }
  if (n == 0) {
    s->shape[0] = 1;
    for (int v = 0; v < nviews; ++v) s->stride[v][0] = 0;
    n = 1;
  }
  s->ndim = n;
}

}  // namespace nabla
