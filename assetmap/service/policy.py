"""Who may do what to which entry: the one place that compares roles and owners.

The service asks it before every read and write, and the faces ask it before they show a page
or a button (hiding is presentation only: the service refuses either way). Roles go from least
to most rights: ``public`` reads the public view and may not write; ``workshop`` (a participant
at a workshop table) sees public and group entries and their own, adds entries only in their
own name and changes only their own; ``coordinator`` may do everything.

This module sits below the rest of the service: it imports only the errors and the layers.
"""

from __future__ import annotations

from dataclasses import dataclass

from assetmap.errors import PermissionDenied
from assetmap.layers.initiatives import is_owner, split_list
from assetmap.layers.schema import TRANSLATION_FIELDS

__all__ = [
    "OWNER_FIELDS", "OWNER_PREFIX", "check_entry_write", "check_owner_edit", "is_entry_owner", "owner_actor",
    "may_issue_update_links", "check_issue_update_links",
    "ACCOUNT_ROLES", "ROLES", "Actor", "ActorLike", "at_least", "belongs_to", "check_add_photo", "check_change",
    "check_decide_reports", "check_remove_photo",
    "check_manage", "check_report", "check_restore", "check_take_over", "check_unarchive", "check_write",
    "higher_role", "is_account_role", "is_participant", "is_role", "may_decide_reports", "may_explore_coverage",
    "may_manage", "may_report", "may_see_coverage", "may_write", "owns", "rank", "role_above", "role_at_least",
    "sees_everything", "sees_public_view",
]

#: Roles, from least to most rights. ``coordinator`` is today's full rights (a local single user).
ROLES: tuple[str, ...] = ("public", "workshop", "coordinator")
#: Roles a local account may have (the public needs no account).
ACCOUNT_ROLES: tuple[str, ...] = ("workshop", "coordinator")


@dataclass(frozen=True)
class Actor:
    """Who calls the service: a pseudonym (recorded as ``added_by`` and in the history) and a role.

    Parameters
    ----------
    pseudonym : str or None
        The name a participant gave, or the name of an import (``"OpenStreetMap"``).
    role : {'public', 'workshop', 'coordinator'}
        What the actor may do. ``workshop`` may change only their own entries; ``public`` may not write.
    entry : str or None
        For the holder of an update link (:func:`owner_actor`, role ``public``): the one entry whose
        public fields and activities they may change; None for everyone else.

    Raises
    ------
    ValueError
        ``role`` is not one of :data:`ROLES`, or an ``entry`` is given with another role than ``public``.
    """

    pseudonym: str | None = None
    role: str = "coordinator"
    #: The one entry an update link's holder may keep up to date (None for everyone else).
    entry: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")
        if self.entry is not None and self.role != "public":
            raise ValueError("an update link's holder has the public role and one entry, nothing more")


#: The fields an entry's owner may change through an update link: what the public reads of a place
#: or an association, never its kind, place, visibility, consent, owners or contact.
OWNER_FIELDS: tuple[str, ...] = (
    "name", "description", "category", "opening_hours", "wheelchair", "free_entry", "operator", "access",
    "scale", "capacity", "target_groups", "status", "seeks", "offers", "tags", "last_checked", *TRANSLATION_FIELDS)
#: How the history names the holder of an update link: ``owner:<entry id>`` (the entry's owner).
OWNER_PREFIX = "owner:"

#: What an actor may be given as: an :class:`Actor`, a pseudonym, or None (the workspace's own actor).
ActorLike = Actor | str | None


# ---------------------------------------------------------------------- roles as such
def is_role(role) -> bool:
    """Whether ``role`` names one of :data:`ROLES`.

    Parameters
    ----------
    role : object
        A value from a setting, a form or a sign-in claim.

    Returns
    -------
    bool
        True for ``public``, ``workshop`` and ``coordinator``.
    """
    return role in ROLES


def is_account_role(role) -> bool:
    """Whether a local account may have ``role`` (see :data:`ACCOUNT_ROLES`).

    Parameters
    ----------
    role : object
        The role asked for.

    Returns
    -------
    bool
        True for ``workshop`` and ``coordinator``.
    """
    return role in ACCOUNT_ROLES


def rank(role: str) -> int:
    """The rights of a role as a number: higher has more (its place in :data:`ROLES`).

    Parameters
    ----------
    role : str
        One of :data:`ROLES`.

    Returns
    -------
    int
        0 for ``public``, 1 for ``workshop``, 2 for ``coordinator``.
    """
    return ROLES.index(role)


def role_at_least(role: str, least: str) -> bool:
    """Whether ``role`` has at least the rights of ``least``.

    Parameters
    ----------
    role : str
        The role someone has.
    least : str
        The least role needed.

    Returns
    -------
    bool
        True when ``role`` is ``least`` or a higher one.
    """
    return rank(role) >= rank(least)


