"""Profiles: creating them from identity's events, reading them as the viewer
may see them, changing them, and the mentor settings.  Plain functions."""

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import object_session

from mentornet_contracts.errors import load_input
from profiles import config, events, exceptions
from profiles.models import (
    Education,
    ForgottenMember,
    MentoringRelationship,
    Photo,
    Position,
    Profile,
)
from profiles.names import fold, name_forms
from profiles.schemas import (
    EducationSchema,
    MentorSettingsSchema,
    PositionSchema,
    ProfilePatchSchema,
)

# Sections of the guide's profile page that count towards completeness.
SECTIONS = ("headline", "bio", "professional_history", "education", "address", "email_web")


def _now():
    return datetime.now(UTC)


def search_text_of(profile, positions, educations):
    """What search matches a member on: names, headline, bio, positions, studies
    (folded), then the names' compact forms ("vandenberg"; profiles.names)."""
    parts = [
        profile.first_name,
        profile.middle_names,
        profile.last_name,
        profile.headline,
        profile.bio,
    ]
    parts += [f"{p.title} {p.organisation} {p.sector} {p.location}" for p in positions]
    parts += [f"{e.programme} {e.institution} {e.faculty}" for e in educations]
    return with_name_forms(fold(" ".join(part for part in parts if part)), profile)


def with_name_forms(folded, profile):
    """The folded search text followed by the profile's name forms (migration
    0008 refills the rows written before the forms with this)."""
    forms = name_forms(profile.first_name, profile.middle_names, profile.last_name)
    return " ".join([folded] + forms) if forms else folded


def refresh_search_text(session, profile):
    profile.search_text = search_text_of(
        profile, positions_of(session, profile.user_id), educations_of(session, profile.user_id)
    )


# -- from identity's events ------------------------------------------------------
def create_for_account(session, data, envelope):
    """identity.account_registered: the member gets an empty profile (saga step)."""
    user_id = str(data["user_id"])
    if session.get(Profile, user_id) is not None:
        return  # created by an earlier delivery under another event id
    if session.get(ForgottenMember, user_id) is not None:
        return  # the account was deleted before this event arrived
    now = _now()
    profile = Profile(
        user_id=user_id,
        username=data["username"],
        first_name=data["first_name"],
        middle_names=data.get("middle_names", ""),
        last_name=data["last_name"],
        # No address while identity withholds it (another account
        # confirmed it); account_email_changed brings the member's own.
        email=data["email"] or "",
        created_at=now,
        updated_at=now,
    )
    profile.search_text = search_text_of(profile, [], [])  # a new member: names only
    session.add(profile)
    session.flush()
    events.profile_created(session, profile)


def record_study_details(session, data, envelope):
    """identity.study_details_submitted: the registration study goes on the profile,
    and the member is verified (study details follow a verified affiliation)."""
    user_id = str(data["user_id"])
    if session.get(ForgottenMember, user_id) is not None:
        return
    profile = session.get(Profile, user_id)
    if profile is None:
        # The profile is made by account_registered; until then, retry later.
        raise LookupError(f"no profile for {user_id} yet")
    education = session.execute(
        select(Education).where(Education.user_id == user_id, Education.source == "registration")
    ).scalar_one_or_none()
    if education is None:
        education = Education(user_id=user_id, source="registration")
        session.add(education)
    for name in (
        "institution",
        "programme",
        "faculty",
        "year_started",
        "year_graduated",
        "verified",
    ):
        setattr(education, name, data[name])
    profile.verified = True
    profile.role = data["role"]
    session.flush()
    refresh_search_text(session, profile)


def forget_member(session, data, envelope):
    """identity.account_deleted: the profile and everything on it go."""
    user_id = str(data["user_id"])
    session.execute(delete(Profile).where(Profile.user_id == user_id))
    session.execute(delete(Photo).where(Photo.user_id == user_id))
    # Their relationships are left to mentoring's relationship_ended events,
    # which it sends for each of them and which free the mentors' places.
    # Remember the id only, so a late account_registered does not bring the profile back.
    if session.get(ForgottenMember, user_id) is None:
        session.add(ForgottenMember(user_id=user_id))


def update_email(session, data, envelope):
    """identity.account_email_changed."""
    profile = session.get(Profile, str(data["user_id"]))
    if profile is not None:
        profile.email = data["email"]


def _suspension(suspended):
    def handler(session, data, envelope):
        """identity.account_suspended / account_unsuspended: the later one wins."""
        profile = session.get(Profile, str(data["user_id"]), with_for_update=True)
        if profile is None:
            return
        at = data["at"]
        if profile.suspension_changed_at is None or at >= profile.suspension_changed_at:
            profile.suspended = suspended
            profile.suspension_changed_at = at

    handler.__name__ = "suspend" if suspended else "unsuspend"
    return handler


suspend = _suspension(True)
unsuspend = _suspension(False)


