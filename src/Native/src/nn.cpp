// The functional operations of a CNN: convolution, normalisation, pooling, activations that
// need arguments, resizing, padding and losses.
#include "common.h"

using namespace camloss;

namespace {
at::IntArrayRef pair(const int64_t* values) { return int_list(values, 2); }

/// Reduction codes: 0 none, 1 mean, 2 sum (as at::Reduction), 3 batchmean (sum / batch size).
at::Tensor apply_reduction(const at::Tensor& per_element, int32_t reduction) {
  switch (reduction) {
    case 0: return per_element;
    case 1: return per_element.mean();
    case 2: return per_element.sum();
    case 3: return per_element.sum() / per_element.size(0);
    default: throw InvalidArgument("unknown reduction " + std::to_string(reduction));
  }
}

int64_t aten_reduction(int32_t reduction) {
  if (reduction < 0 || reduction > 2) {
    throw InvalidArgument("reduction must be none, mean or sum for this loss");
  }
  return reduction;
}
}  // namespace

CAMLOSS_EXPORT camloss_conv2d(TensorHandle x, TensorHandle weight, TensorHandle bias,
                              const int64_t* stride, const int64_t* padding, const int64_t* dilation,
                              int64_t groups, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::conv2d(unwrap(x), unwrap(weight), unwrap_optional(bias), pair(stride),
                                        pair(padding), pair(dilation), groups));
  });
}

CAMLOSS_EXPORT camloss_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias,
                                  TensorHandle running_mean, TensorHandle running_var, int32_t training,
                                  double momentum, double eps, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::batch_norm(unwrap(x), unwrap_optional(weight), unwrap_optional(bias),
                                            unwrap_optional(running_mean), unwrap_optional(running_var),
                                            training != 0, momentum, eps, /*cudnn_enabled=*/true));
  });
}

CAMLOSS_EXPORT camloss_linear(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::linear(unwrap(x), unwrap(weight), unwrap_optional(bias))); });
}

CAMLOSS_EXPORT camloss_softmax(TensorHandle x, int64_t dim, int32_t log, TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    *checked_out(out) = wrap(log ? at::log_softmax(t, dim) : at::softmax(t, dim));
  });
}

CAMLOSS_EXPORT camloss_leaky_relu(TensorHandle x, double slope, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::leaky_relu(unwrap(x), slope)); });
}

CAMLOSS_EXPORT camloss_relu_(TensorHandle x) {
  return guard([&] {
    at::Tensor t = unwrap(x);
    t.relu_();
  });
}

CAMLOSS_EXPORT camloss_dropout(TensorHandle x, double p, int32_t training, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(at::dropout(unwrap(x), p, training != 0)); });
}

CAMLOSS_EXPORT camloss_max_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                  const int64_t* padding, const int64_t* dilation, int32_t ceil_mode,
                                  TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::max_pool2d(unwrap(x), pair(kernel), pair(stride), pair(padding),
                                            pair(dilation), ceil_mode != 0));
  });
}

CAMLOSS_EXPORT camloss_avg_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                  const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad,
                                  TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::avg_pool2d(unwrap(x), pair(kernel), pair(stride), pair(padding),
                                            ceil_mode != 0, count_include_pad != 0));
  });
}

/// kind 0: adaptive average pooling; kind 1: adaptive max pooling (values only).
CAMLOSS_EXPORT camloss_adaptive_pool2d(int32_t kind, TensorHandle x, const int64_t* output_size,
                                       TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    if (kind == 0) *checked_out(out) = wrap(at::adaptive_avg_pool2d(t, pair(output_size)));
    else if (kind == 1) *checked_out(out) = wrap(std::get<0>(at::adaptive_max_pool2d(t, pair(output_size))));
    else throw InvalidArgument("unknown adaptive pooling kind " + std::to_string(kind));
  });
}

/// Bilinear resize of an [N, C, H, W] tensor; antialias as torchvision's resize (downsampling).
CAMLOSS_EXPORT camloss_interpolate_bilinear(TensorHandle x, const int64_t* size, int32_t align_corners,
                                            int32_t antialias, TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    *checked_out(out) = wrap(antialias ? at::_upsample_bilinear2d_aa(t, pair(size), align_corners != 0)
                                       : at::upsample_bilinear2d(t, pair(size), align_corners != 0));
  });
}

/// mode 0: constant (value); 1: reflect; 2: replicate. pads as in torch.nn.functional.pad:
/// (left, right, top, bottom, ...) from the last dimension backwards.
CAMLOSS_EXPORT camloss_pad(TensorHandle x, const int64_t* pads, int64_t count, int32_t mode, double value,
                           TensorHandle* out) {
  return guard([&] {
    const auto& t = unwrap(x);
    auto p = int_list(pads, count);
    at::Tensor result;
    if (mode == 0) result = at::constant_pad_nd(t, p, value);
    else if (mode == 1 && count == 4) result = at::reflection_pad2d(t, p);
    else if (mode == 1 && count == 2) result = at::reflection_pad1d(t, p);
    else if (mode == 2 && count == 4) result = at::replication_pad2d(t, p);
    else if (mode == 2 && count == 2) result = at::replication_pad1d(t, p);
    else throw InvalidArgument("reflect and replicate padding take 2 or 4 pad values");
    *checked_out(out) = wrap(std::move(result));
  });
}

/// Class-index targets (int64 [N]) or probability targets (same shape as the logits).
CAMLOSS_EXPORT camloss_cross_entropy(TensorHandle logits, TensorHandle target, TensorHandle weight,
                                     int32_t reduction, int64_t ignore_index, double label_smoothing,
                                     TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::cross_entropy_loss(unwrap(logits), unwrap(target), unwrap_optional(weight),
                                                    aten_reduction(reduction), ignore_index, label_smoothing));
  });
}

CAMLOSS_EXPORT camloss_nll_loss(TensorHandle log_probs, TensorHandle target, TensorHandle weight,
                                int32_t reduction, int64_t ignore_index, TensorHandle* out) {
  return guard([&] {
    *checked_out(out) = wrap(at::nll_loss_nd(unwrap(log_probs), unwrap(target), unwrap_optional(weight),
                                             aten_reduction(reduction), ignore_index));
  });
}

/// KL(target || input) with input given as log-probabilities, as torch.nn.functional.kl_div.
CAMLOSS_EXPORT camloss_kl_div(TensorHandle log_input, TensorHandle target, int32_t reduction,
                              int32_t log_target, TensorHandle* out) {
  return guard([&] {
    auto per_element = at::kl_div(unwrap(log_input), unwrap(target), at::Reduction::None, log_target != 0);
    *checked_out(out) = wrap(apply_reduction(per_element, reduction));
  });
}

/// kind 0: l1 (absolute difference); kind 1: mse (squared difference).
CAMLOSS_EXPORT camloss_distance_loss(int32_t kind, TensorHandle input, TensorHandle target,
                                     int32_t reduction, TensorHandle* out) {
  return guard([&] {
    const auto& a = unwrap(input);
    const auto& b = unwrap(target);
    at::Tensor result;
    if (kind == 0) result = at::l1_loss(a, b, aten_reduction(reduction));
    else if (kind == 1) result = at::mse_loss(a, b, aten_reduction(reduction));
    else throw InvalidArgument("unknown distance loss " + std::to_string(kind));
    *checked_out(out) = wrap(std::move(result));
  });
}