def role_above(role: str, other: str) -> bool:
    """Whether ``role`` has more rights than ``other``.

    Parameters
    ----------
    role : str
        The role someone has.
    other : str
        The role to compare with.

    Returns
    -------
    bool
        True when ``role`` is higher than ``other``.
    """
    return rank(role) > rank(other)


def higher_role(first: str, second: str) -> str:
    """The higher of two roles (``first`` when they are equal).

    Parameters
    ----------
    first, second : str
        Two of :data:`ROLES`.

    Returns
    -------
    str
        The role with more rights.
    """
    return second if role_above(second, first) else first


# ---------------------------------------------------------------------- what an actor may do
def at_least(actor: Actor, least: str) -> bool:
    """Whether ``actor`` has at least the rights of ``least`` (``public`` < ``workshop`` < ``coordinator``).

    Parameters
    ----------
    actor : Actor
        Who asks.
    least : str
        The least role needed.

    Returns
    -------
    bool
        True when the actor's role is ``least`` or a higher one.
    """
    return role_at_least(actor.role, least)


def may_write(actor: Actor) -> bool:
    """Whether ``actor`` may write at all (everyone but the ``public``).

    Parameters
    ----------
    actor : Actor
        Who asks.

    Returns
    -------
    bool
        False for the ``public`` role.
    """
    return at_least(actor, "workshop")


def may_manage(actor: Actor) -> bool:
    """Whether ``actor`` may manage the workspace: accounts, history, moderation, map data, anyone's entries.

    Parameters
    ----------
    actor : Actor
        Who asks.

    Returns
    -------
    bool
        True for a ``coordinator``.
    """
    return at_least(actor, "coordinator")


def sees_everything(actor: Actor) -> bool:
    """Whether ``actor`` reads every field of every entry (no view in between).

    Parameters
    ----------
    actor : Actor
        Who reads.

    Returns
    -------
    bool
        True for a ``coordinator``.
    """
    return may_manage(actor)


def sees_public_view(actor: Actor) -> bool:
    """Whether ``actor`` reads only the public view (:func:`assetmap.privacy.public_view`).

    Parameters
    ----------
    actor : Actor
        Who reads.

    Returns
    -------
    bool
        True for the ``public`` role.
    """
    return not may_write(actor)


def is_participant(actor: Actor) -> bool:
    """Whether ``actor`` is a workshop participant: sees the workshop view (public and group entries and
    their own), adds only in their own name, changes only their own, and what they make public is moderated.

    Parameters
    ----------
    actor : Actor
        Who asks.

    Returns
    -------
    bool
        True for the ``workshop`` role.
    """
    return may_write(actor) and not may_manage(actor)


def owns(actor: Actor, entry) -> bool:
    """Whether ``actor`` may change ``entry`` as their own: they added it, or are one of its ``owners``.

    Parameters
    ----------
    actor : Actor
        Who asks; nobody (no pseudonym) owns nothing.
    entry : mapping
        The entry's fields (``added_by``, ``owners``).

    Returns
    -------
    bool
        True for its author and every listed owner.
    """
    return is_owner(entry, actor.pseudonym)


def belongs_to(actor: Actor, entry) -> bool:
    """Whether ``entry`` is ``actor``'s to change as its own, in an import or a batch save.

    Its author and owners own it (:func:`owns`). An entry without an author or owners (an import
    made without a name) belongs to the coordinators: to a coordinator's import that is as nameless
    as the one that made it, never to a workshop table nor to an import under a name (which would
    make it theirs, and could turn a private, no-consent person public).

    Parameters
    ----------
    actor : Actor
        Who saves.
    entry : mapping
        The stored entry (``added_by``, ``owners``).

    Returns
    -------
    bool
        True when the actor owns it, or it is ownerless and the actor a nameless coordinator.
    """
    if owns(actor, entry):
        return True
    ownerless = not entry.get("added_by") and not split_list(entry.get("owners"))
    return ownerless and may_manage(actor) and not actor.pseudonym


# ---------------------------------------------------------------------- the checks that refuse
def check_write(actor: Actor) -> None:
    """Refuse an actor who may not write.

    Parameters
    ----------
    actor : Actor
        Who wants to write.

    Raises
    ------
    PermissionDenied
        ``permission_public_read_only`` for the ``public`` role.
    """
    if not may_write(actor):
        raise PermissionDenied("permission_public_read_only")


def check_manage(actor: Actor) -> None:
    """Refuse an actor who is not a coordinator.

    Parameters
    ----------
    actor : Actor
        Who wants to manage.

    Raises
    ------
    PermissionDenied
        ``permission_coordinator_only``.
    """
    if not may_manage(actor):
        raise PermissionDenied("permission_coordinator_only")


