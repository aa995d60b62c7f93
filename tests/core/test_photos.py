"""Photos known by their content, whoever uploads them."""
from registry.core.photos import sniff_image


def test_images_known_by_content():
    assert sniff_image(b"\xff\xd8\xff\xe0rest").content_type == "image/jpeg"
    assert sniff_image(b"\x89PNG\r\n\x1a\n....").extension == "png"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ").content_type == "image/webp"
    assert sniff_image(b"GIF89a......") is None
    assert sniff_image(b"%PDF-1.4") is None
