"""The console words every problem identity finds in a records file, in both
languages, with the problem's own parameters (no service needed)."""

import pytest
from flask_babel import force_locale

from gateway import create_app
from gateway.console.records import PROBLEMS, problem_text
from identity import records

# One example of each problem's parameters, as identity.records gives them.
EXAMPLES = {
    "not_utf8": {},
    "missing_columns": {"columns": ["role", "email"]},
    "column_count": {"expected": 10, "found": 9},
    "required": {"column": "last_name"},
    "too_long": {"column": "faculty", "limit": 200},
    "not_a_role": {"value": "wizard", "roles": ["student", "alumnus", "staff"]},
    "not_a_date": {"column": "date_of_birth", "value": "1999-02-30"},
    "not_a_year": {"column": "year_started", "value": "20x0"},
    "alumni_need_year_graduated": {},
    "repeated": {"record_number": "S1", "role": "student", "first_line": 2},
    "no_rows": {},
}


def test_every_problem_identity_names_has_the_consoles_words():
    assert set(PROBLEMS) == set(records.ENGLISH) == set(EXAMPLES)


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_a_problem_reads_with_its_line_and_parameters(code, language):
    app = create_app({"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    found = {"line": 7, "code": code, "params": EXAMPLES[code]}
    with app.test_request_context(), force_locale(language):
        text = problem_text(found)
        without_line = problem_text({**found, "line": None})
    assert text.startswith({"en": "Line 7: ", "nl": "Regel 7: "}[language])
    assert "%(" not in text
    assert without_line[:1] == without_line[:1].upper()  # a sentence on its own
    assert text.endswith(without_line[1:])
    for value in EXAMPLES[code].values():
        for part in value if isinstance(value, list) else [value]:
            assert str(part) in text
    if language == "en":  # the command line says the same in its own English
        assert records.english(found).split(": ", 1)[0] == "line 7"
