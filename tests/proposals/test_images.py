"""Uploaded images are checked by content and re-encoded without their metadata."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from participation.errors import DomainError
from proposals import services
from proposals.images import MAX_BYTES, image_prepare
from proposals.models import Proposal
from tests.proposals.conftest import proposal_fields
from tests.proposals.images import image_upload

pytestmark = pytest.mark.django_db


def test_jpeg_is_reencoded_without_exif(citizen, axis):
    upload = image_upload("JPEG")
    assert b"SecretCam" in upload.read()
    proposal = services.proposal_create(
        author=citizen, axis=axis, image=image_upload("JPEG"), **proposal_fields()
    )
    with proposal.image.open("rb") as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    stored_image = Image.open(proposal.image.path)
    assert stored_image.format == "JPEG"
    assert not stored_image.getexif()
    assert proposal.image.name.endswith(".jpg")
    assert "photo" not in proposal.image.name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt):
    prepared = image_prepare(image_upload(fmt))
    assert prepared.name.endswith({"PNG": ".png", "WEBP": ".webp"}[fmt])


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_other_image_formats_are_refused(fmt):
    with pytest.raises(DomainError, match="JPEG, PNG or WebP") as error:
        image_prepare(image_upload(fmt))
    assert error.value.field == "image"


def test_a_non_image_named_like_an_image_is_refused(citizen, axis):
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")
    with pytest.raises(DomainError, match="not an image"):
        services.proposal_create(author=citizen, axis=axis, image=fake, **proposal_fields())
    assert not Proposal.objects.exists()


def test_an_image_wider_than_4000_pixels_is_refused():
    with pytest.raises(DomainError, match="4000 pixels"):
        image_prepare(image_upload("PNG", size=(4001, 10)))


def test_a_file_over_5_mb_is_refused():
    big = SimpleUploadedFile("big.png", b"\0" * (MAX_BYTES + 1), content_type="image/png")
    with pytest.raises(DomainError, match="5 MB"):
        image_prepare(big)


def test_the_author_replaces_then_removes_the_image(
    citizen, axis, django_capture_on_commit_callbacks
):
    draft = services.proposal_create(
        author=citizen, axis=axis, image=image_upload("PNG"), **proposal_fields()
    )
    first = draft.image.name
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.proposal_update(
            actor=citizen, proposal=draft, image=image_upload("JPEG"), **proposal_fields()
        )
    assert draft.image.name != first
    assert not draft.image.storage.exists(first)
    draft = services.proposal_update(
        actor=citizen, proposal=draft, remove_image=True, **proposal_fields()
    )
    assert not draft.image
