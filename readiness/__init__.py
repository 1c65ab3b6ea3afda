"""readiness-gate: is this build ready to ship?"""

__version__ = "0.1.0"
