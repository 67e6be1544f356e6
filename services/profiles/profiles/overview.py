"""What the member's dashboard shows of profiles, in one read (no transaction:
it writes nothing): who they are and how complete their profile is, the sector
cloud, and the mentors recommended to them.  One call instead of three, because on a busy
machine each call's fixed cost (broker, worker, transaction) is most of the
price of a page (benchmarks/dashboard.py)."""

from sqlalchemy import select

from profiles import exceptions
from profiles.member_profiles import (
    completeness,
    educations_of,
    mentor_settings_view,
    positions_of,
)
from profiles.models import Photo, Profile
from profiles.recommend import recommend_for
from profiles.search import sector_cloud_in


def overview(db, user_id, recommendations=5, language="en"):
    """The dashboard's part, its labels (sectors, activities) in ``language``."""
    with db.reading() as session:
        # the photo's digest beside the profile, in the same statement
        found = session.execute(
            select(Profile, Photo.digest)
            .outerjoin(Photo, Photo.user_id == Profile.user_id)
            .where(Profile.user_id == str(user_id))
        ).first()
        if found is None:
            raise exceptions.profile_not_found()
        me, photo = found
        positions = positions_of(session, me.user_id)
        educations = educations_of(session, me.user_id)
        return {
            "me": {
                "user_id": me.user_id,
                "first_name": me.first_name,
                "last_name": me.last_name,
                "completeness": completeness(me, positions, educations),
                "mentor": mentor_settings_view(me),
                "photo": photo,
            },
            "sector_cloud": sector_cloud_in(session, language),
            "recommended_mentors": recommend_for(
                session, me, educations, positions, recommendations, language
            ),
        }
