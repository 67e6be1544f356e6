"""Development-only tools (never deployed): see each module."""