# -- reading ---------------------------------------------------------------------
def positions_of(session, user_id):
    """In the member's own order (the list as they last saved it)."""
    return (
        session.execute(
            select(Position).where(Position.user_id == user_id).order_by(Position.rank, Position.id)
        )
        .scalars()
        .all()
    )


def educations_of(session, user_id):
    return (
        session.execute(
            select(Education)
            .where(Education.user_id == user_id)
            .order_by(Education.source.desc(), Education.id)
        )
        .scalars()
        .all()
    )


def completeness(profile, positions, educations):
    filled = {
        "headline": bool(profile.headline),
        "bio": bool(profile.bio),
        "professional_history": bool(positions),
        "education": bool(educations),
        "address": bool(profile.city and profile.country),
        "email_web": bool(profile.website or profile.linkedin_url or profile.skype),
    }
    return {
        "score": round(100 * sum(filled.values()) / len(filled)),
        "missing": [name for name in SECTIONS if not filled[name]],
    }


def mentor_settings_view(profile):
    return {
        "available": profile.mentor_available,
        "activities": list(profile.mentor_activities),
        "max_mentees": profile.mentor_max_mentees,
        "sectors": list(profile.mentor_sectors),
        "languages": list(profile.mentor_languages),
        "note": profile.mentor_note,
        "current_mentees": profile.current_mentees,
        "room_left": max(0, profile.mentor_max_mentees - profile.current_mentees),
    }


def _view(profile, positions, educations, owner, partner):
    view = {
        "user_id": profile.user_id,
        "first_name": profile.first_name,
        "middle_names": profile.middle_names,
        "last_name": profile.last_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "role": profile.role,
        "verified": profile.verified,
        "positions": PositionSchema(many=True).dump(positions),
        "education": EducationSchema(many=True).dump(educations),
        "mentor": mentor_settings_view(profile),
        # The photo's digest (its URL's version, for caching), or None.
        "photo": photo_digest(profile),
    }
    if owner or partner:
        # Contact details and address: the member and their mentoring partners only.
        view.update(
            {
                "email": profile.email,
                "website": profile.website,
                "skype": profile.skype,
                "linkedin_url": profile.linkedin_url,
                "address": {
                    "line1": profile.address_line1,
                    "line2": profile.address_line2,
                    "city": profile.city,
                    "region": profile.region,
                    "postcode": profile.postcode,
                    "country": profile.country,
                },
            }
        )
    if owner:
        view["username"] = profile.username
        # Whether the university lets this member switch availability on (MENTOR_ROLES).
        view["mentor"]["eligible"] = may_mentor(profile)
        view["completeness"] = completeness(profile, positions, educations)
        view["updated_at"] = profile.updated_at.isoformat()
        view["linkedin"] = {
            "connected": profile.linkedin_connected_at is not None,
            "connected_at": _iso(profile.linkedin_connected_at),
            "imported_at": _iso(profile.linkedin_imported_at),
        }
    return view


def photo_digest(profile):
    """The digest alone: the photo's bytes are not loaded to name it."""
    return object_session(profile).scalar(
        select(Photo.digest).where(Photo.user_id == profile.user_id)
    )


def _iso(moment):
    return moment.isoformat() if moment else None


def get_profile(db, user_id, viewer_id, as_member=False):
    """``user_id``'s profile as ``viewer_id`` may see it (docs/architecture.md, section 6).
    ``as_member``: the owner sees their own as another verified member does
    (the profile page's "see my profile as a member sees it")."""
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id))
        owner = profile is not None and viewer_id == profile.user_id
        if owner and as_member:
            if not profile.verified:
                raise exceptions.profile_not_found()  # others do not see it at all yet
            return _view(
                profile,
                positions_of(session, profile.user_id),
                educations_of(session, profile.user_id),
                owner=False,
                partner=False,
            )
        if profile is None or (not owner and not profile.verified):
            raise exceptions.profile_not_found()
        if not owner:
            viewer = session.get(Profile, str(viewer_id)) if viewer_id else None
            if viewer is None or not viewer.verified:
                raise exceptions.Forbidden(
                    "not_verified",
                    "Members' profiles are open to verified members; "
                    "finish verifying your affiliation first.",
                )
        partner = not owner and partners(session, profile.user_id, str(viewer_id))
        return _view(
            profile,
            positions_of(session, profile.user_id),
            educations_of(session, profile.user_id),
            owner,
            partner,
        )


# -- changing --------------------------------------------------------------------
ADDRESS_COLUMNS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "region": "region",
    "postcode": "postcode",
    "country": "country",
}


