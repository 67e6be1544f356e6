"""The operators' figures of mentoring (the console's statistics page):
aggregates only, each computed in SQL, nothing that names a member."""

from sqlalchemy import text

from mentoring import config
from mentornet_contracts.statuses import RequestStatus


def network_statistics(db):
    """Requests by state, the acceptance rate (accepted of those the mentor
    answered: accepted or declined), the median time from request to answer,
    and relationships: current, and ended by outcome."""
    with db.transaction() as session:
        by_status = dict(
            session.execute(
                text("SELECT status, count(*) FROM mentoring_requests GROUP BY status")
            ).all()
        )
        answered = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE status = :accepted) AS accepted,"
                " count(*) AS answered,"
                " percentile_cont(0.5) WITHIN GROUP"
                " (ORDER BY extract(epoch FROM decided_at - created_at)::float8) AS median_seconds"
                " FROM mentoring_requests"
                " WHERE status IN (:accepted, :declined) AND decided_at IS NOT NULL"
            ),
            {"accepted": RequestStatus.ACCEPTED, "declined": RequestStatus.DECLINED},
        ).one()
        relationships = session.execute(
            text(
                "SELECT count(*) FILTER (WHERE ended_at IS NULL) AS current,"
                " count(*) FILTER (WHERE ended_at IS NOT NULL) AS ended"
                " FROM relationships"
            )
        ).one()
        ended = dict(
            session.execute(
                text(
                    "SELECT outcome, count(*) FROM relationships"
                    " WHERE ended_at IS NOT NULL AND outcome IS NOT NULL GROUP BY outcome"
                )
            ).all()
        )
    return {
        "requests_by_status": {status.value: by_status.get(status, 0) for status in RequestStatus},
        "requests_answered": answered.answered,
        "acceptance_rate": (
            round(answered.accepted / answered.answered, 4) if answered.answered else None
        ),
        "median_answer_seconds": (
            round(answered.median_seconds) if answered.median_seconds is not None else None
        ),
        "relationships_current": relationships.current,
        "relationships_ended": relationships.ended,
        "ended_by_outcome": {
            outcome: ended.get(outcome, 0) for outcome in config.RELATIONSHIP_OUTCOMES
        },
    }
