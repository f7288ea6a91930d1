// Per-thread intra-op parallelism, for data-loading worker threads: each worker runs its small
// tensor ops on one thread (as PyTorch's DataLoader workers call torch.set_num_threads(1)),
// without touching the process-wide setting the training thread uses.
#include "common.h"

using namespace camloss;

// libgomp's setter, resolved at load time from the OpenMP runtime libtorch links (weak: absent
// in a libtorch built without OpenMP, where ops already run on the calling thread's pool).
extern "C" void omp_set_num_threads(int) __attribute__((weak));

/// Sets the intra-op thread count of the calling thread only. libtorch's own setter writes a
/// process-wide default, so this first lets libtorch initialise the thread (at::get_num_threads
/// runs its lazy per-thread init), then changes the thread's OpenMP team size.
CAMLOSS_EXPORT camloss_set_current_thread_num_threads(int32_t threads, int32_t* applied) {
  return guard([&] {
    if (threads < 1) throw InvalidArgument("thread count must be at least 1");
    (void)at::get_num_threads();
    if (omp_set_num_threads != nullptr) omp_set_num_threads(threads);
    *checked_out(applied) = at::get_num_threads();
  });
}
