"""The sign-in pages: GET/POST /login and GET/POST /logout, small HTML forms in Chinese or English
(Accept-Language, or ?lang=). A sign-in always starts a new session (a session cookie the browser
had before is ended and replaced: no session fixation); the cookie is HttpOnly, SameSite=Lax,
Secure over https, for the whole site, and lasts ``session_hours``. Both forms carry a CSRF token
(the sign-in form: a double-submit cookie; the sign-out form: one derived from the session) and
must come from this site (Origin or Referer naming the Host), else 403."""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.storage.accounts import LoginFailed, LoginThrottled
from app.storage.errors import StorageError
from app.web.auth import CSRF_COOKIE, SESSION_COOKIE, WebAuth, new_csrf, same_origin, same_token, session_csrf
from app.web.messages import LOGIN

MAX_FORM_BYTES = 8 * 1024

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f5f6f8; margin: 0; }}
main {{ max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 10px;
        box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
label {{ display: block; margin: .8rem 0 .3rem; }}
input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; cursor: pointer; }}
.message {{ color: #b00020; margin: .8rem 0 0; }}
.lang {{ float: right; font-size: .9rem; }}
</style></head>
<body><main>
<a class="lang" href="{path}?lang={other_lang}">{other}</a>
<h1>{heading}</h1>
{body}
</main></body></html>"""


def context(request: Request):
    return request.app.state.web


def auth_of(request: Request) -> WebAuth:
    return context(request).auth


def page_lang(request: Request, form: dict | None = None) -> str:
    """?lang= (or the form's), else the first of zh/en in Accept-Language; Chinese by default."""
    chosen = (form or {}).get("lang") or request.query_params.get("lang")
    if chosen in ("zh", "en"):
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith(("zh", "en")):
            return tag[:2]
    return "zh"


def render(request: Request, lang: str, heading: str, body: str, status: int = 200) -> HTMLResponse:
    t = LOGIN[lang]
    other = "en" if lang == "zh" else "zh"
    return HTMLResponse(PAGE.format(lang=lang, title=html.escape(t["title"]), heading=html.escape(heading),
                                    path=request.url.path, other_lang=other, other=LOGIN[lang]["other"], body=body),
                        status_code=status, headers={"Cache-Control": "no-store"})


def login_form(request: Request, lang: str, message: str = "", status: int = 200, name: str = "") -> HTMLResponse:
    """The sign-in form with a fresh CSRF token, also set as a cookie (double submit)."""
    t = LOGIN[lang]
    token = new_csrf()
    note = f'<p class="message" id="login-message" role="alert">{html.escape(message)}</p>' if message else ""
    body = (f'<form method="post" action="/login">{note}'
            f'<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="lang" value="{lang}">'
            f'<label for="user">{html.escape(t["user"])}</label>'
            f'<input type="text" id="user" name="user" autocomplete="username" required autofocus '
            f'value="{html.escape(name)}">'
            f'<label for="password">{html.escape(t["password"])}</label>'
            f'<input type="password" id="password" name="password" autocomplete="current-password" required>'
            f'<button type="submit" id="login-submit">{html.escape(t["submit"])}</button></form>')
    response = render(request, lang, t["heading"], body, status)
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.url.scheme == "https")
    return response


def logout_form(lang: str, session_token: str) -> str:
    """The sign-out form (also put in the chat page's header): its CSRF token comes from the session."""
    t = LOGIN[lang]
    return (f'<form method="post" action="/logout" class="logout-form">'
            f'<input type="hidden" name="csrf" value="{session_csrf(session_token)}">'
            f'<button type="submit" id="logout-submit">{html.escape(t["logout"])}</button></form>')


async def read_form(request: Request) -> dict[str, str] | None:
    """A small urlencoded form, one value a field; None when it is too long."""
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=20)
    return {k: v[0] for k, v in fields.items()}


def set_session_cookie(request: Request, response: Response, token: str, hours: float) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(hours * 3600), httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")


@router.get("/login")
async def login_page(request: Request):
    auth = auth_of(request)
    if not await anyio.to_thread.run_sync(auth.required):
        return RedirectResponse("/", status_code=303)
    return login_form(request, page_lang(request))


@router.post("/login")
async def login(request: Request):
    auth = auth_of(request)
    form = await read_form(request) or {}
    lang = page_lang(request, form)
    t = LOGIN[lang]
    if not same_origin(request.headers):
        return render(request, lang, t["heading"], f'<p class="message">{html.escape(t["foreign"])}</p>', 403)
    if not same_token(form.get("csrf"), request.cookies.get(CSRF_COOKIE)):
        return login_form(request, lang, t["expired"], 403)
    if not await anyio.to_thread.run_sync(auth.required):
        return RedirectResponse("/", status_code=303)
    name, password = form.get("user", ""), form.get("password", "")
    address = request.client.host if request.client else ""
    try:
        account, token = await anyio.to_thread.run_sync(auth.accounts.login, name, password, address)
    except LoginThrottled as exc:
        return login_form(request, lang, t["throttled"].format(minutes=max(1, round(exc.wait_s / 60))), 429)
    except (LoginFailed, StorageError):  # one message for a wrong name and a wrong password
        return login_form(request, lang, t["failed"], 401, name=name)
    earlier = request.cookies.get(SESSION_COOKIE)
    if earlier:  # whatever session cookie the browser came with ends here; the new token replaces it
        await anyio.to_thread.run_sync(auth.accounts.logout, earlier)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, token, auth.settings.session_hours)
    response.delete_cookie(CSRF_COOKIE, path="/login")
    return response


@router.get("/logout")
async def logout_page(request: Request):
    """A page with the sign-out form, for a link or a typed address (signing out is a POST)."""
    token = request.cookies.get(SESSION_COOKIE)
    auth = auth_of(request)
    if not token or await anyio.to_thread.run_sync(auth.session_account, token) is None:
        return RedirectResponse("/login", status_code=303)
    lang = page_lang(request)
    return render(request, lang, LOGIN[lang]["logout_heading"], logout_form(lang, token))


@router.post("/logout")
async def logout(request: Request):
    auth = auth_of(request)
    form = await read_form(request) or {}
    lang = page_lang(request, form)
    token = request.cookies.get(SESSION_COOKIE)
    if not same_origin(request.headers) or (token and not same_token(form.get("csrf"), session_csrf(token))):
        return render(request, lang, LOGIN[lang]["logout_heading"],
                      f'<p class="message">{html.escape(LOGIN[lang]["foreign"])}</p>', 403)
    if token:
        await anyio.to_thread.run_sync(auth.accounts.logout, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
