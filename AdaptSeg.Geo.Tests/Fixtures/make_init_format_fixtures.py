"""Writes the .safetensors and legacy-.pth copies of torchvision_resnet50_partial_formula.pth.

Run with the system Python (python3-torch 1.13, Debian 12) from this folder:

    /usr/bin/python3 make_init_format_fixtures.py

There is no safetensors package there, so the format is written by hand, as its specification
says: an 8-byte little-endian header length, the JSON header, then each tensor's bytes
(row-major, little-endian) back to back at the offsets the header names.
"""
import json
import struct

import torch

source = torch.load("torchvision_resnet50_partial_formula.pth")

# .safetensors, timm/Hugging Face style, keys under "model.", four float dtypes:
# conv1 F64, bn1 F32 (its counter I64), layer1.0 F16, layer1.1 BF16, layer1.2 F32, fc.bias F32.
def dtype_for(key):
    if key == "conv1.weight":
        return torch.float64, "F64"
    if key.endswith("num_batches_tracked"):
        return torch.int64, "I64"
    if key.startswith("layer1.0."):
        return torch.float16, "F16"
    if key.startswith("layer1.1."):
        return torch.bfloat16, "BF16"
    return torch.float32, "F32"

header = {"__metadata__": {"format": "pt", "made_by": "make_init_format_fixtures.py"}}
chunks = []
offset = 0
for key, value in source.items():
    dtype, name = dtype_for(key)
    t = value.to(dtype).contiguous()
    raw = (t.view(torch.int16) if dtype == torch.bfloat16 else t).numpy().tobytes()
    header["model." + key] = {"dtype": name, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
    chunks.append(raw)
    offset += len(raw)
text = json.dumps(header, separators=(",", ":")).encode("utf-8")
text += b" " * (-len(text) % 8)  # the reference writer pads the header to 8 bytes
with open("torchvision_resnet50_partial_formula.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for raw in chunks:
        f.write(raw)

# Legacy (pre-1.6) format, as a DataParallel training script saves it: {"state_dict": {"module.<key>": ...}}.
torch.save({"state_dict": {"module." + k: v for k, v in source.items()}, "epoch": 90},
           "torchvision_resnet50_partial_formula_legacy.pth", _use_new_zipfile_serialization=False)
