// Process-wide settings and facts: threads, seeds, devices and versions.
#include "common.h"

using namespace camloss;

CAMLOSS_EXPORT camloss_set_num_threads(int32_t threads) {
  return guard([&] {
    if (threads < 1) throw InvalidArgument("thread count must be at least 1");
    at::set_num_threads(threads);
  });
}

CAMLOSS_EXPORT camloss_get_num_threads(int32_t* threads) {
  return guard([&] { *checked_out(threads) = at::get_num_threads(); });
}

CAMLOSS_EXPORT camloss_cuda_device_count(int32_t* count) {
  return guard([&] {
    *checked_out(count) = torch::cuda::is_available() ? static_cast<int32_t>(torch::cuda::device_count()) : 0;
  });
}

CAMLOSS_EXPORT camloss_cuda_manual_seed_all(uint64_t seed) {
  return guard([&] { torch::cuda::manual_seed_all(seed); });
}

/// libtorch's version as "major.minor.patch" and OpenCV's version string.
CAMLOSS_EXPORT camloss_versions(const char** torch_version, const char** opencv_version) {
  static const std::string torch = std::to_string(TORCH_VERSION_MAJOR) + "." +
                                   std::to_string(TORCH_VERSION_MINOR) + "." +
                                   std::to_string(TORCH_VERSION_PATCH);
  return guard([&] {
    *checked_out(torch_version) = torch.c_str();
    *checked_out(opencv_version) = CV_VERSION;
  });
}

/// Deterministic algorithms (torch.use_deterministic_algorithms) and, on CUDA, deterministic
/// cuDNN without benchmarking: same inputs give bit-identical results run to run.
CAMLOSS_EXPORT camloss_set_deterministic(int32_t enabled) {
  return guard([&] {
    at::globalContext().setDeterministicAlgorithms(enabled != 0, /*warn_only=*/false);
    at::globalContext().setDeterministicCuDNN(enabled != 0);
    at::globalContext().setBenchmarkCuDNN(enabled == 0 && at::globalContext().benchmarkCuDNN());
  });
}
