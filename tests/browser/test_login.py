def test_clerk_signs_in_on_a_phone_and_sees_their_branch(world, new_page, login):
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "clerk")
    assert page.locator('[data-figure="members.total"]').inner_text() == "8"
    assert "第一党支部" in page.content()
