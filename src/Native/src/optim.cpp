// Optimiser updates for one parameter, written as PyTorch 1.13's single-tensor SGD and AdamW
// so that a step gives the same new weights. Run without autograd recording.
#include "common.h"

#include <cmath>

using namespace camloss;

/// SGD with momentum, dampening, Nesterov and (coupled) weight decay. *momentum_buffer may be
/// null on the first step; it is then created from the gradient and returned through it.
CAMLOSS_EXPORT camloss_sgd_update(TensorHandle param, TensorHandle* momentum_buffer, double lr,
                                  double momentum, double dampening, double weight_decay,
                                  int32_t nesterov, int32_t maximize) {
  return guard([&] {
    at::NoGradGuard no_grad;
    at::Tensor p = unwrap(param);
    const auto& grad = p.grad();
    if (!grad.defined()) return;
    at::Tensor d_p = maximize ? -grad : grad;
    if (weight_decay != 0) d_p = d_p.add(p, weight_decay);
    if (momentum != 0) {
      checked_out(momentum_buffer);
      at::Tensor buf;
      if (*momentum_buffer == nullptr) {
        buf = d_p.clone().detach();
        *momentum_buffer = wrap(buf);
      } else {
        buf = **momentum_buffer;
        buf.mul_(momentum).add_(d_p, 1 - dampening);
      }
      d_p = nesterov ? d_p.add(buf, momentum) : buf;
    }
    p.add_(d_p, -lr);
  });
}

/// AdamW (decoupled weight decay). step is the 1-based step count after this update.
/// max_exp_avg_sq is used only when amsgrad is set.
CAMLOSS_EXPORT camloss_adamw_update(TensorHandle param, TensorHandle exp_avg, TensorHandle exp_avg_sq,
                                    TensorHandle max_exp_avg_sq, int64_t step, double lr, double beta1,
                                    double beta2, double eps, double weight_decay, int32_t amsgrad,
                                    int32_t maximize) {
  return guard([&] {
    at::NoGradGuard no_grad;
    at::Tensor p = unwrap(param);
    const auto& raw_grad = p.grad();
    if (!raw_grad.defined()) return;
    at::Tensor grad = maximize ? -raw_grad : raw_grad;
    at::Tensor m = unwrap(exp_avg);
    at::Tensor v = unwrap(exp_avg_sq);
    p.mul_(1 - lr * weight_decay);
    m.mul_(beta1).add_(grad, 1 - beta1);
    v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
    double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, static_cast<double>(step)));
    at::Tensor denom;
    if (amsgrad) {
      at::Tensor v_max = unwrap(max_exp_avg_sq);
      at::maximum_out(v_max, v_max, v);
      denom = (v_max.sqrt() / bias_correction2_sqrt).add_(eps);
    } else {
      denom = (v.sqrt() / bias_correction2_sqrt).add_(eps);
    }
    p.addcdiv_(m, denom, -lr / bias_correction1);
  });
}
