"""The member's own profile (kept small for now: the text fields)."""
from flask import Blueprint, redirect, render_template, request, url_for

from gateway.requests_context import call
from gateway.web.forms import form_values, submit
from gateway.web.people import me
from gateway.web.sessions import member_required

blueprint = Blueprint("web_profile", __name__)

# The profile's sections as profiles names them, in the order it lists them.
SECTIONS = ("headline", "bio", "professional_history", "education", "address", "email_web")


# The profile's text fields this page edits (the full editor comes with the
# member's network pages): form name -> (the PATCH's field, the address's key).
PROFILE_FIELDS = {"headline": ("headline", None), "bio": ("bio", None),
                  "address.city": ("address", "city"), "address.country": ("address", "country"),
                  "website": ("website", None), "linkedin_url": ("linkedin_url", None),
                  "skype": ("skype", None)}


def _profile_values(own):
    address = own.get("address") or {}
    return {name: (address.get(key) if key else own.get(field)) or ""
            for name, (field, key) in PROFILE_FIELDS.items()}


@blueprint.route("/profile", methods=("GET", "POST"))
@member_required
def profile():
    own = call("profiles", "get_profile", user_id=me(), viewer_id=me())
    saved = request.args.get("saved") == "1"
    if request.method == "GET":
        return render_template("profile/profile.html", profile=own, sections=SECTIONS,
                               values=_profile_values(own), refused=None, saved=saved)
    values = form_values(*PROFILE_FIELDS)
    before = _profile_values(own)
    changes = {}
    for name, (field, key) in PROFILE_FIELDS.items():
        if values[name].strip() == before[name]:
            continue  # only what the member changed: profiles checks each field given
        if key:
            changes.setdefault(field, {})[key] = values[name].strip()
        else:
            changes[field] = values[name].strip()
    if "address" in changes:  # the address is replaced whole: keep its other parts
        changes["address"] = {**{k: v for k, v in (own.get("address") or {}).items() if v},
                              **changes["address"]}
    result, refused = submit("profiles", "update_profile", user_id=me(), changes=changes) \
        if changes else (own, None)
    if refused:
        return render_template("profile/profile.html", profile=own, sections=SECTIONS,
                               values=values, refused=refused, saved=False), refused.status
    return redirect(url_for("web_profile.profile", saved=1), 303)
