"""Schemathesis sends requests generated from the OpenAPI document (bodies that fit the schemas and bodies that
do not) to every operation: never a 500, and every answer is documented and fits its schema."""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def test_every_operation_with_generated_requests(app, users, make_institution, token_for):
    make_institution(name="鹿城区新华艺术培训学校", category="arts")
    headers = token_for("admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15
    failures = {}
    for operation in operations:
        @EXAMPLES
        @given(case=operation.as_strategy())
        def run(case):
            # A request the schema allows may still break a rule (an unknown institution, a wrong password): 4xx.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failure, reported together
            failures[operation.label] = str(failure)[:1500]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
