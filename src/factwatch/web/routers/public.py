"""``/public/...``: response cards an analyst published, readable without login (filled in below)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
