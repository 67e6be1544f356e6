"""What crosses the wire into and out of mentoring (requests and relationships
arrive with their issue)."""
