"""`python -m readiness` is `readiness-gate`."""

import sys

from .cli import main

sys.exit(main())
