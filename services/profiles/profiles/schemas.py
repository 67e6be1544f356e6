"""What crosses the wire out of profiles."""
from marshmallow import Schema, fields


class PublicProfileSchema(Schema):
    """What any verified member may see."""
    user_id = fields.String()
    first_name = fields.String()
    middle_names = fields.String()
    last_name = fields.String()
    headline = fields.String()
    bio = fields.String()


class OwnProfileSchema(PublicProfileSchema):
    """What the owner sees: everything."""
    username = fields.String()
    email = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
