"""Notifications: in-app notifications, the inbox, e-mail and preferences."""
