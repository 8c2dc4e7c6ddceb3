"""schemathesis against the live app's own OpenAPI schema: no input produces a server error,
and answers match the documented status codes, content types and schemas.

One test per operation (listed from the app's schema at collection time, no server needed);
each runs a small, derandomised number of generated requests against the live server.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api_support import Server
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _operations() -> list[str]:
    from api.app import create_app
    from yotassist.settings import Settings

    spec = create_app(Settings()).openapi()
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item]


@pytest.fixture(scope="session")
def api_schema(live_server: Server):
    return schemathesis.openapi.from_url(live_server.url("/openapi.json"))


@pytest.mark.parametrize("label", _operations())
def test_openapi_contract(api_schema, label: str) -> None:
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        # Every documented check except "schema-valid data must be accepted": some rules cannot be
        # written in JSON Schema (an upload's file type and content, a service that must be
        # indexed, yes <= relevant), and the API rightly answers those with 415/422.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    run()
