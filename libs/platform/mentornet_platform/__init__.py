"""Infrastructure shared by the Mentor Network services (never domain models)."""
