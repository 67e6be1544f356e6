"""What crosses the wire out of profiles."""
from marshmallow import Schema, fields


class EducationSchema(Schema):
    id = fields.Integer()
    institution = fields.String()
    programme = fields.String()
    faculty = fields.String()
    year_started = fields.Integer(allow_none=True)
    year_graduated = fields.Integer(allow_none=True)
    verified = fields.Boolean()


class PublicProfileSchema(Schema):
    """What any verified member may see."""
    user_id = fields.String()
    first_name = fields.String()
    middle_names = fields.String()
    last_name = fields.String()
    headline = fields.String()
    bio = fields.String()
    education = fields.List(fields.Nested(EducationSchema))


class OwnProfileSchema(PublicProfileSchema):
    """What the owner sees: everything."""
    username = fields.String()
    email = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
