"""Sign-in with OpenID Connect through Streamlit's ``st.login``: who is signed in, with which role.

A hosted installation lets people sign in with the gemeente's own identity provider (Keycloak,
Entra ID, ...). Streamlit does the protocol (``st.login()``, ``st.user``, ``st.logout()``, with
Authlib) from the ``[auth]`` section of ``.streamlit/secrets.toml``; this module turns the signed-in
person into an :class:`~assetmap.service.Actor` that the service understands.

**Pseudonym.** The first non-empty claim of :data:`PSEUDONYM_CLAIMS`: ``email``, else
``preferred_username``, else ``sub`` (which every ID token has). It is recorded as ``added_by``
and in the history.

**Role.** From the ``[assetmap]`` section of the secrets, never from the person:

.. code-block:: toml

    [assetmap]
    coordinators = [{ provider = "https://login.gemeente.example/realms/gemeente", email = "ans@gemeente.example" }]
    workshop = [{ provider = "https://login.gemeente.example/realms/gemeente", sub = "5f0c-41aa" }]
    role_claim = "assetmap_role"                  # optional: a claim the provider sets

Each entry of a list names the provider (its issuer, the ``iss`` claim of the ID token) and either
an ``email`` (case does not matter) or a ``sub``: one person of one provider. A person named in
``coordinators`` gets ``coordinator``, in ``workshop`` ``workshop``. An ``email`` counts only when
the provider says ``email_verified`` is the boolean true (a missing claim, ``"true"`` or ``"0"``
does not count); a ``sub`` is the provider's own. An entry without a provider, or of another
provider, names nobody: with two providers side by side, the same address at the other is
someone else. With ``role_claim``, the claim of that name (a text, or a list such as a groups
claim) may also give a role: a value ``workshop`` or ``coordinator`` (case does not matter); other
values are ignored. A person given more than one role gets the highest.

**Safe default.** Anyone else who signs in gets ``public``, the role that may not write and sees
only the public view, with a notice (:func:`oidc_notice`) that says so and how a coordinator can
give them a role. Signing in proves who someone is, not that they belong to a workshop.

This module is a face: of assetmap it imports only the service and the messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import streamlit as st

from assetmap.messages import Message
from assetmap.service import Actor, policy

__all__ = [
    "SHARED_AUTH_KEYS",
    "PROVIDER_AUTH_KEYS",
    "SECTION",
    "PSEUDONYM_CLAIMS",
    "PROVIDER_CLAIM",
    "DEFAULT_ROLE",
    "ROLE_LISTS",
    "SignIn",
    "oidc_configured",
    "actor_from_claims",
    "oidc_actor",
    "oidc_notice",
]

#: Keys of the ``[auth]`` section that every sign-in needs.
SHARED_AUTH_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret")
#: Keys that name the provider, in ``[auth]`` itself or in a named ``[auth.<name>]`` section.
PROVIDER_AUTH_KEYS: tuple[str, ...] = ("client_id", "client_secret", "server_metadata_url")
#: The secrets section with assetmap's own sign-in settings (role lists, ``role_claim``).
SECTION: str = "assetmap"
#: Claims tried in turn for the pseudonym.
PSEUDONYM_CLAIMS: tuple[str, ...] = ("email", "preferred_username", "sub")
#: The claim that names the provider a person signed in with: the issuer of the ID token.
PROVIDER_CLAIM: str = "iss"
#: The role of a signed-in person whom the configuration does not name.
DEFAULT_ROLE: str = "public"
#: Secrets key -> the role its list of people (provider with e-mail or subject) gives.
ROLE_LISTS: dict[str, str] = {"coordinators": "coordinator", "workshop": "workshop"}


class SignIn(NamedTuple):
    """A signed-in person as assetmap sees them.

    Parameters
    ----------
    actor : Actor
        The pseudonym and role for the service.
    notice : Message or None
        Why the role is the safe default (``public``), to show the person; ``None`` when the
        configuration gave the role.
    """

    actor: Actor
    notice: Message | None


def _section(name: str) -> Mapping:
    """The secrets section ``name`` as a mapping; empty without a secrets file or such a section."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        value = st.secrets.get(name)
    except (FileNotFoundError, KeyError, AttributeError):
        return {}
    return value if isinstance(value, Mapping) else {}


def _filled(section: Mapping, keys: tuple[str, ...]) -> bool:
    return all(isinstance(section.get(key), str) and section.get(key).strip() for key in keys)


def oidc_configured() -> bool:
    """Whether ``st.login`` can sign people in: the secrets have a complete ``[auth]`` section.

    Complete means ``redirect_uri`` and ``cookie_secret``, and ``client_id``, ``client_secret`` and
    ``server_metadata_url`` either in ``[auth]`` itself (``st.login()``) or in at least one named
    provider section ``[auth.<name>]`` (``st.login("<name>")``).

    Returns
    -------
    bool
        False as well when there is no secrets file or it cannot be read; never raises.
    """
    auth = _section("auth")
    if not _filled(auth, SHARED_AUTH_KEYS):
        return False
    if _filled(auth, PROVIDER_AUTH_KEYS):
        return True
    return any(isinstance(value, Mapping) and _filled(value, PROVIDER_AUTH_KEYS) for value in auth.values())


