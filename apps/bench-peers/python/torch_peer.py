"""PyTorch's side of `pnpm bench:peers`: one measurement per process, its result as one JSON line on stdout.

    python3 torch_peer.py '{"task": "train", ...}'

Tasks: "info" (versions), "train" (the MNIST MLP loop for a fixed number of steps after a warm-up),
"overhead" (16-element adds). The thread count and OpenBLAS core type come from the caller: the core type
through OPENBLAS_CORETYPE in the environment, which OpenBLAS reads once when it loads.
"""

import ctypes
import json
import os
import resource
import sys
import time


def openblas_info():
    """The OpenBLAS this process loaded (through torch), as it describes itself: config and kernel name."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line and "/" in line})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {
                "path": path,
                "config": lib.openblas_get_config().decode(),
                "core": lib.openblas_get_corename().decode(),
            }
        except (OSError, AttributeError):
            continue
    return None


def read_idx(path):
    import numpy as np

    with open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(folder, variant):
    import torch

    images = read_idx(os.path.join(folder, "train-images-idx3-ubyte"))
    labels = read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))
    x = torch.from_numpy(images.reshape(len(images), 784).astype("float32")) / 255.0
    if variant == "std":
        x = (x - 0.1307) / 0.3081
    return x.contiguous(), torch.from_numpy(labels.astype("int64"))


def batches(n, batch_size, generator):
    """Index batches of a fresh shuffle per epoch, the last one short: what DataLoader(shuffle=True) yields."""
    import torch

    while True:
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def train(task):
    import torch
    from torch import nn

    if task.get("threads"):
        torch.set_num_threads(task["threads"])
    torch.manual_seed(task["seed"])
    x, y = load_mnist(task["mnistDir"], task["data"])
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order = batches(len(x), task["batchSize"], torch.Generator().manual_seed(task["seed"]))

    def run(steps, seconds):
        deadline = time.perf_counter() + seconds
        samples = done = 0
        loss = None
        while done < steps and (done == 0 or time.perf_counter() < deadline):
            idx = next(order)
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            samples += len(idx)
            done += 1
        return samples, done, loss

    run(task["warmupSteps"], task["maxSeconds"] / 2)
    start, cpu_start = time.perf_counter(), time.process_time()
    samples, steps, loss = run(task["steps"], task["maxSeconds"])
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "steps": steps,
        "samples": samples,
        "seconds": seconds,
        "samplesPerSecond": samples / seconds,
        "cpuSeconds": cpu_seconds,
        "finalLoss": float(loss.item()),
        "threads": torch.get_num_threads(),
    }


def overhead(task):
    """µs per add, best and median of 10 timed chunks of ops/10 calls, after a warm-up."""
    import torch

    torch.set_num_threads(1)
    a = torch.arange(16, dtype=torch.float32)
    b = torch.arange(16, 0, -1, dtype=torch.float32)
    for _ in range(max(task["ops"] // 10, 20000)):
        torch.add(a, b)
    chunk = max(1, task["ops"] // 10)
    us = []
    for _ in range(10):
        start = time.perf_counter()
        for _ in range(chunk):
            torch.add(a, b)
        us.append((time.perf_counter() - start) / chunk * 1e6)
    us.sort()
    return {"ops": chunk * 10, "microsecondsPerOp": us[0], "medianMicrosecondsPerOp": us[len(us) // 2]}


def info(_task):
    import numpy
    import torch

    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "defaultThreads": torch.get_num_threads(),
    }


def main():
    task = json.loads(sys.argv[1])
    result = {"info": info, "train": train, "overhead": overhead}[task["task"]](task)
    result["openblas"] = openblas_info()
    result["coretype"] = os.environ.get("OPENBLAS_CORETYPE")
    # ru_maxrss is in KiB on Linux.
    result["peakRssMb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
