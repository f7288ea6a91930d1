"""Writes Fixtures/losses.json: PyTorch reference values and gradients for the loss tests.

An independent implementation of METHOD.md sections 1-4 (not a port of the C# code): maps by
einsum and broadcasting, per-sample loops where that is clearer. Inputs are drawn in float32 and
stored exactly; the expected values are computed in float64 from them, so the C# tests (float32)
are compared against the exact answer.

Run with Debian's python3-torch (libtorch 1.13, the same as the shim):
    /usr/bin/python3 tests/Microsoft.ML.CamLoss.Tests/Reference/generate_loss_fixtures.py
The output is committed so CI needs no Python.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "losses.json")
EPS_REL = 1e-8     # relative epsilon of the min-max normalisation
EPS_ABS = 1e-12    # absolute term of its denominator
ICASC_EPS = 1e-8   # floor of ICASC's denominators


def t(x, digits=9):
    """A tensor as {shape, dtype, data}; floats rounded to `digits` significant digits (float32 round-trips at 9)."""
    x = x.detach()
    if x.dtype.is_floating_point:
        data = [float(f"{v:.{digits}g}") for v in x.flatten().tolist()]
        dtype = "float32"
    else:
        data = x.flatten().tolist()
        dtype = str(x.dtype).replace("torch.", "")
    return {"shape": list(x.shape), "dtype": dtype, "data": data}


def scalar(x):
    return float(x.detach().item())


def f64(x, grad=False):
    """A float64 copy of a float32 input, optionally a leaf that requires grad."""
    return x.detach().double().requires_grad_(grad)


# ---- METHOD.md section 1 --------------------------------------------------------------------
def cam(feats, weight, classes):
    """CAM_c(x, y) = sum_k W[c, k] F_k(x, y) for c = classes[b]: [B, H, W]."""
    return torch.einsum("bk,bkhw->bhw", weight[classes], feats)


def caam(feats):
    return feats.sum(dim=1)


def normalise(m):
    """Per-sample min-max over H x W; the denominator carries a relative and an absolute epsilon."""
    lo = torch.amin(m, dim=(-2, -1), keepdim=True)
    hi = torch.amax(m, dim=(-2, -1), keepdim=True)
    return (m - lo) / (hi - lo + EPS_REL * (hi.abs() + lo.abs()) + EPS_ABS)


def distance(a, b, kind):
    d = (a - b).abs() if kind == "l1" else (a - b) ** 2
    return d.mean(dim=(-2, -1))  # (1/HW) sum over pixels, per sample


def head(feats, weight, bias):
    return feats.mean(dim=(2, 3)) @ weight.t() + bias


# ---- section 2: CAM-loss ----------------------------------------------------------------------
def cam_term(feats, weight, classes, kind):
    """Per-sample (1/HW) sum |N(CAAM) - N(CAM_y)| with W detached (Algorithm 1)."""
    return distance(normalise(caam(feats)), normalise(cam(feats, weight.detach(), classes)), kind)


def cam_loss_case(seed, batch, channels, height, width, classes, kinds, alpha, special=False):
    g = torch.Generator().manual_seed(seed)
    feats = torch.randn(batch, channels, height, width, generator=g).relu()
    if special:
        feats[0] = 0                                                     # dead sample: all maps zero
        feats[1] = torch.rand(channels, 1, 1, generator=g).expand(channels, height, width)   # constant maps
        feats[1, 0] = 0
    weight = torch.randn(classes, channels, generator=g)                 # negative weights included
    bias = torch.randn(classes, generator=g) * 0.1
    labels = torch.randint(0, classes, (batch,), generator=g)
    case = {"inputs": {"features": t(feats), "weight": t(weight), "bias": t(bias), "labels": t(labels)}, "alpha": alpha}
    for kind in kinds:
        fd, wd, bd = f64(feats, True), f64(weight, True), f64(bias, True)
        logits = head(fd, wd, bd)
        ce = F.cross_entropy(logits, labels)
        lcam = cam_term(fd, wd, labels, kind).mean()
        total = ce + alpha * lcam
        total.backward()
        case[kind] = {"total": scalar(total), "ce": scalar(ce), "cam": scalar(lcam),
                      "grad_features": t(fd.grad), "grad_weight": t(wd.grad), "grad_bias": t(bd.grad)}
    return case


def maps_case():
    g = torch.Generator().manual_seed(11)
    feats = torch.randn(3, 4, 3, 5, generator=g)
    weight = torch.randn(6, 4, generator=g)
    labels = torch.tensor([5, 0, 2])
    maps = torch.randn(4, 3, 5, generator=g) * 3
    maps[1] = 0
    maps[2] = 2.5
    fd, wd = f64(feats), f64(weight)
    return {"inputs": {"features": t(feats), "weight": t(weight), "labels": t(labels), "maps": t(maps)},
            "cam": t(cam(fd, wd, labels)), "caam": t(caam(fd)), "normalised": t(normalise(f64(maps)))}


def mixed_case():
    g = torch.Generator().manual_seed(21)
    batch, channels, height, width, classes, alpha = 16, 4, 3, 3, 6, 2.0
    feats = torch.randn(batch, channels, height, width, generator=g).relu()
    weight = torch.randn(classes, channels, generator=g)
    bias = torch.randn(classes, generator=g) * 0.1
    first = torch.randint(0, classes, (batch,), generator=g)
    second = torch.randint(0, classes, (batch,), generator=g)
    lam = torch.rand(batch, generator=g)
    case = {"inputs": {"features": t(feats), "weight": t(weight), "bias": t(bias), "first": t(first),
                       "second": t(second), "lambda": t(lam)}, "alpha": alpha}
    for kind in ("l1", "l2"):
        fd, wd, bd, ld = f64(feats, True), f64(weight, True), f64(bias, True), f64(lam)
        logits = head(fd, wd, bd)
        soft = ld[:, None] * F.one_hot(first, classes).double() + (1 - ld[:, None]) * F.one_hot(second, classes).double()
        ce = -(soft * F.log_softmax(logits, dim=1)).sum(dim=1).mean()
        lcam = (ld * cam_term(fd, wd, first, kind) + (1 - ld) * cam_term(fd, wd, second, kind)).mean()
        total = ce + alpha * lcam
        total.backward()
        case[kind] = {"total": scalar(total), "ce": scalar(ce), "cam": scalar(lcam),
                      "grad_features": t(fd.grad), "grad_weight": t(wd.grad), "grad_bias": t(bd.grad)}
    return case


# ---- section 3: distillation ------------------------------------------------------------------
def teacher_map(t_feats, t_weight, labels, size):
    with torch.no_grad():
        m = cam(t_feats, t_weight, labels)
        if m.shape[-2:] != size:
            m = F.interpolate(m[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
        return normalise(m)


def kd_term(zs, zt, tau):
    return F.kl_div(F.log_softmax(zs / tau, dim=1), F.softmax(zt.detach() / tau, dim=1), reduction="batchmean") * tau * tau


def distillation_case(seed, teacher_size):
    g = torch.Generator().manual_seed(seed)
    batch, ks, kt, classes, tau, beta = 16, 4, 6, 10, 4.0, 0.5
    s_feats = torch.randn(batch, ks, 4, 4, generator=g).relu()
    s_weight = torch.randn(classes, ks, generator=g)
    s_bias = torch.randn(classes, generator=g) * 0.1
    t_feats = torch.randn(batch, kt, teacher_size, teacher_size, generator=g).relu() * 1.5
    t_feats[3] = 0                                                       # constant teacher map
    t_weight = torch.randn(classes, kt, generator=g)
    t_bias = torch.randn(classes, generator=g) * 0.1
    labels = torch.randint(0, classes, (batch,), generator=g)
    case = {"inputs": {"student_features": t(s_feats), "student_weight": t(s_weight), "student_bias": t(s_bias),
                       "teacher_features": t(t_feats), "teacher_weight": t(t_weight), "teacher_bias": t(t_bias),
                       "labels": t(labels)}, "temperature": tau, "beta": beta}
    for method, gamma, kind in (("kd", 0.0, None), ("at", 10.0, "l2"), ("ccm", 1.0, "l1")):
        fd, wd, bd = f64(s_feats, True), f64(s_weight, True), f64(s_bias, True)
        tf, tw, tb = f64(t_feats), f64(t_weight), f64(t_bias)
        zs = head(fd, wd, bd)
        with torch.no_grad():
            zt = head(tf, tw, tb)
        ce = F.cross_entropy(zs, labels)
        kd = kd_term(zs, zt, tau)
        total = beta * ce + (1 - beta) * kd
        out = {}
        if method != "kd":
            target = teacher_map(tf, tw, labels, (4, 4))
            student = cam(fd, wd.detach(), labels) if method == "at" else caam(fd)   # AT: student W detached (default)
            transfer = distance(normalise(student), target, kind).mean()
            total = total + gamma * transfer
            out["transfer"] = scalar(transfer)
        total.backward()
        out.update({"total": scalar(total), "ce": scalar(ce), "kd": scalar(kd), "gamma": gamma,
                    "grad_features": t(fd.grad), "grad_weight": t(wd.grad), "grad_bias": t(bd.grad)})
        case[method] = out
    return case


# ---- section 4: ICASC -------------------------------------------------------------------------
def attention(logits, feats, classes, kind):
    """Seed 1 on each sample's own target logit; weights are constants (create_graph False)."""
    target = logits.gather(1, classes[:, None]).sum()
    grads = torch.autograd.grad(target, feats, retain_graph=True)
    maps = []
    for f, gr in zip(feats, grads):
        w = (gr.clamp(min=0) if kind == "channel_weighted" else gr).mean(dim=(2, 3))
        maps.append(torch.relu((w[:, :, None, None] * f).sum(dim=1)))
    return maps


