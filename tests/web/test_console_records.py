"""The university's records uploaded in the operators' console, in a real
browser, in English and Dutch: a file with bad lines names each with its line
number and cannot be loaded; a good one shows what it adds and updates and its
first rows, loads on confirmation (audited), and a member in it is verified
at once.  Roles without the area are refused.  Axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from conftest import registration
from tests.support import record_number
from tests.web.browser import assert_accessible
from tests.web.console import ConsoleOperator, make_operator
from tests.web.test_onboarding_pages import TEXT as ONBOARDING
from tests.web.test_onboarding_pages import log_in, signed_up, verify_affiliation

HEADER = (
    "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
    "year_started,year_graduated,email\n"
)

TEXTS = {
    "en": {
        "menu": "University records",
        "check": "Check the file",
        "file required": "Choose a CSV file to upload.",
        "bad lines": "The file has 2 bad lines: nothing can be loaded",
        "line 3": "Line 3: role 'wizard' is not one of student, alumnus, staff",
        "line 5": "Line 5: date_of_birth '1999-02-30' is not a date written as YYYY-MM-DD",
        "counts": "The file has 3 records. To add: 2. To update: 1.",
        "caption": "The first 3 records of the file",
        "load": "Load 3 records",
        "loaded": "Loaded 3 records from {file}: 2 added, 1 updated.",
        "audit": "Audit log",
        "imported": "University records imported",
    },
    "nl": {
        "menu": "Universiteitsgegevens",
        "check": "Controleer het bestand",
        "file required": "Kies een CSV-bestand om te uploaden.",
        "bad lines": "Het bestand heeft 2 foute regels: er kan niets geladen worden",
        "line 3": "Regel 3: rol 'wizard' is niet een van student, alumnus, staff",
        "line 5": "Regel 5: date_of_birth '1999-02-30' is geen datum geschreven als JJJJ-MM-DD",
        "counts": "Het bestand heeft 3 records. Toe te voegen: 2. Bij te werken: 1.",
        "caption": "De eerste 3 records van het bestand",
        "load": "Laad 3 records",
        "loaded": "3 records geladen uit {file}: 2 toegevoegd, 1 bijgewerkt.",
        "audit": "Auditlog",
        "imported": "Universiteitsgegevens geïmporteerd",
    },
}


def csv_file(name, *lines):
    return {
        "name": name,
        "mimeType": "text/csv",
        "buffer": (HEADER + "".join(line + "\n" for line in lines)).encode(),
    }


def upload(page, file, texts):
    page.goto("/console/records")
    page.locator("#file").set_input_files(file)
    page.get_by_role("button", name=texts["check"]).click()


@pytest.fixture
def administrator(system):
    return ConsoleOperator(make_operator(system, "administrator"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_bad_line_is_named_and_the_file_cannot_be_loaded(administrator, new_page, language):
    texts = TEXTS[language]
    page = new_page(language)
    administrator.log_in(page)
    page.locator("header nav a", has_text=texts["menu"]).click()
    expect(page.locator("h1")).to_have_text(texts["menu"])
    assert_accessible(page)

    page.get_by_role("button", name=texts["check"]).click()  # no file chosen
    expect(page.locator("#error-summary")).to_contain_text(texts["file required"])
    expect(page.locator("#file")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    good = record_number()
    upload(
        page,
        csv_file(
            "register-with-mistakes.csv",
            f"{good},student,Ann,Bos,2001-02-03,Law,Law,2020,,",
            f"{record_number()},wizard,Ann,Bos,2001-02-03,Law,Law,2020,,",
            f"{record_number()},staff,Piet,Smit,1970-05-06,,,,,",
            f"{record_number()},alumnus,Ann,Bos,1999-02-30,Law,Law,2017,2021,",
        ),
        texts,
    )
    expect(page.locator("h1")).to_contain_text("register-with-mistakes.csv")
    summary = page.locator("#error-summary")
    expect(summary.locator("h2")).to_have_text(texts["bad lines"])
    expect(summary.locator("li")).to_have_text([texts["line 3"], texts["line 5"]])
    expect(page.locator("form[action$='/confirm']")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_previewed_file_loads_on_confirmation_and_its_members_are_verified(
    system, administrator, new_page, tmp_path, language
):
    texts, onboarding = TEXTS[language], ONBOARDING[language]
    page = new_page(language)
    administrator.log_in(page)
    known = record_number()
    upload(page, csv_file("first.csv", f"{known},staff,Old,Name,1970-01-01,,,,,"), texts)
    page.get_by_role("button", name=re.compile("^(Load|Laad) 1 record$")).click()

    # A new member's own details, as they will give them at sign-up.
    member = signed_up(system, registration(language=language))
    form = member.form
    form["record_number"] = record_number()
    year, month, day = form["date_of_birth"].split("-")
    file_name = f"register-{language}.csv"
    upload(
        page,
        csv_file(
            file_name,
            f"{known},staff,New,Name,1970-01-01,Physics,Science,,,",
            f"{form['record_number']},alumnus,{form['first_name']},{form['last_name']},"
            f"{year}-{month}-{day},Archaeology,Humanities,2012,2016,",
            f"{record_number()},student,Ann,Bos,2001-02-03,Law,Law,2020,,",
        ),
        texts,
    )
    expect(page.locator("#records-counts")).to_have_text(texts["counts"])
    table = page.locator("table.records-preview")
    expect(table.locator("caption")).to_have_text(texts["caption"])
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").nth(1).locator("th")).to_have_text(form["record_number"])
    assert_accessible(page)
    page.get_by_role("button", name=texts["load"]).click()
    expect(page.get_by_role("status").first).to_contain_text(texts["loaded"].format(file=file_name))
    expect(page.locator("form[action$='/confirm']")).to_have_count(0)
    assert_accessible(page)

    page.locator("header nav a", has_text=texts["audit"]).click()
    entry = page.locator("table.audit-log tbody tr", has_text=file_name)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(texts["imported"])
    expect(entry).to_contain_text(administrator.username)

    # The member in the file is verified by their number at once.
    member_page = new_page(language)
    log_in(member_page, form, onboarding)
    verify_affiliation(member_page, form, onboarding)
    expect(member_page.get_by_role("heading", level=1)).to_have_text(onboarding["study"])
    expect(member_page.get_by_label(onboarding["programme"])).to_have_value("Archaeology")


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_a_role_without_the_records_area_is_refused(system, new_page, role):
    operator = ConsoleOperator(make_operator(system, role))
    page = new_page()
    operator.log_in(page)
    expect(page.locator("header nav a", has_text="University records")).to_have_count(0)
    response = page.request.get("/console/records")
    assert response.status == 403
    assert "Your role does not allow this page." in response.text()
    page.goto("/console/records")
    expect(page.locator("h1")).to_have_text("This was refused")
    assert_accessible(page)
