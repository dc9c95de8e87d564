"""The few calls the review app makes to the running Rasa server's HTTP API (`rasa run --enable-api`)."""

from __future__ import annotations

from typing import Any

import httpx

YAML_CONTENT_TYPE = "application/x-yaml"


class RasaError(RuntimeError):
    """The Rasa server did not do what was asked; the message carries its answer."""


class RasaServer:
    """`GET /status`, `PUT /model`, `POST /model/test/intents` and `POST /model/parse`, with the API token if set."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url, self.token = url.rstrip("/"), token

    def _params(self, **extra: str) -> dict[str, str]:
        return {**({"token": self.token} if self.token else {}), **extra}

    async def _request(self, method: str, path: str, timeout: float, **kwargs: Any) -> httpx.Response:
        try:
            async with httpx.AsyncClient(timeout=timeout) as client:
                response = await client.request(method, f"{self.url}{path}", **kwargs)
        except httpx.HTTPError as error:
            raise RasaError(f"the Rasa server at {self.url} did not answer: {error}") from error
        if response.status_code >= 400:
            raise RasaError(f"{method} {path}: HTTP {response.status_code}: {response.text[:500]}")
        return response

    async def status(self) -> dict[str, Any]:
        """The loaded model's file name (`model_file`) and id."""
        return (await self._request("GET", "/status", 10, params=self._params())).json()

    async def activate(self, model_path: str) -> None:
        """Load `model_path` and swap it in; Rasa keeps answering with the old model until the new one is loaded."""
        await self._request("PUT", "/model", 600, params=self._params(), json={"model_file": model_path})

    async def intent_accuracy(self, test_data_yaml: str, model_path: str | None = None) -> float:
        """Intent accuracy of `model_path` (or the loaded model) on Rasa YAML NLU test data."""
        params = self._params(**({"model": model_path} if model_path else {}))
        response = await self._request("POST", "/model/test/intents", 600, params=params,
                                       content=test_data_yaml.encode(), headers={"Content-Type": YAML_CONTENT_TYPE})
        return float(response.json()["intent_evaluation"]["accuracy"])

    async def parse(self, text: str) -> dict[str, Any]:
        return (await self._request("POST", "/model/parse", 60, params=self._params(), json={"text": text})).json()
