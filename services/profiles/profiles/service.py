"""Profiles' nameko entrypoints: thin, each calls a plain domain function."""

from mentornet_platform import service_base  # not its class: nameko would run that too
from mentornet_platform.event_inbox import EventInbox, event_entrypoints
from mentornet_platform.rpc import rpc
from profiles import (
    config,
    handlers,
    linkedin,
    member_profiles,
    overview,
    photos,
    search,
    statistics,
)


@event_entrypoints  # one event entrypoint per inbox handler below
class ProfilesService(service_base.ServiceBase):  # + platform providers, health, dead letters
    name = "profiles"

    event_inbox = EventInbox(handlers.HANDLERS)

    @rpc
    def mentor_statistics(self):
        """Operators only (the console's statistics): mentors and places, aggregates."""
        return statistics.mentor_statistics(self.db)

    @rpc
    def get_profile(self, user_id, viewer_id, as_member=False):
        return member_profiles.get_profile(self.db, user_id, viewer_id, as_member)

    @rpc
    def update_profile(self, user_id, changes):
        return member_profiles.update_profile(self.db, user_id, changes)

    @rpc
    def import_from_linkedin(self, user_id, changes, dry_run=False):
        return linkedin.import_from_linkedin(self.db, user_id, changes, dry_run)

    @rpc
    def set_photo(self, user_id, image, source="member"):
        return photos.set_photo(self.db, user_id, image, source)

    @rpc
    def get_photo(self, user_id, viewer_id):
        return photos.get_photo(self.db, user_id, viewer_id)

    @rpc
    def remove_photo(self, user_id):
        return photos.remove_photo(self.db, user_id)

    @rpc
    def set_mentor_settings(self, user_id, settings):
        return member_profiles.set_mentor_settings(self.db, user_id, settings)

    @rpc
    def catalogue(self, kind, language="en"):
        return config.labelled(kind, language)

    @rpc
    def overview(self, user_id, language="en"):
        """The dashboard's part: the member, the sector cloud, recommended mentors
        (sector and activity labels in ``language``)."""
        return overview.overview(self.db, user_id, language=language)

    # -- search --
    @rpc
    def search_mentors(self, viewer_id, filters):
        return search.search_mentors_with(self.db, viewer_id, filters)

    @rpc
    def sector_cloud(self):
        return search.sector_cloud(self.db)

    @rpc
    def directory(
        self,
        viewer_id,
        q=None,
        page=1,
        per_page=20,
        programme=None,
        graduated_from=None,
        graduated_to=None,
    ):
        return search.directory(
            self.db,
            viewer_id,
            q,
            page,
            per_page,
            programme=programme,
            graduated_from=graduated_from,
            graduated_to=graduated_to,
        )
