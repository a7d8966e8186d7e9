import os, sys, torch
# Writes lm_init.safetensors: the parameters of ../shared/bench/torch_lm.py's LM right after
# torch.manual_seed(seed), for three configurations. Run with PyTorch: python3 make_lm_init.py [OUT]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../shared/bench"))
from torch_lm import LM
from safetensors.torch import save_file
out = {}
for name, cell, V, E, H, L, tied, init, seed in [("lstm", "LSTM", 11, 6, 5, 2, False, 0.0, 1), ("gru_tied_init", "GRU", 9, 4, 4, 1, True, 0.1, 7), ("rnn", "RNN_TANH", 13, 3, 7, 2, False, 0.0, 123456789012)]:
    torch.manual_seed(seed)
    m = LM(cell, V, E, H, L, 0.0, tied, init)
    for k, v in m.state_dict().items():
        out[f"{name}.{k}"] = v.contiguous().clone()
save_file(out, sys.argv[1] if len(sys.argv) > 1 else "lm_init.safetensors", metadata={"kind": "pytorch_init", "made_by": "torch_lm.LM after torch.manual_seed; see PyTorchInitTests.swift"})
print(len(out))
