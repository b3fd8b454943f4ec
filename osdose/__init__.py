"""osdose — chemotherapy dose and cumulative-toxicity calculator.

The core is usable from Python::

    from osdose import load_regimen, dose_sheet, bsa
    sheet = dose_sheet(load_regimen("DIA"), bsa.compute(175, 70))

Names are imported on first use so that ``osdose --help`` does not load pint.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_LAZY = {
    "load_regimen": ("osdose.library", "load_regimen"),
    "dose_sheet": ("osdose.dosing", "dose_sheet"),
    "load_drugs": ("osdose.drugs", "load_drugs"),
    "bsa": ("osdose.bsa", None),
    "units": ("osdose.units", None),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'osdose' has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module
