// Autograd: requires-grad flags, backward, gradients, grad mode and autograd.grad.
#include "common.h"

using namespace camloss;

CAMLOSS_EXPORT camloss_tensor_requires_grad(TensorHandle x, int32_t* requires_grad) {
  return guard([&] { *checked_out(requires_grad) = unwrap(x).requires_grad() ? 1 : 0; });
}

CAMLOSS_EXPORT camloss_tensor_set_requires_grad(TensorHandle x, int32_t requires_grad) {
  return guard([&] {
    at::Tensor t = unwrap(x);
    t.requires_grad_(requires_grad != 0);
  });
}

CAMLOSS_EXPORT camloss_tensor_is_leaf(TensorHandle x, int32_t* is_leaf) {
  return guard([&] { *checked_out(is_leaf) = unwrap(x).is_leaf() ? 1 : 0; });
}

/// gradient may be null for a scalar output; retain_graph -1 means "same as create_graph".
CAMLOSS_EXPORT camloss_backward(TensorHandle x, TensorHandle gradient, int32_t retain_graph,
                                int32_t create_graph) {
  return guard([&] {
    c10::optional<bool> retain;
    if (retain_graph >= 0) retain = retain_graph != 0;
    unwrap(x).backward(gradient ? unwrap(gradient) : at::Tensor(), retain, create_graph != 0);
  });
}

/// The accumulated gradient, or null when none has been computed.
CAMLOSS_EXPORT camloss_tensor_grad(TensorHandle x, TensorHandle* grad) {
  return guard([&] { *checked_out(grad) = wrap(unwrap(x).grad()); });
}

/// Drops the accumulated gradient (PyTorch's zero_grad(set_to_none=True)).
CAMLOSS_EXPORT camloss_tensor_clear_grad(TensorHandle x) {
  return guard([&] {
    at::Tensor t = unwrap(x);
    t.mutable_grad().reset();
  });
}

CAMLOSS_EXPORT camloss_tensor_detach(TensorHandle x, TensorHandle* out) {
  return guard([&] { *checked_out(out) = wrap(unwrap(x).detach()); });
}

CAMLOSS_EXPORT camloss_grad_enabled(int32_t* enabled) {
  return guard([&] { *checked_out(enabled) = c10::GradMode::is_enabled() ? 1 : 0; });
}

CAMLOSS_EXPORT camloss_set_grad_enabled(int32_t enabled) {
  return guard([&] { c10::GradMode::set_enabled(enabled != 0); });
}

/// torch.autograd.grad: gradients of outputs w.r.t. inputs. grad_outputs may be null or hold
/// null entries (ones for scalar outputs). Writes input_count handles (null where unused).
CAMLOSS_EXPORT camloss_autograd_grad(const TensorHandle* outputs, int64_t output_count,
                                     const TensorHandle* inputs, int64_t input_count,
                                     const TensorHandle* grad_outputs, int32_t retain_graph,
                                     int32_t create_graph, int32_t allow_unused, TensorHandle* results) {
  return guard([&] {
    auto outs = unwrap_list(outputs, output_count);
    auto ins = unwrap_list(inputs, input_count);
    std::vector<at::Tensor> seeds;
    if (grad_outputs != nullptr) {
      for (int64_t i = 0; i < output_count; ++i)
        seeds.push_back(grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
    }
    c10::optional<bool> retain;
    if (retain_graph >= 0) retain = retain_graph != 0;
    auto grads = torch::autograd::grad(outs, ins, seeds, retain, create_graph != 0, allow_unused != 0);
    checked_out(results);
    for (int64_t i = 0; i < input_count; ++i) results[i] = wrap(grads[static_cast<size_t>(i)]);
  });
}

/// Replaces the data behind a tensor (keeping its identity and requires-grad flag), as PyTorch's
/// `param.data = new_data`; used to move module parameters between devices and dtypes.
CAMLOSS_EXPORT camloss_tensor_set_data(TensorHandle x, TensorHandle data) {
  return guard([&] {
    at::Tensor t = unwrap(x);
    t.set_data(unwrap(data));
  });
}
