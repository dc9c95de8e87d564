"""The browsable API reference, rendered on the server from the OpenAPI document (no CDN, no JavaScript)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from api.problems import STATUS_BY_KEY

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2.5rem}
details{border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}
summary{cursor:pointer}
code,pre{background:#f6f6f6;border-radius:4px}
pre{padding:.6rem;overflow-x:auto;font-size:.85rem}
.m{display:inline-block;min-width:4.2rem;font-weight:bold}
.GET{color:#0a6}.POST{color:#06c}.PATCH{color:#c80}.DELETE{color:#c33}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
"""


def render(document: dict[str, Any]) -> str:
    """The whole reference as one HTML page: operations grouped by tag, schemas expanded on demand."""
    by_tag: dict[str, list[tuple[str, str, dict]]] = {}
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            by_tag.setdefault(op["tags"][0], []).append((method.upper(), path, op))
    schemas = document["components"]["schemas"]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(document['info']['title'])}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{escape(document['info']['title'])}</h1>",
             f"<p>{escape(document['info']['description'])}</p>",
             "<p>Machine-readable: <a href='/api/v1/openapi.json'>openapi.json</a></p>"]
    for tag, operations in by_tag.items():
        parts.append(f"<h2 id='{escape(tag)}'>{escape(tag)}</h2>")
        for method, path, op in operations:
            parts.append(f"<details id='{escape(op['operationId'])}'><summary><span class='m {method}'>{method}</span>"
                         f"<code>{escape(path)}</code> — {escape(op['summary'])}"
                         f"{' <small>(scope: ' + escape(op['x-scope']) + ')</small>' if 'x-scope' in op else ''}"
                         "</summary>")
            if op.get("description"):
                parts.append(f"<p>{escape(op['description'])}</p>")
            if op.get("parameters"):
                parts.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>")
                for p in op["parameters"]:
                    parts.append(f"<tr><td><code>{escape(p['name'])}</code></td><td>{p['in']}</td>"
                                 f"<td>{'yes' if p.get('required') else ''}</td>"
                                 f"<td><code>{escape(json.dumps(p['schema']))}</code></td></tr>")
                parts.append("</table>")
            if "requestBody" in op:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                parts.append(f"<p>Body:</p><pre>{escape(_expand(schema, schemas))}</pre>")
            for status, response in op["responses"].items():
                content = response.get("content", {})
                for media, body in content.items():
                    if media == "application/json":
                        parts.append(f"<p>{status} {escape(response['description'])}:</p>"
                                     f"<pre>{escape(_expand(body['schema'], schemas))}</pre>")
                    elif media != "application/problem+json":
                        parts.append(f"<p>{status} {escape(response['description'])}: <code>{escape(media)}</code></p>")
                if not content or "application/problem+json" in content:
                    parts.append(f"<p>{status} {escape(response['description'])}"
                                 f"{' (problem+json)' if content else ''}</p>")
            parts.append("</details>")
    parts.append("<h2 id='problems'>Problem codes</h2><table><tr><th>code</th><th>status</th></tr>")
    for code, status in [*STATUS_BY_KEY.items(), ("unauthorized", 401), ("rate_limited", 429)]:
        parts.append(f"<tr id='problem-{code}'><td><code>{code}</code></td><td>{status}</td></tr>")
    parts.append("</table></body></html>")
    return "".join(parts)


def _expand(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> str:
    return json.dumps(_inline(schema, schemas, depth), indent=2, ensure_ascii=False)


def _inline(schema: Any, schemas: dict[str, Any], depth: int) -> Any:
    """Schemas with their references filled in (to a few levels), for reading."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return _inline(schemas[name], schemas, depth + 1) if depth < 4 else name
        return {k: _inline(v, schemas, depth) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_inline(v, schemas, depth) for v in schema]
    return schema
