"""Reading and creating profiles: plain functions."""
from datetime import datetime, timezone

from profiles import events, exceptions
from profiles.models import Profile
from profiles.schemas import OwnProfileSchema, PublicProfileSchema


def create_for_account(session, data, envelope):
    """identity.account_registered: the member gets an empty profile (saga step)."""
    user_id = str(data["user_id"])
    if session.get(Profile, user_id) is not None:
        return  # created by an earlier delivery under another event id
    now = datetime.now(timezone.utc)
    profile = Profile(user_id=user_id, username=data["username"], first_name=data["first_name"],
                      middle_names=data.get("middle_names", ""), last_name=data["last_name"],
                      email=data["email"], created_at=now, updated_at=now)
    session.add(profile)
    session.flush()
    events.profile_created(session, profile)


def get_profile(db, user_id, viewer_id):
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id))
        if profile is None:
            raise exceptions.profile_not_found()
        schema = OwnProfileSchema() if viewer_id == profile.user_id else PublicProfileSchema()
        return schema.dump(profile)
