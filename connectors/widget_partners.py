"""The partner sites that may embed the chat widget, from connectors/partners.yml.

Which partner a request comes from is decided here, from the request's Origin
header and this server-side list, never from anything else the browser sends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Set, Tuple

import yaml

from connectors.environment import SettingsError

PARTNER_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
ORIGIN = re.compile(r"^(https?)://([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$")
MAX_DISPLAY_NAME = 80


@dataclass(frozen=True)
class Partner:
    id: str
    display_name: str
    allowed_origins: Tuple[str, ...]
    colour: Optional[str] = None

    def public(self) -> Dict[str, Optional[str]]:
        """What the widget may know about its partner: GET /webhooks/widget/partner."""
        return {"id": self.id, "display_name": self.display_name, "colour": self.colour}


class Partners:
    """Partners by origin. An origin belongs to one partner at most."""

    def __init__(self, partners: Tuple[Partner, ...]) -> None:
        self.partners = partners
        self._by_origin: Dict[str, Partner] = {
            origin: partner for partner in partners for origin in partner.allowed_origins
        }

    def for_origin(self, origin: Optional[str]) -> Optional[Partner]:
        """The partner whose site this Origin header names, or None (missing, "null", unknown)."""
        if not origin:
            return None
        return self._by_origin.get(normalise_origin(origin) or "")


def normalise_origin(origin: str) -> Optional[str]:
    """scheme://host[:port] in lower case, default ports left out; None if it is not an origin."""
    match = ORIGIN.match(origin.strip().lower())
    if not match:
        return None
    scheme, host, port = match.groups()
    if port is None:
        return f"{scheme}://{host}"
    number = int(port)
    if not 0 < number <= 65535:
        return None
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + ("" if number == default else f":{number}")


def _problem(path: Path, where: str, what: str) -> SettingsError:
    return SettingsError(
        f"The widget's partner list {path} is not valid: {where} {what}. "
        f"Fix the file (its top comment says what each field holds), or point WIDGET_PARTNERS_FILE at another."
    )


def _partner(path: Path, index: int, raw: Any, production: bool) -> Partner:
    where = f"partner {index + 1}"
    if not isinstance(raw, Mapping):
        raise _problem(path, where, "must be a mapping with id, display_name and allowed_origins")
    partner_id = raw.get("id")
    if not isinstance(partner_id, str) or not PARTNER_ID.match(partner_id):
        raise _problem(path, where, "needs an id of lower-case letters, digits and hyphens (at most 64)")
    where = f"partner {partner_id!r}"
    unknown = set(raw) - {"id", "display_name", "allowed_origins", "colour"}
    if unknown:
        raise _problem(path, where, f"has fields this version does not know: {', '.join(sorted(map(str, unknown)))}")
    name = raw.get("display_name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_DISPLAY_NAME:
        raise _problem(path, where, f"needs a display_name of at most {MAX_DISPLAY_NAME} characters")
    colour = raw.get("colour")
    if colour is not None and (not isinstance(colour, str) or not COLOUR.match(colour)):
        raise _problem(path, where, "has a colour that is not #rgb or #rrggbb (put it in quotes)")
    origins = raw.get("allowed_origins")
    if not isinstance(origins, list) or not origins:
        raise _problem(path, where, "needs allowed_origins: a list of at least one origin")
    normalised = []
    for origin in origins:
        normal = normalise_origin(origin) if isinstance(origin, str) else None
        if normal is None or origin.strip().endswith("/"):
            raise _problem(path, where, f"has an allowed origin that is not scheme://host[:port]: {origin!r}")
        if production and not origin.strip().lower().startswith("https://"):
            raise _problem(path, where, f"has an http:// origin, {origin!r}; in production every origin must be https://")
        normalised.append(normal)
    return Partner(partner_id, name.strip(), tuple(normalised), colour)


def load_partners(path: Path, production: bool) -> Partners:
    """Reads and checks the partner list; a SettingsError says what to fix."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise SettingsError(
            f"The widget's partner list {path} cannot be read. Create it (connectors/partners.yml shows the "
            f"format), or set WIDGET_PARTNERS_FILE to where it is."
        ) from None
    except yaml.YAMLError as error:
        raise SettingsError(f"The widget's partner list {path} is not valid YAML: {error}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("partners"), list) or not data["partners"]:
        raise _problem(path, "the file", "must have a 'partners:' list with at least one partner")
    partners = tuple(_partner(path, i, raw, production) for i, raw in enumerate(data["partners"]))
    seen_ids: Set[str] = set()
    seen_origins: Dict[str, str] = {}
    for partner in partners:
        if partner.id in seen_ids:
            raise _problem(path, f"partner {partner.id!r}", "appears twice")
        seen_ids.add(partner.id)
        for origin in partner.allowed_origins:
            if origin in seen_origins:
                raise _problem(path, f"origin {origin!r}", f"is listed for both {seen_origins[origin]!r} and {partner.id!r}")
            seen_origins[origin] = partner.id
    return Partners(partners)
