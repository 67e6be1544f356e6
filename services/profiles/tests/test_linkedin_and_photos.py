"""What profiles takes from LinkedIn (the import, the link's events) and photos."""

import base64
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from mentornet_platform.event_inbox import Inbox
from profiles import linkedin, member_profiles, overview, photos
from profiles.exceptions import InvalidInput, NotFound


def event(event_type, data):
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": data,
    }


def member(db, verified=True):
    user_id = str(uuid.uuid4())
    box = Inbox(
        db.engine,
        {
            "on_account_registered": member_profiles.create_for_account,
            "on_study_details_submitted": member_profiles.record_study_details,
        },
        {"on_account_registered": "identity", "on_study_details_submitted": "identity"},
    )
    box.apply(
        "on_account_registered",
        "identity",
        event(
            "account_registered",
            {
                "user_id": user_id,
                "username": f"m.{user_id[:8]}",
                "email": f"m.{user_id[:8]}@example.org",
                "first_name": "Mila",
                "middle_names": "",
                "last_name": "Jansen",
                "language": "en",
                "registered_at": datetime.now(UTC).isoformat(),
            },
        ),
    )
    if verified:
        box.apply(
            "on_study_details_submitted",
            "identity",
            event(
                "study_details_submitted",
                {
                    "user_id": user_id,
                    "institution": "Utrecht University",
                    "programme": "Archaeology",
                    "faculty": "",
                    "year_started": 2010,
                    "year_graduated": 2014,
                    "role": "alumnus",
                    "verified": True,
                },
            ),
        )
    return user_id


POSITION = {
    "organisation": "Museum",
    "title": "Curator",
    "location": "Leiden",
    "start_month": "2015-01",
    "end_month": None,
    "current": True,
}


def test_an_import_replaces_names_history_and_own_studies_but_never_the_verified_one(db):
    user_id = member(db)
    member_profiles.update_profile(
        db,
        user_id,
        {
            "positions": [{**POSITION, "title": "Old"}],
            "education": [{"institution": "HvA", "programme": "Art"}],
        },
    )
    changes = {
        "first_name": "Milla",
        "positions": [POSITION] * 3,
        "education": [{"institution": "Leiden University", "programme": "History"}],
    }
    preview = linkedin.import_from_linkedin(db, user_id, changes, dry_run=True)
    assert preview["replaced"]["positions"] == [{"title": "Old", "organisation": "Museum"}]
    assert preview["replaced"]["education"] == [{"programme": "Art", "institution": "HvA"}]
    assert (
        member_profiles.get_profile(db, user_id, user_id)["first_name"] == "Mila"
    )  # nothing written
    done = linkedin.import_from_linkedin(db, user_id, changes)["profile"]
    assert done["first_name"] == "Milla"
    assert [p["source"] for p in done["positions"]] == ["linkedin"] * 3
    studies = {(s["programme"], s["source"], s["verified"]) for s in done["education"]}
    assert studies == {("Archaeology", "registration", True), ("History", "linkedin", False)}
    assert done["linkedin"]["imported_at"]


def test_a_bad_row_is_named_and_nothing_is_written(db):
    user_id = member(db)
    rows = [POSITION, {**POSITION, "start_month": "Spring 2019"}]
    with pytest.raises(InvalidInput) as refused:
        linkedin.import_from_linkedin(db, user_id, {"first_name": "Milla", "positions": rows})
    assert "positions.1.start_month" in refused.value.fields
    profile = member_profiles.get_profile(db, user_id, user_id)
    assert profile["first_name"] == "Mila" and profile["positions"] == []
    assert profile["linkedin"]["imported_at"] is None


def test_the_link_events_set_connected_and_a_late_older_one_changes_nothing(db):
    user_id = member(db)
    now = datetime.now(UTC)
    box = Inbox(
        db.engine,
        {
            "on_linkedin_linked": linkedin.linkedin_linked,
            "on_linkedin_unlinked": linkedin.linkedin_unlinked,
        },
        {"on_linkedin_linked": "identity", "on_linkedin_unlinked": "identity"},
    )
    box.apply(
        "on_linkedin_unlinked",
        "identity",
        event("linkedin_unlinked", {"user_id": user_id, "unlinked_at": now.isoformat()}),
    )
    box.apply(
        "on_linkedin_linked",
        "identity",
        event(
            "linkedin_linked",
            {"user_id": user_id, "linked_at": (now - timedelta(seconds=5)).isoformat()},
        ),
    )
    assert member_profiles.get_profile(db, user_id, user_id)["linkedin"]["connected"] is False
    box.apply(
        "on_linkedin_linked",
        "identity",
        event(
            "linkedin_linked",
            {"user_id": user_id, "linked_at": (now + timedelta(seconds=5)).isoformat()},
        ),
    )
    assert member_profiles.get_profile(db, user_id, user_id)["linkedin"]["connected"] is True


def image_bytes(fmt="PNG", size=(800, 600), exif=False):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def test_a_photo_is_re_encoded_resized_and_stripped(db):
    user_id = member(db)
    photos.set_photo(db, user_id, b64(image_bytes("JPEG", (2000, 1000), exif=True)))
    stored = photos.get_photo(db, user_id, user_id)
    raw = base64.b64decode(stored["data"])
    with Image.open(io.BytesIO(raw)) as image:
        assert image.format == "JPEG" and max(image.size) == photos.SIDE
        assert not image.getexif() and "exif" not in image.info
    assert member_profiles.get_profile(db, user_id, user_id)["photo"] == stored["digest"]
    # The dashboard's "photo placeholder" is the photo.
    assert overview.overview(db, user_id)["me"]["photo"] == stored["digest"]


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"GIF89a" + b"\0" * 100, "Upload a JPEG, PNG or WebP photo."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a JPEG, PNG or WebP photo."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "Upload a JPEG, PNG or WebP photo."),
        (b"x" * (photos.MAX_BYTES + 1), "The photo is larger than 1 MB."),
    ],
)
def test_what_is_not_a_bounded_photo_is_refused(db, raw, reason):
    user_id = member(db)
    with pytest.raises(InvalidInput) as refused:
        photos.set_photo(db, user_id, b64(raw))
    assert refused.value.fields == {"photo": [reason]}


def test_a_decompression_bomb_is_refused_before_decoding(db):
    # A small PNG that claims 10,000 x 10,000 pixels.
    bomb = image_bytes("PNG", (10_000, 10_000))
    assert len(bomb) < photos.MAX_BYTES
    with pytest.raises(InvalidInput) as refused:
        photos.set_photo(db, member(db), b64(bomb))
    assert refused.value.fields == {"photo": ["The photo has too many pixels."]}


def test_a_photo_is_seen_only_by_whoever_may_see_the_profile(db):
    owner, other, newcomer = member(db), member(db), member(db, verified=False)
    photos.set_photo(db, owner, b64(image_bytes()))
    assert photos.get_photo(db, owner, other)["digest"]
    for viewer in (newcomer, None, str(uuid.uuid4())):
        with pytest.raises(NotFound):
            photos.get_photo(db, owner, viewer)
