"""Mentoring: mentoring requests, relationships and capacity."""
