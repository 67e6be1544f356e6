"""RPC signatures: the methods each service exposes to the gateway.

The gateway only calls what is listed here and each service's tests check that
its entrypoints accept exactly these parameters.  Service-to-service RPC is for
read-only look-ups only (DESIGN.md section 1).
"""

METHODS = {
    "identity": {
        "health": [],
        "suggest_username": ["first_name", "last_name"],
        "username_available": ["username"],
        "register_account": ["registration", "idempotency_key"],
        "login": ["username", "password"],
        "logout": ["token"],
        "authenticate": ["token"],
        "get_onboarding": ["user_id"],
    },
    "profiles": {
        "health": [],
        "get_profile": ["user_id", "viewer_id"],
    },
    "mentoring": {
        "health": [],
    },
    "notifications": {
        "health": [],
    },
}

SERVICES = tuple(METHODS)
