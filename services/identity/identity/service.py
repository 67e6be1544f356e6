"""Identity's nameko entrypoints: thin, each calls a plain domain function."""

from nameko.timer import timer

from identity import (
    accounts,
    affiliation,
    api_keys,
    audit,
    config,
    data_exports,
    documents,
    erasure,
    handlers,
    linkedin,
    moderation,
    onboarding,
    operators,
    policies,
    records,
    statistics,
    throttling,
    usernames,
)
from mentornet_contracts.statuses import ReviewStatus
from mentornet_platform import service_base  # not its class: nameko would run that too
from mentornet_platform.event_inbox import EventInbox, event_entrypoints
from mentornet_platform.rpc import rpc


@event_entrypoints  # one event entrypoint per inbox handler below
class IdentityService(service_base.ServiceBase):  # + platform providers, health, dead letters
    name = "identity"

    event_inbox = EventInbox(handlers.HANDLERS)

    # -- sign-up (step 4) --
    @rpc
    def suggest_username(self, first_name, last_name):
        with self.db.transaction() as session:
            return usernames.suggest(session, first_name, last_name)

    @rpc
    def username_available(self, username):
        with self.db.transaction() as session:
            return not usernames.is_taken(session, username)

    @rpc
    def security_questions(self):
        return config.university()["security_questions"]

    @rpc
    def policies(self, language="en"):
        return policies.current(self.db, language)

    # ``client`` (the caller's address, as the gateway saw it) is required on
    # everything that costs a hash or guards a secret: each draws on that
    # client's allowance (throttling.py).
    @rpc
    def register_account(self, registration, client, idempotency_key=None, linkedin=None):
        return accounts.register(self.db, registration, idempotency_key, client, linkedin)

    @rpc
    def confirm_email(self, token, client):
        return accounts.confirm_email(self.db, token, client)

    # -- sessions --
    @rpc
    def login(self, username, password, client):
        return accounts.login(self.db, username, password, client)

    @rpc
    def logout(self, token):
        accounts.logout(self.db, token)

    @rpc
    def authenticate(self, token):
        return accounts.authenticate(self.db, token)

    @rpc
    def record_activity(self, seen):
        return accounts.record_activity(self.db, seen)

    @timer(interval=60)
    def end_expired_sessions(self):
        while accounts.end_expired_sessions(self.db) >= accounts.EXPIRY_BATCH:
            pass

    # -- LinkedIn (the gateway verified the ID token; identity links by sub only) --
    @rpc
    def linkedin_sign_in(self, claims, client):
        return linkedin.sign_in(self.db, claims, client)

    @rpc
    def link_linkedin(self, user_id, claims):
        return linkedin.link(self.db, user_id, claims)

    @rpc
    def unlink_linkedin(self, user_id, password):
        return linkedin.unlink(self.db, user_id, password)

    @rpc
    def linkedin_status(self, user_id):
        return linkedin.status(self.db, user_id)

    # -- onboarding (steps 5 to 9) --
    @rpc
    def get_onboarding(self, user_id):
        return accounts.get_onboarding(self.db, user_id)

    @rpc
    def verify_affiliation(self, user_id, role, record_number, request_review=False, note=""):
        return affiliation.verify(self.db, user_id, role, record_number, request_review, note)

    @rpc
    def submit_study_details(self, user_id, details):
        return onboarding.submit_study_details(self.db, user_id, details)

    @rpc
    def get_guidelines(self, language="en"):
        return onboarding.get_guidelines(self.db, language)

    @rpc
    def agree_to_guidelines(self, user_id, version, agree):
        return onboarding.agree_to_guidelines(self.db, user_id, version, agree)

    @rpc
    def complete_introduction(self, user_id):
        return onboarding.complete_introduction(self.db, user_id)

    # -- the account --
    @rpc
    def delete_account(self, user_id, password):
        accounts.delete_account(self.db, user_id, password)

    # -- members' data rights --
    @rpc
    def request_data_export(self, user_id):
        return data_exports.request_export(self.db, user_id)

    @rpc
    def data_export_status(self, user_id):
        return data_exports.status(self.db, user_id)

    @rpc
    def download_data_export(self, user_id, token):
        return data_exports.download(self.db, user_id, token)

    @timer(interval=300)
    def delete_expired_data_exports(self):
        data_exports.delete_expired(self.db)

    @timer(interval=3600)
    def erase_unfinished_sign_ups(self):
        while erasure.erase_unfinished_sign_ups(self.db) >= 100:
            pass

    @rpc
    def change_password(self, user_id, current_password, password, password_confirmation):
        return accounts.change_password(
            self.db, user_id, current_password, password, password_confirmation
        )

    @rpc
    def change_email(self, user_id, email, email_confirmation, password):
        return accounts.change_email(self.db, user_id, email, email_confirmation, password)

    @rpc
    def change_language(self, user_id, language):
        return accounts.change_language(self.db, user_id, language)

    # -- forgotten password --
    @rpc
    def request_password_reset(self, login, client):
        return accounts.request_password_reset(self.db, login, client)

    @rpc
    def reset_question(self, token, client):
        return accounts.security_question_for(self.db, token, client)

    @rpc
    def verify_password_reset(self, token, security_answer, client):
        return accounts.verify_password_reset(self.db, token, security_answer, client)

    @rpc
    def complete_password_reset(self, reset_token, password, password_confirmation, client):
        return accounts.complete_password_reset(
            self.db, reset_token, password, password_confirmation, client
        )

    @timer(interval=600)
    def forget_idle_clients(self):
        with self.db.transaction() as session:
            throttling.forget_idle_clients(session)

    # -- operators: the console's sessions (operators.py) --
    @rpc
    def operator_login(self, username, password, client):
        return operators.login(self.db, username, password, client)

    @rpc
    def operator_enrolment(self, token):
        return operators.enrolment(self.db, token)

    @rpc
    def operator_second_factor(self, token, code, client):
        return operators.second_factor(self.db, token, code, client)

    @rpc
    def operator_authenticate(self, token):
        return operators.authenticate(self.db, token)

    @rpc
    def operator_logout(self, token, client):
        operators.logout(self.db, token, client)

    @timer(interval=60)
    def end_expired_operator_sessions(self):
        operators.end_expired_sessions(self.db)

    # -- operators' actions: ``actor`` is the caller's credentials, an operator's
    # session token or an API key ({"operator_token": ...} or {"api_key": ...});
    # identity resolves who acts, checks the area, and audits (audit.py).
    @rpc
    def authenticate_api_key(self, key, area, client):
        return api_keys.authenticate(self.db, key, area, client)

    @rpc
    def create_api_key(self, actor, name, scopes, client):
        return api_keys.create(self.db, actor, name, scopes, client)

    @rpc
    def revoke_api_key(self, actor, key_id, client):
        return api_keys.revoke(self.db, actor, key_id, client)

    @rpc
    def list_api_keys(self, actor):
        return api_keys.listed(self.db, actor)

    @rpc
    def list_operators(self, actor):
        return operators.listed(self.db, actor)

    @rpc
    def create_operator(self, actor, username, role, password, client):
        return operators.create(self.db, username, role, password, actor, client)

    @rpc
    def change_operator(self, actor, operator_id, change, role, client):
        return operators.change(self.db, actor, operator_id, change, role, client)

    @rpc
    def audit_log(self, actor, page=1):
        return audit.entries(self.db, actor, page)

    @rpc
    def member_statistics(self, actor):
        """The console's statistics: members by role and affiliation, sign-ups per week."""
        return statistics.member_statistics(self.db, actor)

    @rpc
    def record_operator_action(self, actor, area, action, subject, details, client):
        return audit.record_action(self.db, actor, area, action, subject, details, client)

    @rpc
    def list_document_versions(self, actor, document):
        """Every version of a policy or of the guidelines, newest first."""
        return documents.versions(self.db, actor, document)

    @rpc
    def publish_document_version(self, actor, document, texts, client=""):
        return documents.publish(self.db, actor, document, texts, client)

    @rpc
    def list_affiliation_reviews(self, actor, status=ReviewStatus.PENDING):
        return affiliation.list_reviews(self.db, actor, status)

    @rpc
    def affiliation_review(self, actor, review_id):
        return affiliation.review_with_records(self.db, actor, review_id)

    @rpc
    def decide_affiliation_review(self, actor, review_id, approve, reason, client):
        return affiliation.decide(self.db, actor, review_id, approve, reason, client)

    # The university records' CSV, uploaded in the console (records.py):
    # staged with its preview, then confirmed by id (and checksum).
    @rpc
    def stage_records_upload(self, actor, file_name, content, client):
        return records.stage(self.db, actor, file_name, content, client)

    @rpc
    def records_upload(self, actor, upload_id):
        return records.preview(self.db, actor, upload_id)

    @rpc
    def confirm_records_upload(self, actor, upload_id, checksum, client):
        return records.confirm(self.db, actor, upload_id, checksum, client)

    @timer(interval=300)
    def forget_expired_records_uploads(self):
        records.forget_expired(self.db)

    @rpc
    def member_standing(self, actor, user_ids):
        return moderation.standing(self.db, actor, user_ids)

    @rpc
    def suspend_member(self, actor, user_id, reason, client):
        return moderation.suspend(self.db, actor, user_id, reason, client)

    @rpc
    def unsuspend_member(self, actor, user_id, reason, client):
        return moderation.unsuspend(self.db, actor, user_id, reason, client)
