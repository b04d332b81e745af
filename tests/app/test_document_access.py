"""Who sees which documents (``app.document_access``) over a real small index (Chroma and the lexical
index as the product builds them; fake embedder, scripted generator) and the SQLite database: a
user's upload is theirs alone (seen, asked about, listed and deleted by them only); a client's
document is read in that client's workspace only and leaves the index with the client; a deleted
user's documents leave with them; shared documents are everyone's; an upload whose row was never
written (a crash between) is nobody's."""

from pathlib import Path

import pytest

from app.answer.documents import DocumentError
from app.storage.uploads import accept_upload, owner_folder
from ingest.pipeline import SAME_CONTENT
from tests.app.documents_index import OLDER, QUESTION, document_services, doc_id
from tests.app.storage.test_accounts import QUICK_HASH


def report(place: str, amount: str) -> str:
    return (f"{place}中小企业数字化转型调研报告\n\n调研显示，2025年{place}中小企业数字化转型市场规模将达到{amount}。\n\n"
            f"{place}企业数字化转型最大的痛点是缺少数据。\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("document-access")
    services = document_services(root)
    accounts = services.stores.accounts
    accounts.hasher = QUICK_HASH
    users = {name: accounts.add(name, f"{name}-password", role) for name, role in
             (("alice", "member"), ("bob", "member"), ("carol", "consultant"), ("dave", "member"), ("root", "admin"))}
    return services, users, root


def upload(world, user: str, name: str, text: str, client_id: int | None = None, shared: bool = False):
    services, users, root = world
    temp = root / "incoming" / name
    temp.parent.mkdir(exist_ok=True)
    temp.write_text(text, encoding="utf-8")
    account = users[user]
    folder = "" if shared else owner_folder(account.id, client_id)
    accepted = accept_upload(temp, name, services.settings.uploads_dir, 5, folder)
    [result] = services.document_access.add(account, [accepted], client_id, shared=shared)
    return result


def readable(world, user: str, client_id: int | None = None) -> set[str]:
    services, users, _ = world
    return {item.document.doc_id for item in services.document_access.visible(users[user], client_id)}


def ask(world, user: str, client_id: int | None = None, documents=None):
    services, users, _ = world
    access = services.document_access
    return access.advisor_for(access.reader(users[user], client_id)).ask(QUESTION, documents=documents)


def test_a_users_upload_is_theirs_alone(world):
    services, users, _ = world
    access = services.document_access
    mine = upload(world, "alice", "丙市调研报告.txt", report("丙市", "7000亿元"))
    assert mine.status == "added" and mine.chunks > 0
    assert mine.doc_id in readable(world, "alice") and mine.doc_id not in readable(world, "bob")
    assert doc_id(services, OLDER) in readable(world, "bob")  # the shared documents: everyone's
    [listed] = [d.to_json(for_admin=False) for d in access.visible(users["alice"]) if d.document.doc_id == mine.doc_id]
    assert listed["shared"] is False and listed["origin"] == "private" and "source" not in listed

    scoped = ask(world, "alice", documents=["丙市调研报告"])
    assert [d["doc_id"] for d in scoped.documents] == [mine.doc_id] and "7000亿元" in scoped.answer
    with pytest.raises(DocumentError) as caught:
        ask(world, "bob", documents=["丙市调研报告"])
    assert caught.value.kind == "unknown" and mine.doc_id not in {d.doc_id for d in caught.value.documents}
    assert mine.doc_id not in {c.doc_id for c in ask(world, "bob").contexts}
    this_report = access.advisor_for(access.reader(users["bob"])).ask("这份报告说2025年市场规模将达到多少？")
    assert mine.doc_id not in [d["doc_id"] for d in this_report.documents]

    with pytest.raises(DocumentError):
        access.remove_own(users["bob"], mine.doc_id)
    with pytest.raises(DocumentError):  # a shared document is not a user's to delete
        access.remove_own(users["alice"], OLDER)
    assert services.store.has_doc(mine.doc_id)
    assert access.remove_own(users["alice"], "丙市调研报告.txt") == [mine.doc_id]
    assert not services.store.has_doc(mine.doc_id) and services.stores.document_owners.of_documents([mine.doc_id]) == {}
    assert not (services.settings.uploads_dir / owner_folder(users["alice"].id) / "丙市调研报告.txt").exists()


def test_the_same_file_from_another_user_reads_as_theirs_and_stays_while_either_holds_it(world):
    services, users, _ = world
    access = services.document_access
    first = upload(world, "alice", "丁县报告.txt", report("丁县", "900亿元"))
    second = upload(world, "bob", "我的丁县报告.txt", report("丁县", "900亿元"))
    assert second.doc_id == first.doc_id and second.status == "added" and SAME_CONTENT not in second.warnings
    assert first.doc_id in readable(world, "bob")
    access.remove_own(users["alice"], first.doc_id)
    assert services.store.has_doc(first.doc_id) and first.doc_id in readable(world, "bob")
    assert first.doc_id not in readable(world, "alice")
    access.remove_own(users["bob"], first.doc_id)
    assert not services.store.has_doc(first.doc_id)


def test_a_clients_documents_are_read_in_its_workspace_only_and_leave_with_it(world):
    services, users, _ = world
    access, clients, carol = services.document_access, services.stores.clients, users["carol"]
    x, y = clients.create(carol.id, "甲客户"), clients.create(carol.id, "乙客户")
    theirs = upload(world, "carol", "戊市报告.txt", report("戊市", "1200亿元"), client_id=x.id)
    assert theirs.doc_id in readable(world, "carol", x.id)
    assert theirs.doc_id not in readable(world, "carol", y.id) | readable(world, "carol")
    assert "1200亿元" in ask(world, "carol", x.id, documents=["戊市"]).answer
    assert theirs.doc_id not in {c.doc_id for c in ask(world, "carol", y.id).contexts}
    with pytest.raises(DocumentError):
        ask(world, "carol", y.id, documents=["戊市"])
    copy = services.settings.uploads_dir / owner_folder(carol.id, x.id) / "戊市报告.txt"
    assert copy.exists()
    access.delete_client(carol, x.id)
    assert not services.store.has_doc(theirs.doc_id) and not copy.exists()
    assert services.stores.document_owners.of_documents([theirs.doc_id]) == {}
    assert [c.name for c in clients.list(carol.id)] == ["乙客户"]


def test_deleting_a_user_deletes_their_documents(world):
    services, users, _ = world
    theirs = upload(world, "dave", "己镇报告.txt", report("己镇", "80亿元"))
    assert services.store.has_doc(theirs.doc_id)
    services.document_access.delete_user("dave")
    assert not services.store.has_doc(theirs.doc_id)
    assert not services.stores.accounts.exists("dave")


def test_shared_documents_are_everyones_and_the_admin_lists_every_owner(world):
    services, users, _ = world
    access = services.document_access
    shared = upload(world, "root", "庚省报告.txt", report("庚省", "2500亿元"), shared=True)
    assert all(shared.doc_id in readable(world, user) for user in ("alice", "bob", "carol"))
    mine = upload(world, "alice", "辛市报告.txt", report("辛市", "600亿元"))
    rows = {d.document.doc_id: d.to_json(for_admin=True) for d in access.everything()}
    assert rows[shared.doc_id]["owners"] == [] and rows[shared.doc_id]["shared"]
    assert [o["user"] for o in rows[mine.doc_id]["owners"]] == ["alice"] and not rows[mine.doc_id]["shared"]
    assert rows[mine.doc_id]["source"].startswith(f"upload://{owner_folder(users['alice'].id)}/")
    assert access.remove_any(mine.doc_id) == [mine.doc_id]  # an admin deletes anyone's, with its rows
    assert services.stores.document_owners.of_documents([mine.doc_id]) == {}


def test_an_upload_whose_row_was_never_written_is_nobodys(world):
    """A crash between storing a private document and writing its row leaves it to nobody."""
    services, users, root = world
    path = Path(root / "incoming" / "壬市报告.txt")
    path.write_text(report("壬市", "300亿元"), encoding="utf-8")
    [stored] = services.ingest([path], origin="private")
    assert services.store.has_doc(stored.doc_id)
    assert all(stored.doc_id not in readable(world, user) for user in ("alice", "bob", "carol"))
    assert stored.doc_id not in {c.doc_id for c in ask(world, "alice").contexts}
    orphan = next(d for d in services.document_access.everything() if d.document.doc_id == stored.doc_id)
    assert orphan.owners == () and orphan.document.private  # listed for an admin, who can delete it
