"""`python -m readiness` is `readiness-gate`."""

import sys

from readiness.cli import main

sys.exit(main())
