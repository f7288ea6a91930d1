// Tensor creation, properties and copies between libtorch and managed memory.
#include "common.h"

#include <cstring>

using namespace camloss;

namespace {
/// at:: factories ignore TensorOptions::requires_grad, so the flag is set afterwards.
TensorHandle wrap_leaf(at::Tensor t, int32_t requires_grad) {
  if (requires_grad) t.requires_grad_(true);
  return wrap(std::move(t));
}
}  // namespace

CAMLOSS_EXPORT camloss_tensor_dim(TensorHandle x, int64_t* dim) {
  return guard([&] { *checked_out(dim) = unwrap(x).dim(); });
}

CAMLOSS_EXPORT camloss_tensor_sizes(TensorHandle x, int64_t* sizes, int64_t capacity) {
  return guard([&] {
    const auto& t = unwrap(x);
    if (capacity < t.dim()) throw InvalidArgument("sizes buffer too small");
    for (int64_t i = 0; i < t.dim(); ++i) checked_out(sizes)[i] = t.size(i);
  });
}

CAMLOSS_EXPORT camloss_tensor_strides(TensorHandle x, int64_t* strides, int64_t capacity) {
  return guard([&] {
    const auto& t = unwrap(x);
    if (capacity < t.dim()) throw InvalidArgument("strides buffer too small");
    for (int64_t i = 0; i < t.dim(); ++i) checked_out(strides)[i] = t.stride(i);
  });
}

CAMLOSS_EXPORT camloss_tensor_numel(TensorHandle x, int64_t* numel) {
  return guard([&] { *checked_out(numel) = unwrap(x).numel(); });
}

CAMLOSS_EXPORT camloss_tensor_dtype(TensorHandle x, int32_t* dtype) {
  return guard([&] { *checked_out(dtype) = static_cast<int32_t>(unwrap(x).scalar_type()); });
}

CAMLOSS_EXPORT camloss_tensor_device(TensorHandle x, int32_t* type, int32_t* index) {
  return guard([&] {
    auto device = unwrap(x).device();
    *checked_out(type) = device.is_cuda() ? 1 : 0;
    *checked_out(index) = device.has_index() ? device.index() : -1;
  });
}

CAMLOSS_EXPORT camloss_tensor_is_contiguous(TensorHandle x, int32_t* contiguous) {
  return guard([&] { *checked_out(contiguous) = unwrap(x).is_contiguous() ? 1 : 0; });
}

CAMLOSS_EXPORT camloss_tensor_empty(const int64_t* shape, int64_t ndim, int32_t dtype,
                                    int32_t device_type, int32_t device_index,
                                    int32_t requires_grad, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap_leaf(at::empty(int_list(shape, ndim), make_options(dtype, device_type, device_index)),
                                  requires_grad);
  });
}

CAMLOSS_EXPORT camloss_tensor_full(const int64_t* shape, int64_t ndim, double value, int32_t dtype,
                                   int32_t device_type, int32_t device_index,
                                   int32_t requires_grad, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap_leaf(at::full(int_list(shape, ndim), value, make_options(dtype, device_type, device_index)),
                                  requires_grad);
  });
}

CAMLOSS_EXPORT camloss_tensor_arange(double start, double end, double step, int32_t dtype,
                                     int32_t device_type, int32_t device_index, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) =
        wrap(at::arange(start, end, step, make_options(dtype, device_type, device_index)));
  });
}

/// kind 0: uniform [0, 1) (rand); kind 1: standard normal (randn).
CAMLOSS_EXPORT camloss_tensor_random(int32_t kind, const int64_t* shape, int64_t ndim, int32_t dtype,
                                     int32_t device_type, int32_t device_index,
                                     int32_t requires_grad, TensorHandle* out) {
  return guard([&] {
    auto options = make_options(dtype, device_type, device_index);
    auto sizes = int_list(shape, ndim);
    at::Tensor t;
    if (kind == 0) t = at::rand(sizes, options);
    else if (kind == 1) t = at::randn(sizes, options);
    else throw InvalidArgument("unknown random kind " + std::to_string(kind));
    *checked_out(out) = wrap_leaf(std::move(t), requires_grad);
  });
}

