"""DCAT-AP 3 at /catalog.ttl and /catalog.jsonld: the graph conforms to the official DCAT-AP 3.0.0 SHACL shapes
(chiso/opendata/shapes, pySHACL without inference) and says exactly what the catalogue holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from chiso.opendata import catalogue

SHAPES = Path(__file__).resolve().parents[2] / "chiso" / "opendata" / "shapes" / "dcat-ap-3.0.0-SHACL.ttl"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld"}
HOST = "dulieu.example.vn"
DATASET = URIRef(f"http://{HOST}/du-lieu-mo/xhs-06-2024/#dataset")


@pytest.fixture(autouse=True)
def our_host(settings) -> None:  # type: ignore[no-untyped-def]
    """Every URI is absolute, from the request's host."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]


def graph_of(client, fmt: str) -> Graph:  # type: ignore[no-untyped-def]
    response = client.get(f"/catalog.{fmt}", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == {"ttl": "text/turtle; charset=utf-8",
                                        "jsonld": "application/ld+json; charset=utf-8"}[fmt]
    return Graph().parse(data=response.content.decode("utf-8"), format=FORMATS[fmt])


@pytest.mark.django_db
def test_the_catalogue_conforms_to_the_dcat_ap_3_shapes(client) -> None:
    """The Turtle; the JSON-LD holds the same graph (below)."""
    conforms, _, report = validate(graph_of(client, "ttl"), shacl_graph=Graph().parse(SHAPES), inference="none")
    assert conforms, report


@pytest.mark.django_db
def test_it_says_what_the_catalogue_holds(client) -> None:
    g = graph_of(client, "ttl")
    catalog = URIRef(f"http://{HOST}/du-lieu-mo/#catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    assert set(g.objects(catalog, DCAT.dataset)) == {
        URIRef(f"http://{HOST}/du-lieu-mo/{d.id}/#dataset") for d in catalogue.datasets()}
    assert set(g.objects(DATASET, DCTERMS.title)) == {
        Literal("XHS-06 Số tài khoản định danh điện tử đã kích hoạt – năm 2024", lang="vi"),
        Literal("XHS-06 Electronic identity accounts activated – 2024", lang="en")}
    distribution = URIRef(f"http://{HOST}/du-lieu-mo/xhs-06-2024/#phuong-xa-csv")
    assert (DATASET, DCAT.distribution, distribution) in g
    assert list(g.objects(distribution, DCAT.downloadURL)) == [
        URIRef(f"http://{HOST}/du-lieu-mo/xhs-06-2024/phuong-xa.csv")]
    assert list(g.objects(distribution, DCTERMS.format)) == [
        URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")]
    assert list(g.objects(distribution, DCAT.mediaType)) == [
        URIRef("https://www.iana.org/assignments/media-types/text/csv")]
    assert list(g.objects(DATASET, DCTERMS.accrualPeriodicity)) == [
        URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")]
    assert set(g.objects(DATASET, DCAT.theme)) == {
        URIRef(f"http://{HOST}/du-lieu-mo/#pillar-xhs"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/SOCI")}
    period = g.value(DATASET, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)
    assert g.value(DATASET, DCTERMS.modified).datatype == XSD.dateTime  # type: ignore[union-attr]
    assert (DATASET, URIRef(str(DCAT) + "inSeries"), URIRef(f"http://{HOST}/du-lieu-mo/#series-xhs-06")) in g
    # the demo's figures are illustrative: the description says so, in both languages
    assert any("minh họa" in str(text) for text in g.objects(DATASET, DCTERMS.description))
    contact = g.value(DATASET, DCAT.contactPoint)
    assert g.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == URIRef("mailto:sokhcn@danang.gov.vn")
    publisher = g.value(catalog, DCTERMS.publisher)
    assert (publisher, FOAF.name, Literal("Sở Khoa học và Công nghệ thành phố Đà Nẵng", lang="vi")) in g
    assert g.value(catalog, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    endpoints = {g.value(s, DCAT.endpointURL) for s in g.objects(catalog, DCAT.service)}
    assert endpoints == {URIRef(f"http://{HOST}/api/3/action/"), URIRef(f"http://{HOST}/api/v1/")}


@pytest.mark.django_db
def test_both_formats_hold_the_same_graph(client) -> None:
    ttl, jsonld = graph_of(client, "ttl"), graph_of(client, "jsonld")
    def named(g: Graph) -> set[tuple[object, ...]]:
        return {t for t in g if not any(isinstance(term, BNode) for term in t)}

    assert len(ttl) == len(jsonld) > 1000
    assert named(ttl) == named(jsonld)


@pytest.mark.django_db
def test_only_get_is_answered(client) -> None:
    assert client.post("/catalog.ttl").status_code == 405
