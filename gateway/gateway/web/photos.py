"""Members' photos: uploaded on the profile (or brought from LinkedIn),
re-encoded by profiles with Pillow, served here with caching headers.

A photo is served to whoever may see the member's profile (the member, and
verified members to each other); to anyone else it does not exist (404).
Its URL carries the photo's digest (``?v=``), so a browser may keep it: the
answer is ``Cache-Control: private, max-age=86400`` with an ``ETag``, and a
revalidation with ``If-None-Match`` gets 304.  ``private``: a shared cache
must not hand a member's photo to someone who may not see it.
"""

import base64

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from gateway.service_calls import call
from gateway.web.forms import submit
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_photos", __name__)


def photo_url(user_id, digest):
    """The photo's address, or None when the member has none."""
    return url_for("web_photos.photo", user_id=user_id, v=digest) if digest else None


@blueprint.get("/members/<user_id>/photo")
@member_required
def photo(user_id):
    found = call("profiles", "get_photo", user_id=user_id, viewer_id=me())
    etag = found["digest"]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(base64.b64decode(found["data"]), mimetype=found["content_type"])
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@blueprint.post("/profile/photo")
@member_required
def upload():
    upload = request.files.get("photo")
    raw = upload.read() if upload else b""
    if request.form.get("action") == "remove":
        call("profiles", "remove_photo", user_id=me())
        flash(_("Your photo was removed."))
        return redirect(url_for("web_profile.profile"), 303)
    if not raw:
        flash(_("Choose a photo to upload."))
        return redirect(url_for("web_profile.profile"), 303)
    stored, refused = submit(
        "profiles",
        "set_photo",
        user_id=me(),
        image=base64.b64encode(raw).decode("ascii"),
        source="member",
    )
    if refused:
        flash(" ".join(refused.for_field("photo")) or refused.message)
    else:
        flash(_("Your photo is on your profile."))
    return redirect(url_for("web_profile.profile"), 303)


def init_app(app):
    app.jinja_env.globals["photo_url"] = photo_url
