"""The member's data rights: "Download my data" and "Delete my account".

Neither is assembled here.  Asking for one's data asks identity, which runs
the export saga (each service sends its part by event; identity makes the
archive and the member is told, with a single-use link); the download is one
call to identity, for the logged-in member the link belongs to.  Deleting
the account asks identity, which ends every session at once and runs the
erasure saga (docs/architecture.md, "Members' data rights")."""

import base64

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from gateway.auth import forget_sessions_of
from gateway.service_calls import call
from gateway.web import sessions
from gateway.web.forms import form_values, refused_page, submit
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_data_rights", __name__)


@blueprint.get("/settings/data")
@member_required
def your_data():
    status = call("identity", "data_export_status", user_id=me())
    return render_template(
        "data_rights/your_data.html",
        export=status["export"],
        requested=request.args.get("done") == "requested",
    )


@blueprint.post("/settings/data/export")
@member_required
def request_export():
    call("identity", "request_data_export", user_id=me())
    return redirect(url_for("web_data_rights.your_data", done="requested"), 303)


@blueprint.get("/settings/data/download")
@member_required
def download_page():
    """The link from the e-mail or the notification shows a button: a GET must
    not spend the single-use link (mail scanners open links)."""
    return render_template("data_rights/download.html", token=request.args.get("token", ""))


@blueprint.post("/settings/data/download")
@member_required
def download():
    result, refused = submit(
        "identity", "download_data_export", user_id=me(), token=request.form.get("token", "")
    )
    if refused:
        return refused_page("data_rights/download.html", refused, token="")
    return Response(
        base64.b64decode(result["archive"]),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{result["filename"]}"'},
    )


@blueprint.route("/settings/delete-account", methods=("GET", "POST"))
@member_required
def delete_account():
    if request.method == "GET":
        return render_template("data_rights/delete_account.html", refused=None)
    user_id = g.member["user_id"]
    _, refused = submit("identity", "delete_account", user_id=user_id, **form_values("password"))
    if refused:
        return refused_page("data_rights/delete_account.html", refused)
    # identity ended every session of the account; this process forgets them
    # now (the others by session_ended), and the page session goes.
    forget_sessions_of(user_id)
    sessions.log_out()
    return redirect(url_for("web_onboarding.account_deleted"), 303)
