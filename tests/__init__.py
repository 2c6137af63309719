"""The test suite.

Bytecode is cached here even where the environment turns it off (PYTHONDONTWRITEBYTECODE, as
some sandboxes and CI images set). The suite starts a few hundred interpreters (the workers,
their CLI zygotes, every `supportbot` a test runs), and each would otherwise compile the package
and the assertion-rewritten test modules from source again: about 4 of the 7 s a worker spends
collecting. The caches are __pycache__ folders, which git ignores. This package is imported
before any conftest, so the setting holds for every import after it and for every child.
"""

import os
import sys

sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
