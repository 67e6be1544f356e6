"""What the profile takes from LinkedIn: whether it is connected (identity's
events), and an import that overwrites names, professional history and the
member's own studies with what LinkedIn gave.

An import goes through the profile's own validation (``ProfilePatchSchema``):
a bad row is named (``positions.3.start_month``) and nothing is written.  The
study from registration, which identity checked against the university's
records, is never touched; imported positions and studies are marked
``linkedin``.
"""

from datetime import UTC, datetime

from sqlalchemy import delete

from mentornet_contracts.errors import load_input
from profiles import exceptions
from profiles.member_profiles import _view, educations_of, positions_of, search_text_of
from profiles.models import Education, Position, Profile
from profiles.schemas import ProfilePatchSchema

SOURCE = "linkedin"
IMPORTED = ("first_name", "last_name", "headline", "bio", "positions", "education")


def _now():
    return datetime.now(UTC)


# -- identity's events -----------------------------------------------------------
def _link_changed(session, data, connected_at, at):
    profile = session.get(Profile, str(data["user_id"]), with_for_update=True)
    if profile is None:
        return  # deleted, or not made yet: the next link or import sets it
    if profile.linkedin_link_changed_at is not None and profile.linkedin_link_changed_at >= at:
        return  # an older change arriving late
    profile.linkedin_connected_at = connected_at
    profile.linkedin_link_changed_at = at


def linkedin_linked(session, data, envelope):
    _link_changed(session, data, data["linked_at"], data["linked_at"])


def linkedin_unlinked(session, data, envelope):
    _link_changed(session, data, None, data["unlinked_at"])


# -- the import --------------------------------------------------------------------
def import_from_linkedin(db, user_id, changes, dry_run=False):
    """Overwrite the profile with what LinkedIn gave (any of ``IMPORTED``); with ``dry_run`` only check
    it and answer what would be replaced.  Returns the profile as its owner
    sees it (after the import) and ``replaced``: what was there before."""
    data = load_input(ProfilePatchSchema(only=IMPORTED), changes, "The LinkedIn import")
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id), with_for_update=not dry_run)
        if profile is None:
            raise exceptions.profile_not_found()
        positions, educations = (
            positions_of(session, profile.user_id),
            educations_of(session, profile.user_id),
        )
        replaced = {}
        for name in ("first_name", "last_name", "headline", "bio"):
            if name in data:
                replaced[name] = getattr(profile, name)
        if "positions" in data:
            replaced["positions"] = [
                {"title": p.title, "organisation": p.organisation} for p in positions
            ]
        if "education" in data:
            replaced["education"] = [
                {"programme": e.programme, "institution": e.institution}
                for e in educations
                if e.source != "registration"
            ]
        if dry_run:
            return {"replaced": replaced, "profile": None}
        for name in ("first_name", "last_name", "headline", "bio"):
            if name in data:
                setattr(profile, name, data[name])
        if "positions" in data:
            session.execute(delete(Position).where(Position.user_id == profile.user_id))
            session.add_all(
                Position(user_id=profile.user_id, source=SOURCE, rank=rank, **position)
                for rank, position in enumerate(data["positions"])
            )
        if "education" in data:
            # The study from registration (verified against the records) stays.
            session.execute(
                delete(Education).where(
                    Education.user_id == profile.user_id, Education.source != "registration"
                )
            )
            session.add_all(
                Education(user_id=profile.user_id, source=SOURCE, **education)
                for education in data["education"]
            )
        profile.linkedin_imported_at = profile.updated_at = _now()
        session.flush()
        positions, educations = (
            positions_of(session, profile.user_id),
            educations_of(session, profile.user_id),
        )
        profile.search_text = search_text_of(profile, positions, educations)
        return {
            "replaced": replaced,
            "profile": _view(profile, positions, educations, owner=True, partner=False),
        }
