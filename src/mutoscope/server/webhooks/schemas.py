"""The wire shapes of `/v1/webhook_endpoints`.

They follow the official SDK's `client.webhooks` models (`event_types`, `name`, `signing_secret`,
`signing_secret_hint`, a `webhook_endpoint.deleted` object) so the SDK works unchanged, and also carry the
shorter `events` / `secret` names mutoscope documents. Times are unix seconds, as everywhere under `/v1`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DeliveryState = Literal["pending", "delivered", "failed"]


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    events: list[str] | None = None
    event_types: list[str] | None = None  # the official SDK's name for `events`
    name: str = Field(default="", max_length=120)


class EndpointObject(BaseModel):
    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    url: str
    name: str
    events: list[str]
    event_types: list[str]
    enabled: bool
    created_at: int
    signing_secret_hint: str


class EndpointWithSecret(EndpointObject):
    """Returned once, at creation: the only time the secret is shown."""

    secret: str
    signing_secret: str


class EndpointList(BaseModel):
    object: Literal["list"] = "list"
    data: list[EndpointObject]
    first_id: str | None
    last_id: str | None
    has_more: bool


class EndpointDeleted(BaseModel):
    id: str
    object: Literal["webhook_endpoint.deleted"] = "webhook_endpoint.deleted"
    deleted: bool = True


class AttemptObject(BaseModel):
    attempted_at: int
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryObject(BaseModel):
    id: str
    object: Literal["webhook_delivery"] = "webhook_delivery"
    event_id: str
    event_type: str
    state: DeliveryState
    attempts: int
    next_attempt_at: int | None
    last_status_code: int | None
    last_error: str | None
    created_at: int
    delivered_at: int | None
    attempt_log: list[AttemptObject]


class DeliveryList(BaseModel):
    object: Literal["list"] = "list"
    data: list[DeliveryObject]