def check_take_over(actor: Actor) -> None:
    """Refuse to take over other people's entries for anyone but a coordinator.

    Parameters
    ----------
    actor : Actor
        Who asks to take over.

    Raises
    ------
    PermissionDenied
        ``permission_take_over``.
    """
    if not may_manage(actor):
        raise PermissionDenied("permission_take_over")


def check_change(actor: Actor, entry, entry_id: str, owner_only: bool = False) -> None:
    """Refuse a change of an entry that is not the actor's own, where only one's own may be changed.

    That is with ``owner_only``, and always for a workshop participant.

    Parameters
    ----------
    actor : Actor
        Who wants to change it.
    entry : mapping
        The stored entry (an asset or an activity: ``added_by``, ``owners``).
    entry_id : str
        Its id, for the error.
    owner_only : bool
        Only its author or owners may change it, whatever the role.

    Raises
    ------
    PermissionDenied
        ``permission_no_pseudonym`` when the actor has no pseudonym; ``permission_not_yours``
        when they neither added it nor own it.
    """
    if owner_only or is_participant(actor):
        if not actor.pseudonym:
            raise PermissionDenied("permission_no_pseudonym")
        if not owns(actor, entry):
            raise PermissionDenied("permission_not_yours", id=entry_id)


def check_restore(actor: Actor, state: dict, entry_id: str) -> None:
    """Refuse a workshop participant the restore of a deleted entry they did not add.

    Parameters
    ----------
    actor : Actor
        Who restores.
    state : dict
        The entry as it was before its delete (``added_by``).
    entry_id : str
        Its id, for the error.

    Raises
    ------
    PermissionDenied
        ``permission_not_yours``.
    """
    if is_participant(actor) and state.get("added_by") != actor.pseudonym:
        raise PermissionDenied("permission_not_yours", id=entry_id)


def check_unarchive(actor: Actor, entry, entry_id: str) -> None:
    """Refuse a workshop participant bringing back an archived entry that is not their own.

    Parameters
    ----------
    actor : Actor
        Who brings it back.
    entry : mapping
        The archived entry (``added_by``, ``owners``).
    entry_id : str
        Its id, for the error.

    Raises
    ------
    PermissionDenied
        ``permission_not_yours``.
    """
    if is_participant(actor) and not owns(actor, entry):
        raise PermissionDenied("permission_not_yours", id=entry_id)


# ---------------------------------------------------------------------- photos
def check_add_photo(actor: Actor, entry, entry_id: str) -> None:
    """Refuse a photo on a person's entry (``individual``) by anyone but its owner, a coordinator too.

    Any other entry the actor may see takes a photo from anyone who may write: it waits for a
    coordinator before it is public in any case.

    Parameters
    ----------
    actor : Actor
        Who adds the photo.
    entry : mapping
        The stored entry (``building_block``, ``added_by``, ``owners``).
    entry_id : str
        Its id, for the error.

    Raises
    ------
    PermissionDenied
        ``permission_public_read_only`` for the public; ``permission_photo_person`` for a person's
        entry that is not the actor's own.
    """
    check_write(actor)
    if entry.get("building_block") == "individual" and not owns(actor, entry):
        raise PermissionDenied("permission_photo_person", id=entry_id)


def check_remove_photo(actor: Actor, photo, entry, photo_id: str) -> None:
    """Refuse removing a photo to anyone but a coordinator, the one who added it, and the entry's owners.

    Parameters
    ----------
    actor : Actor
        Who removes it.
    photo : mapping
        The stored photo (``added_by``).
    entry : mapping
        Its entry (``added_by``, ``owners``); empty when the entry is gone.
    photo_id : str
        The photo's id, for the error.

    Raises
    ------
    PermissionDenied
        ``permission_not_yours``.
    """
    check_write(actor)
    if may_manage(actor):
        return
    if not actor.pseudonym or (photo.get("added_by") != actor.pseudonym and not (entry and owns(actor, entry))):
        raise PermissionDenied("permission_not_yours", id=photo_id)


# ---------------------------------------------------------------------- reports and coverage
def may_report(actor: Actor) -> bool:
    """Whether ``actor`` may report ("melden") a public entry: everyone, residents without an account too.

    A report names nobody: the service keeps only a hash of a per-session random token, so that one
    session reports an entry once.

    Parameters
    ----------
    actor : Actor
        Who reports.

    Returns
    -------
    bool
        True for every role.
    """
    return at_least(actor, "public")


