"""`uploadEvidenceFile`: one file, sent per the GraphQL multipart request spec
(`api.multipart`), checked (`domain.files.checking`), stored and recorded
(`domain.files.uploading`). Any signed-in caller may upload; what a file is then attached to
decides who else may read it."""

from __future__ import annotations

import asyncio

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.actors import actor
from api.context import Info
from api.errors import UserError, run_mutation
from api.files.types import EvidenceFile
from api.multipart import Upload, UploadedPart
from domain.errors import DomainError, ErrorCode, FieldError
from domain.files import uploading
from domain.files.checking import Prepared, UploadLimits, check
from domain.files.models import EvidenceFile as EvidenceFileRow


@strawberry.input(description="上传证据文件 — The file to upload")
class UploadEvidenceFileInput:
    file: Upload = strawberry.field(
        description="文件 — The file, as a part of a multipart/form-data request (GraphQL multipart request "
        "spec); at most FILE_MAX_BYTES, of the types FILE_ALLOWED_TYPES (judged by content)"
    )


@strawberry.type(description="上传证据文件结果 — The file recorded, or what was wrong")
class UploadEvidenceFilePayload:
    file: EvidenceFile | None = strawberry.field(description="文件 — The file recorded; null on errors")
    user_errors: list[UserError] = strawberry.field(
        description="错误 — What was wrong (EMPTY_FILE, FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED, "
        "FILE_TYPE_MISMATCH, FILE_UNREADABLE, DUPLICATE_FILE with the earlier file as candidate, "
        "STORE_UNAVAILABLE: retry); empty on success"
    )

    @classmethod
    def of(cls, row: EvidenceFileRow | None, errors: list[UserError]) -> UploadEvidenceFilePayload:
        return cls(
            file=EvidenceFile.from_row(row, readable=True) if row is not None else None, user_errors=errors
        )


def _not_a_file() -> DomainError:
    return DomainError(
        [
            FieldError(
                ErrorCode.INVALID_VALUE,
                ("file",),
                "file 须为multipart请求中的文件",
                "`file` must be a file part of a multipart/form-data request",
            )
        ]
    )


def _errors(exc: DomainError) -> list[UserError]:
    return [UserError.from_domain(e) for e in exc.errors]


@strawberry.type
class FilesMutation:
    @strawberry.mutation(
        description="上传证据文件 — Upload a photo or document as evidence (multipart/form-data): its "
        "type is judged by its content, images get a thumbnail; kept once by SHA-256 and never "
        "changed. Attach it to a record, hazard, plan or exemption afterwards"
    )
    async def upload_evidence_file(
        self, info: Info, input: UploadEvidenceFileInput
    ) -> UploadEvidenceFilePayload:
        ctx = info.context
        part = input.file
        if not isinstance(part, UploadedPart):  # the scalar lets nothing else through
            return UploadEvidenceFilePayload.of(None, _errors(_not_a_file()))
        try:
            # Sniffing and decoding images is CPU work: off the event loop, and before the
            # write transaction begins.
            prepared: Prepared = await asyncio.to_thread(
                check, part.filename, part.data, UploadLimits.of(ctx.settings)
            )
            # Written before the transaction: a slow store holds no database lock. A blob
            # written for an upload refused below is harmless (content-addressed).
            stored = await uploading.put_blobs(ctx.file_store, prepared)
        except DomainError as exc:
            return UploadEvidenceFilePayload.of(None, _errors(exc))

        async def work(session: AsyncSession) -> EvidenceFileRow:
            return await uploading.record_stored(session, stored, actor=actor(ctx))

        row, errors = await run_mutation(info, work)
        return UploadEvidenceFilePayload.of(row, errors)
