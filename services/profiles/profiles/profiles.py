"""Reading and creating profiles: plain functions."""
from datetime import datetime, timezone

from sqlalchemy import delete, select

from profiles import events, exceptions
from profiles.models import Education, ForgottenMember, Profile
from profiles.schemas import EducationSchema, OwnProfileSchema, PublicProfileSchema


def create_for_account(session, data, envelope):
    """identity.account_registered: the member gets an empty profile (saga step)."""
    user_id = str(data["user_id"])
    if session.get(Profile, user_id) is not None:
        return  # created by an earlier delivery under another event id
    if session.get(ForgottenMember, user_id) is not None:
        return  # the account was deleted before this event arrived
    now = datetime.now(timezone.utc)
    profile = Profile(user_id=user_id, username=data["username"], first_name=data["first_name"],
                      middle_names=data.get("middle_names", ""), last_name=data["last_name"],
                      email=data["email"], created_at=now, updated_at=now)
    session.add(profile)
    session.flush()
    events.profile_created(session, profile)


def record_study_details(session, data, envelope):
    """identity.study_details_submitted: the registration study goes on the profile."""
    user_id = str(data["user_id"])
    if session.get(ForgottenMember, user_id) is not None:
        return
    if session.get(Profile, user_id) is None:
        # The profile is made by account_registered; until then, retry later.
        raise LookupError(f"no profile for {user_id} yet")
    education = session.execute(select(Education).where(
        Education.user_id == user_id, Education.source == "registration")).scalar_one_or_none()
    if education is None:
        education = Education(user_id=user_id, source="registration")
        session.add(education)
    for name in ("institution", "programme", "faculty", "year_started", "year_graduated",
                 "verified"):
        setattr(education, name, data[name])


def forget_member(session, data, envelope):
    """identity.account_deleted: the profile and everything on it go."""
    user_id = str(data["user_id"])
    session.execute(delete(Profile).where(Profile.user_id == user_id))
    # Remember the id only, so a late account_registered does not bring the profile back.
    if session.get(ForgottenMember, user_id) is None:
        session.add(ForgottenMember(user_id=user_id))


def update_email(session, data, envelope):
    """identity.account_email_changed."""
    profile = session.get(Profile, str(data["user_id"]))
    if profile is not None:
        profile.email = data["email"]


def get_profile(db, user_id, viewer_id):
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id))
        if profile is None:
            raise exceptions.profile_not_found()
        educations = session.execute(select(Education).where(Education.user_id == profile.user_id)
                                     .order_by(Education.source.desc(), Education.id)).scalars().all()
        schema = OwnProfileSchema() if viewer_id == profile.user_id else PublicProfileSchema()
        view = schema.dump(profile)
        view["education"] = EducationSchema(many=True).dump(educations)
        return view
