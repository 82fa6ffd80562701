"""``python -m cesu_rules.cli``: the same as the ``cesu-rules`` command."""

from . import run

run()