CAMLOSS_EXPORT camloss_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim,
                                      int32_t dtype, int32_t device_type, int32_t device_index,
                                      TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::randint(low, high, int_list(shape, ndim),
                                         make_options(dtype, device_type, device_index)));
  });
}

CAMLOSS_EXPORT camloss_tensor_randperm(int64_t n, int32_t device_type, int32_t device_index,
                                       TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::randperm(n, make_options(static_cast<int32_t>(at::kLong), device_type, device_index)));
  });
}

CAMLOSS_EXPORT camloss_manual_seed(uint64_t seed) {
  return guard([&] { at::manual_seed(seed); });
}

/// Copies byte_count bytes of managed memory into a new CPU tensor of the given shape and dtype.
CAMLOSS_EXPORT camloss_tensor_from_data(const void* data, int64_t byte_count, const int64_t* shape,
                                        int64_t ndim, int32_t dtype, TensorHandle* out) {
  return guard([&] {
    auto t = at::empty(int_list(shape, ndim), at::TensorOptions().dtype(make_dtype(dtype)));
    auto expected = static_cast<int64_t>(t.nbytes());
    if (byte_count != expected) {
      throw InvalidArgument("data holds " + std::to_string(byte_count) + " bytes but shape " +
                            c10::str(t.sizes()) + " of " + c10::toString(t.scalar_type()) +
                            " needs " + std::to_string(expected));
    }
    if (expected > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(expected));
    *checked_out(out) = wrap(std::move(t));
  });
}

/// Copies the tensor's elements (any device or layout, same dtype) into managed memory.
CAMLOSS_EXPORT camloss_tensor_copy_to(TensorHandle x, void* data, int64_t byte_count) {
  return guard([&] {
    auto t = unwrap(x).detach().to(at::kCPU).contiguous();
    auto expected = static_cast<int64_t>(t.nbytes());
    if (byte_count != expected) {
      throw InvalidArgument("destination holds " + std::to_string(byte_count) +
                            " bytes but the tensor has " + std::to_string(expected));
    }
    if (expected > 0) std::memcpy(data, t.data_ptr(), static_cast<size_t>(expected));
  });
}

CAMLOSS_EXPORT camloss_tensor_item_double(TensorHandle x, double* value) {
  return guard([&] { *checked_out(value) = unwrap(x).item<double>(); });
}

CAMLOSS_EXPORT camloss_tensor_item_int64(TensorHandle x, int64_t* value) {
  return guard([&] { *checked_out(value) = unwrap(x).item<int64_t>(); });
}

/// dtype -1 keeps the dtype; device_type -1 keeps the device.
CAMLOSS_EXPORT camloss_tensor_to(TensorHandle x, int32_t dtype, int32_t device_type,
                                 int32_t device_index, int32_t non_blocking, TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    auto target_dtype = dtype < 0 ? t.scalar_type() : make_dtype(dtype);
    auto target_device = device_type < 0 ? t.device() : make_device(device_type, device_index);
    *checked_out(out) = wrap(t.to(target_device, target_dtype, non_blocking != 0));
  });
}

CAMLOSS_EXPORT camloss_tensor_pin_memory(TensorHandle x, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).pin_memory()); });
}

CAMLOSS_EXPORT camloss_tensor_clone(TensorHandle x, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).clone()); });
}

/// A printable summary with libtorch's formatting; the string lives until the next call on
/// this thread.
CAMLOSS_EXPORT camloss_tensor_to_string(TensorHandle x, const char** text) {
  static thread_local std::string buffer;
  return guard([&] {
    std::ostringstream stream;
    stream << unwrap(x);
    buffer = stream.str();
    *checked_out(text) = buffer.c_str();
  });
}

/// In-place fills from libtorch's seeded generator: kind 0 uniform_(a, b); kind 1 normal_(a = mean, b = std).
CAMLOSS_EXPORT camloss_tensor_random_(int32_t kind, TensorHandle x, double a, double b) {
  return guard([&] {
    at::NoGradGuard no_grad;
    at::Tensor t = unwrap(x);
    if (kind == 0) t.uniform_(a, b);
    else if (kind == 1) t.normal_(a, b);
    else throw InvalidArgument("unknown random fill kind " + std::to_string(kind));
  });
}
