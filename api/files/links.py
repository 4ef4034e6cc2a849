"""Signed, expiring links to evidence files (`api.signed_links` holds the contract they share
with compliance reports and dossiers):

    GET /files/{id}/{variant}/{fileName}?expires=<unix seconds>&signature=<hex>

- The signature is HMAC-SHA256, keyed with SECRET_KEY, over the file's id, the variant
  (`original` or `thumbnail`), the expiry and the subject that asked. It is the credential:
  a browser (an <img> tag) follows the link without a bearer token.
- A link is signed only for a file the caller may read at the time of signing
  (`authz.visibility.files.readable_files`), and the download checks again, with the
  signer's reach on the day it is followed: a right withdrawn since stops the link.
- It is valid for at most FILE_LINK_SECONDS (default 900); a client may ask for less.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from strawberry import relay

from api import signed_links as links
from api.ids import try_decode_id
from api.refs import subject_ref

SIGNATURE_CONTEXT = b"evidence-file/v1"
_SUBJECT_OF_NODE = {"Person": "person", "ServiceClient": "client"}


class Variant(StrEnum):
    ORIGINAL = "original"  # the file as uploaded
    THUMBNAIL = "thumbnail"  # images: the JPEG thumbnail


def sign(secret: str, file_id: int, variant: Variant, expires: int, subject: str) -> str:
    """The link's signature: keyed with the secret, over what the link grants."""
    return links.sign(secret, SIGNATURE_CONTEXT, [file_id, variant.value, expires, subject])


def link(secret: str, file_id: int, name: str, variant: Variant, expires: int, subject: str) -> str:
    """The link's path and query on this server. `by` names the signer as clients know it
    (the global ID of its Person or ServiceClient), never as a policy subject."""
    signature = sign(secret, file_id, variant, expires, subject)
    return (
        f"/files/{file_id}/{variant.value}/{quote(name, safe='')}"
        f"?expires={expires}&by={quote(subject_ref(subject), safe='')}&signature={signature}"
    )


def signer_of(by: str) -> str | None:
    """The subject a link's `by` names: `person:<id>` or `client:<id>` from a global ID,
    `cli` and `system` as they are; None for anything else."""
    if by in ("cli", "system"):
        return by
    try:
        gid = relay.GlobalID.from_id(by)
    except Exception:  # not base64, not "Type:id": no signer
        return None
    kind = _SUBJECT_OF_NODE.get(gid.type_name)
    row_id = try_decode_id(gid, gid.type_name)
    return f"{kind}:{row_id}" if kind is not None and row_id is not None else None
