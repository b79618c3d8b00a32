"""``python -m pytest_autograd_kata.cli``: the ``autograd-kata`` command."""
import sys

from . import main

sys.exit(main())
