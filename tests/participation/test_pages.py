"""The public pages, in French and in English, from the demo process."""

import pytest

from participation.demo import load_demo
from tests.factories import CommentFactory, ProcessFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    process, _ = load_demo()
    return process


def test_home_lists_open_processes_in_french_by_default(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    page = response.content.decode()
    assert demo.title in page
    assert "Processus participatifs" in page
    assert 'lang="fr"' in page


def test_home_speaks_english_to_an_english_browser(client, demo):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    assert "Participatory processes" in response.content.decode()


def test_language_switch_remembers_the_choice(client, demo):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Participatory processes" in client.get("/").content.decode()


def test_language_switch_does_not_redirect_elsewhere(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_process_page_shows_phases_and_axes_with_budgets(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()
    for axis in ("Lieux", "Données", "Communs"):
        assert axis in page
    assert "150" in page and "000 €" in page
    assert 'aria-current="step"' in page  # the running phase is marked


def test_axis_page_lists_filters_and_paginates(client, demo):
    axis = demo.axes.get(slug="lieux")
    response = client.get(axis.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 10
    filtered = client.get(axis.get_absolute_url(), {"q": "fablab"})
    assert [p.title for p in filtered.context["page"]] == ["Un fablab mobile dans un camion"]
    english = client.get(axis.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sort by" in english


def test_axis_page_answers_htmx_with_the_list_only(client, demo):
    axis = demo.axes.get(slug="lieux")
    response = client.get(axis.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"card" in response.content


def test_proposal_page_shows_the_threaded_comments(client, demo):
    proposal = demo.axes.get(slug="lieux").proposals.filter(comments__isnull=False).first()
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert proposal.title in page
    assert "thread replies" in page


def test_proposal_page_query_count_does_not_grow_with_comments(
    client, django_assert_max_num_queries
):
    proposal = ProposalFactory()
    for _ in range(30):
        root = CommentFactory(proposal=proposal)
        reply = CommentFactory(proposal=proposal, parent=root, depth=1)
        CommentFactory(proposal=proposal, parent=reply, depth=2)
    with django_assert_max_num_queries(12):
        response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200


def test_proposal_of_another_process_is_not_reachable_through_this_url(client):
    proposal = ProposalFactory()
    other = ProposalFactory()
    url = proposal.get_absolute_url().replace(f"/{proposal.pk}/", f"/{other.pk}/")
    assert client.get(url).status_code == 404


def test_unpublished_process_page_is_404(client):
    process = ProcessFactory(is_published=False)
    assert client.get(process.get_absolute_url()).status_code == 404


def test_404_page_is_the_site_page(client):
    response = client.get("/processes/nope/")
    assert response.status_code == 404
