"""Events mentoring publishes (none yet; contracts in mentornet_contracts.events)."""
SOURCE = "mentoring"
