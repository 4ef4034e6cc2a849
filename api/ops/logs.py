"""Logging, configured in one place for the CLI, the server and uvicorn's own loggers.

`LOG_FORMAT=text` (default) writes `time level logger [request id]: message`;
`LOG_FORMAT=json` writes one JSON object a line: `time`, `level`, `logger`, `message`,
`requestId` (when logged during a request), `exception` (the traceback, when there is one)
and any `extra` fields. `LOG_LEVEL` sets the root level.

The request id comes from a context variable that `api.edge.EdgeMiddleware` sets for the
request's task; a filter on the handler copies it onto every record, so lines logged by any
library during the request (uvicorn's access line included) carry it.

JSON formatting is python-json-logger's: the maintained formatter for the standard logging
module, which handles extras, exceptions and non-JSON values we would otherwise hand-roll.
"""

from __future__ import annotations

import logging
import logging.config
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from domain.config import Settings

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record as `request_id` ("-" outside a request);
    an id given explicitly (`extra={"request_id": …}`) is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or "-"
        return True


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter with our field names; `requestId` only inside a request."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            timestamp="time",
            rename_fields={
                "levelname": "level",
                "name": "logger",
                "exc_info": "exception",
                "request_id": "requestId",
            },
            # uvicorn adds a copy of each message with terminal colours: not for a log store.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
            json_ensure_ascii=False,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message)
        if log_data.get("requestId") == "-":
            del log_data["requestId"]


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: one stderr handler on the root logger, and
    uvicorn's loggers sent to it (uvicorn takes this as its `log_config`)."""
    formatter: dict[str, Any] = (
        {"()": JsonLineFormatter} if settings.log_format == "json" else {"format": TEXT_FORMAT}
    )
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            name: {"level": level, "handlers": [], "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(settings: Settings) -> dict[str, Any]:
    """Apply `logging_config(settings)` and return it (for uvicorn)."""
    config = logging_config(settings)
    logging.config.dictConfig(config)
    return config
