"""Data shipped with the package (wire mappings). Data only; read with importlib.resources."""
