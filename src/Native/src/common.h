// Shared plumbing of the shim: the export macro, status codes, the exception guard and the
// conversions between opaque handles and libtorch values. Every export returns a status and
// writes results through out-parameters; no C++ exception ever leaves an export.
#pragma once
#include "pch.h"

#define CAMLOSS_EXPORT extern "C" __attribute__((visibility("default"))) int32_t

namespace camloss {

/// Status codes; mirrored by NativeStatusCode in the managed binding.
enum Status : int32_t {
  kOk = 0,
  kTorchError = 1,        // c10::Error (shape, dtype, backend ... errors)
  kIndexError = 2,        // c10::IndexError
  kValueError = 3,        // c10::ValueError
  kTypeError = 4,         // c10::TypeError
  kNotImplemented = 5,    // c10::NotImplementedError
  kOutOfMemory = 6,       // c10::OutOfMemoryError or std::bad_alloc
  kDeviceUnavailable = 7, // a CUDA device was requested where none can be used
  kInvalidArgument = 8,   // the shim's own argument checks
  kStdError = 9,          // any other std::exception
  kUnknown = 10,          // anything else
};

/// Raised by the shim when a device cannot be used.
struct DeviceUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Raised by the shim's own argument checks (null handle, bad count ...).
struct InvalidArgument : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

void set_last_error(const char* message);

/// Runs body, translating every exception into a status and a thread-local message.
template <class Body>
int32_t guard(Body&& body) noexcept {
  try {
    body();
    return kOk;
  } catch (const c10::IndexError& e) {
    set_last_error(e.what_without_backtrace());
    return kIndexError;
  } catch (const c10::ValueError& e) {
    set_last_error(e.what_without_backtrace());
    return kValueError;
  } catch (const c10::TypeError& e) {
    set_last_error(e.what_without_backtrace());
    return kTypeError;
  } catch (const c10::NotImplementedError& e) {
    set_last_error(e.what_without_backtrace());
    return kNotImplemented;
  } catch (const c10::OutOfMemoryError& e) {
    set_last_error(e.what_without_backtrace());
    return kOutOfMemory;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
    return kTorchError;
  } catch (const DeviceUnavailable& e) {
    set_last_error(e.what());
    return kDeviceUnavailable;
  } catch (const InvalidArgument& e) {
    set_last_error(e.what());
    return kInvalidArgument;
  } catch (const std::bad_alloc& e) {
    set_last_error("out of memory (std::bad_alloc)");
    return kOutOfMemory;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return kStdError;
  } catch (...) {
    set_last_error("unknown native exception");
    return kUnknown;
  }
}

/// Opaque handle given to managed code: a heap-allocated at::Tensor (shares the storage).
using TensorHandle = at::Tensor*;

/// Moves a tensor to the heap and counts it as live; an undefined tensor becomes null.
TensorHandle wrap(at::Tensor tensor);
/// The tensor behind a handle; throws InvalidArgument on null.
const at::Tensor& unwrap(TensorHandle handle);
/// The tensor behind a handle that may be null (an optional argument).
c10::optional<at::Tensor> unwrap_optional(TensorHandle handle);
/// Tensors behind an array of handles.
std::vector<at::Tensor> unwrap_list(const TensorHandle* handles, int64_t count);
/// An int64 array from managed code as a size list.
at::IntArrayRef int_list(const int64_t* values, int64_t count);
/// A libtorch device from (type, index); type 0 = CPU, 1 = CUDA. Checks that CUDA is usable.
at::Device make_device(int32_t type, int32_t index);
/// A libtorch dtype from its ScalarType code; rejects codes the binding does not support.
at::ScalarType make_dtype(int32_t code);
/// Tensor options for creation functions.
at::TensorOptions make_options(int32_t dtype, int32_t device_type, int32_t device_index);
/// Throws InvalidArgument when an out-parameter is null.
template <class T>
T* checked_out(T* out) {
  if (out == nullptr) throw InvalidArgument("out-parameter is null");
  return out;
}

}  // namespace camloss
