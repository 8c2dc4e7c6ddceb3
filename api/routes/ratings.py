"""GET /api/ratings (services x standards grid) and POST /api/rate (what-if key-question values)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from api.backend import Backend, key_questions
from api.routes.common import errors, get_backend
from api.schemas import RateIn, RatingsOut
from assistant.rating import RatingResult, rate
from yotassist.one_line import one_line

router = APIRouter(tags=["ratings"])


@router.get("/api/ratings", response_model=RatingsOut)
def ratings(backend: Backend = Depends(get_backend)) -> RatingsOut:
    """Published and recomputed ratings of every indexed report, with disagreements marked."""
    return backend.ratings()


@router.post("/api/rate", response_model=RatingResult, responses=errors(422))
def rate_what_if(body: RateIn) -> Any:
    """Rate key-question values the way the inspectorate's rules do (no report needed)."""
    kqs = {sid: key_questions(values) for sid, values in body.key_questions.items() if values}
    try:
        return rate(kqs, dict(body.published), body.framework)
    except ValueError as exc:
        raise HTTPException(422, one_line(exc)) from None
