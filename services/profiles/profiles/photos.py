"""Members' photos: decoded, bounded, re-encoded by Pillow.

What is stored is never the uploaded file: the image is decoded (JPEG, PNG
or WebP only), refused when its file or its pixel count is too large (a
small file can claim a huge canvas: a decompression bomb), turned upright by
its EXIF orientation, flattened to RGB, shrunk to fit ``SIDE`` pixels and
saved again as JPEG without any metadata (EXIF, GPS, comments, ICC).  The
same path takes an upload and LinkedIn's ``picture`` fetched at import.
"""

import base64
import binascii
import hashlib
import io
import warnings
from datetime import UTC, datetime

from PIL import Image, ImageOps, UnidentifiedImageError

from profiles import exceptions
from profiles.models import ForgottenMember, Photo, Profile

MAX_BYTES = 1024 * 1024  # the upload, as sent
MAX_PIXELS = 25_000_000  # the canvas it claims (about 5000 x 5000)
SIDE = 512  # the stored photo fits in SIDE x SIDE
FORMATS = {"JPEG", "PNG", "WEBP"}


def _refused(message):
    return exceptions.InvalidInput("invalid_photo", message, {"photo": [message]})


def reencode(raw):
    """The photo as the JPEG bytes profiles keeps, or InvalidInput naming why not."""
    if len(raw) > MAX_BYTES:
        raise _refused("The photo is larger than 1 MB.")
    if not raw:
        raise _refused("Choose a photo to upload.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=sorted(FORMATS)) as image:
                # Checked before any pixel is decoded.
                if image.width * image.height > MAX_PIXELS:
                    raise _refused("The photo has too many pixels.")
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode in ("RGBA", "LA", "P"):
                    image = image.convert("RGBA")
                    flat = Image.new("RGB", image.size, (255, 255, 255))
                    flat.paste(image, mask=image.getchannel("A"))
                    image = flat
                else:
                    image = image.convert("RGB")
                image.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, "JPEG", quality=85, optimize=True)  # no exif=, no icc: none kept
    except exceptions.InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, at opening, for canvases far beyond ours.
        raise _refused("The photo has too many pixels.")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refused("Upload a JPEG, PNG or WebP photo.")
    return out.getvalue()


def set_photo(db, user_id, image, source="member"):
    """``image``: the file's bytes in base64 (RPC carries JSON)."""
    if source not in ("member", "linkedin"):
        raise exceptions.InvalidInput(
            "invalid_input", "Unknown photo source.", {"source": ["Unknown source."]}
        )
    if not isinstance(image, str) or len(image) > (MAX_BYTES * 4) // 3 + 4:
        raise _refused("The photo is larger than 1 MB.")
    try:
        raw = base64.b64decode(image, validate=True)
    except (binascii.Error, ValueError):
        raise _refused("Upload a JPEG, PNG or WebP photo.")
    data = reencode(raw)
    digest = hashlib.sha256(data).hexdigest()
    with db.transaction() as session:
        # The profile may not exist yet (a sign-up's saga is still running),
        # but never for a member who was deleted.
        if session.get(ForgottenMember, str(user_id)) is not None:
            raise exceptions.profile_not_found()
        photo = session.get(Photo, str(user_id), with_for_update=True)
        if photo is None:
            photo = Photo(user_id=str(user_id))
            session.add(photo)
        photo.content_type, photo.data, photo.digest, photo.source = (
            "image/jpeg",
            data,
            digest,
            source,
        )
        photo.updated_at = datetime.now(UTC)
    return {"digest": digest, "source": source}


def get_photo(db, user_id, viewer_id):
    """The photo for ``viewer_id``: the owner's own, or a verified member's to
    a verified member (as the profile itself).  Otherwise not found."""
    with db.transaction() as session:
        profile = session.get(Profile, str(user_id))
        photo = session.get(Photo, str(user_id)) if profile is not None else None
        if photo is None:
            raise exceptions.NotFound("photo_not_found", "No such photo.")
        if viewer_id != profile.user_id:
            viewer = session.get(Profile, str(viewer_id)) if viewer_id else None
            if not profile.verified or viewer is None or not viewer.verified:
                raise exceptions.NotFound("photo_not_found", "No such photo.")
        return {
            "content_type": photo.content_type,
            "digest": photo.digest,
            "data": base64.b64encode(photo.data).decode("ascii"),
        }


def remove_photo(db, user_id):
    with db.transaction() as session:
        photo = session.get(Photo, str(user_id))
        if photo is not None:
            session.delete(photo)
    return {"removed": True}
