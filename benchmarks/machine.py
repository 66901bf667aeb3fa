"""What the figures came from: the CPU, the cores, the library versions and thread counts."""

from __future__ import annotations

import os
import platform
import sys


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return " ".join(f for f in ("avx", "avx2", "fma", "avx512f") if f in flags)
    except OSError:
        pass
    return ""


def _llvm_cpu() -> str:
    """The CPU as LLVM (and so Numba) sees it, e.g. ``znver3``: more telling than a VM's model name."""
    try:
        import llvmlite.binding as llvm
        return llvm.get_host_cpu_name()
    except Exception:
        return "unknown"


def blas_threads() -> str:
    """BLAS libraries loaded now and their thread counts (through threadpoolctl when it is installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    rows = []
    for info in threadpool_info():
        if info.get("user_api") == "blas":
            owner = "numpy" if "numpy" in info.get("filepath", "") else (
                "scipy (Numba's np.dot)" if "scipy" in info.get("filepath", "") else info.get("prefix", "?"))
            rows.append(f"{owner}: {info.get('internal_api')} {info.get('version')}, "
                        f"{info.get('num_threads')} threads")
    return "; ".join(rows) or "none loaded"


def describe(torch=None) -> dict:
    import numba
    import numpy
    import scipy
    import scipy.linalg  # noqa: F401  (loads SciPy's BLAS, so it is listed)

    info = {
        "CPU": f"{cpu_model()} (LLVM: {_llvm_cpu()}; {cpu_flags()})",
        "cores": f"{os.cpu_count()} logical, {len(os.sched_getaffinity(0))} usable",
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "NumPy": numpy.__version__,
        "SciPy": scipy.__version__,
        "Numba": f"{numba.__version__} ({numba.config.NUMBA_NUM_THREADS} threads)",
        "BLAS": blas_threads(),
    }
    if torch is not None:
        info["PyTorch"] = f"{torch.__version__} ({torch.get_num_threads()} threads, default)"
    else:
        info["PyTorch"] = "not installed"
    return info
