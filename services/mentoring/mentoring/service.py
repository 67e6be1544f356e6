"""Mentoring's nameko entrypoints: thin, each calls a plain domain function.

Every method acting for a member takes that member's id and the domain checks
it, so a direct RPC call with another member's ids is refused too.
"""

from nameko.timer import timer

from mentoring import (
    feedback,
    goals,
    handlers,
    meetings,
    mentoring_requests,
    nudges,
    relationships,
    statistics,
    workspace,
)
from mentornet_platform import service_base  # not its class: nameko would run that too
from mentornet_platform.event_inbox import EventInbox, event_entrypoints
from mentornet_platform.rpc import rpc


@event_entrypoints  # one event entrypoint per inbox handler below
class MentoringService(service_base.ServiceBase):  # + platform providers, health, dead letters
    name = "mentoring"

    event_inbox = EventInbox(handlers.HANDLERS)

    @rpc
    def request_mentoring(self, mentee_id, mentor_id, activities, message):
        return mentoring_requests.request_mentoring(
            self.db, mentee_id, mentor_id, activities, message
        )

    @rpc
    def accept_request(self, mentor_id, request_id, reply=""):
        return mentoring_requests.accept(self.db, mentor_id, request_id, reply)

    @rpc
    def decline_request(self, mentor_id, request_id, reason, reply=""):
        return mentoring_requests.decline(self.db, mentor_id, request_id, reason, reply)

    @rpc
    def withdraw_request(self, mentee_id, request_id):
        return mentoring_requests.withdraw(self.db, mentee_id, request_id)

    @rpc
    def list_requests(self, user_id, box="received", status=None):
        return mentoring_requests.list_requests(self.db, user_id, box, status)

    @rpc
    def request_history(self, user_id, request_id):
        return mentoring_requests.request_history(self.db, user_id, request_id)

    @rpc
    def get_request(self, user_id, request_id):
        return mentoring_requests.get_request(self.db, user_id, request_id)

    @rpc
    def get_relationship(self, user_id, relationship_id):
        return relationships.get_relationship(self.db, user_id, relationship_id)

    @rpc
    def list_relationships(self, user_id, current=True):
        return relationships.list_relationships(self.db, user_id, current)

    @rpc
    def end_relationship(self, user_id, relationship_id, outcome=None, reason=""):
        return relationships.end_relationship(self.db, user_id, relationship_id, outcome, reason)

    @rpc
    def give_feedback(self, user_id, relationship_id, rating=None, comment=""):
        return feedback.give_feedback(self.db, user_id, relationship_id, rating, comment)

    @rpc
    def feedback_status(self, user_id, relationship_id):
        """The member's own: may they give feedback, or did they?  Never the partner's."""
        return feedback.feedback_status(self.db, user_id, relationship_id)

    @rpc
    def feedback_statistics(self):
        """Operators only (the gateway's admin side): aggregates by outcome, no ids."""
        return feedback.feedback_statistics(self.db)

    @rpc
    def network_statistics(self):
        """Operators only (the console's statistics): requests and relationships, aggregates."""
        return statistics.network_statistics(self.db)

    @rpc
    def overview(self, user_id):
        """The dashboard's part: current relationships, requests sent and received."""
        return mentoring_requests.overview(self.db, user_id)

    # -- the relationship's workspace ------------------------------------------
    @rpc
    def get_workspace(self, user_id, relationship_id):
        return workspace.get_workspace(self.db, user_id, relationship_id)

    @rpc
    def add_goal(self, user_id, relationship_id, title):
        return goals.add_goal(self.db, user_id, relationship_id, title)

    @rpc
    def complete_goal(self, user_id, relationship_id, goal_id):
        return goals.complete_goal(self.db, user_id, relationship_id, goal_id)

    @rpc
    def propose_meeting(self, user_id, relationship_id, proposal):
        """``proposal``: times (as typed), time_zone, duration_minutes, link, place."""
        proposal = proposal if isinstance(proposal, dict) else {}
        return meetings.propose_meeting(
            self.db,
            user_id,
            relationship_id,
            proposal.get("times"),
            proposal.get("time_zone"),
            proposal.get("duration_minutes", 60),
            proposal.get("link", ""),
            proposal.get("place", ""),
        )

    @rpc
    def pick_meeting_time(self, user_id, meeting_id, time_id):
        return meetings.pick_time(self.db, user_id, meeting_id, time_id)

    @rpc
    def move_meeting(self, user_id, meeting_id, starts_at, time_zone):
        return meetings.move_meeting(self.db, user_id, meeting_id, starts_at, time_zone)

    @rpc
    def cancel_meeting(self, user_id, meeting_id):
        return meetings.cancel_meeting(self.db, user_id, meeting_id)

    @rpc
    def add_meeting_note(self, user_id, meeting_id, body, shared=False):
        return meetings.add_note(self.db, user_id, meeting_id, body, shared)

    @rpc
    def workspace_statistics(self):
        """Operators' aggregates (the gateway's admin API only)."""
        return workspace.statistics(self.db)

    @timer(interval=60)
    def remind_meetings(self):
        """Both members are reminded of a meeting the day before (once per start)."""
        meetings.remind_due(self.db)

    @timer(interval=60)
    def expire_requests(self):
        """Unanswered requests expire; mentors are reminded before that."""
        mentoring_requests.expire_due(self.db)

    @timer(interval=300)
    def nudge(self):
        """Quiet relationships and members who asked nobody: each nudged once."""
        nudges.nudge_quiet_relationships(self.db)
        nudges.suggest_mentors(self.db)
