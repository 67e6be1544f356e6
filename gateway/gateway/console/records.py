"""The university's records, uploaded as a CSV file (administrators): identity
checks the file whole and stages it with a preview (how many rows it adds and
updates, the first rows, every bad line with its number); confirming the
preview loads exactly that file, in one transaction, and audits it.  The
rules are identity's (identity.records, the command line's too); this page
words its problems in the operator's language."""

import base64

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize

from gateway.console import actor, blueprint, operator_required
from gateway.console.reviews import ROLE_LABELS
from gateway.request_input import client_address
from gateway.rpc import RemoteError
from gateway.service_calls import call
from gateway.web.forms import Refusal, submit
from gateway.web.messages import N_
from mentornet_contracts.operators import RECORDS_FILE_MAX_BYTES

# Identity's problems with a line, by code; the parameters are the file's own
# words (column names, values), shown as written.
PROBLEMS = {
    "not_utf8": _l("the file is not UTF-8 text (save it as 'CSV UTF-8')"),
    "missing_columns": _l("the header lacks the column(s) %(columns)s"),
    "column_count": _l("%(found)s values where the header has %(expected)s"),
    "required": _l("%(column)s is empty; it is required"),
    "too_long": _l("%(column)s is longer than %(limit)s characters"),
    "not_a_role": _l("role '%(value)s' is not one of %(roles)s"),
    "not_a_date": _l("%(column)s '%(value)s' is not a date written as YYYY-MM-DD"),
    "not_a_year": _l("%(column)s '%(value)s' is not a year"),
    "alumni_need_year_graduated": _l("an alumnus needs a year_graduated"),
    "repeated": _l("record %(record_number)s (%(role)s) is already on line %(first_line)s"),
    "no_rows": _l("the file has no records under its header"),
}
# The same messages as identity's for the same mistakes (the catalogue
# translates them wherever they come from).
NO_FILE = N_("Choose a CSV file to upload.")
TOO_BIG = N_("The file is larger than 1 MB: split it into several.")

LABELS = {"file": (_l("CSV file"), "file")}


class RecordsFileForm(FlaskForm):
    class Meta:
        csrf = False  # the app's CSRFProtect checks every page's form already

    file = FileField(
        validators=[FileRequired(NO_FILE), FileSize(RECORDS_FILE_MAX_BYTES, message=TOO_BIG)]
    )


def problem_text(found):
    """A problem of identity.records in the page's language."""
    params = {
        name: ", ".join(map(str, value)) if isinstance(value, list) else value
        for name, value in found.get("params", {}).items()
    }
    wording = PROBLEMS.get(found["code"])
    text = str(wording) % params if wording is not None else found["code"]
    if found.get("line"):
        return _("Line %(line)s: %(problem)s", line=found["line"], problem=text)
    return text[:1].upper() + text[1:]


def _upload_page(refused=None):
    return render_template(
        "console/records.html", refused=refused, labels=LABELS
    ), refused.status if refused else 200


def _preview_page(upload, refused=None):
    page = render_template(
        "console/records_upload.html",
        upload=upload,
        problems=[problem_text(found) for found in upload["problems"]],
        refused=refused,
        role_labels=ROLE_LABELS,
    )
    return page, refused.status if refused else 200


@blueprint.get("/records")
@operator_required("university_records")
def records():
    return _upload_page()


@blueprint.post("/records")
@operator_required("university_records")
def stage_records():
    form = RecordsFileForm()
    if not form.validate():
        return _upload_page(Refusal(400, "invalid_input", "", {"file": form.file.errors}))
    staged, refused = submit(
        "identity",
        "stage_records_upload",
        actor=actor(),
        file_name=form.file.data.filename or "",
        content=base64.b64encode(form.file.data.read()).decode("ascii"),
        client=client_address(),
    )
    if refused:
        return _upload_page(refused)
    return redirect(url_for("console.records_upload", upload_id=staged["id"]), 303)


def _upload(upload_id):
    try:
        return call("identity", "records_upload", actor=actor(), upload_id=upload_id)
    except RemoteError as exc:
        if exc.exc_type == "NotFound":
            abort(404)
        raise


@blueprint.get("/records/<upload_id>")
@operator_required("university_records")
def records_upload(upload_id):
    return _preview_page(_upload(upload_id))


@blueprint.post("/records/<upload_id>/confirm")
@operator_required("university_records")
def confirm_records_upload(upload_id):
    loaded, refused = submit(
        "identity",
        "confirm_records_upload",
        actor=actor(),
        upload_id=upload_id,
        checksum=request.form.get("checksum", ""),
        client=client_address(),
    )
    if refused:
        return _preview_page(_upload(upload_id), refused)
    if loaded["loaded"]:
        flash(
            ngettext(
                "Loaded %(num)d record from %(file)s: %(added)d added, %(updated)d updated.",
                "Loaded %(num)d records from %(file)s: %(added)d added, %(updated)d updated.",
                loaded["rows"],
                file=loaded["file_name"],
                added=loaded["added"],
                updated=loaded["updated"],
            )
        )
    else:
        flash(_("This file was loaded before; nothing was loaded again."))
    return redirect(url_for("console.records_upload", upload_id=upload_id), 303)
