"""`/v1/webhook_endpoints`: users register, list and delete the URLs their events are sent to.

Every route needs a principal, and a user only ever sees their own endpoints (another user's id is a 404). The
database comes through the `webhook_database` dependency and the SSRF setting through `private_addresses_allowed`;
both read the server's runtime, and tests override them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Query, Request

from mutoscope.db import Database
from mutoscope.errors import InvalidRequestError
from mutoscope.server.accounts.auth import Principal, require_principal
from mutoscope.server.runtime import runtime
from mutoscope.server.webhooks import service, signing
from mutoscope.server.webhooks.models import WebhookDelivery, WebhookEndpoint
from mutoscope.server.webhooks.schemas import (
    AttemptObject,
    DeliveryList,
    DeliveryObject,
    DeliveryState,
    EndpointCreate,
    EndpointDeleted,
    EndpointList,
    EndpointObject,
    EndpointWithSecret,
)

router = APIRouter(prefix="/v1", tags=["webhooks"])


def webhook_database(request: Request) -> Database:
    return runtime(request).db


def private_addresses_allowed(request: Request) -> bool:
    """Whether endpoints may point at private or loopback addresses (`webhooks.allow_private`)."""
    return runtime(request).settings.webhooks.allow_private


PrincipalDep = Annotated[Principal, Depends(require_principal)]
DatabaseDep = Annotated[Database, Depends(webhook_database)]
AllowPrivateDep = Annotated[bool, Depends(private_addresses_allowed)]


@router.post("/webhook_endpoints", response_model=EndpointWithSecret)
def create_webhook_endpoint(
    body: EndpointCreate, principal: PrincipalDep, db: DatabaseDep, allow_private: AllowPrivateDep
) -> EndpointWithSecret:
    if body.events is not None and body.event_types is not None and body.events != body.event_types:
        raise InvalidRequestError("Send 'events' or 'event_types', not two different lists.", param="events")
    events = body.events if body.events is not None else body.event_types
    # Checked before the transaction: checking the address resolves the host, which must not hold the write lock.
    url = service.validate_url(body.url, allow_private=allow_private)
    with db.write_session() as session:
        endpoint = service.create_endpoint(
            session, user_id=principal.user_id, url=url, events=events, name=body.name
        )
        shown = _endpoint(endpoint)
        return EndpointWithSecret(
            **shown.model_dump(), secret=endpoint.secret, signing_secret=endpoint.secret
        )


@router.get("/webhook_endpoints", response_model=EndpointList)
def list_webhook_endpoints(
    principal: PrincipalDep,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    after: str | None = None,
) -> EndpointList:
    with db.session() as session:
        endpoints, has_more = service.list_endpoints(
            session, user_id=principal.user_id, limit=limit, after=after
        )
        data = [_endpoint(endpoint) for endpoint in endpoints]
    return EndpointList(
        data=data,
        first_id=data[0].id if data else None,
        last_id=data[-1].id if data else None,
        has_more=has_more,
    )


@router.delete("/webhook_endpoints/{endpoint_id}", response_model=EndpointDeleted)
def delete_webhook_endpoint(endpoint_id: str, principal: PrincipalDep, db: DatabaseDep) -> EndpointDeleted:
    with db.write_session() as session:
        service.delete_endpoint(session, user_id=principal.user_id, endpoint_id=endpoint_id)
    return EndpointDeleted(id=endpoint_id)


@router.get("/webhook_endpoints/{endpoint_id}/deliveries", response_model=DeliveryList)
def list_webhook_deliveries(
    endpoint_id: str,
    principal: PrincipalDep,
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DeliveryList:
    with db.session() as session:
        deliveries = service.recent_deliveries(
            session, user_id=principal.user_id, endpoint_id=endpoint_id, limit=limit
        )
        return DeliveryList(data=[_delivery(delivery) for delivery in deliveries])


def _endpoint(endpoint: WebhookEndpoint) -> EndpointObject:
    events = [str(event) for event in endpoint.events]
    return EndpointObject(
        id=endpoint.id,
        url=endpoint.url,
        name=endpoint.name,
        events=events,
        event_types=events,
        enabled=endpoint.enabled,
        created_at=_unix(endpoint.created_at),
        signing_secret_hint=signing.hint(endpoint.secret),
    )


def _delivery(delivery: WebhookDelivery) -> DeliveryObject:
    return DeliveryObject(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        state=cast(DeliveryState, delivery.state),  # the column only ever holds the three states
        attempts=delivery.attempts,
        next_attempt_at=_unix(delivery.next_attempt_at) if delivery.next_attempt_at else None,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=_unix(delivery.created_at),
        delivered_at=_unix(delivery.delivered_at) if delivery.delivered_at else None,
        attempt_log=[
            AttemptObject(
                attempted_at=_unix(attempt.attempted_at),
                status_code=attempt.status_code,
                error=attempt.error,
                duration_ms=attempt.duration_ms,
            )
            for attempt in delivery.attempt_log
        ],
    )


def _unix(at: datetime) -> int:
    return int(at.timestamp())
