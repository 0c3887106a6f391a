"""Sign-in with OpenID Connect: ``assetmap.auth_oidc`` against a real provider, in a real browser.

The provider is panva's ``oidc-provider`` (an OpenID Certified implementation, from the npm
registry, pinned in ``tests/oidc_provider/package-lock.json``), run with the machine's Node.js by
``tests/oidc_provider/provider.mjs`` on 127.0.0.1 with one static client and three users. Streamlit
runs ``tests/oidc_app.py`` (``st.login()`` on a button, then what :func:`~assetmap.auth_oidc.oidc_actor`
makes of ``st.user``) from a folder with a ``.streamlit/secrets.toml`` written for that provider.
Headless Chromium (Debian's, no downloaded browser) clicks through the whole flow: the app's
button, the provider's sign-in form, its consent page, back to the app, and out again through
the provider's end-session endpoint. The app is browsed as ``localhost`` and the provider as
``127.0.0.1``, so the two keep their cookies apart as two hosts would.

The rules that give a role (lists, role claim, verified e-mail, the safe default) are checked
without a browser too: on the claims directly, and through Streamlit's ``AppTest`` for
``st.secrets`` and ``st.user``.

Locally the browser tests skip when Node.js, the provider's ``node_modules`` (``npm ci --prefix
tests/oidc_provider``) or Chromium is missing; on CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time

import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest

from assetmap import auth_oidc
from assetmap.auth_oidc import SignIn, actor_from_claims
from assetmap.messages import Message
from assetmap.service import Actor

import browsing
from browsing import free_port as _free_port
from browsing import require_chromium as _require_chromium
from browsing import wait_healthy as _wait_healthy
from conftest import REPO

PROVIDER_DIR = REPO / "tests" / "oidc_provider"
ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 60_000
CLIENT_ID = "assetmap-test"
CLIENT_SECRET = "client-secret-for-this-test-only"
#: The provider's users: login -> (password, claims). Ans is a coordinator by the list (written in
#: another case in the secrets), Bram a workshop host by the role claim, Cor nobody in particular.
USERS = {
    "ans": ("ans-wachtwoord", {"email": "ans@gemeente.example", "email_verified": True, "name": "Ans"}),
    "bram": ("bram-wachtwoord", {"email": "bram@buurthuis.example", "email_verified": True,
                                 "assetmap_role": "workshop"}),
    "cor": ("cor-wachtwoord", {"email": "cor@example.org", "email_verified": True}),
}


def _assetmap_secrets(issuer: str) -> dict:
    """The ``[assetmap]`` section for the real provider: Ans by her address (in another case)."""
    return {"coordinators": [{"provider": issuer, "email": "Ans@Gemeente.example"}], "workshop": [],
            "role_claim": "assetmap_role"}


# ------------------------------------------------------------------------------------- the rules, no browser
ISS = "https://login.gemeente.example/realms/gemeente"
OTHER_ISS = "https://accounts.elders.example"
CONFIG = {"coordinators": [{"provider": ISS, "email": "ans@gemeente.example"}],
          "workshop": [{"provider": ISS + "/", "email": "Bram@Buurthuis.example"}, {"provider": ISS, "sub": "s-7"}],
          "role_claim": "groups"}


@pytest.mark.parametrize(("claims", "expected"), [
    ({"iss": ISS, "sub": "1", "email": "ANS@gemeente.example", "email_verified": True},
     Actor("ANS@gemeente.example", "coordinator")),
    ({"iss": ISS, "sub": "2", "email": "bram@buurthuis.example", "email_verified": True},
     Actor("bram@buurthuis.example", "workshop")),
    ({"iss": ISS, "sub": "s-7", "preferred_username": "gijs"}, Actor("gijs", "workshop")),  # by subject
    ({"iss": ISS, "sub": "3", "preferred_username": "dirk", "groups": ["staff", "Workshop"]}, Actor("dirk", "workshop")),
    ({"iss": ISS, "sub": "4", "email": "bram@buurthuis.example", "groups": "coordinator"},
     Actor("bram@buurthuis.example", "coordinator")),
    ({"iss": ISS, "sub": "5", "email": "ans@gemeente.example", "email_verified": True, "groups": "workshop"},
     Actor("ans@gemeente.example", "coordinator")),
    ({"iss": ISS, "sub": "abc-123"}, Actor("abc-123", "public")),
    ({"iss": ISS, "sub": "6", "email": "  ", "preferred_username": "eva"}, Actor("eva", "public")),
])
def test_the_role_comes_from_the_configuration(claims, expected):
    assert actor_from_claims(claims, CONFIG).actor == expected


def test_anyone_else_gets_the_public_role_with_a_notice_that_names_the_provider():
    sign_in = actor_from_claims({"iss": ISS, "sub": "9", "email": "iemand@example.org",
                                 "groups": ["admin", "public"]}, CONFIG)
    assert sign_in == SignIn(Actor("iemand@example.org", "public"),
                             Message("oidc_role_default", pseudonym="iemand@example.org", provider=ISS, subject="9"))
    dutch = sign_in.notice.render("nl")
    assert "iemand@example.org" in dutch and "rol" in dutch and ISS in dutch and "subject 9" in dutch


@pytest.mark.parametrize("flag", [None, False, "false", "FALSE", "true", "True", "0", "1", 1, "yes"])
def test_an_address_counts_only_when_email_verified_is_boolean_true(flag):
    claims = {"iss": ISS, "sub": "1", "email": "ans@gemeente.example"}
    if flag is not None:
        claims["email_verified"] = flag
    sign_in = actor_from_claims(claims, CONFIG)
    assert sign_in.actor == Actor("ans@gemeente.example", "public")
    assert sign_in.notice.code == "oidc_email_unverified" and ISS in sign_in.notice.render("en")


@pytest.mark.parametrize("iss", [OTHER_ISS, None, "", ISS + ".evil.example"])
def test_the_same_address_at_another_provider_is_someone_else(iss):
    claims = {"sub": "s-7", "email": "ans@gemeente.example", "email_verified": True}
    if iss is not None:
        claims["iss"] = iss
    assert actor_from_claims(claims, CONFIG).actor == Actor("ans@gemeente.example", "public")


def test_claims_and_lists_of_the_wrong_kind_give_nothing():
    verified = {"iss": ISS, "email_verified": True}
    config = {"coordinators": "ans@gemeente.example", "workshop": 7, "role_claim": ["groups"]}
    assert actor_from_claims({**verified, "sub": "1", "email": "ans@gemeente.example"}, config).actor.role == "public"
    old_style = {"coordinators": ["ans@gemeente.example"]}  # no provider: names nobody
    assert actor_from_claims({**verified, "sub": "1", "email": "ans@gemeente.example"}, old_style).actor.role == "public"
    no_person = {"coordinators": [{"provider": ISS}, {"provider": ISS, "email": 7, "sub": 8}]}
    assert actor_from_claims({**verified, "sub": "8", "email": "ans@gemeente.example"}, no_person).actor.role == "public"
    assert actor_from_claims({"sub": "2", "email": "x@example.org", "groups": "coordinator"}, config).actor.role == "public"
    assert actor_from_claims({"sub": "3", "email": 42, "groups": {"coordinator": True}},
                             {"role_claim": "groups"}).actor == Actor("3", "public")
    assert actor_from_claims({"email_verified": True}, CONFIG) is None  # no identity to record


def _page_reading_the_sign_in():
    import streamlit as st

    from assetmap.auth_oidc import oidc_actor, oidc_configured, oidc_notice

    actor, notice = oidc_actor(), oidc_notice()
    st.text(f"configured={oidc_configured()}")
    st.text(f"actor={actor.pseudonym}/{actor.role}" if actor else "actor=None")
    st.text(f"notice={notice.code if notice else None}")


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "assetmap", "client_secret": "geheim",
        "server_metadata_url": "https://login.gemeente.example/.well-known/openid-configuration"}


def _run(secrets: dict, user: dict) -> list[str]:
    app = AppTest.from_function(_page_reading_the_sign_in)
    app.secrets, app.user = secrets, user
    app.run()
    assert not app.exception
    return [element.value for element in app.text]


def test_st_user_and_st_secrets_give_the_actor():
    user = {"is_logged_in": True, "iss": ISS, "email": "ans@gemeente.example", "email_verified": True, "sub": "1"}
    assert _run({"auth": AUTH, "assetmap": {"coordinators": [{"provider": ISS, "email": "ans@gemeente.example"}]}},
                user) == [
        "configured=True", "actor=ans@gemeente.example/coordinator", "notice=None"]
    assert _run({"auth": AUTH}, user) == [
        "configured=True", "actor=ans@gemeente.example/public", "notice=oidc_role_default"]


def test_nobody_is_signed_in_without_is_logged_in():
    """A logged-out user, and ``st.user`` with an e-mail but no ``is_logged_in`` (AppTest's default)."""
    assert _run({"auth": AUTH}, {"is_logged_in": False}) == ["configured=True", "actor=None", "notice=None"]
    assert _run({"auth": AUTH}, {"email": "test@example.com"}) == ["configured=True", "actor=None", "notice=None"]


@pytest.mark.parametrize(("auth", "expected"), [
    (AUTH, True),
    ({k: v for k, v in AUTH.items() if k != "client_secret"}, False),
    ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, False),
    ({**AUTH, "redirect_uri": " "}, False),
    ({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
      "gemeente": {k: AUTH[k] for k in auth_oidc.PROVIDER_AUTH_KEYS}}, True),
])
def test_configured_needs_every_key(auth, expected):
    assert _run({"auth": auth}, {})[0] == f"configured={expected}"


