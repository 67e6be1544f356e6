"""Identity: accounts, sessions, consents and onboarding progress."""
