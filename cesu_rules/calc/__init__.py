"""The pure calculator, one module per payslip step (scalar and vector forms side by side).

plan (the month compiled once) → inputs → wage → contributions → relief → tax → notes, and
estimate (the assembly). No I/O; the only cache is the bounded one of :mod:`.plan`.
"""
