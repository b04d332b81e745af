"""Every label of the web app in Chinese and English; the language switch picks one column."""

TEXT = {
    "zh": {
        "title": "## 制造业数字化转型顾问\n根据政策文件回答，每个结论都标注来源；资料没有的内容会直接说明，不编造数字。",
        "lang": "界面语言 · Language",
        "tab_chat": "咨询", "tab_plan": "方案草稿", "tab_kb": "知识库管理",
        "profile": "企业画像（可选）", "tier": "企业类型", "industry": "行业", "headcount": "人数",
        "level": "数字化水平（评测等级）", "pains": "主要痛点", "no_profile": "不设置",
        "question": "输入问题，按回车发送", "send": "发送", "new": "新对话",
        "chat_placeholder": "问一个关于数字化转型的问题，或点击下面的示例。",
        "comment": "反馈意见（可选）", "send_comment": "提交意见", "feedback_saved": "已记录反馈，谢谢！",
        "feedback_none": "还没有可反馈的回答。",
        "goal": "转型目标", "goal_placeholder": "例如：两年内把设备联网率提高，实现生产数据可视化",
        "draft": "生成方案草稿", "draft_text": "方案草稿（可直接编辑）", "export_docx": "导出 Word", "export_md": "导出 Markdown",
        "need_tier": "请先在“咨询”页的企业画像中选择企业类型。",
        "login_user": "用户名", "login_password": "密码", "login": "登录", "logout": "退出",
        "login_failed": "用户名或密码不正确。", "login_disabled": "管理功能未启用：请设置 ADVISOR_ADMIN_PASSWORD。",
        "logged_in": "已登录。", "login_required": "请先登录管理账号，再修改知识库。",
        "login_limited": "登录失败次数过多，请 {seconds} 秒后再试。",
        "upload": "上传文件（PDF、DOCX、Markdown、TXT、HTML）", "ingest": "导入", "results": "导入结果",
        "docs": "文档列表", "delete_doc": "选择要删除的文档", "delete": "删除", "rebuild": "重建索引",
        "export_feedback": "导出反馈（JSONL）",
        "cols": ["文档ID", "标题", "文件", "片段数", "导入时间(UTC)"],
    },
    "en": {
        "title": "## Transformation Advisor\nAnswers from policy documents, every claim with its source; when the sources do not say, it tells you, and never invents figures.",
        "lang": "界面语言 · Language",
        "tab_chat": "Ask", "tab_plan": "Plan draft", "tab_kb": "Knowledge base",
        "profile": "Enterprise profile (optional)", "tier": "Enterprise tier", "industry": "Industry",
        "headcount": "Headcount", "level": "Digital level (evaluation)", "pains": "Main pain points",
        "no_profile": "not set",
        "question": "Type a question and press Enter", "send": "Send", "new": "New conversation",
        "chat_placeholder": "Ask about digital transformation, or pick an example below.",
        "comment": "Comment (optional)", "send_comment": "Send comment", "feedback_saved": "Feedback saved, thank you!",
        "feedback_none": "There is no answer to give feedback on yet.",
        "goal": "Transformation goal", "goal_placeholder": "e.g. connect key equipment and see production data within two years",
        "draft": "Draft the plan", "draft_text": "Plan draft (editable)", "export_docx": "Export Word", "export_md": "Export Markdown",
        "need_tier": "Choose the enterprise tier in the profile on the Ask tab first.",
        "login_user": "User", "login_password": "Password", "login": "Log in", "logout": "Log out",
        "login_failed": "Wrong user or password.", "login_disabled": "Administration is off: set ADVISOR_ADMIN_PASSWORD.",
        "logged_in": "Logged in.", "login_required": "Log in as administrator before changing the knowledge base.",
        "login_limited": "Too many failed logins: wait {seconds} s and try again.",
        "upload": "Upload files (PDF, DOCX, Markdown, TXT, HTML)", "ingest": "Ingest", "results": "Results",
        "docs": "Documents", "delete_doc": "Document to delete", "delete": "Delete", "rebuild": "Rebuild index",
        "export_feedback": "Export feedback (JSONL)",
        "cols": ["doc_id", "title", "file", "chunks", "ingested (UTC)"],
    },
}

TIER_CHOICES = {
    "zh": [("不设置", ""), ("行业龙头企业", "leading"), ("大型企业", "large"), ("中小企业", "sme"), ("小微企业", "micro")],
    "en": [("not set", ""), ("Industry-leading", "leading"), ("Large", "large"), ("SME", "sme"), ("Small / micro", "micro")],
}
LEVEL_CHOICES = {
    "zh": [("未知", 0), ("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4)],
    "en": [("unknown", 0), ("Level 1", 1), ("Level 2", 2), ("Level 3", 3), ("Level 4", 4)],
}
EXAMPLES = [
    "指南从哪几个方面提出了数字化转型路径？",
    "我们是小微企业，预算很少，数字化转型应该从哪里入手？",
    "设备管理场景要达到三级，需要做到什么程度？",
    "How do the Guidelines differentiate strategies for leading firms, large enterprises and SMEs?",
]
