"""The widget channel answers only as its OpenAPI description says
(docs/widget-api.openapi.yml): schemathesis generates requests for every path, valid and
not (negative mode), from a partner's page and from a stranger's, and checks each answer's
status, content type, headers and body against the description; never a server error.
Button presses it invents carry made-up signatures, so a "valid" press is refused 403 as
it should be: the check that every valid request is accepted does not apply here."""
from __future__ import annotations

import schemathesis

from bot.settings import PROJECT_ROOT
from tests.support.widget_server import POLICE, STRANGER

schema = schemathesis.openapi.from_path(PROJECT_ROOT / "docs" / "widget-api.openapi.yml")
schema.config.generation.update(modes=["positive", "negative"], max_examples=150, deterministic=True,
                                database="none")
schema.config.checks.update(excluded_check_names=["positive_data_acceptance"])
# A message over the length limit is refused with 413 message_too_long (docs/widget-api.md).
schema.config.checks.negative_data_rejection.expected_statuses = ["400", "403", "404", "405", "413", "429"]


@schema.parametrize()
def test_answers_to_a_partner_page_match_the_description(case, unlimited_server):
    case.call_and_validate(base_url=unlimited_server.url, headers={"Origin": POLICE})


@schema.parametrize()
def test_answers_to_any_other_site_match_the_description(case, unlimited_server):
    response = case.call_and_validate(base_url=unlimited_server.url, headers={"Origin": STRANGER})
    if case.path in ("/message", "/forget", "/partner"):
        assert response.status_code >= 400, "another site's page was answered"
