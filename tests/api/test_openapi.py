"""The OpenAPI document: valid OpenAPI 3, served without a token, describing every route and its errors."""

from openapi_spec_validator import validate

ROUTES = {
    "/api/v1/auth/token", "/api/v1/me", "/api/v1/organizations", "/api/v1/organizations/tree",
    "/api/v1/organizations/{code}", "/api/v1/organizations/{code}/children", "/api/v1/people",
    "/api/v1/people/{person_id}", "/api/v1/activities", "/api/v1/activities/{code}", "/api/v1/findings",
    "/api/v1/findings/{code}", "/api/v1/findings/{code}/submit", "/api/v1/findings/{code}/return",
    "/api/v1/findings/{code}/close", "/api/v1/service-items", "/api/v1/service-items/{code}/complete",
    "/api/v1/indicators", "/api/v1/indicators/catalog", "/api/v1/drill", "/api/v1/warnings",
}


def test_the_document_is_valid_openapi_and_complete(db, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert ROUTES <= set(document["paths"])
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.endswith("/auth/token"):
                assert "security" not in operation
                continue
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorOut")


def test_list_routes_cost_the_same_few_queries_whatever_the_page_holds(world, api, django_assert_max_num_queries):
    """Counts are subqueries of the page's one query: no query per organization, person or activity."""
    city = api(world.city_user)
    for path in ("organizations", "organizations/tree", "people", "activities", "findings", "service-items"):
        with django_assert_max_num_queries(6):
            assert city.get(path, page_size=200).status_code == 200