FULL_SECRETS = "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in AUTH.items())


@pytest.mark.parametrize(("content", "expected"), [
    (FULL_SECRETS, True),
    (None, False), ("", False), ("[assetmap]\ncoordinators = []\n", False),
    ("[auth\nbroken = ", False), ("auth = 3\n", False),
])
def test_configured_reads_the_secrets_file(content, expected, tmp_path, monkeypatch):
    """No file, an empty one, one without [auth], broken TOML, [auth] of the wrong kind: False, no exception."""
    from streamlit.testing.v1.util import patch_config_options

    path = tmp_path / "secrets.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())
    with patch_config_options({"secrets.files": [str(path)]}):
        assert auth_oidc.oidc_configured() is expected
        assert auth_oidc.oidc_actor() is None  # no script run: st.user is empty


# ------------------------------------------------------------------------ a real provider, a real browser
def _require_provider() -> str:
    """The path of ``node``; skips (fails on CI) when Node.js or the provider's packages are missing."""
    node = shutil.which("node")
    if node and (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return node
    reason = ("Node.js is not installed" if not node
              else "the OpenID Connect provider is not installed: npm ci --prefix tests/oidc_provider")
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (on CI .ci/run installs it)")
    pytest.skip(reason)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    """The provider and a Streamlit server of ``tests/oidc_app.py`` signed up with it.

    Returns the app's URL (``http://localhost:PORT``) and the provider's issuer.
    """
    node = _require_provider()
    _require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("oidc")
    app_port = _free_port()
    app_url = f"http://localhost:{app_port}"
    callback = f"{app_url}/oauth2callback"
    (folder / "provider.json").write_text(json.dumps({
        "port": 0,
        "client": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                   "redirect_uris": [callback], "post_logout_redirect_uris": [callback]},
        "users": [{"login": login, "password": password, "claims": claims}
                  for login, (password, claims) in USERS.items()],
    }), encoding="utf-8")
    provider_log = open(ARTIFACTS / "oidc-provider.log", "wb")
    provider = subprocess.Popen([node, str(PROVIDER_DIR / "provider.mjs"), str(folder / "provider.json")],
                                cwd=PROVIDER_DIR, stdout=subprocess.PIPE, stderr=provider_log)
    app_log = open(ARTIFACTS / "oidc-streamlit.log", "wb")
    app = None
    try:
        issuer = _read_issuer(provider)
        secrets = folder / ".streamlit" / "secrets.toml"
        secrets.parent.mkdir()
        secrets.write_text(_toml({
            "auth": {"redirect_uri": callback, "cookie_secret": os.urandom(24).hex(),
                     "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                     "server_metadata_url": f"{issuer}/.well-known/openid-configuration"},
            "assetmap": _assetmap_secrets(issuer),
        }), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "tests" / "oidc_app.py"),
             "--server.headless", "true", "--server.port", str(app_port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=folder, env=env, stdout=app_log, stderr=subprocess.STDOUT)
        _wait_healthy(f"http://127.0.0.1:{app_port}", app)
        yield app_url, issuer
    finally:
        for process in (app, provider):
            if process is not None:
                _stop(process)
        provider_log.close()
        app_log.close()


def _read_issuer(provider: subprocess.Popen, timeout_s: float = 30) -> str:
    """The issuer from the provider's ``ready`` line."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if provider.poll() is not None:
            raise RuntimeError(f"the provider exited with {provider.returncode}: see {ARTIFACTS / 'oidc-provider.log'}")
        ready, _, _ = select.select([provider.stdout], [], [], 0.5)
        if ready:
            line = provider.stdout.readline().decode().strip()
            if line.startswith("ready "):
                return line.split()[1]
    raise TimeoutError("the provider did not say it was ready")


def _toml(sections: dict) -> str:
    """A secrets.toml with one table per section (texts, lists of texts or of inline tables); JSON
    strings are TOML strings."""
    def value_of(value) -> str:
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {value_of(v)}" for k, v in value.items()) + " }"
        if isinstance(value, list):
            return "[" + ", ".join(value_of(v) for v in value) + "]"
        return json.dumps(value)

    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {value_of(value)}" for key, value in values.items()]
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def chromium(oidc_app):
    with browsing.chromium() as browser:
        yield browser


@pytest.fixture
def page(chromium, request):
    """A page in a fresh context (no cookies at the app or the provider); its last screen is kept."""
    context = chromium.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield page
    finally:
        name = re.sub(r"[^\w-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"oidc-last-{name}.png"), full_page=True)
        context.close()


def _sign_in(page, app_url: str, issuer: str, login: str, password: str) -> None:
    """From the app's button through the provider's sign-in form and consent page back to the app."""
    page.goto(app_url)
    page.get_by_text("oidc-signed-out").wait_for()
    page.get_by_text("oidc-configured: True").wait_for()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"^{re.escape(issuer)}/interaction/"))
    page.get_by_label("User name").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()  # consent: the first sign-in of a session
    page.wait_for_url(re.compile(rf"^{re.escape(app_url)}/"))


def _shows(page, login: str, role: str, notice: str | None, issuer: str = "") -> None:
    """The app shows the pseudonym, the role and (or no) notice that ``assetmap.auth_oidc`` gives ``login``,
    the notice naming the provider."""
    email = USERS[login][1]["email"]
    page.get_by_text(f"oidc-pseudonym: {email}", exact=True).wait_for()
    page.get_by_text(f"oidc-role: {role}", exact=True).wait_for()
    if notice:
        page.get_by_text(f"oidc-notice: {notice}").wait_for()
        shown = Message(notice, pseudonym=email, provider=issuer, subject="\x00").render("nl").split("\x00")[0]
        assert issuer and issuer in shown
        page.get_by_text(shown).wait_for()  # up to the subject, which the provider chooses
    else:
        assert page.get_by_text("oidc-notice:").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"oidc-signed-in-{login}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.slow
def test_sign_in_reload_and_sign_out_with_a_real_provider(oidc_app, page):
    """The coordinator (by the list, written in another case): in, still in after a reload, and out at both ends."""
    app_url, issuer = oidc_app
    _sign_in(page, app_url, issuer, "ans", USERS["ans"][0])
    _shows(page, "ans", "coordinator", None)
    assert any(cookie["name"] == "_streamlit_user" for cookie in page.context.cookies(app_url))

    # A reload keeps the sign-in (Streamlit's signed cookie).
    page.reload()
    page.get_by_text("oidc-role: coordinator", exact=True).wait_for()

    # Out through the provider's end-session endpoint, and back to the app signed out.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(rf"^{re.escape(issuer)}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile(rf"^{re.escape(app_url)}/"))
    page.get_by_text("oidc-signed-out").wait_for()
    assert not any(cookie["name"].startswith("_streamlit_user") for cookie in page.context.cookies(app_url))

    # The provider's session ended too: signing in again asks for the password again.
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Password").wait_for()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("login", "role", "notice"), [
    ("bram", "workshop", None),                # by the role claim the provider sets
    ("cor", "public", "oidc_role_default"),    # nobody named him: the safe default, with the notice
])
def test_the_role_of_a_real_sign_in(oidc_app, page, login, role, notice):
    app_url, issuer = oidc_app
    _sign_in(page, app_url, issuer, login, USERS[login][0])
    _shows(page, login, role, notice, issuer)


@pytest.mark.browser
@pytest.mark.slow
def test_a_wrong_password_signs_nobody_in(oidc_app, page):
    app_url, issuer = oidc_app
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("User name").fill("ans")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong user name or password.").wait_for()
    page.get_by_role("button", name="Cancel").click()  # the provider sends access_denied back
    page.wait_for_url(re.compile(rf"^{re.escape(app_url)}/"))
    page.get_by_text("oidc-signed-out").wait_for()
    assert page.get_by_text("oidc-pseudonym:").count() == 0
