"""The public pages, in French and in English, from the demo process."""

import pytest
from django.urls import reverse

from participation.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    process, _ = load_demo()
    return process


def test_home_lists_open_processes_in_french_by_default(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert demo.title in response.content.decode()
