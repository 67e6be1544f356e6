"""Where a member is in the guide's sign-up steps."""

STEPS = ("affiliation", "study_details", "account_creation", "guidelines", "introduction", "done")


def account_ready(account):
    """True once the registration saga has provisioned the member (their profile exists)."""
    return account.profile_ready_at is not None


def next_step(account):
    if account.affiliation_verified_at is None:
        return "affiliation"
    if account.study_details_at is None:
        return "study_details"
    if not account_ready(account):
        return "account_creation"
    if account.guidelines_agreed_at is None:
        return "guidelines"
    if account.introduction_completed_at is None:
        return "introduction"
    return "done"


def status(account):
    step = next_step(account)
    return {"completed": step == "done", "next_step": step, "account_ready": account_ready(account)}