def icasc_forward(f_inner, conv_w, weight, bias):
    f_last = torch.relu(F.conv2d(f_inner, conv_w, stride=2, padding=1))
    return f_last, f_last.mean(dim=(2, 3)) @ weight.t() + bias


def icasc_case(seed, batch, kinds, sigma=0.55, omega=100.0, theta=0.8):
    g = torch.Generator().manual_seed(seed)
    k_inner, k_last, classes = 3, 4, 6
    f_inner = torch.randn(batch, k_inner, 6, 6, generator=g).relu()
    if batch > 1:
        f_inner[0] = 0                                                   # all attention zero for sample 0
    conv_w = torch.randn(k_last, k_inner, 3, 3, generator=g) * 0.5
    weight = torch.randn(classes, k_last, generator=g)
    bias = torch.randn(classes, generator=g) * 0.1
    labels = torch.randint(0, classes, (batch,), generator=g)
    case = {"inputs": {"inner": t(f_inner), "conv_weight": t(conv_w), "weight": t(weight), "bias": t(bias),
                       "labels": t(labels)}, "sigma": sigma, "omega": omega, "theta": theta}
    for kind in kinds:
        fi, cw, wd, bd = f64(f_inner, True), f64(conv_w, True), f64(weight, True), f64(bias, True)
        f_last, logits = icasc_forward(fi, cw, wd, bd)
        probs = F.softmax(logits.detach(), dim=1)
        probs[torch.arange(batch), labels] = -1
        confusing = probs.argmax(dim=1)
        ay_in, ay_last = attention(logits, [fi, f_last], labels, kind)
        ac_in, ac_last = attention(logits, [fi, f_last], confusing, kind)
        peak = torch.clamp(ay_last.flatten(1).max(dim=1).values, min=ICASC_EPS)[:, None, None]
        mask_last = torch.sigmoid(omega * (ay_last / peak - sigma))
        mask_in = F.interpolate(mask_last[:, None], size=ay_in.shape[-2:], mode="bilinear", align_corners=False)[:, 0]

        def separation(a, c, m):
            ratios = [2 * (torch.minimum(a[b], c[b]) * m[b]).sum() / torch.clamp((a[b] + c[b]).sum(), min=ICASC_EPS)
                      for b in range(a.shape[0])]
            return torch.stack(ratios).mean()

        as_in = separation(ay_in, ac_in, mask_in)
        as_last = separation(ay_last, ac_last, mask_last)
        ac = theta - torch.stack([(ay_in[b] * mask_in[b]).sum() / torch.clamp(ay_in[b].sum(), min=ICASC_EPS)
                                  for b in range(batch)]).mean()
        ce = F.cross_entropy(logits, labels)
        total = ce + as_in + as_last + ac
        total.backward()
        case[kind] = {"confusing": t(confusing), "attention_inner": t(ay_in), "attention_last": t(ay_last),
                      "confusing_inner": t(ac_in), "confusing_last": t(ac_last), "mask_last": t(mask_last),
                      "total": scalar(total), "ce": scalar(ce), "as_inner": scalar(as_in), "as_last": scalar(as_last),
                      "ac": scalar(ac), "grad_inner": t(fi.grad), "grad_conv_weight": t(cw.grad),
                      "grad_weight": t(wd.grad), "grad_bias": t(bd.grad)}
    return case


def main():
    fixture = {
        "generator": "generate_loss_fixtures.py, torch " + torch.__version__,
        "maps": maps_case(),
        "cam_loss_b1": cam_loss_case(1, 1, 4, 3, 3, 5, ("l1", "l2"), 3.0),
        "cam_loss_b64": cam_loss_case(2, 64, 4, 3, 4, 10, ("l1", "l2"), 3.0, special=True),
        "mixed": mixed_case(),
        "distillation_down": distillation_case(31, 6),    # teacher 6x6 -> student 4x4
        "distillation_up": distillation_case(32, 2),      # teacher 2x2 -> student 4x4
        "icasc_b64": icasc_case(41, 64, ("channel_weighted",)),
        "icasc_b1": icasc_case(42, 1, ("channel_weighted", "grad_cam")),
        "icasc_b8": icasc_case(43, 8, ("channel_weighted", "grad_cam")),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
