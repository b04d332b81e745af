"""Every sentence the HTTP API and the chat's queue notice show to people, in one table."""

ERRORS = {
    "bad_json": "the request body is not valid JSON ({detail})",
    "not_object": "the request body must be a JSON object",
    "no_messages": "`messages` must be a non-empty list of {{\"role\", \"content\"}} objects",
    "bad_message": "messages[{i}] must be an object with a string `role` and a text `content`",
    "unknown_role": "messages[{i}] has the unknown role {role!r}; use system, user or assistant",
    "no_user_message": "the last message must be the user's question (role \"user\") with some text",
    "no_question": "`question` must be a non-empty string",
    "question_too_long": "the question has {n} characters; the limit is {limit}",
    "bad_history": "`history`: {detail}",
    "bad_profile": "`profile`: {detail}",
    "bad_field": "`{field}` must be {kind}",
    "bad_documents": "`documents`: {detail}",
    "bad_plan": "{detail}",
    "bad_selfcheck": "`selfcheck`: {detail}",
    "body_too_large": "the request body is over the {limit} limit",
    "upload_too_large": "{name}: {size:.1f} MB is over the {limit} MB limit",
    "upload_refused": "{detail}",
    "bad_form": "the upload was refused: {detail} One upload may hold at most {max_files} files (max_upload_files); "
                "send more in several uploads",
    "no_files": "send the documents as multipart/form-data in one or more `file` fields",
    "all_refused": "no document was ingested: {reasons}",
    "queue_full": "the advisor is busy: {waiting} requests are already waiting; retry after {retry} s",
    "loading": "the models are still loading; retry after {retry} s",
    "load_failed": "the models could not be loaded: {detail}",
    "no_token": "without sign-in, this route needs the server's api_token: set ADVISOR_API_TOKEN on the server",
    "bad_token": "missing or wrong API token: send `Authorization: Bearer <token>`",
    "no_key": "sign-in is on: send `Authorization: Bearer <API key>` (`advisor user key NAME` makes one)",
    "admin_only": "this route is for administrators: use an admin's API key or the server's api_token",
    "no_conversation": "no conversation with this id",
    "no_client": "you have no client {client!r} (give one of your clients' id or name)",
    "no_such": "{detail}",
    "storage": "{detail}",
    "bad_title": "`title` must be a non-empty string of at most 200 characters",
    "bad_format": "`format` must be one of {formats}",
    "bad_date": "`{field}` must be a date like 2026-03-01",
    "no_document": "no document matches {doc!r} (give a doc_id, its first 6+ characters, or a file name)",
    "not_found": "no such endpoint: {method} {path}",
    "method": "{method} is not allowed on {path}",
    "generation": "the answer failed: {detail}",
    "store": "the index could not be used ({detail})",
    "internal": "internal error ({kind}); the server log has the details",
}

# The chat's notice while a user waits for the model (Gradio), and when the line is full.
QUEUE = {
    "zh": {"waiting": "排队中：前面还有 {ahead} 位", "full": "当前咨询人数较多，请约 {retry} 秒后再试。"},
    "en": {"waiting": "In queue: {ahead} ahead", "full": "The advisor is busy; please try again in about {retry} s."},
}

# The sign-in page (app/web/login.py).
LOGIN = {
    "zh": {"title": "登录 · 制造业数字化转型顾问", "heading": "登录", "user": "用户名", "password": "密码",
           "submit": "登录", "failed": "用户名或密码不正确。",
           "throttled": "登录失败次数过多，请 {minutes} 分钟后再试。",
           "expired": "表单已过期，请重新输入后再登录。", "foreign": "拒绝：这个请求不是从本站页面发出的。",
           "other": "English", "signed_in": "已登录：{name}（{role}）", "logout": "退出登录",
           "logout_heading": "退出登录", "roles": {"admin": "管理员", "consultant": "顾问", "member": "成员"}},
    "en": {"title": "Sign in · Transformation Advisor", "heading": "Sign in", "user": "User name",
           "password": "Password", "submit": "Sign in", "failed": "Wrong user name or password.",
           "throttled": "Too many failed sign-ins: try again in {minutes} min.",
           "expired": "The form expired; enter your name and password again.",
           "foreign": "Refused: this request did not come from a page of this site.",
           "other": "中文", "signed_in": "Signed in as {name} ({role})", "logout": "Sign out",
           "logout_heading": "Sign out", "roles": {"admin": "admin", "consultant": "consultant", "member": "member"}},
}
