// Element-wise arithmetic, comparisons and reductions. Families of ops share one export with
// an op code (mirrored by the managed UnaryOp, BinaryOp and ReduceOp enums).
#include "common.h"

#include <cmath>

using namespace camloss;

namespace {

/// A scalar as Python would write it: an integral value stays integral for an integral or bool
/// tensor (so `int64 + 1` stays int64, as `x + 1` in PyTorch), otherwise it is a double.
at::Scalar scalar_for(const at::Tensor& t, double value) {
  if (!at::isFloatingType(t.scalar_type()) && value == std::floor(value) && std::abs(value) < 9.0e15) {
    return at::Scalar(static_cast<int64_t>(value));
  }
  return at::Scalar(value);
}

at::Tensor unary(int32_t op, const at::Tensor& x) {
  switch (op) {
    case 0: return at::neg(x);
    case 1: return at::abs(x);
    case 2: return at::exp(x);
    case 3: return at::log(x);
    case 4: return at::sqrt(x);
    case 5: return at::rsqrt(x);
    case 6: return at::relu(x);
    case 7: return at::sigmoid(x);
    case 8: return at::tanh(x);
    case 9: return at::sign(x);
    case 10: return at::floor(x);
    case 11: return at::ceil(x);
    case 12: return at::round(x);
    case 13: return at::square(x);
    case 14: return at::reciprocal(x);
    case 15: return at::logical_not(x);
    case 16: return at::isnan(x);
    case 17: return at::isfinite(x);
    case 18: return at::log1p(x);
    case 19: return at::sin(x);
    case 20: return at::cos(x);
    default: throw InvalidArgument("unknown unary op " + std::to_string(op));
  }
}

at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::maximum(a, b);
    case 6: return at::minimum(a, b);
    case 7: return at::eq(a, b);
    case 8: return at::ne(a, b);
    case 9: return at::lt(a, b);
    case 10: return at::le(a, b);
    case 11: return at::gt(a, b);
    case 12: return at::ge(a, b);
    case 13: return at::logical_and(a, b);
    case 14: return at::logical_or(a, b);
    case 15: return at::matmul(a, b);
    case 16: return at::remainder(a, b);
    default: throw InvalidArgument("unknown binary op " + std::to_string(op));
  }
}

at::Tensor binary_scalar(int32_t op, const at::Tensor& a, const at::Scalar& s) {
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 5: return at::clamp_min(a, s);
    case 6: return at::clamp_max(a, s);
    case 7: return at::eq(a, s);
    case 8: return at::ne(a, s);
    case 9: return at::lt(a, s);
    case 10: return at::le(a, s);
    case 11: return at::gt(a, s);
    case 12: return at::ge(a, s);
    case 16: return at::remainder(a, s);
    case 100: return at::rsub(a, s);                        // s - a
    case 101: return at::mul(at::reciprocal(a), s);         // s / a
    default: throw InvalidArgument("unknown scalar op " + std::to_string(op));
  }
}

void binary_inplace(int32_t op, at::Tensor& a, const at::Tensor& b, double alpha) {
  switch (op) {
    case 0: a.add_(b, alpha); return;
    case 1: a.sub_(b, alpha); return;
    case 2: a.mul_(b); return;
    case 3: a.div_(b); return;
    case 50: a.copy_(b); return;
    default: throw InvalidArgument("unknown in-place op " + std::to_string(op));
  }
}

void scalar_inplace(int32_t op, at::Tensor& a, const at::Scalar& s) {
  switch (op) {
    case 0: a.add_(s); return;
    case 1: a.sub_(s); return;
    case 2: a.mul_(s); return;
    case 3: a.div_(s); return;
    case 51: a.fill_(s); return;
    default: throw InvalidArgument("unknown in-place scalar op " + std::to_string(op));
  }
}

