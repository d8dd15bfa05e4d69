"""Shared test setup: Hypothesis profiles and a headless matplotlib.

HYPOTHESIS_PROFILE picks one of: dev (default, quick), ci (derandomized, so a
CI run is reproducible), thorough (many examples, for a long local run).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

os.environ.setdefault("MPLBACKEND", "Agg")
