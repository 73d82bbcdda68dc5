"""The warehouse's photo upload: a presigned POST straight to the private photos bucket."""

from __future__ import annotations

from datetime import datetime

import strawberry

from returns_api.types.user_errors import UserError


@strawberry.type
class FormField:
    name: str
    value: str


@strawberry.type(description="Send a multipart/form-data POST to `url` with `fields` (in this order), then "
                              "the picture as the field `file`; then name `photoId` in inspectReturn's line.")
class InspectionPhotoUpload:
    photo_id: strawberry.ID
    url: str
    fields: list[FormField]
    max_bytes: int = strawberry.field(description="The largest picture the upload accepts.")
    expires_at: datetime = strawberry.field(description="The form is refused after this instant.")


@strawberry.type
class InspectionPhotoUploadPayload:
    upload: InspectionPhotoUpload | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