at::Tensor reduce(int32_t op, const at::Tensor& x, at::IntArrayRef dims, bool keepdim) {
  bool all = dims.empty();
  switch (op) {
    case 0: return all ? at::sum(x) : at::sum(x, dims, keepdim);
    case 1: return all ? at::mean(x) : at::mean(x, dims, keepdim);
    case 2: return all ? at::amin(x) : at::amin(x, dims, keepdim);
    case 3: return all ? at::amax(x) : at::amax(x, dims, keepdim);
    case 4: return all ? at::prod(x) : at::prod(x, dims[0], keepdim);
    case 5: return all ? at::var(x) : at::var(x, dims, /*unbiased=*/true, keepdim);
    case 6: return all ? at::std(x) : at::std(x, dims, /*unbiased=*/true, keepdim);
    case 7: return all ? at::any(x) : at::any(x, dims[0], keepdim);
    case 8: return all ? at::all(x) : at::all(x, dims[0], keepdim);
    default: throw InvalidArgument("unknown reduction " + std::to_string(op));
  }
}

}  // namespace

CAMLOSS_EXPORT camloss_tensor_unary(int32_t op, TensorHandle x, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unary(op, unwrap(x))); });
}

CAMLOSS_EXPORT camloss_tensor_binary(int32_t op, TensorHandle a, TensorHandle b, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(binary(op, unwrap(a), unwrap(b))); });
}

CAMLOSS_EXPORT camloss_tensor_binary_scalar(int32_t op, TensorHandle a, double s, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(binary_scalar(op, unwrap(a), scalar_for(unwrap(a), s))); });
}

CAMLOSS_EXPORT camloss_tensor_binary_inplace(int32_t op, TensorHandle a, TensorHandle b, double alpha) {
  return guard([&] {
    at::Tensor target = unwrap(a);
    binary_inplace(op, target, unwrap(b), alpha);
  });
}

CAMLOSS_EXPORT camloss_tensor_scalar_inplace(int32_t op, TensorHandle a, double s) {
  return guard([&] {
    at::Tensor target = unwrap(a);
    scalar_inplace(op, target, scalar_for(target, s));
  });
}

/// a + alpha * b without an intermediate.
CAMLOSS_EXPORT camloss_tensor_add_scaled(TensorHandle a, TensorHandle b, double alpha, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::add(unwrap(a), unwrap(b), alpha)); });
}

CAMLOSS_EXPORT camloss_tensor_clamp(TensorHandle x, int32_t has_min, double min, int32_t has_max,
                                    double max, TensorHandle* out) {
  return guard([&] {
    c10::optional<at::Scalar> lo, hi;
    if (has_min) lo = min;
    if (has_max) hi = max;
    *checked_out(out) = wrap(at::clamp(unwrap(x), lo, hi));
  });
}

CAMLOSS_EXPORT camloss_tensor_where(TensorHandle condition, TensorHandle a, TensorHandle b, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::where(unwrap(condition), unwrap(a), unwrap(b))); });
}

/// ndim 0 reduces over every dimension.
CAMLOSS_EXPORT camloss_tensor_reduce(int32_t op, TensorHandle x, const int64_t* dims, int64_t ndim,
                                     int32_t keepdim, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(reduce(op, unwrap(x), int_list(dims, ndim), keepdim != 0)); });
}

/// has_dim 0 gives the index into the flattened tensor.
CAMLOSS_EXPORT camloss_tensor_argmax(TensorHandle x, int32_t has_dim, int64_t dim, int32_t keepdim,
                                     TensorHandle* out) {
  return guard([&] {
    c10::optional<int64_t> d;
    if (has_dim) d = dim;
    *checked_out(out) = wrap(at::argmax(unwrap(x), d, keepdim != 0));
  });
}

CAMLOSS_EXPORT camloss_tensor_topk(TensorHandle x, int64_t k, int64_t dim, int32_t largest,
                                   int32_t sorted, TensorHandle* values, TensorHandle* indices) {
  return guard([&] {
    auto result = at::topk(unwrap(x), k, dim, largest != 0, sorted != 0);
    checked_out(values);
    checked_out(indices);
    *values = wrap(std::get<0>(result));
    *indices = wrap(std::get<1>(result));
  });
}

CAMLOSS_EXPORT camloss_tensor_allclose(TensorHandle a, TensorHandle b, double rtol, double atol,
                                       int32_t* result) {
  return guard([&] { *checked_out(result) = at::allclose(unwrap(a), unwrap(b), rtol, atol) ? 1 : 0; });
}
