"""Pure calculator: (inputs, rules) → frozen results. No I/O; mirrors the payslip sections."""

from .estimate import Estimate, Inputs, Line, compute, make_inputs
from .relief import EXEMPTION_CASES

__all__ = ["EXEMPTION_CASES", "Estimate", "Inputs", "Line", "compute", "make_inputs"]
