"""Profiles: the members' profiles, mentor settings and search."""