def check_report(actor: Actor) -> None:
    """Refuse a report from an actor who may not report (see :func:`may_report`).

    Parameters
    ----------
    actor : Actor
        Who reports.

    Raises
    ------
    PermissionDenied
        ``permission_public_read_only`` (no role today is refused).
    """
    if not may_report(actor):
        raise PermissionDenied("permission_public_read_only")


def may_decide_reports(actor: Actor) -> bool:
    """Whether ``actor`` may decide on reported entries (keep them public, or hide them): a coordinator.

    Parameters
    ----------
    actor : Actor
        Who decides.

    Returns
    -------
    bool
        True for a ``coordinator``.
    """
    return may_manage(actor)


def check_decide_reports(actor: Actor) -> None:
    """Refuse a decision on reported entries to anyone but a coordinator.

    Parameters
    ----------
    actor : Actor
        Who decides.

    Raises
    ------
    PermissionDenied
        ``permission_coordinator_only``.
    """
    if not may_decide_reports(actor):
        raise PermissionDenied("permission_coordinator_only")


def may_see_coverage(actor: Actor) -> bool:
    """Whether ``actor`` may see the meeting-place coverage: everyone (it is made from public places only).

    Parameters
    ----------
    actor : Actor
        Who looks.

    Returns
    -------
    bool
        True for every role.
    """
    return at_least(actor, "public")


def may_explore_coverage(actor: Actor) -> bool:
    """Whether ``actor`` may ask what-if questions and see suggested sites.

    Whoever may see coverage may: both are made from the same public meeting places and the same
    homes, and a ward manager should not need a workshop role to see where a place would help.

    Parameters
    ----------
    actor : Actor
        Who looks.

    Returns
    -------
    bool
        The same as :func:`may_see_coverage`.
    """
    return may_see_coverage(actor)


# ---------------------------------------------------------------------- owners with an update link
def owner_actor(entry_id: str) -> Actor:
    """The actor of whoever holds a valid update link of ``entry_id``: public, tied to that entry.

    Parameters
    ----------
    entry_id : str
        The entry the link is for.

    Returns
    -------
    Actor
        ``Actor("owner:<entry_id>", "public", entry=entry_id)``; the history records its changes
        under that name, as the entry's owner.
    """
    return Actor(f"{OWNER_PREFIX}{entry_id}", "public", entry=entry_id)


def is_entry_owner(actor: Actor) -> bool:
    """Whether ``actor`` holds an update link (of one entry).

    Parameters
    ----------
    actor : Actor
        Who asks.

    Returns
    -------
    bool
        True for an actor made by :func:`owner_actor`.
    """
    return getattr(actor, "entry", None) is not None


def check_owner_edit(actor: Actor, entry_id: str, fields=()) -> None:
    """Refuse an update link's holder any change but of their own entry's :data:`OWNER_FIELDS`.

    Parameters
    ----------
    actor : Actor
        Who wants to change it.
    entry_id : str
        The entry (for an activity: the entry it belongs to).
    fields : iterable of str
        The fields to change.

    Raises
    ------
    PermissionDenied
        ``permission_owner_other_entry`` for another entry (or an actor without a link);
        ``permission_owner_field`` for a field that is not theirs to change.
    """
    if not is_entry_owner(actor) or actor.entry != entry_id:
        raise PermissionDenied("permission_owner_other_entry", id=entry_id)
    refused = sorted(set(fields) - set(OWNER_FIELDS))
    if refused:
        raise PermissionDenied("permission_owner_field", fields=", ".join(refused))


def check_entry_write(actor: Actor, entry_id: str, fields=()) -> None:
    """Refuse a write of one entry's fields (or activities): the owner's rules for an update link's
    holder (:func:`check_owner_edit`), else those of :func:`check_write`.

    Parameters
    ----------
    actor : Actor
        Who writes.
    entry_id : str
        The entry.
    fields : iterable of str
        The fields to change (only checked for an update link's holder).

    Raises
    ------
    PermissionDenied
        As :func:`check_owner_edit` or :func:`check_write`.
    """
    if is_entry_owner(actor):
        check_owner_edit(actor, entry_id, fields)
    else:
        check_write(actor)


def may_issue_update_links(actor: Actor) -> bool:
    """Whether ``actor`` may issue, list and revoke update links, and decide on owners' changes.

    Parameters
    ----------
    actor : Actor
        Who asks.

    Returns
    -------
    bool
        True for a ``coordinator``.
    """
    return may_manage(actor) and not is_entry_owner(actor)


def check_issue_update_links(actor: Actor) -> None:
    """Refuse update links to anyone but a coordinator.

    Parameters
    ----------
    actor : Actor
        Who asks.

    Raises
    ------
    PermissionDenied
        ``permission_coordinator_only``.
    """
    if not may_issue_update_links(actor):
        raise PermissionDenied("permission_coordinator_only")
