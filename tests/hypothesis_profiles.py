"""Hypothesis profiles for the property tests, chosen by the environment variable HYPOTHESIS_PROFILE.

- `ci` (set by `.ci/run`): few examples, so the whole hardening suite stays within about a minute and a half
  on a small machine;
- `dev` (the default): a few times more, for an ordinary local run;
- `long`: a thorough search for a night or a release, e.g.
  `HYPOTHESIS_PROFILE=long python -m pytest tests/test_hardening_*.py`.

No deadline anywhere: the tests spawn processes and write spreadsheets, whose timing depends on the machine.
A test module imports this one (which loads the profile) and sizes each test with `examples(n)`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SUPPRESS = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True, derandomize=True
)
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SUPPRESS, print_blob=True)


def load() -> str:
    """Load the profile named by HYPOTHESIS_PROFILE (default `dev`) and return its name."""
    name = os.environ.get("HYPOTHESIS_PROFILE", "dev")
    if name not in ("ci", "dev", "long"):
        name = "dev"
    settings.load_profile(name)
    return name


PROFILE = load()


def examples(ci: int, dev: int | None = None, long: int | None = None) -> settings:
    """Settings for one test: `ci` examples under the ci profile, `dev` (default 4 x ci) for local runs,
    `long` (default 40 x ci) for the long profile. Use as a decorator: `@examples(20)`."""
    n = {"ci": ci, "dev": dev or 4 * ci, "long": long or 40 * ci}[PROFILE]
    return settings(settings.get_profile(PROFILE), max_examples=n)
