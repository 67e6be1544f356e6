"""Profiles' part of the members' data rights (docs/architecture.md,
"Members' data rights"): its part of a member's data export, and erasing the
member.  A table that holds something about a member is named in both."""

import base64

from sqlalchemy import or_

from mentornet_platform.data_rights import (
    confirm_erased,
    erase_from_messaging_tables,
    row_data,
    rows_data,
    send_export_part,
)
from profiles import member_profiles
from profiles.models import Education, MentoringRelationship, Photo, Position, Profile

SOURCE = "profiles"
# Derived from the rest of the profile (for search), not data of its own.
NOT_EXPORTED = ("search_text", "search_vector")


def export_part(session, data, envelope):
    """identity.data_export_requested: the profile, its positions and studies,
    the relationships profiles knows of, and the photo (as a file)."""
    user_id = str(data["user_id"])
    profile = session.get(Profile, user_id)
    photo = session.get(Photo, user_id)
    part = {
        "profile": row_data(profile, NOT_EXPORTED) if profile else None,
        "positions": rows_data(session, Position, Position.user_id == user_id, (), Position.rank),
        "educations": rows_data(session, Education, Education.user_id == user_id, (), Education.id),
        "relationships": rows_data(
            session,
            MentoringRelationship,
            or_(
                MentoringRelationship.mentor_id == user_id,
                MentoringRelationship.mentee_id == user_id,
            ),
        ),
        "photo": row_data(photo, ("data",)) if photo else None,
        "files": {"photo.jpg": base64.b64encode(photo.data).decode("ascii")} if photo else {},
    }
    send_export_part(session, SOURCE, data, part)


def erase(session, data, envelope):
    """identity.account_deleted: the profile, its positions, studies and photo
    go (search and the directory with them); the relationships' ids stay
    (they are mentoring's, and name nobody).  Then identity is told."""
    user_id = str(data["user_id"])
    profile = session.get(Profile, user_id)
    words = (
        [profile.username, profile.email, f"{profile.first_name} {profile.last_name}"]
        if profile
        else []
    )
    member_profiles.forget_member(session, data, envelope)
    erase_from_messaging_tables(session, user_id, *words)
    confirm_erased(session, SOURCE, "profile_erased", user_id)
