"""Token prices: the bundled table, overridable by a user file; unknown model means unknown cost."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import orjson

from inspector.resources import resource_path

USER_PRICING = Path("~/.config/trace-inspector/pricing.json")


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float


class Pricing:
    """Looks up a model's price: exact name first, then the longest known prefix."""

    def __init__(self, prices: dict[str, Price], taken: str = "") -> None:
        self.prices = {name.lower(): price for name, price in prices.items()}
        self.taken = taken
        self._by_length = sorted(self.prices, key=len, reverse=True)
        self._cache: dict[str, Price | None] = {}

    @classmethod
    def from_file(cls, path: Path) -> Pricing:
        data = orjson.loads(path.read_bytes())
        prices = {
            name: Price(float(p.get("input", 0.0)), float(p.get("output", 0.0)))
            for name, p in data.get("models", {}).items()
        }
        return cls(prices, str(data.get("taken", "")))

    @classmethod
    def load(cls) -> Pricing:
        """The bundled table, with entries from the user's file (if any) taking precedence."""
        table = cls.from_file(resource_path("pricing.json"))
        override = os.environ.get("TRACE_INSPECTOR_PRICING")
        user = Path(override) if override else USER_PRICING.expanduser()
        if user.is_file():
            mine = cls.from_file(user)
            table = cls({**table.prices, **mine.prices}, mine.taken or table.taken)
        return table

    def price(self, model: str | None) -> Price | None:
        if not model:
            return None
        key = model.lower()
        if key in self._cache:
            return self._cache[key]
        found = self.prices.get(key)
        if found is None:
            bare = key.rsplit("/", 1)[-1]  # "openai/gpt-4o" -> "gpt-4o"
            found = self.prices.get(bare)
            if found is None:
                found = next((self.prices[n] for n in self._by_length if bare.startswith(n)), None)
        self._cache[key] = found
        return found

    def cost(
        self, model: str | None, input_tokens: int | None, output_tokens: int | None
    ) -> float | None:
        """Cost in USD, or ``None`` when the model is unknown or no tokens were recorded."""
        if input_tokens is None and output_tokens is None:
            return None
        price = self.price(model)
        if price is None:
            return None
        return ((input_tokens or 0) * price.input + (output_tokens or 0) * price.output) / 1e6
