"""Writes conv_reference.safetensors next to this script: PyTorch's float32 results for
nn.Conv2d, nn.MaxPool2d and ReLU on awkward shapes, which ConvolutionTests compare against.

Run with a PyTorch venv:  python make_conv_reference.py   (writes next to this file)

conv<i>:  metadata conv<i> = "C O kH kW sH sW pH pW"; tensors x (B, C, H, W), weight, bias, dy
          (the output's shape), and PyTorch's y, dx, dweight, dbias for L = sum(y ⊙ dy).
pool<i>:  metadata pool<i> = "k s p"; tensors x, dy, and y, dx (inputs drawn so that no window
          has a near-tie: the argmax is unambiguous in float32).
relu:     x, dy, y, dx.
"""
import os
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.manual_seed(20261201)
CONVS = [  # B, C, O, H, W, (kH, kW), (sH, sW), (pH, pW)
    (2, 3, 4, 7, 9, (3, 3), (1, 1), (1, 1)),
    (3, 2, 5, 8, 5, (3, 2), (2, 1), (0, 1)),
    (1, 4, 3, 11, 10, (5, 5), (2, 3), (2, 1)),
    (2, 5, 6, 6, 6, (1, 1), (1, 1), (0, 0)),
    (4, 1, 2, 4, 7, (4, 3), (1, 2), (2, 2)),
]
POOLS = [  # B, C, H, W, k, s, p
    (2, 3, 8, 8, 2, 2, 0),
    (1, 2, 7, 9, 2, 2, 0),
    (2, 2, 9, 7, 3, 2, 1),
    (1, 3, 5, 6, 3, 1, 0),
]

out, meta = {}, {}
for i, (B, C, O, H, W, k, s, p) in enumerate(CONVS):
    x = torch.randn(B, C, H, W, requires_grad=True)
    conv = torch.nn.Conv2d(C, O, k, stride=s, padding=p)
    y = conv(x)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    meta[f"conv{i}"] = f"{C} {O} {k[0]} {k[1]} {s[0]} {s[1]} {p[0]} {p[1]}"
    for name, t in {"x": x, "weight": conv.weight, "bias": conv.bias, "dy": dy, "y": y,
                    "dx": x.grad, "dweight": conv.weight.grad, "dbias": conv.bias.grad}.items():
        out[f"conv{i}.{name}"] = t.detach().clone().contiguous()

for i, (B, C, H, W, k, s, p) in enumerate(POOLS):
    # A random permutation scaled: every value distinct by at least 1/(B·C·H·W) of the range.
    x = (torch.randperm(B * C * H * W).float() / (B * C * H * W) - 0.5).reshape(B, C, H, W).requires_grad_()
    y = F.max_pool2d(x, k, s, p)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    meta[f"pool{i}"] = f"{k} {s} {p}"
    for name, t in {"x": x, "dy": dy, "y": y, "dx": x.grad}.items():
        out[f"pool{i}.{name}"] = t.detach().clone().contiguous()

x = torch.randn(3, 4, 5, requires_grad=True)
y = torch.relu(x)
dy = torch.randn_like(y)
(y * dy).sum().backward()
for name, t in {"x": x, "dy": dy, "y": y, "dx": x.grad}.items():
    out[f"relu.{name}"] = t.detach().clone().contiguous()

save_file(out, os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_reference.safetensors"), metadata=meta)
