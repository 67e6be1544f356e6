"""Mentor search, the sector cloud and the member directory.  Profiles checks
every value; here a request only gets its parameter names checked, so a typo
(``?sectr=``) is a 422 naming it rather than a filter silently ignored."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.request_input import query_parameters
from gateway.service_calls import call

blueprint = Blueprint("search", __name__, url_prefix="/api/v1")

MENTOR_PARAMETERS = (
    "q",
    "sector",
    "activity",
    "programme",
    "graduated_from",
    "graduated_to",
    "country",
    "language",
    "page",
    "per_page",
)
DIRECTORY_PARAMETERS = ("q", "programme", "graduated_from", "graduated_to", "page", "per_page")


@blueprint.get("/mentors")
@login_required
def mentors():
    return jsonify(
        call(
            "profiles",
            "search_mentors",
            viewer_id=g.member["user_id"],
            filters=query_parameters(MENTOR_PARAMETERS),
        )
    )


@blueprint.get("/mentors/sectors")
@login_required
def sector_cloud():
    query_parameters(())
    return jsonify(call("profiles", "sector_cloud"))


@blueprint.get("/directory")
@login_required
def member_directory():
    return jsonify(
        call(
            "profiles",
            "directory",
            viewer_id=g.member["user_id"],
            **query_parameters(DIRECTORY_PARAMETERS),
        )
    )
