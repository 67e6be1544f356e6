"""What the member's dashboard shows of profiles, read in one transaction:
who they are and how complete their profile is, the sector cloud, and the
mentors recommended to them.  One call instead of three, because on a busy
machine each call's fixed cost (broker, worker, transaction) is most of the
price of a page (benchmarks/dashboard.py)."""

from profiles import exceptions
from profiles.member_profiles import (
    completeness,
    educations_of,
    mentor_settings_view,
    photo_digest,
    positions_of,
)
from profiles.models import Profile
from profiles.recommend import recommend_for
from profiles.search import sector_cloud_in


def overview(db, user_id, recommendations=5, language="en"):
    """The dashboard's part, its labels (sectors, activities) in ``language``."""
    with db.transaction() as session:
        me = session.get(Profile, str(user_id))
        if me is None:
            raise exceptions.profile_not_found()
        positions = positions_of(session, me.user_id)
        educations = educations_of(session, me.user_id)
        return {
            "me": {
                "user_id": me.user_id,
                "first_name": me.first_name,
                "last_name": me.last_name,
                "completeness": completeness(me, positions, educations),
                "mentor": mentor_settings_view(me),
                "photo": photo_digest(me),
            },
            "sector_cloud": sector_cloud_in(session, language),
            "recommended_mentors": recommend_for(
                session, me, educations, positions, recommendations, language
            ),
        }
