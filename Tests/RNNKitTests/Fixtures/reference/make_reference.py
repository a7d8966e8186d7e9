"""Writes the reference files the RNNKit tests read, next to this script:

- torch_reference.safetensors: PyTorch's own float32 results for the optimizers, gradient
  clipping and losses, which the tests compare against bit for bit (or within an ulp or two);
- dtypes.safetensors: one small tensor of each dtype RNNKit reads, written by the safetensors
  library itself;
- state_dict.safetensors: the state_dict of a small PyTorch language model (Embedding, 2-layer
  LSTM, Linear), saved with safetensors.torch.save_file.

Run with a PyTorch venv:  python make_reference.py   (writes next to this file)

Every optimizer case updates two parameters, p0 (7, 9) and p1 (40,), from known gradients for
three steps on the CPU with PyTorch's default (single-tensor, for-loop) implementation; the
file holds the initial values, each step's gradients and the values after each step.
"""
import os
import torch
from safetensors.torch import save_file

torch.manual_seed(20240611)
STEPS = 3
CASES = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adam_l2": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01),
    "adamw_strong": lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.5),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_full": lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05,
                                                  momentum=0.7, centered=True),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1),
    "adagrad_full": lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.1, weight_decay=0.05,
                                                  initial_accumulator_value=0.1),
}
SHAPES = {"p0": (7, 9), "p1": (40,)}

out = {}
for case, make in CASES.items():
    params = {k: torch.nn.Parameter(torch.randn(*s)) for k, s in SHAPES.items()}
    for k, p in params.items():
        out[f"{case}.init.{k}"] = p.detach().clone()
    opt = make(list(params.values()))
    for s in range(STEPS):
        for k, p in params.items():
            p.grad = torch.randn_like(p) * (0.5 + s)
            out[f"{case}.grad{s}.{k}"] = p.grad.clone()
        opt.step()
        for k, p in params.items():
            out[f"{case}.step{s}.{k}"] = p.detach().clone()

# clip_grad_norm_: one clipping and one report-only case, same gradients.
for case, max_norm in [("clip", 1.5), ("clip_none", 1000.0)]:
    params = {k: torch.nn.Parameter(torch.zeros(*s)) for k, s in SHAPES.items()}
    for k, p in params.items():
        p.grad = torch.randn_like(p) * 0.7
        out[f"{case}.grad.{k}"] = p.grad.clone()
    total = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)
    out[f"{case}.total_norm"] = total.reshape(1).clone()
    for k, p in params.items():
        out[f"{case}.clipped.{k}"] = p.grad.clone()

# Losses.
logits = torch.randn(6, 37) * 3
targets = torch.tensor([3, -100, 36, 0, 17, -100])
x = logits.clone().requires_grad_()
loss = torch.nn.functional.cross_entropy(x, targets, ignore_index=-100)
loss.backward()
out["ce.logits"], out["ce.targets"] = logits, targets
out["ce.loss"], out["ce.grad"] = loss.detach().reshape(1), x.grad
out["ce.log_softmax"] = torch.log_softmax(logits, dim=1)

pred, target = torch.randn(5, 7), torch.randn(5, 7)
p = pred.clone().requires_grad_()
loss = torch.nn.functional.mse_loss(p, target)
loss.backward()
out["mse.prediction"], out["mse.target"] = pred, target
out["mse.loss"], out["mse.grad"] = loss.detach().reshape(1), p.grad

meta = {"torch": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "steps": str(STEPS), "cases": ",".join(CASES)}
here = os.path.dirname(os.path.abspath(__file__))
save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(here, "torch_reference.safetensors"), metadata=meta)
print("wrote", len(out), "tensors", meta)

values = torch.tensor([[1.5, -2.25, 0.0], [65504.0, 6.103515625e-05, -0.099975586]])  # exact in F16
save_file({
    "f16": values.to(torch.float16), "bf16": values.to(torch.bfloat16), "f32": values,
    "f64": values.double() / 3, "i32": torch.tensor([-5, 0, 2147483647], dtype=torch.int32),
    "i64": torch.tensor([[-(2**40), 7]]), "u8": torch.tensor([0, 255], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True]), "scalar": torch.tensor(4.5),
}, os.path.join(here, "dtypes.safetensors"), metadata={"note": "written by safetensors " + torch.__version__})


class LM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(11, 5)
        self.rnn = torch.nn.LSTM(5, 4, num_layers=2)
        self.decoder = torch.nn.Linear(4, 11)


save_file(LM().state_dict(), os.path.join(here, "state_dict.safetensors"))
