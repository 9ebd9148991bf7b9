#!/usr/bin/env python3
"""The students' check is the command ``mlp-check NOTEBOOK``, installed with the course's package.

This file only runs it, for instructions that still say ``python assignments/check.py NOTEBOOK``
(see ``mlp_lib/grading/check.py``).
"""
import sys

from mlp_lib.grading.check import main

if __name__ == "__main__":
    sys.exit(main())
