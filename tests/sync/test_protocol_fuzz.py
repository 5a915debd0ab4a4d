"""Schemathesis against the server's own OpenAPI document: no input gives a 5xx.

Requests are generated from the schema (valid and invalid ones), sent with a
good token to the app in process, and every response must be a documented
status with a body matching its schema. Kept small so the suite stays quick.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync.auth import Agent
from sync.server import create_app
from sync.sql_store import SqlServerStore, default_url

_dir = Path(tempfile.mkdtemp(prefix="offdesk-fuzz-"))
_store = SqlServerStore(default_url(_dir))
_token = _store.add_agent(Agent("Fuzz", "fuzz@example.com"))
atexit.register(shutil.rmtree, _dir, ignore_errors=True)
atexit.register(_store.close)
schema = schemathesis.openapi.from_asgi("/v1/openapi.json", create_app(_store))


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_makes_the_server_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {_token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
