"""The warehouse's photos (of an inspected item, of a refused package): a presigned POST per photo,
straight to the private photos bucket. Queries, not commands: they store nothing (inspectReturn and
recordUnknownPackage name the photos they keep)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import strawberry

from returns_api import validation
from returns_api.context import Info
from returns_api.permissions import WAREHOUSE, roles
from returns_api.typed_fields import typed_field
from returns_api.types.photos import FormField, InspectionPhotoUpload, InspectionPhotoUploadPayload
from returns_api.types.user_errors import UserError
from returns_shared.domain.return_parts import package_photo_key, photo_key
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import limits


@strawberry.type
class PhotoQueries:
    @typed_field(description="Warehouse, while inspecting a received return: a form to upload one photo "
                             "of an item straight to the private photos bucket (JPEG, PNG or WebP, at "
                             "most maxBytes). Nothing is stored on the return until inspectReturn names "
                             "the photo.",
                 extensions=roles(WAREHOUSE))
    async def inspection_photo_upload(
        self, info: Info, id: strawberry.ID, order_line_id: strawberry.ID, content_type: str
    ) -> InspectionPhotoUploadPayload:
        errors = validation.return_id(str(id)) + validation.return_id(str(order_line_id), ("orderLineId",))
        if errors:
            return InspectionPhotoUploadPayload(user_errors=errors)
        extension, errors = _photo_type(info, content_type)
        if errors:
            return InspectionPhotoUploadPayload(user_errors=errors)
        ctx = info.context
        ret = await ctx.run_blocking(ctx.reader.get_return, str(id))
        if ret is None:
            return InspectionPhotoUploadPayload(user_errors=[UserError.of(
                f"There is no return {id}.", "NOT_FOUND", ["id"])])
        if ret.status != ReturnStatus.RECEIVED:
            return InspectionPhotoUploadPayload(user_errors=[UserError.of(
                "Photos are added while the package is inspected; this return is not waiting for an "
                "inspection.", "INVALID_STATE", ["id"])])
        if ret.line(str(order_line_id)) is None:
            return InspectionPhotoUploadPayload(user_errors=[UserError.of(
                f"Return {ret.id} has no item {order_line_id}.", "NOT_FOUND", ["orderLineId"])])
        return await _upload_form(info, extension, content_type, partial(photo_key, ret.id))

    @typed_field(description="Warehouse, refusing a package for no approved return: a form to upload one "
                             "photo of it (as inspectionPhotoUpload). Nothing is stored on any record until "
                             "recordUnknownPackage names the photo.",
                 extensions=roles(WAREHOUSE))
    async def package_photo_upload(self, info: Info, content_type: str) -> InspectionPhotoUploadPayload:
        extension, errors = _photo_type(info, content_type)
        if errors:
            return InspectionPhotoUploadPayload(user_errors=errors)
        return await _upload_form(info, extension, content_type, package_photo_key)


def _photo_type(info: Info, content_type: str) -> tuple[str, list[UserError]]:
    """The stored photo's extension, or why no photo can be taken."""
    extension = limits.PHOTO_CONTENT_TYPES.get(content_type.lower())
    if extension is None:
        wrong = "Photos can be JPEG, PNG or WebP pictures."
        return "", [UserError.of(wrong, "INVALID_INPUT", ["contentType"])]
    if info.context.services.photo_store is None:
        return "", [UserError.of("Photos cannot be stored here: the photos bucket is not configured.",
                                 "INVALID_STATE", ["contentType"])]
    return extension, []


async def _upload_form(info: Info, extension: str, content_type: str,
                       key_of: Callable[[str], str]) -> InspectionPhotoUploadPayload:
    """A presigned POST for one new photo, under the key `key_of` gives its random id."""
    ctx = info.context
    store = ctx.services.photo_store
    assert store is not None
    photo_id = f"{secrets.token_hex(16)}.{extension}"
    ttl = ctx.services.settings.photo_upload_ttl_seconds
    form = await ctx.run_blocking(
        lambda: store.upload_form(key_of(photo_id), content_type=content_type.lower(),
                                  max_bytes=limits.MAX_PHOTO_BYTES, expires_in=ttl))
    return InspectionPhotoUploadPayload(upload=InspectionPhotoUpload(
        photo_id=strawberry.ID(photo_id), url=form.url,
        fields=[FormField(name=name, value=value) for name, value in form.fields.items()],
        max_bytes=limits.MAX_PHOTO_BYTES, expires_at=ctx.now + timedelta(seconds=ttl)))
