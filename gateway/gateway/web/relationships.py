"""The member's mentoring relationships: the list, each relationship's own page
(the partners' workspace); its end and the feedback after it are
gateway.web.relationship_ending's.  Mentoring
decides every rule; only the two members see a relationship: anyone else gets
"not found", as mentoring answers it, the same page as one that does not exist."""

from flask import Blueprint, render_template, request

from gateway.web.forms import refused_page
from gateway.web.mentoring import with_activities
from gateway.web.people import me, names
from gateway.web.sessions import member_required

blueprint = Blueprint("web_relationships", __name__)

# What the page says after a change, named in its ?done= (anything else says nothing).
DONE = {"ended"}


def _done():
    done = request.args.get("done")
    return done if done in DONE else None


def partner_of(relationship):
    """The other member of a relationship, seen from the one who asks."""
    return (
        relationship["mentee_id"]
        if relationship["my_role"] == "mentor"
        else relationship["mentor_id"]
    )


@blueprint.get("/relationships")
@member_required
def relationships():
    found, activities = with_activities(
        "relationships", "list_relationships", user_id=me(), current=False
    )
    items = found["items"]
    return render_template(
        "relationships/relationships.html",
        current=[r for r in items if not r["ended_at"]],
        ended=[r for r in items if r["ended_at"]],
        names=names(partner_of(r) for r in items),
        activities=activities,
    )


def _relationship_page(template, relationship_id, refused=None, values=None):
    kept, activities = with_activities(
        "relationship", "get_relationship", user_id=me(), relationship_id=relationship_id
    )
    partner = partner_of(kept)
    context = dict(
        relationship=kept,
        partner_name=names([partner]).get(partner),
        activities=activities,
        values=values or {},
        done=_done(),
    )
    if refused:
        return refused_page(template, refused, **context)
    return render_template(template, refused=None, **context)


@blueprint.get("/relationships/<int:relationship_id>")
@member_required
def relationship(relationship_id):
    return _relationship_page("relationships/relationship.html", relationship_id)
