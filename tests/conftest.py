import os

from hypothesis import HealthCheck, settings

# "ci" is what `make test` and CI run: at least 200 examples per property.
settings.register_profile(
    "ci", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# "dev" is a quick local loop: HYPOTHESIS_PROFILE=dev pytest tests
settings.register_profile(
    "dev", max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
