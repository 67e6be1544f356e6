"""Profiles' settings: the catalogues (CATALOGUE_CONFIG, default
data/catalogue.yaml) and who may offer mentoring (MENTOR_ROLES)."""

import functools
import os

import yaml

from mentornet_contracts.statuses import Role
from mentornet_platform import settings

_DEFAULT_FILE = os.path.join(os.path.dirname(__file__), "data", "catalogue.yaml")


@functools.cache
def catalogue():
    with open(settings.get("CATALOGUE_CONFIG", _DEFAULT_FILE), encoding="utf-8") as source:
        return yaml.safe_load(source)


def activity_ids():
    return [item["id"] for item in catalogue()["activities"]]


def sector_ids():
    return [item["id"] for item in catalogue()["sectors"]]


def labelled(kind, language="en"):
    return [
        {"id": item["id"], "label": item.get(language) or item["en"]} for item in catalogue()[kind]
    ]


ALL_ROLES = ",".join(Role)


def mentor_roles():
    """Who may switch availability on.  By default every verified member ("all
    participants are eligible to be both mentors and mentees", the guide says);
    a university may narrow it, e.g. MENTOR_ROLES=alumnus,staff."""
    return [
        role.strip() for role in settings.get("MENTOR_ROLES", ALL_ROLES).split(",") if role.strip()
    ]


MAX_MENTEES_LIMIT = 20