def update_profile(db, user_id, changes):
    """PATCH semantics: the fields given replace what was there; lists replace whole."""
    data = load_input(ProfilePatchSchema(), changes, "The changes")
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id), with_for_update=True)
        if profile is None:
            raise exceptions.profile_not_found()
        for name in (
            "first_name",
            "middle_names",
            "last_name",
            "headline",
            "bio",
            "website",
            "skype",
            "linkedin_url",
        ):
            if name in data:
                setattr(profile, name, data[name])
        for name, value in data.get("address", {}).items():
            setattr(profile, ADDRESS_COLUMNS[name], value)
        if "positions" in data:
            session.execute(delete(Position).where(Position.user_id == profile.user_id))
            session.add_all(
                Position(user_id=profile.user_id, rank=rank, **position)
                for rank, position in enumerate(data["positions"])
            )
        if "education" in data:
            # The study from registration stays; the member's own list is replaced.
            session.execute(
                delete(Education).where(
                    Education.user_id == profile.user_id, Education.source == "member"
                )
            )
            session.add_all(
                Education(user_id=profile.user_id, source="member", **education)
                for education in data["education"]
            )
        profile.updated_at = _now()
        session.flush()
        positions, educations = (
            positions_of(session, profile.user_id),
            educations_of(session, profile.user_id),
        )
        profile.search_text = search_text_of(profile, positions, educations)
        return _view(profile, positions, educations, owner=True, partner=False)


def may_mentor(profile):
    return profile.verified and profile.role in config.mentor_roles()


def set_mentor_settings(db, user_id, settings):
    data = load_input(MentorSettingsSchema(), settings, "The settings")
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id), with_for_update=True)
        if profile is None:
            raise exceptions.profile_not_found()
        if data["available"] and not may_mentor(profile):
            allowed = " and ".join(config.mentor_roles()) or "nobody"
            raise exceptions.Forbidden(
                "not_eligible_as_mentor",
                f"Only verified members who are {allowed} can make themselves available as "
                "a mentor.",
                {"available": ["You cannot switch availability on."]},
            )
        profile.mentor_available = data["available"]
        profile.mentor_activities = data["activities"]
        profile.mentor_max_mentees = data["max_mentees"]
        profile.mentor_sectors = data["sectors"]
        profile.mentor_languages = data["languages"]
        profile.mentor_note = data["note"]
        profile.updated_at = _now()
        events.mentor_settings_changed(session, profile)
        return mentor_settings_view(profile)


# -- from mentoring's events -------------------------------------------------------
def relationship_started(session, data, envelope):
    """mentoring.mentoring_request_accepted: the two are partners (they may see each
    other's contact details) and the mentor has one mentee more; unless this
    relationship's end was applied first (see MentoringRelationship)."""
    relationship_id = int(data["relationship_id"])
    relationship = session.get(MentoringRelationship, relationship_id, with_for_update=True)
    if relationship is not None:
        relationship.started = True  # already known: started twice, or ended already
        return
    session.add(
        MentoringRelationship(
            relationship_id=relationship_id,
            mentor_id=str(data["mentor_id"]),
            mentee_id=str(data["mentee_id"]),
            started=True,
            ended=False,
        )
    )
    _count_mentee(session, str(data["mentor_id"]), +1)


def relationship_ended(session, data, envelope):
    """mentoring.relationship_ended: no longer partners, the place is free again.
    An end that arrives before its start is kept, so the start changes nothing."""
    relationship_id = int(data["relationship_id"])
    mentor_id, mentee_id = str(data["mentor_id"]), str(data["mentee_id"])
    relationship = session.get(MentoringRelationship, relationship_id, with_for_update=True)
    if relationship is None:
        carried_over = (
            session.execute(
                select(MentoringRelationship)
                .where(
                    MentoringRelationship.relationship_id < 0,
                    MentoringRelationship.started,
                    ~MentoringRelationship.ended,
                    _pair(mentor_id, mentee_id),
                )
                .with_for_update()
            )
            .scalars()
            .first()
        )
        if carried_over is not None:  # a partnership from before migration 0005
            carried_over.ended = True
            _count_mentee(session, mentor_id, -1)
        session.add(
            MentoringRelationship(
                relationship_id=relationship_id,
                mentor_id=mentor_id,
                mentee_id=mentee_id,
                started=carried_over is not None,
                ended=True,
            )
        )
        return
    if relationship.started and not relationship.ended:
        _count_mentee(session, relationship.mentor_id, -1)
    relationship.ended = True


def _pair(one, other):
    return (
        (MentoringRelationship.mentor_id == one) & (MentoringRelationship.mentee_id == other)
    ) | ((MentoringRelationship.mentor_id == other) & (MentoringRelationship.mentee_id == one))


def _count_mentee(session, mentor_id, change):
    mentor = session.get(Profile, mentor_id, with_for_update=True)
    if mentor is not None:
        # Search and the sector cloud follow through profiles' triggers (migration 0004).
        mentor.current_mentees = max(0, mentor.current_mentees + change)


def partners(session, one, other):
    """Whether the two are in a current mentoring relationship."""
    return (
        session.execute(
            select(MentoringRelationship.relationship_id).where(
                MentoringRelationship.started, ~MentoringRelationship.ended, _pair(one, other)
            )
        ).first()
        is not None
    )
