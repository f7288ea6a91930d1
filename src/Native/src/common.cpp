// Handle conversions, the live-tensor counter and the thread-local last error.
#include "common.h"

#include <atomic>

namespace camloss {
namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};
}  // namespace

void set_last_error(const char* message) {
  try {
    last_error = message;
  } catch (...) {
  }
}

TensorHandle wrap(at::Tensor tensor) {
  if (!tensor.defined()) return nullptr;
  auto* handle = new at::Tensor(std::move(tensor));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return handle;
}

const at::Tensor& unwrap(TensorHandle handle) {
  if (handle == nullptr) throw InvalidArgument("tensor handle is null");
  return *handle;
}

c10::optional<at::Tensor> unwrap_optional(TensorHandle handle) {
  if (handle == nullptr) return c10::nullopt;
  return *handle;
}

std::vector<at::Tensor> unwrap_list(const TensorHandle* handles, int64_t count) {
  if (count < 0 || (count > 0 && handles == nullptr)) throw InvalidArgument("tensor list is null");
  std::vector<at::Tensor> tensors;
  tensors.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) tensors.push_back(unwrap(handles[i]));
  return tensors;
}

at::IntArrayRef int_list(const int64_t* values, int64_t count) {
  if (count < 0 || (count > 0 && values == nullptr)) throw InvalidArgument("int list is null");
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

at::Device make_device(int32_t type, int32_t index) {
  if (type == 0) return at::Device(at::kCPU);
  if (type == 1) {
    if (!torch::cuda::is_available()) {
      throw DeviceUnavailable(
          "a CUDA device was requested, but torch::cuda::is_available() is false: this libtorch "
          "build has no CUDA support or no GPU is visible. Use Device.Cpu, or rebuild the native "
          "shim against a CUDA build of libtorch (see README).");
    }
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw InvalidArgument("unknown device type " + std::to_string(type));
}

at::ScalarType make_dtype(int32_t code) {
  switch (static_cast<at::ScalarType>(code)) {
    case at::kByte: case at::kInt: case at::kLong: case at::kHalf: case at::kFloat:
    case at::kDouble: case at::kBool: case at::kBFloat16:
      return static_cast<at::ScalarType>(code);
    default:
      throw InvalidArgument("unsupported scalar type code " + std::to_string(code));
  }
}

at::TensorOptions make_options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(make_dtype(dtype)).device(make_device(device_type, device_index));
}

}  // namespace camloss

using namespace camloss;

CAMLOSS_EXPORT camloss_last_error(const char** message) {
  if (message != nullptr) *message = last_error.c_str();
  return kOk;
}

CAMLOSS_EXPORT camloss_live_tensor_count(int64_t* count) {
  return guard([&] { *checked_out(count) = live_tensors.load(std::memory_order_relaxed); });
}

CAMLOSS_EXPORT camloss_tensor_free(TensorHandle handle) {
  return guard([&] {
    if (handle == nullptr) return;
    delete handle;
    live_tensors.fetch_sub(1, std::memory_order_relaxed);
  });
}
