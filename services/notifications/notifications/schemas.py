"""What crosses the wire out of notifications (arrives with its issue)."""