def _texts(value: object) -> list[str]:
    """A text or a list of texts as a list of trimmed, lower-case texts; anything else as empty."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [item.strip().casefold() for item in value if isinstance(item, str) and item.strip()]


def _rank(role: str) -> int:
    return policy.rank(role)


def _provider(value: object) -> str:
    """A provider's issuer as compared: trimmed, without a closing ``/``; ``""`` for anything else."""
    return value.strip().rstrip("/") if isinstance(value, str) else ""


def _listed(entries: object, provider: str, address: str | None, subject: str | None) -> tuple[bool, bool]:
    """Whether a list names this person of ``provider``: (by a verified-or-not ``email``, by ``sub``)."""
    by_address = by_subject = False
    for entry in entries if isinstance(entries, (list, tuple)) else ():
        if not isinstance(entry, Mapping) or not provider or _provider(entry.get("provider")) != provider:
            continue
        by_address |= address is not None and _texts(entry.get("email"))[:1] == [address]
        by_subject |= subject is not None and isinstance(entry.get("sub"), str) and entry["sub"].strip() == subject
    return by_address, by_subject


def actor_from_claims(claims: Mapping, config: Mapping | None = None) -> SignIn | None:
    """The actor for the claims of a signed-in person, by the rules of the module docstring.

    Parameters
    ----------
    claims : Mapping
        The claims of the ID token, as ``st.user`` gives them (``iss``, ``email``,
        ``email_verified``, ``preferred_username``, ``sub``, and the ``role_claim`` when configured).
    config : Mapping or None
        The ``[assetmap]`` section of the secrets (``coordinators``, ``workshop``,
        ``role_claim``); ``None`` reads it from ``st.secrets``.

    Returns
    -------
    SignIn or None
        The actor and, when the role is the safe default, the notice that says why. ``None`` when
        no claim of :data:`PSEUDONYM_CLAIMS` holds a text (no identity to record).
    """
    config = _section(SECTION) if config is None else config
    pseudonym = next((claims[name].strip() for name in PSEUDONYM_CLAIMS
                      if isinstance(claims.get(name), str) and claims[name].strip()), None)
    if pseudonym is None:
        return None
    provider = _provider(claims.get(PROVIDER_CLAIM))
    address = next(iter(_texts(claims.get("email"))), None) if isinstance(claims.get("email"), str) else None
    subject = claims["sub"].strip() if isinstance(claims.get("sub"), str) and claims["sub"].strip() else None
    # Only the boolean true: not a missing claim, nor the texts "true", "false" or "0" some providers send.
    verified = claims.get("email_verified") is True
    by_list, granted = [], []
    for key, role in ROLE_LISTS.items():
        by_address, by_subject = _listed(config.get(key), provider, address, subject)
        by_list += [role] if by_address or by_subject else []
        granted += [role] if by_subject or (by_address and verified) else []
    role_claim = config.get("role_claim")
    if isinstance(role_claim, str) and role_claim.strip():
        granted += [value for value in _texts(claims.get(role_claim.strip()))
                    if policy.is_role(value) and policy.role_above(value, DEFAULT_ROLE)]
    if granted:
        return SignIn(Actor(pseudonym, max(granted, key=_rank)), None)
    shown = provider or "?"
    notice = (Message("oidc_email_unverified", pseudonym=pseudonym, provider=shown) if by_list
              else Message("oidc_role_default", pseudonym=pseudonym, provider=shown, subject=subject or pseudonym))
    return SignIn(Actor(pseudonym, DEFAULT_ROLE), notice)


def _signed_in() -> SignIn | None:
    """The sign-in of the person of this session, or None when nobody is signed in."""
    user = dict(st.user)  # empty outside a script run
    if user.get("is_logged_in") is not True:
        return None
    return actor_from_claims(user)


def oidc_actor() -> Actor | None:
    """The actor of the person signed in with ``st.login`` in this session.

    Returns
    -------
    Actor or None
        Pseudonym from the ``email`` claim (else ``preferred_username``, else ``sub``), role from
        the ``[assetmap]`` section of the secrets, ``public`` when it names nobody (see the module
        docstring). ``None`` when nobody is signed in: ``st.user.is_logged_in`` is not true
        (which includes an installation without ``[auth]``).
    """
    sign_in = _signed_in()
    return None if sign_in is None else sign_in.actor


def oidc_notice() -> Message | None:
    """What the signed-in person should know about their role, when it is the safe default.

    Returns
    -------
    Message or None
        ``oidc_role_default`` when the configuration gives the person no role,
        ``oidc_email_unverified`` when it lists an address the provider has not verified; ``None``
        when nobody is signed in or the configuration gave the role.
    """
    sign_in = _signed_in()
    return None if sign_in is None else sign_in.notice
