"""Mentor search, the sector cloud and the member directory.  The query string
is checked by the same schema profiles checks it with (mentornet_contracts.api),
so a typo (``?sectr=``) is a 422 naming it rather than a filter silently
ignored; profiles checks what only it knows (its catalogues)."""

from flask import Blueprint, g, jsonify

from gateway.auth import login_required
from gateway.request_input import query_parameters
from gateway.service_calls import call

blueprint = Blueprint("search", __name__, url_prefix="/api/v1")


@blueprint.get("/mentors")
@login_required
def mentors():
    filters = query_parameters()
    return jsonify(
        call(
            "profiles",
            "search_mentors",
            viewer_id=g.member["user_id"],
            filters={name: value for name, value in filters.items() if value is not None},
        )
    )


@blueprint.get("/mentors/sectors")
@login_required
def sector_cloud():
    query_parameters()
    return jsonify(call("profiles", "sector_cloud"))


@blueprint.get("/directory")
@login_required
def member_directory():
    return jsonify(
        call(
            "profiles",
            "directory",
            viewer_id=g.member["user_id"],
            **query_parameters(),
        )
    )
