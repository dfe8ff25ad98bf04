"""Schemathesis against the app's own OpenAPI document: at least 2,000 generated requests, no 5xx, no response
that contradicts the schema.

Every operation in `/openapi.json` gets the same share of hypothesis-generated requests (valid and invalid
parameters and bodies), sent over HTTP to a live server as a signed-in user. Two checks run on each response:
`not_a_server_error` and `response_schema_conformance` (a documented status's body must match its schema).
Undocumented statuses (401/404/409…) are not counted as failures: FastAPI documents only 200 and 422.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from live_server import LiveServer, live_server, server_settings
from reliability_support import report

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(400)]
MIN_REQUESTS = 2_000
# Streaming and session-ending operations would stall or sign the fuzzing user out.
SKIPPED = {("GET", "/v1/videos/{video_id}/events"), ("DELETE", "/api/me"), ("POST", "/api/auth/logout")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(server_settings(tmp_path_factory.mktemp("schema")), workers=0) as running:
        yield running


def test_generated_requests_get_no_5xx_and_match_the_schema(server: LiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if (result.ok().method.upper(), result.ok().path) not in SKIPPED
    ]
    per_operation = -(-MIN_REQUESTS // len(operations))
    headers = {"Authorization": f"Bearer {server.user()}"}
    sent = 0
    statuses: dict[int, int] = {}
    failures: dict[str, str] = {}
    current: dict[str, str] = {}
    started = time.monotonic()
    for operation in operations:
        current["label"] = f"{operation.method.upper()} {operation.path}"
        count = 0

        @given(case=operation.as_strategy())
        @settings(
            max_examples=per_operation,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal sent, count
            response = case.call(base_url=server.base_url, headers=headers, timeout=30)
            sent += 1
            count += 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except Exception as failure:  # noqa: BLE001 - collected and reported per operation
                failures.setdefault(current["label"], f"{response.status_code}: {str(failure)[:400]}")

        # Hypothesis stops early once it has exhausted a small input space (no parameters, no body): go again.
        for _ in range(per_operation):
            run()
            if count >= per_operation:
                break
    report(
        "schemathesis",
        operations=len(operations),
        requests=sent,
        statuses={str(k): v for k, v in sorted(statuses.items())},
        failing_operations=len(failures),
        seconds=round(time.monotonic() - started, 1),
    )
    for label, failure in sorted(failures.items()):
        print(f"  {label}: {failure}")
    assert sent >= MIN_REQUESTS
    assert failures == {}
    assert not any(status >= 500 for status in statuses)
