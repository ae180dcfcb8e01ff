import pytest


@pytest.mark.django_db
def test_main_page_speaks_korean_in_the_frame(client):
    """The main page answers with the Korean header, search box and footer of the frame."""
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert 'placeholder="검색"' in html
    assert "지금 라이브" in html
    assert "사업자등록번호" in html
