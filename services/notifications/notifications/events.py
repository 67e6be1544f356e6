"""Events notifications publishes (none yet; contracts in mentornet_contracts.events)."""
SOURCE = "notifications"
